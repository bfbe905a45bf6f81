"""The query views over dedup state: articles with cluster columns, originals, reprints,
on a local store and on an S3 API server (moto over HTTP), through pipeline.query."""

from __future__ import annotations

import json
import re
import shlex
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from pipeline import query
from pipeline.dedup import views
from pipeline.newsweb import expected_articles, expected_clusters
from pipeline.store import open_store
from tests.test_dedup import PARTITIONS, ingest_all

VIEWS = (query.articles_view, views.register)


def test_views_over_each_backend(store_uri):
    store = open_store(store_uri)
    ingest_all(store, list(PARTITIONS))
    con = query.connect(store, views=VIEWS)
    clusters = expected_clusters()
    articles = expected_articles()

    assert con.execute("SELECT count(*), count(cluster_id) FROM articles").fetchone() == (len(articles), len(articles))
    assert con.execute("SELECT count(*) FROM originals").fetchone()[0] == len(clusters)

    seed = next(a for a in articles if a.case == "seed original")
    seed_cluster = next(c for c in clusters if seed.url in c.urls)
    row = con.execute(
        "SELECT url, source, reprint_count, reprint_sources, original_publisher FROM originals WHERE url = ?", [seed.url]
    ).fetchone()
    reprinting = sorted({a.source for a in articles if a.url in seed_cluster.urls and a.url != seed.url})
    assert row == (seed.url, seed.source, len(seed_cluster.urls) - 1, reprinting, "The Capitol Ledger")

    reprint = next(a for a in articles if a.case == "seed reprint, years apart")
    lag, original_url = con.execute("SELECT reprint_lag, original_url FROM reprints WHERE url = ?", [reprint.url]).fetchone()
    assert original_url == seed.url
    # The reprint prints only the original's date; it appeared when it was listed, 28 months later.
    listed = datetime.combine(reprint.crawl_date, time(), timezone.utc)
    assert lag == listed - seed.published_at and lag > timedelta(days=800)

    unserved = next(c for c in clusters if c.original_url is None)
    row = con.execute(
        "SELECT url, original_publisher, reprint_count FROM originals WHERE cluster_id IN "
        "(SELECT cluster_id FROM articles WHERE url = ?)", [next(iter(unserved.urls))]
    ).fetchone()
    assert row == (None, unserved.original_publisher, len(unserved.urls))

    expected_reprints = sum(len(c.urls) - (c.original_url is not None) for c in clusters)
    assert con.execute("SELECT count(*) FROM reprints").fetchone()[0] == expected_reprints


def test_register_twice_refreshes_instead_of_nesting(local_store_uri):
    store = open_store(local_store_uri)
    ingest_all(store, list(PARTITIONS)[:3])
    con = query.connect(store, views=VIEWS)
    views.register(con, store)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == sum(len(PARTITIONS[p]) for p in list(PARTITIONS)[:3])


def readme_dedup_queries() -> list[str]:
    """The SQL of every `wirelake query "..."` line in README's sh blocks under its
    deduplication section: what analysts are told to run."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("\n## Deduplication and syndication\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for block in re.findall(r"```sh\n(.*?)```", section, re.S) for line in block.splitlines()]
    return [shlex.split(line)[2] for line in lines if line.startswith("wirelake query ")]


def test_readme_queries_run(local_store_uri):
    store = open_store(local_store_uri)
    ingest_all(store, list(PARTITIONS))
    queries = readme_dedup_queries()
    assert len(queries) >= 3
    for sql in queries:
        rows = json.loads(query.run_query(sql, local_store_uri, "json"))
        assert len(rows) >= 1, sql


def test_readme_count_for_other_readers_counts_the_pages_wirelake_query_shows(local_store_uri):
    """README tells readers without the dedup columns which column to count distinct: a page listed
    on two days (one row in each day's partition) must count once, as in `wirelake query`'s articles,
    and a reprint whose canonical URL names its original (another site's page) must still count."""
    from datetime import date

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tests.test_dedup import ingest, seed_row

    store = open_store(local_store_uri)
    ingest_all(store, list(PARTITIONS))
    ingest(store, "capitol_ledger", date(2022, 1, 30), [seed_row(date(2022, 1, 30))])  # the seed listed again a day later
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    column = re.search(r"count distinct\s+`(\w+)`", readme).group(1)
    corpus = pq.read_table(f"{local_store_uri}/corpus/articles/")  # what pandas.read_parquet reads
    assert corpus.num_rows == len(expected_articles()) + 1
    shown = query.connect(store).execute("SELECT count(*) FROM articles").fetchone()[0]
    assert pc.count_distinct(corpus.column(column)).as_py() == shown == len(expected_articles())
