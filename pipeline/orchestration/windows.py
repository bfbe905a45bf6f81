"""Which day a DAG run processes.

- Scheduled and backfill runs process the UTC day their data interval starts on. The
  timetable (CronDataIntervalTimetable) made that interval, [D at the cron time, D+1 at
  the cron time), so they process exactly day D.
- Manual runs process the UTC day of their logical date. Their data interval is only
  Airflow's guess (the last whole cron interval *before* the logical date, a day early),
  so it is ignored. A manual run without a logical date, or with one on the day it was
  triggered (the UI fills in "now"), processes the day before it was triggered: today
  is not over yet, and a partial day would look like a finished partition.
  "Triggered" is run_after, not the clock, so a retry the next morning keeps the day. A
  logical date on a day not over yet (by the clock: `airflow tasks test` sets run_after
  before the logical date) is refused, DayNotOver.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

INTERVAL_RUN_TYPES = ("scheduled", "backfill")
"""Compared with ==, so Airflow's DagRunType (a str enum) matches too."""


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(timezone.utc).date()


class DayNotOver(ValueError):
    """A manual run asked for a day that has not ended yet: there is nothing whole to crawl."""


def partition_day(run_type: str, logical_date: datetime | None, data_interval_start: datetime | None, run_after: datetime,
                  today: date | None = None) -> date:
    """The UTC day the run processes; `today` (UTC, default the clock's) bounds a manual run's."""
    if run_type in INTERVAL_RUN_TYPES and data_interval_start is not None:
        return _utc_day(data_interval_start)
    triggered = _utc_day(run_after)
    if logical_date is None or _utc_day(logical_date) == triggered:
        return triggered - timedelta(days=1)
    if (day := _utc_day(logical_date)) >= (today or datetime.now(timezone.utc).date()):
        raise DayNotOver(f"logical date {logical_date.isoformat()} is UTC day {day}, which is not over yet: a day can be ingested once it is")
    return day


def run_day(context) -> date:
    """partition_day of the DAG run in Airflow's task `context` (a task's, or a callback's)."""
    run = context["dag_run"]
    return partition_day(run.run_type, context.get("logical_date"), context.get("data_interval_start"), run.run_after)
