"""A local Airflow as a newcomer meets it: `airflow standalone` with this project's DAGs,
the offline news web and a local store, all under one AIRFLOW_HOME.

    wirelake airflow [--home .airflow] [--store ./lake]
    (or python -m pipeline.orchestration.local with the same options)

scripts/smoke-airflow runs the same thing in a temporary home and checks it through
the REST API.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import psutil

from pipeline import newsweb
from pipeline.console import OneLineParser, non_empty, port_number, stop_on_signals
from pipeline.orchestration.pools import pools_spec
from pipeline.sources import SourcesError, load_sources
from pipeline.store import StoreError, StoreURIError, open_store

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"
HEALTH_PATH = "/api/v2/monitor/health"
VENV_BIN = Path(sys.executable).parent
"""Where `airflow` is installed beside this interpreter; not resolved, so a venv's symlinked python counts."""
T = TypeVar("T")


class LocalAirflowError(Exception):
    """The local Airflow failed to start, to answer or to finish a run; the message says what and where to look."""


class Unreachable(LocalAirflowError):
    """The API server did not answer at all (refused, reset, timed out): while polling, "not yet"."""


def poll(what: str, timeout: float, check: Callable[[], T | None]) -> T:
    """Call check() until it returns something truthy, or LocalAirflowError after timeout
    seconds. An Unreachable server counts as not done yet; the last one is in the error."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            result = check()
        except Unreachable as exc:
            result, last = None, f" (last: {exc})"
        if result:
            return result
        time.sleep(0.5)  # polling interval, not synchronisation
    raise LocalAirflowError(f"{what}: not done within {timeout:.0f}s{last}")


@dataclass
class LocalAirflow:
    home: Path
    api_url: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen
    _token: str | None = None

    def admin_password(self) -> str:
        """Standalone's simple auth manager generates the admin password into this file."""
        return json.loads((self.home / "simple_auth_manager_passwords.json.generated").read_text())["admin"]

    def token(self) -> str:
        """A JWT for the REST API, from the simple auth manager's /auth/token."""
        if self._token is None:
            self._token = self._request("POST", "/auth/token", {"username": "admin", "password": self.admin_password()}, {})["access_token"]
        return self._token

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """One REST API call (path from /api/v2 on); LocalAirflowError names the call on an HTTP error.

        On SQLite the API can find the database locked by the scheduler (500 or 503 "database is
        locked"), even for the audit-log row it writes before the request's own work. A request that
        means the same when sent twice (all but POST) is then sent again, for up to a minute; a
        POST's caller must first look whether it took effect."""
        deadline = time.monotonic() + 60
        while True:  # not poll(): an unreachable server is an error here, not "not yet"
            try:
                return self._request(method, path, body, {"Authorization": f"Bearer {self.token()}"})
            except LocalAirflowError as exc:
                if method == "POST" or not is_database_locked(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.5)  # polling interval, not synchronisation

    def create(self, what: str, path: str, body: dict, existing: Callable[[], dict | None]) -> dict:
        """POST what creates `what` (a run, a backfill), past SQLite's lock: when the API answers
        that the database is locked, the lock may have hit before or after the commit, so
        existing() looks for it first and the POST is sent again only when it is not there."""

        def created() -> dict | None:
            try:
                return self.call("POST", path, body)
            except LocalAirflowError as exc:
                if not is_database_locked(exc):
                    raise
            return existing()

        return poll(f"{what} created", 60, created)

    def wait_for_dags(self, dag_ids: set[str], timeout: float = 120) -> None:
        """Until the DAG processor has parsed our DAGs and the API lists them."""
        listed = lambda: dag_ids <= {d["dag_id"] for d in self.call("GET", "/api/v2/dags?limit=100")["dags"]}  # noqa: E731
        poll(f"DAGs {sorted(dag_ids)} listed by the REST API", timeout, listed)

    def wait_for_runs(self, dag_id: str, run_type: str, count: int, timeout: float = 300) -> list[dict]:
        """Until `count` runs of run_type ("manual", "backfill", ...) have all finished. Fails at once
        when a task fails or waits for a retry, naming it, rather than sitting out the backoff."""

        def finished() -> list[dict] | None:
            path = f"/api/v2/dags/{dag_id}/dagRuns/~/taskInstances?state=failed&state=up_for_retry&state=upstream_failed"
            troubled = self.call("GET", path)["task_instances"]
            if troubled:
                problems = "; ".join(f"{t['task_id']} of {t['dag_run_id']} is {t['state']}" for t in troubled)
                raise LocalAirflowError(f"{dag_id}: {problems} (task logs under {self.home / 'logs'})")
            runs = [r for r in self.call("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"] if r["run_type"] == run_type]
            return runs if len(runs) >= count and all(r["state"] in ("success", "failed") for r in runs) else None

        return poll(f"{count} {run_type} run(s) of {dag_id}", timeout, finished)

    def create_pools(self, sources_path: Path) -> None:
        """The pools of the registry the DAGs are built from, over REST: the twin of
        `python -m pipeline.orchestration.pools`, so existing pools (maybe widened) are kept."""
        pools = [{"name": name, **pool} for name, pool in pools_spec(load_sources(sources_path)).items()]
        action = {"action": "create", "entities": pools, "action_on_existence": "skip"}
        outcome = self.call("PATCH", "/api/v2/pools", {"actions": [action]})["create"]
        if outcome["errors"]:
            raise LocalAirflowError(f"creating pools failed: {outcome['errors']}")

    def _request(self, method: str, path: str, body: dict | None, headers: dict[str, str]) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api_url + path, data, {"Content-Type": "application/json", **headers}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            raise LocalAirflowError(f"{method} {path}: HTTP {exc.code}: {_error_detail(exc.read().decode(errors='replace'))}") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise Unreachable(f"{method} {self.api_url}{path}: no answer: {reason}") from None


def is_database_locked(error: LocalAirflowError) -> bool:
    """The API's answer when SQLite's write lock stayed taken: 503 from the backfill routes, 500 elsewhere."""
    return "database is locked" in str(error).lower()


def _error_detail(answer: str) -> str:
    """What the API said went wrong: for a database error the driver's message and the failing
    statement (sent because airflow_env sets expose_stacktrace), not the stack trace."""
    try:
        detail = json.loads(answer)["detail"]
        return f"{detail['reason']}: {detail['orig_error']} in {' '.join(detail['statement'].split())[:300]}"
    except (ValueError, KeyError, TypeError, AttributeError):
        return answer[:300]


def free_port() -> int:
    """A port free on 127.0.0.1 right now, for the API server of a throwaway Airflow."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow_env(home: Path, store_uri: str, sources_path: Path, api_port: int) -> dict[str, str]:
    """The environment every Airflow process of the local setup shares. This interpreter's
    bin directory goes first on PATH: standalone starts its parts, and tasks `scrapy`,
    from PATH, and the venv need not be activated."""
    api_url = f"http://127.0.0.1:{api_port}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW__")}
    env.update(
        PATH=os.pathsep.join([str(VENV_BIN), env.get("PATH", os.defpath)]),
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__API__PORT=str(api_port),
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__BASE_URL=api_url,
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{api_url}/execution/",
        # The scheduler's and triggerer's log servers would take fixed 8793 and 8794.
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
        # A laptop, not a cluster: a few task processes and one API worker.
        AIRFLOW__CORE__PARALLELISM="4",
        AIRFLOW__API__WORKERS="1",
        # The offline news web only has news of May 2024, so runs are triggered or
        # backfilled by hand; the scheduler creates no cron runs for "yesterday".
        AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS="pipeline.orchestration.sqlite_connect.CONNECT_ARGS",
        # A database error's answer names the driver's error and the statement, where it would only
        # point at a log line (and standalone may not have written it out yet).
        AIRFLOW__API__EXPOSE_STACKTRACE="True",
        WIRELAKE_SOURCES=str(sources_path),
        WIRELAKE_STORE=store_uri,
    )
    return env


def _healthy(airflow: LocalAirflow) -> bool:
    if airflow.process.poll() is not None:
        raise LocalAirflowError(f"airflow standalone exited with code {airflow.process.returncode}; see {airflow.log_path}")
    try:
        with urllib.request.urlopen(airflow.api_url + HEALTH_PATH, timeout=5) as response:
            return json.load(response).get("metadatabase", {}).get("status") == "healthy"
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """Standalone shuts its components down on SIGINT; its process group goes if it hangs.
    Task processes run in process groups of their own, so whatever of standalone's
    descendants outlives that is killed too."""
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for child in descendants:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(descendants, timeout=10)


@contextmanager
def running(home: Path, store_uri: str, sources_path: Path, api_port: int, timeout: float = 180) -> Iterator[LocalAirflow]:
    """airflow standalone with our DAGs and pools, until the block ends. The caller serves
    the news web that sources_path points at."""
    home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(home, store_uri, sources_path, api_port)
    log_path = home / "standalone.log"
    try:
        with open(log_path, "ab") as log:
            # Popen looks `airflow` up on env's PATH, which starts with VENV_BIN.
            process = subprocess.Popen(["airflow", "standalone"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    except FileNotFoundError:
        raise LocalAirflowError(f"no `airflow` in {VENV_BIN} or on PATH: install the project with its airflow extra (pip install -e '.[airflow]')") from None
    try:
        airflow = LocalAirflow(home, env["AIRFLOW__API__BASE_URL"], env, log_path, process)
        poll(f"health of the API server at {airflow.api_url} (log: {log_path})", timeout, lambda: _healthy(airflow))
        airflow.create_pools(sources_path)
        yield airflow
    finally:
        _stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="wirelake airflow", description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=lambda text: Path(non_empty(text)), default=Path(".airflow"), help="AIRFLOW_HOME (default ./.airflow)")
    parser.add_argument("--store", default="./lake", type=non_empty, help="store for the corpus (default ./lake)")
    parser.add_argument("--port", type=port_number, default=newsweb.DEFAULT_PORT, help="news web port (default 8765, 0 for any free one)")
    parser.add_argument("--api-port", type=port_number, default=8080, help="Airflow UI and API port (default 8080, 0 for any free one)")
    args = parser.parse_args(argv)
    try:
        store = open_store(args.store)
    except StoreURIError as exc:
        parser.error(str(exc))  # a --store that names no store is bad usage, found before the home is made
    # Ctrl-C and a plain `kill` both end in the clean shutdown below; standalone would otherwise
    # inherit a background job's "ignore SIGINT" and never stop on it.
    stop_on_signals()
    home = args.home.resolve()
    sources_path = home / "sources.yaml"
    try:
        home.mkdir(parents=True, exist_ok=True)
        with newsweb.serve(args.port) as web:
            sources_path.write_text(web.sources_yaml())
            with running(home, store.uri, sources_path, args.api_port or free_port()) as airflow:
                days = newsweb.demo_plan()["capitol_ledger"]
                print(f"Airflow UI  {airflow.api_url}  (user admin, password {airflow.admin_password()})")
                print(f"DAGs        {', '.join(f'wirelake_{name}' for name in load_sources(sources_path))}: switch one on, then")
                print(f"            trigger it with a logical date the news web has news for, e.g. {days[-1]} (capitol_ledger: {', '.join(map(str, days))})")
                print(f"corpus      {store.uri}  (wirelake query \"select source, crawl_date, count(*) from articles group by all\" --store {args.store})")
                print(f"logs        {airflow.log_path}; Ctrl-C stops everything", flush=True)
                airflow.process.wait()
                raise LocalAirflowError(f"airflow standalone exited with code {airflow.process.returncode}; see {airflow.log_path}")
    except KeyboardInterrupt:
        return 0
    except SourcesError as exc:
        print("\n".join(f"wirelake: error: airflow: {problem}" for problem in exc.problems), file=sys.stderr)
        return 1
    except (OSError, LocalAirflowError, newsweb.NewswebError, StoreError) as exc:
        print(f"wirelake: error: airflow: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
