"""Airflow pools: the politeness budget of each source across DAG runs, and the dedup lock.

Every crawl task of a source takes one slot of the source's pool, so a backfill of
hundreds of days crawls the site one day at a time however many runs are active.
Every publish task, of any source, takes the one slot of the dedup pool: a publish
commits a new generation of the shared dedup state, and two commits planned on the
same generation cannot both land (pipeline/dedup/state.py).
Ops create the pools from the registry with:

    python -m pipeline.orchestration.pools pools.json && airflow pools import pools.json

and widen one later with `airflow pools set wirelake_<name> SLOTS "description"`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.sources import Source, SourcesError, load_sources

CRAWL_SLOTS = 1
"""Crawls of one source at a time; each crawl already runs politeness.concurrency requests in parallel."""
DEDUP_POOL = "wirelake_dedup"


def pool_name(source: str) -> str:
    return f"wirelake_{source}"


def pools_spec(sources: dict[str, Source]) -> dict[str, dict]:
    """The pools in the format of `airflow pools import`."""
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


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m pipeline.orchestration.pools POOLS.json  (sources from $WIRELAKE_SOURCES or ./sources.yaml)", file=sys.stderr)
        return 2
    try:
        sources = load_sources()
    except SourcesError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    Path(argv[0]).write_text(json.dumps(pools_spec(sources), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
