"""Dedup end to end on the fixture web's articles: clusters, originals, state, re-runs.

Records are the news web's expected articles (the text extraction must recover), so
these tests pin dedup on its own; the pipeline tests cover extraction feeding it.
Every partition is published through the real corpus writer on a real LocalStore.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import corpus, layout, query
from pipeline.dedup import DedupConflict, DedupError, commit, dedup_partition, state, views
from pipeline.newsweb import expected_articles, expected_clusters
from pipeline.store import LocalStore, ObjectStore

Partition = tuple[str, date]


def record(article, **changes) -> dict:
    """An article row as extraction would produce it for an expected fixture page."""
    row = dict(
        doc_id=None, url=article.url, canonical_url=article.canonical_url, source=article.source,
        site_name=article.site_name, title=article.title, author=article.author,
        published_at=article.published_at, crawl_date=article.crawl_date,
        fetched_at=datetime.combine(article.crawl_date, datetime.min.time(), timezone.utc),
        language="en", text=article.text, word_count=len(article.text.split()),
        attribution=article.attribution, content_hash=hashlib.sha256(article.text.encode()).hexdigest(),
    )
    row.update(changes)
    row["doc_id"] = hashlib.sha256(f"{row['url']}\n{row['content_hash']}".encode()).hexdigest()[:24]
    return row


def fixture_partitions() -> dict[Partition, list[dict]]:
    partitions: dict[Partition, list[dict]] = defaultdict(list)
    for article in expected_articles():
        partitions[(article.source, article.crawl_date)].append(record(article))
    return dict(sorted(partitions.items()))


PARTITIONS = fixture_partitions()


def ingest(store: ObjectStore, source: str, day: date, rows: list[dict]) -> dict:
    table = corpus.to_table(rows)
    plan = dedup_partition(store, source, day, table)
    commit(store, plan, lambda articles: corpus.write_partition(store, layout.corpus_partition_key(source, day), articles))
    return plan.stats


def ingest_all(store: ObjectStore, order: list[Partition]) -> None:
    for partition in order:
        ingest(store, *partition, PARTITIONS[partition])


def assignments(store: ObjectStore) -> dict[str, dict]:
    """url -> the dedup columns the articles view shows for it."""
    con = query.connect(store, views=(query.articles_view, views.register))
    rows = con.execute(
        "SELECT url, cluster_id, is_original, original_url, original_publisher, dup_kind FROM articles"
    ).fetchall()
    names = ["cluster_id", "is_original", "original_url", "original_publisher", "dup_kind"]
    return {url: dict(zip(names, values)) for url, *values in rows}


def clusters_of(found: dict[str, dict]) -> set[tuple[frozenset[str], str | None, str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for url, columns in found.items():
        members[columns["cluster_id"]].add(url)
    return {
        (frozenset(urls), found[next(iter(urls))]["original_url"], found[next(iter(urls))]["original_publisher"])
        for urls in members.values()
    }


EXPECTED = {(c.urls, c.original_url, c.original_publisher) for c in expected_clusters()}


@pytest.fixture
def store(tmp_path) -> LocalStore:
    return LocalStore(tmp_path / "lake")


def test_fixture_web_clusters_and_originals_come_out_exactly(store):
    ingest_all(store, list(PARTITIONS))
    found = assignments(store)
    assert len(found) == sum(map(len, PARTITIONS.values()))
    assert clusters_of(found) == EXPECTED
    for url, columns in found.items():
        assert columns["is_original"] == (columns["original_url"] == url)
        if columns["is_original"]:
            assert columns["dup_kind"] is None


def test_dup_kinds_name_the_layer_that_matched(store):
    ingest_all(store, list(PARTITIONS))
    found = assignments(store)
    cases = {a.url: a.case for a in expected_articles()}
    kinds = {cases[url]: columns["dup_kind"] for url, columns in found.items() if cases[url]}
    assert kinds["exact reprint"] == "exact"
    assert kinds["exact reprint, other template"] == "exact"
    assert kinds["different date format, canonical to original"] == "url"
    assert kinds["truncated tail"] == "near"
    assert kinds["editor's note added"] == "near"
    assert kinds["seed original"] is None


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(list(PARTITIONS)))
def test_any_ingestion_order_gives_identical_clusters_and_originals(tmp_path_factory, order):
    store = LocalStore(tmp_path_factory.mktemp("lake"))
    ingest_all(store, order)
    found = assignments(store)
    assert clusters_of(found) == EXPECTED
    forward = LocalStore(tmp_path_factory.mktemp("lake"))
    ingest_all(forward, list(PARTITIONS))
    assert found == assignments(forward)


def test_backwards_ingestion_matches_forwards(tmp_path):
    forward, backward = LocalStore(tmp_path / "f"), LocalStore(tmp_path / "b")
    ingest_all(forward, list(PARTITIONS))
    ingest_all(backward, list(reversed(PARTITIONS)))
    assert assignments(forward) == assignments(backward)


def test_older_original_arriving_later_repoints_without_rewriting_articles(store):
    seed = next(a for a in expected_articles() if a.case == "seed original")
    later = [p for p in PARTITIONS if p != (seed.source, seed.crawl_date)]
    ingest_all(store, later)
    reprint = next(a for a in expected_articles() if a.case == "seed reprint, years apart")
    before = assignments(store)[reprint.url]
    # Alone, the reprint's credit line names an original that was never crawled.
    assert (before["original_url"], before["original_publisher"], before["is_original"]) == (None, "The Capitol Ledger", False)
    published = {key: store.get_bytes(key) for key in store.list(layout.CORPUS_ARTICLES_PREFIX)}

    ingest(store, seed.source, seed.crawl_date, PARTITIONS[(seed.source, seed.crawl_date)])

    after = assignments(store)
    assert after[reprint.url]["original_url"] == seed.url
    assert after[reprint.url]["is_original"] is False
    assert after[reprint.url]["original_publisher"] == "The Capitol Ledger"
    assert after[seed.url]["is_original"] is True
    assert {key: store.get_bytes(key) for key in published} == published


def test_rerunning_partitions_is_idempotent(store):
    ingest_all(store, list(PARTITIONS))
    first = assignments(store)
    generation = state.current_generation(store)
    for partition in list(PARTITIONS)[:5]:
        ingest_all(store, [partition])
    assert assignments(store) == first
    assert state.current_generation(store) == generation + 5
    manifest = state.load(store)
    assert sum(segment.rows for segment in manifest.segments.values()) == len(first)
    assert set(manifest.partitions) == {f"{s}/{d.isoformat()}" for s, d in PARTITIONS}
    # Objects no longer referenced are gone one generation later; nothing else piles up.
    referenced = manifest.referenced()
    previous = state.Manifest.from_json(store.get_bytes(state.manifest_key(generation + 4)), "previous")
    leftovers = {k for k in store.list("dedup/") if k.endswith((".parquet", ".bin"))} - referenced - previous.referenced()
    assert leftovers == set()


def test_rerun_with_changed_text_regroups_the_partition(store):
    ingest_all(store, list(PARTITIONS))
    reprint = next(a for a in expected_articles() if a.case == "truncated tail")
    partition = (reprint.source, reprint.crawl_date)
    unrelated = "\n\n".join(f"Paragraph {i} of an unrelated notice about parking permits, ferry timetables and library hours in the old town, number {i}." for i in range(8))
    rows = [record(a, text=unrelated, content_hash="changed", attribution=None) if a.url == reprint.url else row
            for a, row in zip([a for a in expected_articles() if (a.source, a.crawl_date) == partition], PARTITIONS[partition])]
    ingest(store, *partition, rows)
    found = assignments(store)
    assert found[reprint.url]["is_original"] is True
    assert found[reprint.url]["original_url"] == reprint.url
    assert len(found) == sum(map(len, PARTITIONS.values()))


def test_same_page_on_two_days_is_stored_once(store):
    seed = next(a for a in expected_articles() if a.case == "seed original")
    row = PARTITIONS[(seed.source, seed.crawl_date)][0]
    ingest(store, seed.source, seed.crawl_date, [row])
    stats = ingest(store, seed.source, date(2022, 1, 30), [dict(row, crawl_date=date(2022, 1, 30))])
    assert stats["already_stored"] == 1
    con = query.connect(store, views=(query.articles_view, views.register))
    assert con.execute("SELECT count(*), min(crawl_date) FROM articles").fetchone() == (1, date(2022, 1, 29))


def test_changed_article_at_the_same_url_is_a_linked_version(store):
    seed = next(a for a in expected_articles() if a.case == "seed original")
    first = record(seed)
    updated = record(seed, text=seed.text + "\n\nCorrection: an earlier version misstated the date of the council vote.",
                     content_hash="v2", crawl_date=date(2022, 1, 30))
    ingest(store, seed.source, seed.crawl_date, [first])
    ingest(store, seed.source, date(2022, 1, 30), [updated])
    found = {row["doc_id"]: row for row in _rows(store)}
    assert found[updated["doc_id"]]["cluster_id"] == found[first["doc_id"]]["cluster_id"]
    assert found[updated["doc_id"]]["dup_kind"] == "url"
    assert found[first["doc_id"]]["is_original"] is True


def _rows(store):
    con = query.connect(store, views=(query.articles_view, views.register))
    cursor = con.execute("SELECT doc_id, cluster_id, is_original, dup_kind FROM articles")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def test_crash_before_the_manifest_leaves_the_previous_generation(store):
    (source, day), rows = next(iter(PARTITIONS.items()))
    plan = dedup_partition(store, source, day, corpus.to_table(rows))

    def crash(_articles):
        raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        commit(store, plan, crash)
    assert state.current_generation(store) == 0
    assert state.load(store).segments == {}
    ingest(store, source, day, rows)  # the retry succeeds from the same state
    assert state.current_generation(store) == 1


def test_concurrent_commits_are_refused(store):
    (first, first_rows), (second, second_rows) = itertools.islice(PARTITIONS.items(), 2)
    plan_a = dedup_partition(store, *first, corpus.to_table(first_rows))
    plan_b = dedup_partition(store, *second, corpus.to_table(second_rows))
    commit(store, plan_a, lambda articles: None)
    with pytest.raises(DedupConflict, match="one at a time"):
        commit(store, plan_b, lambda articles: None)


def test_missing_column_is_a_one_line_error(store):
    table = corpus.to_table(next(iter(PARTITIONS.values()))).drop_columns(["canonical_url"])
    with pytest.raises(DedupError) as error:
        dedup_partition(store, "capitol_ledger", date(2024, 5, 22), table)
    assert str(error.value) == "articles for capitol_ledger 2024-05-22: missing column(s) canonical_url"


def test_state_built_with_other_parameters_is_refused(store):
    ingest_all(store, list(PARTITIONS)[:1])
    key = state.manifest_key(1)
    store.put_bytes(key, store.get_bytes(key).replace(b'"bands": 32', b'"bands": 16'))
    with pytest.raises(DedupError, match="parameters"):
        dedup_partition(store, "capitol_ledger", date(2024, 5, 22), corpus.to_table([]))


def test_empty_partition_commits(store):
    plan = dedup_partition(store, "metro_wire", date(2024, 5, 20), corpus.to_table([]))
    commit(store, plan, lambda articles: None)
    assert state.load(store).partitions == {"metro_wire/2024-05-20": 1}
