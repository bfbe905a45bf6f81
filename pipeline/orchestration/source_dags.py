"""The DAG of one source and its tasks, with the scheduling knobs in one place.

Politeness across runs comes from four knobs:
- the crawl task's pool (pools.py): one crawl of a source at a time, whatever the
  number of active runs; the pool is what holds back a backfill of hundreds of days;
- MAX_ACTIVE_RUNS: days of one source in flight for scheduled runs (a backfill has its
  own, `--max-active-runs`, default 10, and still queues on the pool);
- retries with exponential backoff: a site that is down is tried again after 5-10,
  10-20 and 20-40 minutes (Airflow doubles the delay and spreads each wait over
  [delay, 2 x delay) by a hash of the task instance), not hammered;
- the crawl task's execution_timeout: a hung crawl frees its pool slot (and fails)
  CRAWL_TIMEOUT_MARGIN after the crawl should have closed itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG, CronDataIntervalTimetable, task

from pipeline.orchestration import alerts, tasks
from pipeline.orchestration.pools import DEDUP_POOL, pool_name
from pipeline.sources import Source

OWNER = "wirelake"
START_DATE = datetime(2020, 1, 1, tzinfo=timezone.utc)
"""Airflow wants one; with catchup off, scheduling starts at the latest interval anyway."""
MAX_ACTIVE_RUNS = 2
"""Days of one source in flight: the next day's crawl overlaps this day's extraction."""
CRAWL_TIMEOUT_MARGIN = timedelta(minutes=10)
"""Beyond politeness.max_crawl_minutes: Scrapy's start-up, its own close, the WARC upload."""
STEP_TIMEOUTS = {"extract": timedelta(hours=2), "publish": timedelta(hours=1), "validate": timedelta(minutes=30)}
"""Far beyond a day's work (extraction runs at about 30 pages/s): a hung step fails and frees
its slot (publish holds the one dedup slot every source shares) instead of stalling all runs."""
RETRY_ARGS = {
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(hours=1),
}


def dag_id(source: str) -> str:
    return f"wirelake_{source}"


def _discovery(source: Source) -> str:
    parts = []
    for method in source.discovery_methods():
        value = getattr(source, method)
        parts.append(f"{method}: {', '.join(value if isinstance(value, list) else [value])}")
    return "; ".join(parts)


def _doc_md(source: Source) -> str:
    gates = source.quality
    politeness = source.politeness
    return "\n".join(
        [
            f"### Source `{source.name}`",
            source.description,
            "",
            "| | |",
            "| --- | --- |",
            f"| domains | {', '.join(source.domains)} |",
            f"| discovery | {_discovery(source)} |",
            f"| schedule | `{source.schedule}` (UTC) |",
            f"| politeness | delay {politeness.delay} s, {politeness.concurrency} requests per domain,"
            f" crawl task times out after {crawl_timeout(source)} |",
            f"| pools | crawl: `{pool_name(source.name)}` (one crawl of this source at a time); publish: `{DEDUP_POOL}` (one dedup commit at a time) |",
            f"| quality gates | min_articles {gates.min_articles}, max_empty_text_share {gates.max_empty_text_share}, max_error_share {gates.max_error_share},"
            f" min_recrawl_share {gates.min_recrawl_share} |",
            "",
            "Each run processes one UTC day, its partition. A scheduled or backfill run for the interval"
            " [D, D+1) at the cron time processes day D. A manual run processes its logical date's day; without"
            " a logical date, or with one on the day it is triggered (the trigger form's default \"now\"), it"
            " processes yesterday, the last finished day. Re-running a day replaces its partition; clearing the run"
            " from `extract` re-extracts the stored pages without crawling again.",
        ]
    )


def source_dag(source: Source) -> DAG:
    """The DAG `wirelake_<name>`, scheduled on data intervals of the source's cron."""
    return DAG(
        dag_id=dag_id(source.name),
        description=source.description or f"crawl and ingest {source.name}",
        schedule=CronDataIntervalTimetable(source.schedule, timezone="UTC"),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=MAX_ACTIVE_RUNS,
        default_args={"owner": OWNER, **RETRY_ARGS, "on_failure_callback": alerts.task_failed},
        tags=["wirelake", f"source:{source.name}", *source.discovery_methods()],
        doc_md=_doc_md(source),
    )


def crawl_timeout(source: Source) -> timedelta:
    return timedelta(minutes=source.politeness.max_crawl_minutes) + CRAWL_TIMEOUT_MARGIN


def crawl_task(source: Source):
    return task(tasks.crawl, task_id="crawl", pool=pool_name(source.name), execution_timeout=crawl_timeout(source))(source.name)


def extract_task(source: Source):
    return task(tasks.extract, task_id="extract", execution_timeout=STEP_TIMEOUTS["extract"])(source.name)


def publish_task(source: Source):
    return task(tasks.publish, task_id="publish", pool=DEDUP_POOL, outlets=[tasks.CORPUS_ASSET], execution_timeout=STEP_TIMEOUTS["publish"])(source.name)


def validate_task(source: Source):
    # A failed quality gate is about the data, which a retry of this task cannot change:
    # fix the cause, then clear the run from extract (the stored pages) or crawl (a new fetch).
    return task(tasks.validate, task_id="validate", retries=0, execution_timeout=STEP_TIMEOUTS["validate"])(source.name)
