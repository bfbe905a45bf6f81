"""The query views over dedup state: articles with cluster columns, originals, reprints,
on a local store and on an S3 API server (moto over HTTP), through pipeline.query."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

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


def test_readme_queries_run(local_store_uri):
    store = open_store(local_store_uri)
    ingest_all(store, list(PARTITIONS))
    con = query.connect(store, views=VIEWS)
    top = con.execute(
        "SELECT title, original_publisher, reprint_count FROM originals ORDER BY reprint_count DESC, title LIMIT 3"
    ).fetchall()
    assert top[0][2] == max(len(c.urls) - (c.original_url is not None) for c in expected_clusters())
    pairs = con.execute(
        "SELECT source AS reprinted_by, original_publisher, count(*) FROM reprints GROUP BY ALL ORDER BY 3 DESC, 1"
    ).fetchall()
    assert ("daily_courier", "The Capitol Ledger") in {(a, b) for a, b, _ in pairs}
    lags = con.execute(
        "SELECT source, median(reprint_lag) FROM reprints WHERE reprint_lag IS NOT NULL GROUP BY source ORDER BY source"
    ).fetchall()
    assert {source for source, _ in lags} <= {a.source for a in expected_articles()}
