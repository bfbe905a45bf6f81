"""Real Airflow runs of the generated DAGs against the offline news web and moto's S3
server: `airflow dags test` (which is dag.test()) per date, `airflow tasks test` for a
failing crawl. Airflow runs in subprocesses with a temporary AIRFLOW_HOME, migrated
once for the module, so nothing here touches ~/airflow or the test process's config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline import corpus, layout
from pipeline.store import open_store

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


def test_pools_file_imports_with_the_airflow_cli(airflow_home, tmp_path):
    home, sources = airflow_home
    env = airflow_env(home, sources, "unused")
    pools_file = tmp_path / "pools.json"
    subprocess.run([sys.executable, "-m", "pipeline.orchestration.pools", str(pools_file)], env=env, check=True, timeout=60)
    airflow(env, "pools", "import", str(pools_file))
    listed = json.loads(airflow(env, "pools", "list", "--output", "json").stdout)
    slots = {pool["pool"]: int(pool["slots"]) for pool in listed}
    assert {name: slots.get(name) for name in json.loads(pools_file.read_text())} == {
        f"wirelake_{name}": 1 for name in ("capitol_ledger", "daily_courier", "metro_wire", "harbor_gazette", "dedup")
    }


def test_consecutive_dates_then_a_rerun_publish_each_partition_once(airflow_home, newsweb, s3_store_uri):
    """Three days through the store of an Airflow `aws` connection (no AWS variables in
    the task's environment), then the middle day again: every partition holds exactly
    its articles, each once. (The week's backfill uses the plain AWS variables.)"""
    home, sources = airflow_home
    connection = {
        "conn_type": "aws",
        "login": os.environ["AWS_ACCESS_KEY_ID"],
        "password": os.environ["AWS_SECRET_ACCESS_KEY"],
        "extra": {"endpoint_url": os.environ["AWS_ENDPOINT_URL"], "region_name": "us-east-1"},
    }
    env = airflow_env(home, sources, s3_store_uri, AIRFLOW_CONN_WIRELAKE_S3=json.dumps(connection))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        env.pop(name)
    days = [date(2024, 5, 20), date(2024, 5, 21), date(2024, 5, 22)]
    for day in [*days, days[1]]:
        airflow(env, "dags", "test", "wirelake_harbor_gazette", day.isoformat())

    store = open_store(s3_store_uri)
    assert store.list(layout.CORPUS_ARTICLES_PREFIX) == [layout.corpus_partition_key("harbor_gazette", day) for day in days]
    for day in days:
        table = partition(s3_store_uri, "harbor_gazette", day)
        assert sorted(table.column("url").to_pylist()) == expected_urls(newsweb, "harbor_gazette", day)
        assert set(table.column("crawl_date").to_pylist()) == {day}
        assert store.exists(layout.raw_warc_key("harbor_gazette", day))


@pytest.fixture
def failing_site():
    """A site on loopback that answers every request with 503."""

    class AlwaysUnavailable(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(503)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"down for maintenance")

        def log_message(self, format, *args):  # noqa: A002 - keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), AlwaysUnavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
    server.server_close()


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
    done = airflow(airflow_env(home, sources, str(store)), "tasks", "test", "wirelake_unavailable", "crawl", "2024-05-20", check=False)
    output = done.stdout + done.stderr  # `tasks test` exits 0 even when the task fails: read its log
    assert "Task failed with exception" in output
    assert "CrawlFailed: crawl of unavailable [2024-05-20, 2024-05-21) failed: nothing was fetched successfully (" in output
    assert "503" in output.split("nothing was fetched successfully", 1)[1].splitlines()[0]
    assert 'crawl stats: {"source": "unavailable"' in output  # the stats are in the task log
    assert not store.exists() or not list(store.rglob("*.warc.gz"))  # a failed crawl stores nothing
