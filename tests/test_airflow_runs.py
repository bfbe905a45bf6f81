"""Real Airflow runs of the generated DAGs against the offline news web and moto's S3
server: `airflow dags test` (which is dag.test()) per date, `airflow tasks test` for a
failing crawl. Airflow runs in subprocesses with a temporary AIRFLOW_HOME, migrated
once for the module, so nothing here touches ~/airflow or the test process's config.
What the runs left in Airflow's database (XCom, asset events, pools) is read back by a
subprocess with the same home (RECORDS)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pipeline import corpus, layout
from pipeline.orchestration import alerts
from pipeline.store import open_store
from tests.loopback import QuietHandler, loopback_site

REPO = Path(__file__).resolve().parent.parent


def airflow_env(home: Path, sources: Path, store_uri: str, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW")}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        WIRELAKE_SOURCES=str(sources),
        WIRELAKE_STORE=store_uri,
    )
    env.update(extra)
    return env


# Runs in a subprocess with the test's AIRFLOW_HOME: a DAG's XComs and asset events, as JSON.
RECORDS = """
import json, sys
from sqlalchemy import select
from airflow.models.asset import AssetEvent
from airflow.models.xcom import XComModel
from airflow.utils.session import create_session
with create_session() as session:
    xcoms = session.execute(select(XComModel.run_id, XComModel.task_id, XComModel.key, XComModel.value).where(XComModel.dag_id == sys.argv[1])).all()
    events = session.scalars(select(AssetEvent).where(AssetEvent.source_dag_id == sys.argv[1])).all()
    print(json.dumps({
        "xcoms": [{"run_id": r, "task_id": t, "key": k, "value": XComModel.deserialize_value(type("R", (), {"value": v})())} for r, t, k, v in xcoms],
        "events": [{"run_id": e.source_run_id, "task_id": e.source_task_id, "extra": e.extra} for e in events],
    }, default=str))
"""


def records(env: dict[str, str], dag_id: str) -> dict:
    done = subprocess.run([sys.executable, "-c", RECORDS, dag_id], env=env, cwd=env["AIRFLOW_HOME"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def airflow(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["airflow", *args], env=env, cwd=env["AIRFLOW_HOME"], capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, f"airflow {' '.join(args)} exited {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}"
    return done


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory, newsweb) -> tuple[Path, Path]:
    """A migrated AIRFLOW_HOME and a registry pointing at the running news web."""
    home = tmp_path_factory.mktemp("airflow")
    sources = home / "sources.yaml"
    sources.write_text(newsweb.sources_yaml())
    airflow(airflow_env(home, sources, "unused"), "db", "migrate")
    return home, sources


def expected_urls(newsweb, source: str, day: date) -> list[str]:
    """The manifest's article pages of one partition, each once."""
    return sorted(a.url for a in newsweb.expected_articles() if a.source == source and a.crawl_date == day)


def partition(store_uri: str, source: str, day: date):
    return corpus.read_partition(open_store(store_uri), layout.corpus_partition_key(source, day))


def test_pools_command_creates_missing_pools_and_keeps_widened_ones(airflow_home, tmp_path):
    """Run once, widen a pool, add a source, run again: only the new source's pool is created."""
    home, sources = airflow_home
    env = airflow_env(home, sources, "unused")
    create = [sys.executable, "-m", "pipeline.orchestration.pools"]

    def slots() -> dict[str, int]:
        return {pool["pool"]: int(pool["slots"]) for pool in json.loads(airflow(env, "pools", "list", "--output", "json").stdout)}

    first = subprocess.run(create, env=env, capture_output=True, text=True, check=True, timeout=120).stdout
    fixture_pools = {f"wirelake_{name}" for name in ("capitol_ledger", "daily_courier", "metro_wire", "harbor_gazette", "dedup")}
    assert {name: slots().get(name) for name in fixture_pools} == dict.fromkeys(fixture_pools, 1)
    assert first.startswith("pools created: ") and all(name in first.split(";")[0] for name in fixture_pools)

    airflow(env, "pools", "set", "wirelake_capitol_ledger", "3", "widened by ops")
    grown = tmp_path / "sources.yaml"
    grown.write_text(sources.read_text() + "  - name: late_addition\n    domains: [late.example]\n    feeds: [http://late.example/feed.xml]\n"
                     "  - {name: typo_src, domains: [b.example], feeds: [http://b.example/f], politness: {delay: 2}}\n")
    again = subprocess.run(create, env={**env, "WIRELAKE_SOURCES": str(grown)}, capture_output=True, text=True, timeout=120)
    # the broken entry is reported and gets no pool; the good one added beside it still gets its own
    assert (again.returncode, again.stderr) == (2, f"{grown}: source 'typo_src': field 'politness': unknown key\n")
    assert again.stdout.split(";")[0] == "pools created: wirelake_late_addition"
    after = slots()
    assert (after["wirelake_capitol_ledger"], after["wirelake_late_addition"]) == (3, 1)


def test_pools_command_names_a_database_never_migrated_in_one_line(tmp_path):
    """Ops who run it before `airflow db migrate` get the fix, not SQLAlchemy's traceback."""
    env = airflow_env(tmp_path, REPO / "sources.yaml", "unused")
    done = subprocess.run([sys.executable, "-m", "pipeline.orchestration.pools"], env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (1, "", [
        f"pools: Airflow's database sqlite:///{tmp_path}/airflow.db cannot be used (no such table: slot_pool): run `airflow db migrate` first"
    ])


def test_pools_command_without_airflow_says_what_to_install(tmp_path):
    """`make demo`'s virtualenv has no Airflow; it is hidden from the import system here (None in
    sys.modules fails its import), as uninstalling it from the shared test venv is not an option."""
    code = "import sys; sys.modules['airflow'] = None; from pipeline.orchestration.pools import main; raise SystemExit(main([]))"
    env = airflow_env(tmp_path, REPO / "sources.yaml", "unused")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr.splitlines()) == (1, [
        "pools: Airflow is not installed here: install the airflow extra (make install-test, or .venv/bin/pip install -c constraints.txt -e '.[airflow]')"
    ])


def test_consecutive_dates_then_a_rerun_publish_each_partition_once(airflow_home, newsweb, s3_store_uri):
    """Three days through the store of an Airflow `aws` connection (no AWS variables in
    the task's environment), then the middle day again: every partition holds exactly
    its articles, each once. (The week's backfill uses the plain AWS variables.)"""
    home, sources = airflow_home
    secret = "conn-secret-4c1e9a7f"  # moto accepts any secret; this one must never show up
    connection = {
        "conn_type": "aws",
        "login": os.environ["AWS_ACCESS_KEY_ID"],
        "password": secret,
        "extra": {"endpoint_url": os.environ["AWS_ENDPOINT_URL"], "region_name": "us-east-1"},
    }
    env = airflow_env(home, sources, s3_store_uri, AIRFLOW_CONN_WIRELAKE_S3=json.dumps(connection))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        env.pop(name)
    days = [date(2024, 5, 20), date(2024, 5, 21), date(2024, 5, 22)]
    outputs = [airflow(env, "dags", "test", "wirelake_harbor_gazette", day.isoformat()) for day in [*days, days[1]]]
    assert not [done.args for done in outputs if secret in done.stdout + done.stderr]  # the task logs

    store = open_store(s3_store_uri)
    assert store.list(layout.CORPUS_ARTICLES_PREFIX) == [layout.corpus_partition_key("harbor_gazette", day) for day in days]
    for day in days:
        table = partition(s3_store_uri, "harbor_gazette", day)
        assert sorted(table.column("url").to_pylist()) == expected_urls(newsweb, "harbor_gazette", day)
        assert set(table.column("crawl_date").to_pylist()) == {day}
        assert store.exists(layout.raw_warc_key("harbor_gazette", day))

    # XCom: each crawl's stats; the asset events: one per publish, naming its partition.
    recorded = records(env, "wirelake_harbor_gazette")
    assert secret not in json.dumps(recorded)
    crawls = [x["value"] for x in recorded["xcoms"] if (x["task_id"], x["key"]) == ("crawl", "return_value")]
    assert len(crawls) == len(days)  # the re-run replaced its day's XCom
    assert sorted(str(stats["start"]) for stats in crawls) == [d.isoformat() for d in days]
    assert all(stats["source"] == "harbor_gazette" and stats["articles"] >= 1 for stats in crawls)
    extras = sorted((e["extra"] for e in recorded["events"]), key=lambda extra: extra["day"])
    assert [extra["day"] for extra in extras] == [d.isoformat() for d in sorted([*days, days[1]])]
    for extra in extras:
        day = date.fromisoformat(extra["day"])
        assert extra["source"] == "harbor_gazette" and extra["key"] == layout.corpus_partition_key("harbor_gazette", day)
        assert extra["rows"] == len(expected_urls(newsweb, "harbor_gazette", day))


@pytest.fixture
def failing_site():
    """A site on loopback that answers every request with 503."""

    class AlwaysUnavailable(QuietHandler):
        def do_GET(self):
            self.reply(503, "text/plain", b"down for maintenance")

    with loopback_site(AlwaysUnavailable) as url:
        yield url


class _AlertWebhook(QuietHandler):
    """A chat tool's incoming webhook: keeps each message posted to it."""

    received: list[tuple[str, dict]] = []

    def do_POST(self) -> None:
        self.received.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
        self.reply(200, "text/plain", b"ok")


def test_crawl_task_fails_with_a_clear_message_when_the_site_returns_only_errors(airflow_home, failing_site, tmp_path):
    home, _ = airflow_home
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - name: unavailable\n"
        "    domains: [127.0.0.1]\n"
        f"    feeds: [{failing_site}/feed.xml]\n"
        "    politeness: {delay: 0, retries: 0}\n"
        "    allow_private_addresses: true\n"
    )
    store = tmp_path / "lake"
    _AlertWebhook.received = []
    with loopback_site(_AlertWebhook) as webhook:
        env = airflow_env(home, sources, str(store), WIRELAKE_ALERT_WEBHOOK=f"{webhook}/hook")
        # A run of our own: `tasks test` deletes a run it had to create, and that run's XComs with it.
        airflow(env, "dags", "reserialize")
        airflow(env, "dags", "trigger", "wirelake_unavailable", "--run-id", "crawl-fails", "--logical-date", "2024-05-20T00:00:00+00:00")
        done = airflow(env, "tasks", "test", "wirelake_unavailable", "crawl", "crawl-fails", check=False)
    output = done.stdout + done.stderr  # `tasks test` exits 0 even when the task fails: read its log
    assert _AlertWebhook.received == []  # retries are left: no alert yet
    assert "Task failed with exception" in output
    assert "CrawlFailed: crawl of unavailable [2024-05-20, 2024-05-21) failed: nothing was fetched successfully (" in output
    assert "503" in output.split("nothing was fetched successfully", 1)[1].splitlines()[0]
    assert 'crawl stats: {"source": "unavailable"' in output  # the stats are in the task log
    assert not store.exists() or not list(store.rglob("*.warc.gz"))  # a failed crawl stores nothing
    [stats] = [x["value"] for x in records(env, "wirelake_unavailable")["xcoms"] if x["key"] == "crawl_stats"]
    assert stats["source"] == "unavailable" and stats["pages_ok"] == 0 and stats["errors"] >= 1


def test_an_old_day_without_articles_fails_at_once_without_retries(airflow_home, tmp_path):
    """A backfill day long past whose crawl finds no article (the site answers; its listings have
    moved on): three retries an hour apart would find the same, so the task fails for good."""
    home, sources = airflow_home
    env = airflow_env(home, sources, str(tmp_path / "lake"))
    output = _fail_for_good(env, "crawl", "old-empty-day", "2024-04-02")
    assert "AirflowFailException: crawl of capitol_ledger 2024-04-02 breaks its quality gates, nothing replaced: 0 article pages fetched" in output
    assert "beyond what the site's listings show: no retry would find more" in output
    assert "new_state=failed" in output and "new_state=up_for_retry" not in output


def test_a_manual_run_for_a_day_not_over_fails_at_once_without_retries(airflow_home, tmp_path):
    """A trigger for a future day has nothing whole to crawl, and a retry an hour later would not
    change that: the task fails immediately (AirflowFailException), naming the day."""
    home, sources = airflow_home
    env = airflow_env(home, sources, str(tmp_path / "lake"))
    airflow(env, "dags", "reserialize")
    airflow(env, "dags", "trigger", "wirelake_capitol_ledger", "--run-id", "future-day", "--logical-date", "2099-05-20T00:00:00+00:00")
    done = airflow(env, "tasks", "test", "wirelake_capitol_ledger", "crawl", "future-day", check=False)
    output = done.stdout + done.stderr
    assert "AirflowFailException: logical date 2099-05-20T00:00:00+00:00 is UTC day 2099-05-20, which is not over yet" in output
    assert not (tmp_path / "lake").exists()  # nothing crawled, nothing stored


def _fail_for_good(env: dict[str, str], task: str, run_id: str, day: str) -> str:
    """Run `task` of a manual run of capitol_ledger for `day` where it fails without a retry left."""
    airflow(env, "dags", "reserialize")
    airflow(env, "dags", "trigger", "wirelake_capitol_ledger", "--run-id", run_id, "--logical-date", f"{day}T00:00:00+00:00")
    done = airflow(env, "tasks", "test", "wirelake_capitol_ledger", task, run_id, check=False)
    return done.stdout + done.stderr


def test_a_task_failed_for_good_is_posted_to_the_alert_webhook(airflow_home, tmp_path):
    """validate (no retries) of a day never published: the webhook gets one message naming the day."""
    home, sources = airflow_home
    _AlertWebhook.received = []
    with loopback_site(_AlertWebhook) as webhook:
        env = airflow_env(home, sources, str(tmp_path / "lake"), WIRELAKE_ALERT_WEBHOOK=f"{webhook}/services/T01/B02/token-xyz")
        output = _fail_for_good(env, "validate", "alerted-day", "2024-05-10")
    [(path, alert)] = _AlertWebhook.received
    assert path == "/services/T01/B02/token-xyz"
    assert isinstance(alert.pop("try_number"), int)  # Airflow's count; `tasks test` leaves it at 0
    error = alert.pop("error")
    assert error == f"StoreError: {(tmp_path / 'lake').as_uri()}/corpus/articles/date=2024-05-10/source=capitol_ledger/part-0.parquet: no such object"
    assert alert == {
        "text": f"wirelake: validate of capitol_ledger for 2024-05-10 failed: {error}", "source": "capitol_ledger", "day": "2024-05-10",
        "dag_id": "wirelake_capitol_ledger", "task_id": "validate", "run_id": "alerted-day",
    }  # fmt: skip
    assert f"alert sent to {webhook.removeprefix('http://')}: wirelake: validate of capitol_ledger for 2024-05-10 failed" in output
    assert "token-xyz" not in output  # a webhook's path is its secret


def test_an_alert_that_cannot_be_delivered_is_one_warning_line(airflow_home, tmp_path):
    """A webhook that refuses connections: one warning naming its host, and the task's own error stays."""
    home, sources = airflow_home
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        env = airflow_env(home, sources, str(tmp_path / "lake"), WIRELAKE_ALERT_WEBHOOK=f"http://127.0.0.1:{port}/hook")
        output = _fail_for_good(env, "crawl", "unalerted-day", "2099-05-22")
    assert f"alert not delivered to 127.0.0.1:{port} ($WIRELAKE_ALERT_WEBHOOK): <urlopen error [Errno 111] Connection refused>" in output
    assert "AirflowFailException: logical date 2099-05-22T00:00:00+00:00 is UTC day 2099-05-22, which is not over yet" in output


def test_a_webhook_setting_that_is_no_url_is_one_warning_that_keeps_the_secret(monkeypatch, caplog):
    """A URL pasted without its scheme: no request, no traceback, and the token is not logged."""
    monkeypatch.setenv(alerts.ALERT_WEBHOOK_VARIABLE, "hooks.chat.example/services/T01/SECRET-TOKEN")
    with caplog.at_level(logging.WARNING, logger=alerts.__name__):
        alerts.task_failed({})  # returns before reading the context
    assert caplog.messages == ["alert not sent: $WIRELAKE_ALERT_WEBHOOK is not an http(s) URL with a host"]
