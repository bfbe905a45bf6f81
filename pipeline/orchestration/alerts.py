"""Tells the deployment's chat or incident tool that a source's task failed for good.

Every task of a source DAG has `task_failed` as its on_failure_callback, which Airflow calls
once the task has no retry left (a retry is no news: the site may be back in an hour). With
$WIRELAKE_ALERT_WEBHOOK set, it POSTs one JSON message there: a `text` line, which Slack,
Mattermost and Teams incoming webhooks show as it is, and the fields a tool routes on.

One POST is written here with the standard library: Airflow's HTTP provider would add a
dependency and an Airflow connection to configure for it. An alert that cannot be delivered is
a warning in the task's log, never a second failure hiding the first.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from pipeline.orchestration.windows import DayNotOver, run_day

log = logging.getLogger(__name__)

ALERT_WEBHOOK_VARIABLE = "WIRELAKE_ALERT_WEBHOOK"
DELIVERY_TIMEOUT_SECONDS = 10


def _day(context: dict[str, Any]) -> str | None:
    """The partition day the run processed; None where it has none (a manual run for a day not over)."""
    try:
        return run_day(context).isoformat()
    except DayNotOver:
        return None


def failure_alert(context: dict[str, Any]) -> dict[str, Any]:
    """The message about the failed task of Airflow's callback `context`."""
    ti, run = context["ti"], context["dag_run"]
    source = ti.dag_id.removeprefix("wirelake_")
    day = _day(context)
    exception = context.get("exception")
    error = " ".join((str(exception) or type(exception).__name__).split()) if exception else "no exception recorded"  # one line
    return {
        "text": f"wirelake: {ti.task_id} of {source}{f' for {day}' if day else ''} failed: {error}",
        "source": source,
        "day": day,
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "run_id": run.run_id,
        "try_number": ti.try_number,
        "error": error,
    }


def task_failed(context: dict[str, Any]) -> None:
    """on_failure_callback of every source task: POST failure_alert to $WIRELAKE_ALERT_WEBHOOK, if set."""
    url = os.environ.get(ALERT_WEBHOOK_VARIABLE)
    if not url:
        return
    message = failure_alert(context)
    request = urllib.request.Request(url, data=json.dumps(message).encode(), headers={"Content-Type": "application/json"}, method="POST")
    where = urlsplit(url).netloc or url  # a webhook's path is its secret: the host is enough to say where
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS):
            pass
    except (OSError, ValueError) as exc:  # HTTPError and URLError are OSErrors; a malformed URL is a ValueError
        log.warning("alert not delivered to %s ($%s): %s", where, ALERT_WEBHOOK_VARIABLE, exc)
        return
    log.info("alert sent to %s: %s", where, message["text"])
