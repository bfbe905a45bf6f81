"""Tells the deployment's chat or incident tool that a source's task failed for good.

Every task of a source DAG has `task_failed` as its on_failure_callback, which Airflow calls
once the task has no retry left (a retry is no news: the site may be back in an hour). With
$WIRELAKE_ALERT_WEBHOOK set, it POSTs one JSON message there: a `text` line, which Slack and
Mattermost incoming webhooks show as it is, and the fields a tool routes on.

One POST is written here with the standard library: Airflow's HTTP provider would add a
dependency and an Airflow connection to configure for it. An alert that cannot be delivered is
a warning in the task's log, never a second failure hiding the first; the webhook's URL, whose
path is its secret, is never logged, only its host.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import SplitResult, urlsplit

from airflow.sdk.exceptions import AirflowFailException

from pipeline.orchestration.windows import DayNotOver, run_day

log = logging.getLogger(__name__)

ALERT_WEBHOOK_VARIABLE = "WIRELAKE_ALERT_WEBHOOK"
DELIVERY_TIMEOUT_SECONDS = 5  # per socket operation; Airflow ends the task's process 20 s after it failed
MAX_ERROR_CHARS = 300  # chat tools cut or refuse long messages; the task's log has the whole error
_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})  # Slack reads <…> as a link


def _day(context: dict[str, Any]) -> str | None:
    """The partition day the run processed; None where it has none (a manual run for a day not over)."""
    try:
        return run_day(context).isoformat()
    except DayNotOver:
        return None


def _error(exception: BaseException | str | None) -> str:
    """One line, short: our own refusals as they read, anything else with its type ("KeyError: 'x'")."""
    if exception is None:
        return "no exception recorded"
    if isinstance(exception, str | AirflowFailException):
        text = str(exception)
    else:
        text = f"{type(exception).__name__}: {exception}".rstrip(": ")
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def failure_alert(context: dict[str, Any]) -> dict[str, Any]:
    """The message about the failed task of Airflow's callback `context`."""
    ti, run = context["ti"], context.get("dag_run")
    source = ti.dag_id.removeprefix("wirelake_")
    day = _day(context) if run is not None else None
    error = _error(context.get("exception"))
    return {
        "text": f"wirelake: {ti.task_id} of {source}{f' for {day}' if day else ''} failed: {error}".translate(_SLACK_ESCAPES),
        "source": source,
        "day": day,
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "run_id": run.run_id if run is not None else None,
        "try_number": ti.try_number,
        "error": error,
    }


def _host(url: SplitResult) -> str:
    """Where the webhook is, without the path (its secret) or any user and password."""
    return f"{url.hostname}:{url.port}" if url.port else str(url.hostname)


def task_failed(context: dict[str, Any]) -> None:
    """on_failure_callback of every source task: POST failure_alert to $WIRELAKE_ALERT_WEBHOOK, if set."""
    if not (url := os.environ.get(ALERT_WEBHOOK_VARIABLE, "").strip()):
        return
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed port or address
        valid = False
    if not valid:
        log.warning("alert not sent: $%s is not an http(s) URL with a host", ALERT_WEBHOOK_VARIABLE)
        return
    message = failure_alert(context)
    request = urllib.request.Request(url, data=json.dumps(message).encode(), headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS):
            pass
    except urllib.error.HTTPError as refusal:
        refusal.close()
        log.warning("alert not delivered to %s ($%s): HTTP %d %s", _host(parts), ALERT_WEBHOOK_VARIABLE, refusal.code, refusal.reason)
        return
    except OSError as exc:  # URLError, timeouts, refused connections
        log.warning("alert not delivered to %s ($%s): %s", _host(parts), ALERT_WEBHOOK_VARIABLE, exc)
        return
    log.info("alert sent to %s: %s", _host(parts), message["text"])
