"""Which day a DAG run processes.

A run's partition day is its logical date in UTC. Scheduled and backfill runs use
CronDataIntervalTimetable, whose logical date is the start of the data interval
[D at the cron time, D+1 at the cron time), so they process day D. A manual run
triggered without a logical date processes the day before it was triggered (UTC):
run_after, not the clock, so a retry the next morning still processes the same day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone


def partition_day(logical_date: datetime | None, run_after: datetime) -> date:
    if logical_date is not None:
        return logical_date.astimezone(timezone.utc).date()
    return (run_after.astimezone(timezone.utc) - timedelta(days=1)).date()
