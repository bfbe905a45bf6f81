"""DuckDB views that join the dedup state onto the corpus at query time.

Cluster columns live in the dedup state, not in the article files: a backfill that
brings in an older original re-points a cluster by writing new assignment rows, and no
published partition is rewritten. `register` turns the corpus relation `articles` into
`corpus_articles` and defines, over it:

  articles   every article plus cluster_id, is_original, original_doc_id, original_url,
             original_publisher, dup_kind (null columns: the partition is not deduplicated yet)
  originals  one row per cluster: the original's article columns (null when the original
             was never crawled), original_publisher, reprint_count, reprint_sources
  reprints   every article that is not its cluster's original, with the original's url,
             publisher, source and published_at, and reprint_lag: from the original's
             published_at to the latest of the reprint's published_at, its crawl_date
             and the original's published_at (never negative)

A page listed by several partitions (the same URL and text on several days) is in each
of those corpus partitions; `articles` shows it once, from its earliest listing
(first_crawl_date, first_source in the dedup state).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from pipeline.dedup import state
from pipeline.store import ObjectStore

DEDUP_COLUMNS: list[tuple[str, str, str]] = [
    ("cluster_id", "string", "the story's cluster: the smallest doc_id among its members (a singleton's own doc_id)"),
    ("is_original", "bool", "this article is its cluster's original"),
    ("original_doc_id", "string", "doc_id of the cluster's original; null when the original was never crawled"),
    ("original_url", "string", "URL of the cluster's original; null when the original was never crawled"),
    ("original_publisher", "string", "publisher of the original: its site name, or the publisher an attribution line credits when the original was never crawled"),
    ("dup_kind", "string", "how this article matches its original: url (same canonical URL), exact (same normalised body), near (MinHash-verified); null for the original, and for a reprint whose original was never crawled"),
]
_ASSIGNMENT_COLUMNS = ", ".join(name for name, _, _ in DEDUP_COLUMNS)


def _assignments(store: ObjectStore) -> tuple[ds.Dataset | pa.Table, pa.Table]:
    manifest = state.load(store)
    live = pa.table({"segment": pa.array(manifest.live_segments(), pa.uint64())})
    if not manifest.member_runs:
        return state.MEMBER_SCHEMA.empty_table(), live
    filesystem, root = store.arrow_filesystem()
    paths = [f"{root}/{run.key}" for run in manifest.member_runs]
    return ds.dataset(paths, schema=state.MEMBER_SCHEMA, format="parquet", filesystem=filesystem), live


def register(con: duckdb.DuckDBPyConnection, store: ObjectStore) -> None:
    """Add the dedup columns to `articles` and define `originals` and `reprints`.

    Call after the corpus relation is registered as `articles`; calling again refreshes
    the views to the current dedup generation.
    """
    names = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    names |= {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "corpus_articles" not in names:
        con.execute("ALTER VIEW articles RENAME TO corpus_articles")
    runs, live = _assignments(store)
    con.register("dedup_member_runs", runs)
    con.register("dedup_live_segments", live)
    # Every live listing of a document carries the same newest assignment (a commit
    # reassigns all listings of the documents it touches), so any newest row will do.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW dedup_assignments AS
        SELECT doc_id, {_ASSIGNMENT_COLUMNS}, first_source, first_crawl_date
        FROM dedup_member_runs
        WHERE (ptr >> 32) IN (SELECT segment FROM dedup_live_segments)
        QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY generation DESC) = 1
        """
    )
    # Rows of partitions not deduplicated yet have no assignment and show as they are.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW articles AS
        SELECT a.*, {", ".join(f"d.{name}" for name, _, _ in DEDUP_COLUMNS)}
        FROM corpus_articles a LEFT JOIN dedup_assignments d ON d.doc_id = a.doc_id
        WHERE d.doc_id IS NULL OR (a.crawl_date = d.first_crawl_date AND a.source = d.first_source)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW originals AS
        WITH clusters AS (
            SELECT cluster_id,
                   any_value(original_doc_id) AS original_doc_id,
                   any_value(original_publisher) AS original_publisher,
                   any_value(original_url) AS original_url,
                   count(*) FILTER (WHERE NOT is_original) AS reprint_count,
                   coalesce(list(DISTINCT source ORDER BY source) FILTER (WHERE NOT is_original), []) AS reprint_sources
            FROM articles WHERE cluster_id IS NOT NULL GROUP BY cluster_id
        )
        SELECT o.* EXCLUDE (cluster_id, is_original, original_doc_id, original_url, original_publisher, dup_kind),
               c.cluster_id, c.original_url, c.original_publisher, c.reprint_count, c.reprint_sources
        FROM clusters c LEFT JOIN articles o ON o.doc_id = c.original_doc_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW reprints AS
        -- A reprint appears no earlier than the day it was listed (crawl_date): many
        -- reprints print only the original's date, which would make the lag zero.
        SELECT r.*, o.source AS original_source, o.published_at AS original_published_at,
               greatest(r.published_at, r.crawl_date::TIMESTAMPTZ, o.published_at) - o.published_at AS reprint_lag
        FROM articles r LEFT JOIN articles o ON o.doc_id = r.original_doc_id
        WHERE r.cluster_id IS NOT NULL AND NOT r.is_original
        """
    )
