"""The local Airflow as a newcomer meets it: scripts/smoke-airflow run as a subprocess with
a PATH that lacks the virtualenv (as `.venv/bin/wirelake airflow` is run without
activating it), plus the helpers of pipeline.orchestration.local it relies on."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline.orchestration import local

REPO = Path(__file__).resolve().parent.parent
SMOKE = REPO / "scripts" / "smoke-airflow"


def path_without_venv() -> str:
    venv_bin = str(Path(sys.executable).parent)
    return os.pathsep.join(d for d in os.environ.get("PATH", os.defpath).split(os.pathsep) if d and d != venv_bin)


def test_airflow_env_puts_this_interpreter_first_on_path_and_moves_the_log_servers(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_without_venv())
    env = local.airflow_env(tmp_path, str(tmp_path / "lake"), tmp_path / "sources.yaml", 8080)
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert (Path(env["PATH"].split(os.pathsep)[0]) / "airflow").exists()
    ports = {int(env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"]), int(env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"])}
    assert len(ports) == 2 and not ports & {8793, 8794, 8080}


def test_local_airflow_waits_a_minute_for_the_sqlite_write_lock(tmp_path):
    """Airflow's own engine, built in a process with the local setup's environment: its
    SQLite connections wait 60 s for a lock where sqlite3's default gives up after 5 s."""
    env = local.airflow_env(tmp_path, str(tmp_path / "lake"), tmp_path / "sources.yaml", 8080)
    probe = "from airflow import settings\nwith settings.engine.connect() as c: print(c.exec_driver_sql('PRAGMA busy_timeout').scalar())"
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-1] == "60000"


def test_an_api_server_that_does_not_answer_is_not_yet_while_polling_then_one_clear_error(tmp_path):
    port = local.free_port()  # nothing listens there
    airflow = local.LocalAirflow(tmp_path, f"http://127.0.0.1:{port}", {}, tmp_path / "log", process=None, _token="unused")
    with pytest.raises(local.Unreachable, match=rf"GET http://127.0.0.1:{port}/api/v2/dags: no answer: .*refused"):
        airflow.call("GET", "/api/v2/dags")
    with pytest.raises(local.LocalAirflowError, match=r"DAGs \['wirelake_x'\] listed by the REST API: not done within 1s \(last: GET .*no answer"):
        airflow.wait_for_dags({"wirelake_x"}, timeout=1)


def test_a_locked_database_is_waited_out_and_a_post_looks_before_it_is_sent_again(tmp_path):
    """A real Airflow cannot be made to find its database locked on demand, so a loopback
    server stands in for the API: it answers as Airflow's database error handler does (with
    expose_stacktrace, which airflow_env sets), in the order the calls below expect."""
    locked = {"detail": {"reason": "Database error", "statement": "INSERT INTO log (dttm, event)\n VALUES (?, ?)", "orig_error": "database is locked", "message": "..."}}
    fk_error = (500, {"detail": {**locked["detail"], "orig_error": "FOREIGN KEY constraint failed"}})
    answers = [(500, locked), (500, locked), (200, {"is_paused": True}), fk_error, (500, locked), (200, {"id": 7}), (500, locked)]
    requests = []

    class Api(http.server.BaseHTTPRequestHandler):
        def answer(self):
            requests.append(self.command)
            status, payload = answers.pop(0)
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PATCH = do_POST = answer

        def log_message(self, *args):
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        airflow = local.LocalAirflow(tmp_path, f"http://127.0.0.1:{server.server_port}", {}, tmp_path / "log", process=None, _token="unused")
        with pytest.raises(local.LocalAirflowError, match=r"^POST /api/v2/backfills: HTTP 500: Database error: database is locked in INSERT INTO log \(dttm, event\) VALUES \(\?, \?\)$") as raised:
            airflow.call("POST", "/api/v2/backfills", {})
        assert local.is_database_locked(raised.value) and requests == ["POST"]
        assert airflow.call("PATCH", "/api/v2/dags/d", {"is_paused": True}) == {"is_paused": True}
        assert requests == ["POST", "PATCH", "PATCH"]
        with pytest.raises(local.LocalAirflowError, match=r"HTTP 500: Database error: FOREIGN KEY constraint failed in INSERT") as raised:
            airflow.call("PATCH", "/api/v2/dags/d", {"is_paused": True})
        assert not local.is_database_locked(raised.value) and requests == ["POST", "PATCH", "PATCH", "PATCH"]
        # create(): after a lock it looks for what the POST made, and posts again only when nothing is there
        looked = []
        assert airflow.create("backfill", "/api/v2/backfills", {}, lambda: looked.append(1)) == {"id": 7}
        assert airflow.create("backfill", "/api/v2/backfills", {}, lambda: {"id": 6}) == {"id": 6}
        assert looked == [1] and requests[4:] == ["POST", "POST", "POST"] and not answers
        server.shutdown()


def test_local_airflow_command_reports_bad_input_in_one_line(tmp_path):
    """Run as a module, as `wirelake airflow` runs it: no traceback for a home it cannot
    create (OSError) or a store it cannot open, which is a usage error found before the home is made."""
    (tmp_path / "file").write_text("")
    for args, code, error in [
        (["--home", str(tmp_path / "file" / "home")], 1, f"wirelake: error: airflow: [Errno 20] Not a directory: '{tmp_path / 'file' / 'home'}'"),
        (["--home", str(tmp_path / "home"), "--store", "s3://"], 2,
         "wirelake: error: airflow: s3://: an S3 store needs a bucket, as in s3://bucket/prefix (see --help)"),
        (["--home", str(tmp_path / "home"), "--store", "ftp://example.org/lake"], 2,
         "wirelake: error: airflow: ftp://example.org/lake: unsupported store (use a path, file://PATH or s3://BUCKET/PREFIX) (see --help)"),
    ]:
        done = subprocess.run([sys.executable, "-m", "pipeline.orchestration.local", *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert (done.returncode, done.stderr.strip().splitlines()) == (code, [error])
    assert not (tmp_path / "home").exists()


def test_smoke_script_without_the_airflow_extra_says_what_to_install(tmp_path):
    """`make demo`'s virtualenv has no Airflow; psutil is hidden from the import system here (None in
    sys.modules fails its import), as uninstalling it from the shared test venv is not an option."""
    code = f"import sys; sys.modules['psutil'] = None; sys.argv = [{str(SMOKE)!r}]; exec(compile(open({str(SMOKE)!r}).read(), 'smoke', 'exec'))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.splitlines()) == (1, [
        "smoke-airflow: the airflow extra is not installed: install the airflow extra (make install-test,"
        " or .venv/bin/pip install -c constraints.txt -e '.[airflow]')"
    ])


@pytest.mark.timeout(600)
def test_smoke_script_succeeds_without_the_virtualenv_on_path(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW")}
    env.update(PATH=path_without_venv(), TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, str(SMOKE)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=540)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    lines = done.stdout.splitlines()
    assert lines[-1] == "smoke-airflow: OK"
    assert any(line.startswith("DAGs listed by the REST API: ") and "wirelake_capitol_ledger" in line for line in lines)
    assert any(line.startswith("wirelake query: [{") and "'crawl_date': '2024-05-21'" in line for line in lines)
    assert list(tmp_path.glob("wirelake-smoke-*")) == []  # its temporary home is gone
