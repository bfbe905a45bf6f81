"""What the tasks of a source DAG run: one pipeline step for the run's partition.

pipeline.steps is imported inside the tasks, not at module level, so that parsing the
DAG files (which Airflow repeats every few seconds) does not load Scrapy and trafilatura.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, datetime, timezone

from airflow.sdk import Asset, get_current_context
from airflow.sdk.exceptions import AirflowFailException

from pipeline.orchestration.credentials import connection_variables, exported
from pipeline.orchestration.windows import DayNotOver, run_day

log = logging.getLogger(__name__)

CORPUS_ASSET = Asset(name="wirelake_corpus", uri="wirelake://corpus/articles")
"""Updated by every publish; analysts schedule their DAGs on it. Each event's extra
names the partition (source, day, key, uri, rows)."""


def _run(step: Callable[[str, date], dict], source: str) -> dict:
    """Run one step for the run's day. Failures a retry cannot change (a registry problem, a
    day not over yet, a day breaking its content gates, a re-crawl smaller than the stored day;
    in crawl, also an old day its listings list too few articles of) fail the task at once,
    without retries."""
    from pipeline.sources import SourcesError
    from pipeline.steps import QualityGateFailed, RecrawlTooSmall

    try:
        context = get_current_context()
        day = run_day(context)
        log.info("%s for source %s, day %s (%s run, logical date %s)", step.__name__, source, day, context["dag_run"].run_type, context.get("logical_date"))
        with exported(connection_variables()):
            result = step(source, day)
    except (SourcesError, DayNotOver, QualityGateFailed, RecrawlTooSmall) as exc:
        raise AirflowFailException(str(exc)) from exc
    log.info("%s result: %s", step.__name__, json.dumps(result, default=str))
    return result


LISTING_REACH_DAYS = 2
"""News sitemaps list about two days, feeds their last items: a day older than this (today, by the
clock) whose listings hold too few of its articles will not get more from a retry."""


def crawl(source: str) -> dict:
    """Scrapy crawl of the day's window in its own process. The stats go to XCom: as the
    return value, or under the key "crawl_stats" when the crawl fails on them."""
    from pipeline.crawl import CrawlFailed
    from pipeline.steps import TooFewArticles, crawl_step

    def crawl_keeping_stats(source: str, day: date) -> dict:
        try:
            return crawl_step(source, day)
        except CrawlFailed as failure:  # whether _run then retries it or fails at once
            context = get_current_context()
            if failure.stats is not None:
                stats = failure.stats.to_dict()
                log.error("crawl stats: %s", json.dumps(stats))
                context["ti"].xcom_push(key="crawl_stats", value=stats)
            age = (datetime.now(timezone.utc).date() - day).days  # not run_after: a backfill's is its interval's end
            if isinstance(failure, TooFewArticles) and age > LISTING_REACH_DAYS:
                raise AirflowFailException(
                    f"{failure}; {day} is {age} days old, beyond what the site's listings show: no retry would find more"
                ) from failure
            raise

    return _run(crawl_keeping_stats, source)


def extract(source: str) -> dict:
    from pipeline.steps import extract_step

    return _run(extract_step, source)


def publish(source: str) -> dict:
    """Publish the partition and record an event on the corpus asset."""
    from pipeline.steps import publish_step

    result = _run(publish_step, source)
    context = get_current_context()
    context["outlet_events"][CORPUS_ASSET].extra = {"source": source, "day": run_day(context).isoformat(), **result}
    return result


def validate(source: str) -> dict:
    from pipeline.steps import validate_step

    return _run(validate_step, source)
