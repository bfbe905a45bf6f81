"""`airflow backfill create` over a week, run by a real scheduler.

A backfill only creates DAG runs; a scheduler with an executor and the API server
(Airflow 3 task runners report to it) must run them. The cheapest real way is the
local `airflow standalone` (pipeline.orchestration.local, the same one the README and
scripts/smoke-airflow start), bounded by the test: the backfill goes in through the
REST API (see backfill()), the test polls the API until the runs finish, then stops
standalone. The partitions must hold what a plain `wirelake crawl` of the week holds.
Which runs a backfill made, or declined to make and why, Airflow records only in its
database (backfill_dag_run), which the test reads from standalone's SQLite file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date, datetime, timedelta

import pyarrow as pa

from pipeline import corpus, layout
from pipeline.orchestration import local
from pipeline.schema import COLUMNS
from pipeline.store import open_store

DAG_ID = "wirelake_capitol_ledger"
WEEK = [date(2024, 5, 20) + timedelta(days=n) for n in range(7)]
# Every column but fetched_at, which records when a page was downloaded.
COMPARED = [name for name, _type, _meaning in COLUMNS if name != "fetched_at"]


def backfill(airflow: local.LocalAirflow, from_date: str, to_date: str, reprocess: str = "none") -> int:
    """What `airflow backfill create --dag-id D --from-date A --to-date B [--reprocess-behavior R]`
    does, through the REST API. On SQLite the scheduler often holds the write lock, which
    makes the CLI fail; the local setup waits a minute for it (sqlite_connect), and should
    the API still answer that the database is locked, LocalAirflow.create looks for a running
    backfill of the range before it asks again (Postgres deployments just run the CLI).

    Airflow writes a backfill's runs in several commits and deletes them again after a lock
    error; a scheduler that picked one up meanwhile dies on its task instances ("FOREIGN KEY
    constraint failed"). It schedules no run of a paused DAG, so the DAG is paused while the
    backfill is created, as the README tells ops to do on the local Airflow."""
    body = {"dag_id": DAG_ID, "from_date": from_date, "to_date": to_date, "reprocess_behavior": reprocess}
    airflow.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": True})
    backfill = airflow.create(f"backfill of {DAG_ID} {from_date}..{to_date}", "/api/v2/backfills", body, lambda: running_backfill(airflow, from_date, to_date))
    airflow.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
    return backfill["id"]


def running_backfill(airflow: local.LocalAirflow, from_date: str, to_date: str) -> dict | None:
    """The backfill of exactly this range that is not complete yet, if there is one."""
    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    backfills = airflow.call("GET", f"/api/v2/backfills?dag_id={DAG_ID}")["backfills"]
    return next((b for b in backfills if not b["completed_at"] and (moment(b["from_date"]), moment(b["to_date"])) == (moment(from_date), moment(to_date))), None)


def backfill_runs(airflow: local.LocalAirflow, backfill_id: int) -> list[tuple[str, str | None, str | None]]:
    """(logical date, run id, exception reason) of each day the backfill covered."""
    with closing(sqlite3.connect(f"file:{airflow.home / 'airflow.db'}?mode=ro", uri=True, timeout=30)) as db:
        rows = db.execute(
            "select b.logical_date, r.run_id, b.exception_reason from backfill_dag_run b"
            " left join dag_run r on r.id = b.dag_run_id where b.backfill_id = ? order by b.logical_date",
            (backfill_id,),
        ).fetchall()
    return [(str(logical_date)[:10], run_id, reason) for logical_date, run_id, reason in rows]


def finished_after(airflow: local.LocalAirflow, run_id: str, moment: str) -> bool:
    run = airflow.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")
    if run["state"] == "failed":
        raise local.LocalAirflowError(f"re-run {run_id} failed (task logs under {airflow.home / 'logs'})")
    return run["state"] == "success" and bool(run["end_date"]) and datetime.fromisoformat(run["end_date"]) > datetime.fromisoformat(moment)


def wait_until_backfills_complete(airflow: local.LocalAirflow) -> None:
    """The scheduler marks a backfill complete a loop after its last run; only then may another start."""
    done = lambda: all(b["completed_at"] for b in airflow.call("GET", f"/api/v2/backfills?dag_id={DAG_ID}")["backfills"])  # noqa: E731
    local.poll(f"backfills of {DAG_ID} complete", 60, done)


def rows_by_day(store_uri: str) -> dict[date, list[dict]]:
    store = open_store(store_uri)
    days = {}
    for day in WEEK:
        table: pa.Table = corpus.read_partition(store, layout.corpus_partition_key("capitol_ledger", day))
        days[day] = sorted(table.select(COMPARED).to_pylist(), key=lambda row: row["doc_id"])
    return days


def fetched_at(store_uri: str, day: date) -> list[datetime]:
    return corpus.read_partition(open_store(store_uri), layout.corpus_partition_key("capitol_ledger", day)).column("fetched_at").to_pylist()


def test_backfill_of_a_week_gives_seven_partitions_equal_to_a_plain_crawl(newsweb, s3_store_uri, tmp_path):
    """On moto's S3 server through the plain AWS variables, which standalone inherits."""
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]
    sources = tmp_path / "sources.yaml"
    sources.write_text(newsweb.sources_yaml())
    backfilled, plain = s3_store_uri, str(tmp_path / "plain-lake")

    with local.running(tmp_path / "airflow", backfilled, sources, local.free_port()) as airflow:
        airflow.wait_for_dags({DAG_ID})
        # Runs' logical dates carry the cron time (02:00): end the range at the last day's end.
        first = backfill(airflow, "2024-05-20T00:00:00Z", "2024-05-26T23:59:59Z")
        runs = airflow.wait_for_runs(DAG_ID, "backfill", len(WEEK), timeout=420)
        assert sorted(run["logical_date"][:10] for run in runs) == [day.isoformat() for day in WEEK]
        assert {run["state"] for run in runs} == {"success"}
        assert [(day, reason) for day, _run, reason in backfill_runs(airflow, first)] == [(day.isoformat(), None) for day in WEEK]
        first_pass, last_day_fetched = rows_by_day(backfilled), fetched_at(backfilled, WEEK[-1])

        # What the runs told Airflow: each crawl's stats in XCom, one corpus asset event
        # per publish; the store's secret in neither, nor in any task log.
        for run in runs:
            xcom = airflow.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}/taskInstances/crawl/xcomEntries/return_value")
            assert '"capitol_ledger"' in json.dumps(xcom["value"]) and run["logical_date"][:10] in json.dumps(xcom["value"])
            assert secret not in json.dumps(xcom)
        events = airflow.call("GET", f"/api/v2/assets/events?source_dag_id={DAG_ID}&limit=100")["asset_events"]
        assert sorted(event["extra"]["day"] for event in events) == [day.isoformat() for day in WEEK]
        task_logs = [path for path in (airflow.home / "logs").rglob("*") if path.is_file() and f"dag_id={DAG_ID}" in str(path)]
        assert len(task_logs) >= 4 * len(WEEK) and not [path for path in task_logs if secret in path.read_text(errors="replace")]
        wait_until_backfills_complete(airflow)

        # Re-running a completed day: the new backfill takes that day's run again (no
        # reason recorded for skipping it), which crawls afresh and replaces the partition.
        again = backfill(airflow, "2024-05-26T00:00:00Z", "2024-05-26T23:59:59Z", reprocess="completed")
        created_at = airflow.call("GET", f"/api/v2/backfills/{again}")["created_at"]
        [(day, run_id, reason)] = backfill_runs(airflow, again)
        assert (day, reason) == (WEEK[-1].isoformat(), None) and run_id
        local.poll(f"re-run {run_id} finished", 240, lambda: finished_after(airflow, run_id, created_at))
        assert min(fetched_at(backfilled, WEEK[-1])) > max(last_day_fetched)  # crawled again, not kept

    subprocess.run([sys.executable, "-m", "pipeline.cli", "crawl", "capitol_ledger", "--date", "2024-05-20", "--to", "2024-05-26", "--store", plain, "--sources", str(sources)], check=True, capture_output=True, timeout=300)

    keys = open_store(backfilled).list(layout.CORPUS_ARTICLES_PREFIX)
    assert keys == sorted(layout.corpus_partition_key("capitol_ledger", day) for day in WEEK)
    after_rerun, plain_rows = rows_by_day(backfilled), rows_by_day(plain)
    for day in WEEK:
        urls = [row["url"] for row in after_rerun[day]]
        assert len(urls) == len(set(urls))  # the re-run replaced the partitions, no duplicates
        assert sorted(urls) == sorted(expected.url for expected in newsweb.expected_articles() if expected.source == "capitol_ledger" and expected.crawl_date == day)
    assert first_pass == after_rerun == plain_rows
