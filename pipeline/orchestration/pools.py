"""Airflow pools: the politeness budget of each source across DAG runs, and the dedup lock.

Every crawl task of a source takes one slot of the source's pool, so a backfill of
hundreds of days crawls the site one day at a time however many runs are active.
Every publish task, of any source, takes the one slot of the dedup pool: a publish
commits a new generation of the shared dedup state, and two commits planned on the
same generation cannot both land (pipeline/dedup/state.py).

A task whose pool does not exist never starts, so every source needs its pool before
its first run. Ops create the missing ones, after adding a source too, with

    python -m pipeline.orchestration.pools

which is idempotent and additive: it never touches an existing pool, so a pool widened
with `airflow pools set wirelake_<name> SLOTS "description"` stays widened. A broken entry
is reported (exit 2) and gets no pool; the valid sources still get theirs, as they get DAGs. (Creating
pools while Airflow parses the DAG files would be a database write on every parse.)
"""

from __future__ import annotations

import sys

from pipeline.console import INSTALL_AIRFLOW_EXTRA, first_line
from pipeline.sources import Source, check_sources

CRAWL_SLOTS = 1
"""Crawls of one source at a time; each crawl already runs politeness.concurrency requests in parallel."""
DEDUP_POOL = "wirelake_dedup"


def pool_name(source: str) -> str:
    return f"wirelake_{source}"


def pools_spec(sources: dict[str, Source]) -> dict[str, dict]:
    """Every pool the DAGs of these sources use, in the format of `airflow pools import`."""
    pools = {
        pool_name(name): {
            "slots": CRAWL_SLOTS,
            "description": f"crawls of {name} ({', '.join(source.domains)}) running at once",
            "include_deferred": False,
        }
        for name, source in sources.items()
    }
    pools[DEDUP_POOL] = {"slots": 1, "description": "publish tasks (dedup commits) of all sources: one at a time", "include_deferred": False}
    return pools


class PoolsDatabaseError(Exception):
    """Airflow's database cannot be read or written: named in one line, with the fix."""


def create_missing_pools(spec: dict[str, dict]) -> list[str]:
    """Create the pools of spec that Airflow's database lacks; the names created.
    Run by one operator or init job at a time: a pool created between the lookup
    and the creation would be overwritten with the default slots."""
    from airflow.configuration import conf
    from airflow.models.pool import Pool
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        missing = [name for name in spec if Pool.get_pool(name) is None]
        for name in missing:
            Pool.create_or_update_pool(name, spec[name]["slots"], spec[name]["description"], spec[name]["include_deferred"])
    except SQLAlchemyError as exc:
        database = make_url(conf.get("database", "sql_alchemy_conn")).render_as_string(hide_password=True)
        reason = first_line(getattr(exc, "orig", None) or exc)
        # SQLite's and Postgres's words for the pool table an AIRFLOW_HOME never migrated lacks
        never_migrated = "no such table" in reason or "does not exist" in reason
        fix = ": run `airflow db migrate` first" if never_migrated else ""
        raise PoolsDatabaseError(f"Airflow's database {database} cannot be used ({reason}){fix}") from None
    return missing


def main(argv: list[str]) -> int:
    if argv:
        print("usage: python -m pipeline.orchestration.pools  (sources from $WIRELAKE_SOURCES or ./sources.yaml)", file=sys.stderr)
        return 2
    sources, problems = check_sources()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not sources:
        return 2
    spec = pools_spec(sources)  # the valid sources' pools even when another entry is broken: their DAGs run
    try:
        created = create_missing_pools(spec)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("airflow"):
            raise
        print(f"pools: Airflow is not installed here: {INSTALL_AIRFLOW_EXTRA}", file=sys.stderr)
        return 1
    except PoolsDatabaseError as exc:
        print(f"pools: {exc}", file=sys.stderr)
        return 1
    print(f"pools created: {', '.join(created) or 'none'}; already there: {', '.join(sorted(set(spec) - set(created))) or 'none'}")
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
