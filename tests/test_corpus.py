"""Corpus partitions on both backends: round trip, replace, empty, atomicity, schema growth."""

from __future__ import annotations

import glob
import io
import re
import threading
from pathlib import Path
from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import corpus
from pipeline.corpus import CorpusError, read_partition, to_table, write_partition
from pipeline.layout import CORPUS_ARTICLES_PREFIX, corpus_partition_key
from pipeline.schema import ARTICLE_SCHEMA
from pipeline.store import LocalStore, StoreError, open_store

DAY = date(2024, 5, 26)
KEY = corpus_partition_key("metro_wire", DAY)


def article(number: int, **overrides) -> dict:
    record = {
        "doc_id": f"doc-{number}",
        "url": f"http://127.0.0.13:8765/stories/{number}/a-story/",
        "canonical_url": f"http://127.0.0.13:8765/stories/{number}/a-story/",
        "source": "metro_wire",
        "site_name": "Metro Wire Online",
        "title": f"Story number {number}",
        "author": "A. Reporter; B. Editor",
        "authors": ["A. Reporter", "B. Editor"],
        "author_orgs": [],
        "published_at": datetime(2024, 5, 25, 9, number % 60, tzinfo=timezone.utc),
        "updated_at": None,
        "crawl_date": DAY,
        "fetched_at": datetime(2024, 5, 26, 3, 0, tzinfo=timezone.utc),
        "language": "en",
        "section": "Politics",
        "tags": ["budget", "transit"],
        "text": f"First paragraph of story {number}.\n\nSecond paragraph.",
        "markdown": f"First paragraph of story {number}.\n\nSecond paragraph.",
        "word_count": 8,
        "attribution": None,
        "content_hash": f"{number:064x}",
        "page_type": "article",
        "is_paywalled": False,
        "is_too_short": True,
        # a map column reads back as (key, value) pairs
        "provenance": [("title", "jsonld:headline"), ("published_at", "meta:article:published_time")],
    }
    record.update(overrides)
    return record


def test_partition_round_trip(store_uri):
    store = open_store(store_uri)
    records = [article(1), article(2, attribution="The Capitol Ledger")]
    write_partition(store, KEY, records)
    assert store.list(CORPUS_ARTICLES_PREFIX) == [KEY]
    table = read_partition(store, KEY)
    assert table.schema == ARTICLE_SCHEMA
    assert table.to_pylist() == records


def test_a_corpus_folder_reads_whole_with_plain_pyarrow_as_pandas_and_spark_read_it(local_store_uri):
    """pandas.read_parquet(folder) is pyarrow.parquet.read_table(folder): hive keys become columns, so
    a file may not hold a column of the same name (`source`); crawl_date stays in the files."""
    store = open_store(local_store_uri)
    write_partition(store, KEY, [article(1)])
    write_partition(store, corpus_partition_key("daily_courier", DAY), [article(2, source="daily_courier")])
    assert "source" not in pq.read_schema(f"{local_store_uri}/{KEY}").names
    table = pq.read_table(f"{local_store_uri}/{CORPUS_ARTICLES_PREFIX}", filters=[("source", "=", "daily_courier")])
    assert table.column("doc_id").to_pylist() == ["doc-2"] and table.column("date").to_pylist() == [DAY.isoformat()]
    assert read_partition(store, KEY).column("source").to_pylist() == ["metro_wire"]  # from the key


def test_readmes_duckdb_query_reads_a_column_an_older_day_lacks(local_store_uri):
    """Columns are only ever added, so the oldest days lack the newest columns; README's direct DuckDB
    query must read them as null there, not take the columns of the first (oldest) file it reads."""
    import duckdb

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    sql = re.search(r"`(SELECT \* FROM read_parquet\('s3://BUCKET/PREFIX/corpus/articles/[^`]*)`", readme).group(1)
    sql = sql.replace("s3://BUCKET/PREFIX", local_store_uri)
    store = open_store(local_store_uri)
    older = corpus_partition_key("metro_wire", date(2024, 5, 25))
    store.put_bytes(older, _parquet(to_table([article(1, crawl_date=date(2024, 5, 25))]).drop_columns(["source", "word_count"])))
    write_partition(store, KEY, [article(2)])
    rows = duckdb.sql(f"SELECT date, word_count FROM ({sql}) ORDER BY date").fetchall()
    assert rows == [(date(2024, 5, 25), None), (DAY, 8)]


def test_records_are_coerced_and_missing_columns_are_null(local_store_uri):
    store = open_store(local_store_uri)
    write_partition(store, KEY, [{"doc_id": "d", "published_at": "2022-01-29T10:30:00+01:00", "word_count": "42"}])
    (row,) = read_partition(store, KEY).to_pylist()
    assert row["published_at"] == datetime(2022, 1, 29, 9, 30, tzinfo=timezone.utc)
    assert row["word_count"] == 42
    assert row["title"] is None and row["attribution"] is None
    # Partition columns left out take the values the key gives.
    assert (row["source"], row["crawl_date"]) == ("metro_wire", DAY)


def test_rewrite_replaces_the_partition_exactly(store_uri):
    store = open_store(store_uri)
    write_partition(store, KEY, [article(n) for n in range(5)])
    write_partition(store, KEY, [article(n) for n in range(5)])
    assert store.list() == [KEY]
    assert read_partition(store, KEY).num_rows == 5
    write_partition(store, KEY, [article(7)])
    assert store.list() == [KEY]
    assert read_partition(store, KEY).column("doc_id").to_pylist() == ["doc-7"]


def test_local_rewrite_leaves_no_hidden_files(tmp_path):
    store = LocalStore(tmp_path)
    for _ in range(3):
        write_partition(store, KEY, [article(1)])
    assert [path.name for path in (tmp_path / KEY).parent.iterdir()] == ["part-0.parquet"]


def test_empty_partition_differs_from_a_missing_one(store_uri):
    store = open_store(store_uri)
    write_partition(store, KEY, [])
    assert store.exists(KEY)
    empty = read_partition(store, KEY)
    assert empty.num_rows == 0 and empty.schema == ARTICLE_SCHEMA
    with pytest.raises(StoreError, match=r"date=2024-05-27/source=metro_wire/part-0.parquet: no such object"):
        read_partition(store, corpus_partition_key("metro_wire", date(2024, 5, 27)))


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([article(1), article(2, colour="red")], r"record 1 has unknown column\(s\) colour; known: doc_id, url"),
        ([article(1, word_count=12.5)], r"record 0: column word_count: 12\.5 is not a valid int32"),
        ([article(1), article(2, published_at="yesterday")], r"record 1: column published_at: 'yesterday' is not a valid timestamp"),
        ([article(1), article(2, source="daily_courier")], r"record 1 has source=daily_courier but the partition key says metro_wire"),
        ([article(1, crawl_date=date(2024, 5, 25))], r"record 0 has crawl_date=2024-05-25 but the partition key says 2024-05-26"),
    ],
)
def test_a_failing_write_names_the_problem_and_keeps_the_old_partition(store_uri, records, message):
    store = open_store(store_uri)
    write_partition(store, KEY, [article(1), article(2)])
    with pytest.raises(CorpusError, match=rf"^{re.escape(store.url(KEY))}: {message}") as caught:
        write_partition(store, KEY, records)
    assert "\n" not in str(caught.value)
    assert store.list() == [KEY]
    assert read_partition(store, KEY).column("doc_id").to_pylist() == ["doc-1", "doc-2"]


def test_a_table_is_conformed_like_records():
    table = pa.table({"word_count": pa.array([3], pa.int64()), "doc_id": ["d"]})
    conformed = to_table(table)
    assert conformed.schema == ARTICLE_SCHEMA
    assert conformed.to_pylist()[0]["word_count"] == 3
    with pytest.raises(CorpusError, match=r"^table has unknown column\(s\) extra"):
        to_table(table.append_column("extra", pa.array([1])))


def test_bad_partition_date_in_key_is_an_error(local_store_uri):
    with pytest.raises(CorpusError, match=r"date=2024-02-30 is not a YYYY-MM-DD date"):
        write_partition(open_store(local_store_uri), "corpus/articles/date=2024-02-30/source=x/part-0.parquet", [])


def test_old_and_newer_partitions_read_with_the_current_schema(store_uri):
    """Schema growth: a file written before a column existed reads it as null; a file
    written by a newer release with an extra column reads without it."""
    store = open_store(store_uri)
    full = to_table([article(1)])
    old = full.drop_columns(["attribution", "content_hash"])
    newer = full.append_column("cluster_id", pa.array(["c-1"]))
    store.put_bytes(KEY, _parquet(old))
    assert read_partition(store, KEY).to_pylist() == [article(1, content_hash=None)]
    store.put_bytes(KEY, _parquet(newer))
    assert read_partition(store, KEY).to_pylist() == [article(1)]


def test_unreadable_partition_is_a_one_line_error(local_store_uri):
    store = open_store(local_store_uri)
    store.put_bytes(KEY, b"not parquet")
    with pytest.raises(CorpusError, match=rf"{KEY}: not a readable Parquet file"):
        read_partition(store, KEY)


def test_parquet_is_zstd_with_row_groups_bounded_by_size(local_store_uri, monkeypatch):
    store = open_store(local_store_uri)
    monkeypatch.setattr(corpus, "ROW_GROUP_BYTES", 20_000)
    write_partition(store, KEY, [article(n, text="word " * 400) for n in range(100)])
    metadata = pq.ParquetFile(io.BytesIO(store.get_bytes(KEY))).metadata
    assert metadata.num_rows == 100
    assert 5 <= metadata.num_row_groups <= 20
    assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_readers_never_see_half_a_partition_or_temporary_objects(store_uri):
    """While a writer keeps replacing the partition, every listing shows exactly the one
    object and every read parses whole, with one of the two row counts written."""
    store = open_store(store_uri)
    versions = [[article(n) for n in range(3)], [article(n) for n in range(40)]]
    write_partition(store, KEY, versions[0])
    done = threading.Event()
    failures: list[BaseException] = []

    def rewrite() -> None:
        try:
            for round_number in range(30):
                write_partition(store, KEY, versions[round_number % 2])
        except BaseException as exc:  # surfaced by the assertion below
            failures.append(exc)
        finally:
            done.set()

    writer = threading.Thread(target=rewrite)
    writer.start()
    reads = 0
    while not done.is_set() or reads == 0:
        assert store.list(CORPUS_ARTICLES_PREFIX) == [KEY]
        if isinstance(store, LocalStore):  # what an analyst's DuckDB or Spark glob would see
            pattern = f"{store.root}/{CORPUS_ARTICLES_PREFIX}date=*/source=*/*.parquet"
            assert glob.glob(pattern) == [f"{store.root}/{KEY}"]
        assert read_partition(store, KEY).num_rows in (3, 40)
        reads += 1
    writer.join()
    assert failures == []
    assert store.list() == [KEY]


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def test_provenance_dicts_from_the_extractor_become_maps(local_store_uri):
    store = open_store(local_store_uri)
    write_partition(store, KEY, [article(1, provenance={"title": "og:title", "author": "meta:author"})])
    (row,) = read_partition(store, KEY).to_pylist()
    assert dict(row["provenance"]) == {"title": "og:title", "author": "meta:author"}
    with pytest.raises(CorpusError, match="column provenance: not a map of strings"):
        write_partition(store, KEY, [article(1, provenance={"title": 3})])
