"""The generated DAGs as Airflow's DagBag sees them (parsed in a subprocess with its
own AIRFLOW_HOME, so this suite never touches ~/airflow), plus the pure helpers the
tasks rely on: partition days, connection variables, pools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.orchestration import pools
from pipeline.orchestration.credentials import OVERRIDDEN, aws_variables, exported
from pipeline.orchestration.windows import DayNotOver, partition_day
from pipeline.sources import load_sources

REPO = Path(__file__).resolve().parent.parent
DAGS = REPO / "dags"

# Runs in the subprocess: parse dags/ and print what the tests check, as JSON.
PARSE_DAGS = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
print(json.dumps({
    "errors": bag.import_errors,
    "dags": {
        dag.dag_id: {
            "timetable": type(dag.timetable).__name__,
            "cron": dag.timetable.expression,
            "timezone": str(dag.timetable.timezone),
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "owner": dag.owner,
            "tags": sorted(dag.tags),
            "doc_md": dag.doc_md,
            "tasks": {
                t.task_id: {
                    "pool": t.pool,
                    "retries": t.retries,
                    "backoff": t.retry_exponential_backoff,
                    "timeout": t.execution_timeout.total_seconds() if t.execution_timeout else None,
                    "downstream": sorted(t.downstream_task_ids),
                    "outlets": [a.name for a in t.outlets],
                }
                for t in dag.tasks
            },
        }
        for dag in bag.dags.values()
    },
}))
"""


def parse_dags(tmp_path: Path, sources: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(AIRFLOW_HOME=str(tmp_path / "airflow"), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    if sources is not None:
        env["WIRELAKE_SOURCES"] = str(sources)
    done = subprocess.run([sys.executable, "-c", PARSE_DAGS, str(DAGS)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def repo_dags(tmp_path_factory) -> dict:
    return parse_dags(tmp_path_factory.mktemp("dagbag"), REPO / "sources.yaml")


def test_one_dag_per_source_and_no_import_errors(repo_dags):
    assert repo_dags["errors"] == {}
    assert set(repo_dags["dags"]) == {f"wirelake_{name}" for name in load_sources(REPO / "sources.yaml")}


def test_schedules_are_data_intervals_of_the_source_cron(repo_dags):
    for name, source in load_sources(REPO / "sources.yaml").items():
        dag = repo_dags["dags"][f"wirelake_{name}"]
        assert (dag["timetable"], dag["cron"], dag["timezone"]) == ("CronDataIntervalTimetable", source.schedule, "UTC")
        assert dag["catchup"] is False
        assert dag["max_active_runs"] == 2
        assert dag["owner"] == "wirelake"
        assert {"wirelake", f"source:{name}", *source.discovery_methods()} == set(dag["tags"])
        assert source.description in dag["doc_md"] and source.schedule in dag["doc_md"]


def test_tasks_chain_crawl_extract_publish_validate(repo_dags):
    for dag in repo_dags["dags"].values():
        tasks = dag["tasks"]
        assert {name: t["downstream"] for name, t in tasks.items()} == {
            "crawl": ["extract"],
            "extract": ["publish"],
            "publish": ["validate"],
            "validate": [],
        }
        assert tasks["publish"]["outlets"] == ["wirelake_corpus"]


def test_crawls_take_the_source_pool_publishes_the_dedup_pool_and_retry_with_backoff(repo_dags):
    spec = pools.pools_spec(load_sources(REPO / "sources.yaml"))
    for dag_id, dag in repo_dags["dags"].items():
        tasks = dag["tasks"]
        assert tasks["crawl"]["pool"] == dag_id  # pool wirelake_<name>, same name as the DAG
        assert tasks["publish"]["pool"] == "wirelake_dedup"  # one dedup commit at a time
        assert {tasks["crawl"]["pool"], tasks["publish"]["pool"]} <= set(spec)
        assert {tasks[t]["pool"] for t in ("extract", "validate")} == {"default_pool"}
        assert [(tasks[t]["retries"], tasks[t]["backoff"]) for t in ("crawl", "extract", "publish")] == [(3, 2.0)] * 3
        assert tasks["validate"]["retries"] == 0


def test_every_task_has_a_timeout_the_crawl_s_after_the_source_crawl_limit_plus_a_margin(repo_dags):
    for name, source in load_sources(REPO / "sources.yaml").items():
        tasks = repo_dags["dags"][f"wirelake_{name}"]["tasks"]
        assert tasks["crawl"]["timeout"] == source.politeness.max_crawl_minutes * 60 + 600
        assert {t: tasks[t]["timeout"] for t in ("extract", "publish", "validate")} == {"extract": 7200, "publish": 3600, "validate": 1800}


def test_a_broken_source_is_an_import_error_naming_source_and_field_and_the_others_keep_their_dags(tmp_path):
    """A typo in one entry must not make Airflow mark every source's DAG stale."""
    broken = tmp_path / "sources.yaml"
    broken.write_text(
        (REPO / "sources.yaml").read_text()
        .replace('schedule: "30 2 * * *"', 'schedule: "every morning"')
        .replace("archive:", "archve:")
    )
    parsed = parse_dags(tmp_path, broken)
    assert set(parsed["dags"]) == {f"wirelake_{name}" for name in load_sources(REPO / "sources.yaml")} - {"wirelake_daily_courier", "wirelake_harbor_gazette"}
    [(path, message)] = parsed["errors"].items()
    assert path.endswith("wirelake_registry.py")
    assert f"{broken}: source 'daily_courier': field 'schedule': invalid cron expression 'every morning'" in message
    assert f"{broken}: source 'harbor_gazette': field 'archve': unknown key" in message


def test_a_crawl_limit_too_long_for_a_task_timeout_is_an_import_error_and_the_others_keep_their_dags(tmp_path):
    """The crawl task's timeout is a timedelta: an unbounded limit must not empty the DAG file."""
    broken = tmp_path / "sources.yaml"
    broken.write_text((REPO / "sources.yaml").read_text().replace("retries: 2}", "retries: 2, max_crawl_minutes: .inf}"))
    parsed = parse_dags(tmp_path, broken)
    assert set(parsed["dags"]) == {f"wirelake_{name}" for name in load_sources(REPO / "sources.yaml")} - {"wirelake_capitol_ledger"}
    [(path, message)] = parsed["errors"].items()
    assert path.endswith("wirelake_registry.py")
    assert f"{broken}: source 'capitol_ledger': field 'politeness.max_crawl_minutes'" in message


def test_pools_spec_lists_one_pool_per_source_and_the_dedup_pool():
    spec = pools.pools_spec(load_sources(REPO / "sources.yaml"))
    assert set(spec) == {f"wirelake_{name}" for name in load_sources(REPO / "sources.yaml")} | {"wirelake_dedup"}
    assert all(pool["slots"] == 1 and pool["include_deferred"] is False for pool in spec.values())


def test_pools_command_refuses_a_broken_registry_in_one_line_per_problem(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "sources.yaml"
    broken.write_text("sources:\n  - name: Bad Name\n    domains: [example.org]\n    feeds: [http://example.org/feed]\n")
    monkeypatch.setenv("WIRELAKE_SOURCES", str(broken))
    assert pools.main([]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"{broken}: source 'Bad Name': field 'name': String should match pattern '^[a-z0-9_-]+$'"
    ]


UTC = timezone.utc


@pytest.mark.parametrize(
    ("run_type", "logical_date", "interval_start", "run_after", "day"),
    [
        # scheduled run of a "0 2 * * *" source: interval [May 20 02:00, May 21 02:00)
        ("scheduled", datetime(2024, 5, 20, 2, tzinfo=UTC), datetime(2024, 5, 20, 2, tzinfo=UTC), datetime(2024, 5, 21, 2, tzinfo=UTC), date(2024, 5, 20)),
        # backfill runs too follow their timetable interval, however late they run
        ("backfill", datetime(2024, 5, 20, 2, tzinfo=UTC), datetime(2024, 5, 20, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), date(2024, 5, 20)),
        # an interval start given in another zone counts in UTC
        ("scheduled", datetime(2024, 5, 21, 3, tzinfo=UTC), datetime(2024, 5, 20, 22, tzinfo=timezone(timedelta(hours=-5))), datetime(2024, 5, 22, tzinfo=UTC), date(2024, 5, 21)),
        # manual run with a past logical date: that date's day, not Airflow's inferred
        # interval (the last whole cron interval before it: May 19 02:00 - May 20 02:00)
        ("manual", datetime(2024, 5, 21, tzinfo=UTC), datetime(2024, 5, 19, 2, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC), date(2024, 5, 21)),
        # a logical date counts in UTC for manual runs as well
        ("manual", datetime(2024, 5, 20, 22, tzinfo=timezone(timedelta(hours=-5))), None, datetime(2026, 1, 1, tzinfo=UTC), date(2024, 5, 21)),
        # manual run without a logical date: the day before it was triggered
        ("manual", None, None, datetime(2024, 5, 27, 0, 30, tzinfo=UTC), date(2024, 5, 26)),
        # the UI's default logical date "now" (a few minutes before the trigger): today
        # has not ended, so yesterday; a retry the next morning keeps that day
        ("manual", datetime(2024, 5, 27, 9, 58, tzinfo=UTC), datetime(2024, 5, 26, 2, tzinfo=UTC), datetime(2024, 5, 27, 10, tzinfo=UTC), date(2024, 5, 26)),
        # `airflow tasks test` sets run_after to the end of the inferred interval, before the logical date
        ("manual", datetime(2024, 5, 20, tzinfo=UTC), datetime(2024, 5, 18, 2, tzinfo=UTC), datetime(2024, 5, 19, 2, tzinfo=UTC), date(2024, 5, 20)),
    ],
)
def test_partition_day(run_type, logical_date, interval_start, run_after, day):
    assert partition_day(run_type, logical_date, interval_start, run_after) == day


@pytest.mark.parametrize("logical_date", [datetime(2024, 5, 29, tzinfo=UTC), datetime(2024, 5, 27, 23, tzinfo=UTC)], ids=["future", "today"])
def test_a_manual_run_for_a_day_not_over_is_refused(logical_date):
    """Triggered on 2024-05-25 for the 29th, or run by `airflow tasks test` on the 27th for that day: nothing whole to crawl."""
    with pytest.raises(DayNotOver, match=r"^logical date 2024-05-2\dT.* is UTC day 2024-05-2\d, which is not over yet"):
        partition_day("manual", logical_date, None, datetime(2024, 5, 25, tzinfo=UTC), today=date(2024, 5, 27))


def test_partition_day_accepts_airflow_run_types():
    from airflow.utils.types import DagRunType

    interval_start = datetime(2024, 5, 20, 2, tzinfo=UTC)
    assert partition_day(DagRunType.SCHEDULED, interval_start, interval_start, datetime(2024, 5, 21, 2, tzinfo=UTC)) == date(2024, 5, 20)
    assert partition_day(DagRunType.BACKFILL_JOB, None, interval_start, datetime(2024, 5, 27, tzinfo=UTC)) == date(2024, 5, 20)


def test_aws_connection_fields_become_the_standard_variables():
    extra = {"endpoint_url": "http://s3:8333", "region_name": "eu-west-1"}
    assert aws_variables("key", "secret", extra) == {
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_ENDPOINT_URL": "http://s3:8333",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }
    assert aws_variables(None, None, {}) == {}


def test_exported_variables_are_set_or_unset_and_restored(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "worker-key")
    monkeypatch.setenv("AWS_PROFILE", "worker-profile")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with exported({"AWS_ACCESS_KEY_ID": "conn-key", "AWS_ENDPOINT_URL": "http://s3:8333", "AWS_PROFILE": None}):
        assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_ENDPOINT_URL"]) == ("conn-key", "http://s3:8333")
        assert "AWS_PROFILE" not in os.environ
    assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_PROFILE"]) == ("worker-key", "worker-profile")
    assert "AWS_ENDPOINT_URL" not in os.environ


def test_a_defined_connection_wins_over_the_worker_aws_settings(monkeypatch):
    """connection_variables() read from AIRFLOW_CONN_*, as a task does; the worker's session
    token, profile and S3 endpoint would otherwise override or mix with the connection."""
    from pipeline.orchestration.credentials import connection_variables

    conn = {"conn_type": "aws", "login": "conn-key", "password": "conn-secret", "extra": {"endpoint_url": "http://s3:8333"}}
    monkeypatch.setenv("AIRFLOW_CONN_WIRELAKE_S3", json.dumps(conn))
    for name, value in [("AWS_SESSION_TOKEN", "worker-token"), ("AWS_PROFILE", "worker"), ("AWS_ENDPOINT_URL_S3", "http://elsewhere:9000")]:
        monkeypatch.setenv(name, value)
    with exported(connection_variables()):
        assert [name for name in OVERRIDDEN if name in os.environ] == []
        assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_ENDPOINT_URL"]) == ("conn-key", "http://s3:8333")
    assert os.environ["AWS_SESSION_TOKEN"] == "worker-token"
