"""Dedup end to end on the fixture web's articles: clusters, originals, state, re-runs.

Records are the news web's expected articles (the text extraction must recover), so
these tests pin dedup on its own; the pipeline tests cover extraction feeding it.
Every partition is published through the real corpus writer on a real LocalStore.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import threading
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.server import ThreadedMotoServer

from pipeline import corpus, layout, query
from pipeline.console import Stopped, stopped_by_signals
from pipeline.dedup import DedupConflict, DedupError, commit, dedup_and_commit, dedup_partition, state, unassigned, views
from pipeline.newsweb import expected_articles, expected_clusters
from pipeline.store import LocalStore, ObjectStore, StoreError, open_store

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
    assert (before["original_url"], before["original_publisher"], before["is_original"], before["dup_kind"]) == (None, "The Capitol Ledger", False, None)
    published = {key: store.get_bytes(key) for key in store.list(layout.CORPUS_ARTICLES_PREFIX)}

    ingest(store, seed.source, seed.crawl_date, PARTITIONS[(seed.source, seed.crawl_date)])

    after = assignments(store)
    assert after[reprint.url]["original_url"] == seed.url
    assert after[reprint.url]["is_original"] is False
    assert after[reprint.url]["original_publisher"] == "The Capitol Ledger"
    assert after[seed.url]["is_original"] is True
    assert {key: store.get_bytes(key) for key in published} == published


def test_reprints_of_an_original_never_crawled_have_no_dup_kind(store):
    """dup_kind says how a reprint matches its original; two reprints of an uncrawled wire story
    have none to match, however alike they are."""
    ingest_all(store, list(PARTITIONS))
    external = [row for row in assignments(store).values() if row["cluster_id"] and row["original_url"] is None]
    sizes = Counter(row["cluster_id"] for row in external)
    assert max(sizes.values()) >= 2  # a cluster of two reprints of one uncrawled original
    assert {row["dup_kind"] for row in external} == {None} and not any(row["is_original"] for row in external)


def dedup_objects(store: ObjectStore) -> set[str]:
    return {key for key in store.list("dedup/") if not key.startswith(state.MANIFESTS)}


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
    # Nothing piles up unaccounted for: every object is in use or retired (awaiting deletion).
    retired = {entry.key for entry in manifest.retired}
    assert manifest.referenced().isdisjoint(retired)
    assert set(store.list("dedup/")) == manifest.referenced() | retired | {state.manifest_key(manifest.generation)}


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


def articles_view(store: ObjectStore, sql: str) -> list[tuple]:
    return query.connect(store, views=(query.articles_view, views.register)).execute(sql).fetchall()


def seed_row(day: date) -> dict:
    seed = next(a for a in expected_articles() if a.case == "seed original")
    return record(seed, crawl_date=day, fetched_at=datetime.combine(day, datetime.min.time(), timezone.utc))


def test_same_page_on_two_days_shows_once_from_its_earliest_listing(store):
    ingest(store, "capitol_ledger", date(2022, 1, 30), [seed_row(date(2022, 1, 30))])
    stats = ingest(store, "capitol_ledger", date(2022, 1, 29), [seed_row(date(2022, 1, 29))])
    assert stats["listed_elsewhere"] == 1
    # Both partitions keep the page; the view shows it once, from the earlier day.
    for day in (date(2022, 1, 29), date(2022, 1, 30)):
        assert corpus.read_partition(store, layout.corpus_partition_key("capitol_ledger", day)).num_rows == 1
    assert articles_view(store, "SELECT count(*), min(crawl_date), bool_and(is_original) FROM articles") == [(1, date(2022, 1, 29), True)]


def _story(story: str, source: str):
    return next(a for a in expected_articles() if a.story == story and a.source == source)


def _uncredited(article, **changes) -> dict:
    """A reprint that names neither its original (no credit line) nor a canonical URL."""
    return record(article, attribution=None, canonical_url=None, **changes)


def _original_source(store: ObjectStore) -> list[tuple]:
    return articles_view(store, "SELECT source FROM articles WHERE is_original")


@pytest.mark.parametrize("metro_fetched_first", [True, False])
def test_a_tie_on_published_at_is_broken_by_doc_id_not_by_fetch_order(tmp_path, metro_fetched_first):
    """Two pages of one story, same published_at, nothing naming the original: crawl times are no
    evidence, so the original does not depend on which day was crawled first (or re-run)."""
    store = LocalStore(tmp_path / "lake")
    ledger, metro = _story("story-0015", "capitol_ledger"), _story("story-0015", "metro_wire")
    early, late = datetime(2024, 5, 27, 1, tzinfo=timezone.utc), datetime(2024, 5, 27, 2, tzinfo=timezone.utc)
    rows = {
        "capitol_ledger": record(ledger, fetched_at=late if metro_fetched_first else early),
        "metro_wire": _uncredited(metro, published_at=ledger.published_at, fetched_at=early if metro_fetched_first else late),
    }
    order = ["metro_wire", "capitol_ledger"] if metro_fetched_first else ["capitol_ledger", "metro_wire"]
    for source in order:
        ingest(store, source, date(2024, 5, 26), [rows[source]])
    expected = min(rows.values(), key=lambda row: row["doc_id"])["source"]
    assert articles_view(store, "SELECT count(DISTINCT cluster_id) FROM articles") == [(1,)]
    assert _original_source(store) == [(expected,)]


def test_a_page_giving_only_its_day_is_no_earlier_than_one_giving_its_time_that_day(store):
    """An uncredited reprint printing "May 22, 2024" (midnight) beside the original's 14:05 the same day."""
    ledger, courier = _story("story-0007", "capitol_ledger"), _story("story-0007", "daily_courier")
    assert courier.published_at == datetime(2024, 5, 22, tzinfo=timezone.utc) < ledger.published_at
    ingest(store, "daily_courier", date(2024, 5, 22), [_uncredited(courier)])
    ingest(store, "capitol_ledger", date(2024, 5, 22), [record(ledger)])
    assert _original_source(store) == [("capitol_ledger",)]
    # a day earlier is earlier, time or not
    ingest(store, "daily_courier", date(2024, 5, 22), [_uncredited(courier, published_at=datetime(2024, 5, 21, tzinfo=timezone.utc))])
    assert _original_source(store) == [("daily_courier",)]


def test_page_stays_when_another_partition_listing_it_drops_it(store):
    """B lists X, then A (earlier) lists X, then B is re-run without X: X stays, shown from A."""
    ingest(store, "capitol_ledger", date(2022, 1, 30), [seed_row(date(2022, 1, 30))])
    ingest(store, "capitol_ledger", date(2022, 1, 29), [seed_row(date(2022, 1, 29))])
    ingest(store, "capitol_ledger", date(2022, 1, 30), [])
    assert articles_view(store, "SELECT count(*), min(crawl_date), bool_and(is_original) FROM articles") == [(1, date(2022, 1, 29), True)]
    ingest(store, "capitol_ledger", date(2022, 1, 29), [])
    assert articles_view(store, "SELECT count(*) FROM articles") == [(0,)]


# A small world with every relation the layers know: an original with a reprint years
# later, an exact reprint on two templates, a truncated reprint, a canonical link, and a
# corrected version of a page at the same URL. Each source's partitions list subsets of
# its pages on any of three days, so pages repeat across days and partitions shrink.
_STORIES = {a.story for a in expected_articles() if a.case in (
    "seed reprint, years apart", "exact reprint", "truncated tail", "different date format, canonical to original")}
_SEED = next(a for a in expected_articles() if a.case == "seed original")
POOL = [(a, {}) for a in expected_articles() if a.story in _STORIES] + [
    (_SEED, {"text": _SEED.text + "\n\nCorrection: an earlier version misstated the date of the council vote.", "content_hash": "v2"})
]
POOL_SOURCES = sorted({a.source for a, _ in POOL})
DAYS = [date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 3)]


def listing(page: int, day: date) -> dict:
    article, changes = POOL[page]
    return record(article, crawl_date=day, fetched_at=datetime.combine(day, datetime.min.time(), timezone.utc), **changes)


def contents(source: str, day: date, pages: frozenset[int]) -> list[dict]:
    return [listing(page, day) for page in sorted(pages) if POOL[page][0].source == source]


def snapshot(store: ObjectStore) -> list[tuple]:
    return articles_view(store, "SELECT doc_id, source, crawl_date, cluster_id, is_original, original_doc_id, "
                                "original_url, original_publisher, dup_kind FROM articles ORDER BY doc_id")


runs = st.lists(
    st.tuples(st.sampled_from(POOL_SOURCES), st.sampled_from(DAYS), st.frozensets(st.integers(0, len(POOL) - 1))),
    min_size=1, max_size=7,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=runs, data=st.data())
def test_corpus_is_what_a_fresh_ingest_of_the_final_partitions_gives(tmp_path_factory, history, data):
    """Ingests and re-ingests with changed contents, in any order, leave the corpus a fresh
    ingest of each partition's last contents (in any order) gives."""
    store = LocalStore(tmp_path_factory.mktemp("lake"))
    final: dict[Partition, list[dict]] = {}
    for source, day, pages in history:
        final[(source, day)] = contents(source, day, pages)
        ingest(store, source, day, final[(source, day)])
    fresh = LocalStore(tmp_path_factory.mktemp("lake"))
    for partition in data.draw(st.permutations(list(final)), label="fresh order"):
        ingest(fresh, *partition, final[partition])
    found = snapshot(store)
    assert found == snapshot(fresh)
    # Each page once, from its earliest listing.
    earliest = {}
    for (source, day), rows in sorted(final.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True):
        earliest.update({row["doc_id"]: (source, day) for row in rows})
    assert {doc_id: (source, day) for doc_id, source, day, *_ in found} == earliest


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


def test_crash_while_publishing_is_repaired_by_the_rerun(store):
    (source, day), rows = next(iter(PARTITIONS.items()))
    plan = dedup_partition(store, source, day, corpus.to_table(rows))

    def crash(_articles):
        raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        commit(store, plan, crash)
    # The claim landed before the publish: dedup state is ahead of the (absent) partition.
    assert state.current_generation(store) == 1
    assert store.list(layout.CORPUS_ARTICLES_PREFIX) == []
    ingest(store, source, day, rows)  # the retry succeeds from that state
    assert state.current_generation(store) == 2
    found = assignments(store)
    assert set(found) == {row["url"] for row in rows} and all(columns["cluster_id"] for columns in found.values())
    assert unassigned(store, source, day, [row["doc_id"] for row in rows]) == 0


def test_ctrl_c_between_the_claim_and_the_put_waits_for_the_put(store):
    """A real SIGINT to this process right after the claim, under the CLI's handlers: the
    partition is still published, and Stopped comes after it, so dedup and corpus agree."""
    (source, day), rows = next(iter(PARTITIONS.items()))
    plan = dedup_partition(store, source, day, corpus.to_table(rows))
    key = layout.corpus_partition_key(source, day)

    def interrupted_publish(articles):
        os.kill(os.getpid(), signal.SIGINT)  # handled at the next bytecode: here, without the hold
        corpus.write_partition(store, key, articles)

    with stopped_by_signals(), pytest.raises(Stopped):
        commit(store, plan, interrupted_publish)
    assert state.current_generation(store) == 1
    assert corpus.read_partition(store, key).num_rows == len(rows)
    assert unassigned(store, source, day, [row["doc_id"] for row in rows]) == 0


def test_unassigned_counts_rows_the_partitions_commit_does_not_hold(store):
    (source, day), rows = next(iter(PARTITIONS.items()))
    doc_ids = [row["doc_id"] for row in rows]
    assert unassigned(store, source, day, doc_ids) == len(doc_ids)
    ingest(store, source, day, rows)
    assert unassigned(store, source, day, doc_ids) == 0
    assert unassigned(store, source, day, doc_ids + ["not-committed-1", "not-committed-2"]) == 2
    other_source, other_day = list(PARTITIONS)[1]
    assert unassigned(store, other_source, other_day, doc_ids) == len(doc_ids)


def test_racing_commits_land_exactly_one_and_the_losers_change_nothing(store):
    partitions = list(PARTITIONS)[:4]
    plans = [dedup_partition(store, *partition, corpus.to_table(PARTITIONS[partition])) for partition in partitions]
    start = threading.Barrier(len(plans))
    published, outcomes = [], {}

    def run(plan):
        start.wait()
        try:
            commit(store, plan, lambda articles: published.append((plan.source, plan.day)))
            outcomes[(plan.source, plan.day)] = "landed"
        except DedupConflict as conflict:
            outcomes[(plan.source, plan.day)] = str(conflict)

    threads = [threading.Thread(target=run, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [partition for partition, outcome in outcomes.items() if outcome == "landed"]
    assert len(outcomes) == len(plans) and len(winners) == 1 and published == winners
    assert all("one at a time" in outcome and "re-run" in outcome for outcome in outcomes.values() if outcome != "landed")
    manifest = state.load(store)
    assert manifest.generation == 1 and list(manifest.partitions) == [f"{winners[0][0]}/{winners[0][1].isoformat()}"]
    assert dedup_objects(store) == manifest.referenced()  # the losers removed what they wrote
    for partition in partitions:  # re-run, the losers land
        if partition not in winners:
            ingest(store, *partition, PARTITIONS[partition])
    assert state.load(store).generation == len(partitions)


def test_racing_writers_that_plan_again_all_land(store):
    """Two CLI crawls into one store: each lost race re-plans on the winner's generation."""
    partitions = list(PARTITIONS)[:4]
    start = threading.Barrier(len(partitions))
    failures = []

    def run(partition):
        start.wait()
        try:
            dedup_and_commit(store, *partition, corpus.to_table(PARTITIONS[partition]),
                             lambda articles: corpus.write_partition(store, layout.corpus_partition_key(*partition), articles))
        except DedupConflict as conflict:  # only after COMMIT_ATTEMPTS lost races, which four writers cannot cause
            failures.append(conflict)

    threads = [threading.Thread(target=run, args=(partition,)) for partition in partitions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    manifest = state.load(store)
    assert failures == [] and manifest.generation == len(partitions)
    assert sorted(manifest.partitions) == sorted(f"{source}/{day.isoformat()}" for source, day in partitions)
    # each lost attempt removed what it wrote: what no manifest uses is only what commits retired
    assert dedup_objects(store) - manifest.referenced() <= {entry.key for entry in manifest.retired}


def test_commit_planned_on_an_old_generation_is_refused(store_uri):
    store = open_store(store_uri)
    (first, first_rows), (second, second_rows) = itertools.islice(PARTITIONS.items(), 2)
    plan_a = dedup_partition(store, *first, corpus.to_table(first_rows))
    plan_b = dedup_partition(store, *second, corpus.to_table(second_rows))
    commit(store, plan_a, lambda articles: None)
    published = []
    with pytest.raises(DedupConflict, match="one at a time"):
        commit(store, plan_b, published.append)
    assert published == []
    assert dedup_objects(store) == state.load(store).referenced()


def test_create_only_writes_keep_the_first_object(store_uri):
    store = open_store(store_uri)
    assert store.put_bytes_if_absent("locks/1", b"first") is True
    assert store.put_bytes_if_absent("locks/1", b"second") is False
    assert store.get_bytes("locks/1") == b"first"
    assert store.list("locks/") == ["locks/1"]


def age_retired(store: ObjectStore, by: timedelta) -> None:
    """Make the current generation's retired objects look retired `by` earlier."""
    key = state.manifest_key(state.current_generation(store))
    data = json.loads(store.get_bytes(key))
    for entry in data["retired"]:
        entry["since"] = (datetime.fromisoformat(entry["since"]) - by).isoformat()
    store.put_bytes(key, json.dumps(data).encode())


def test_a_long_query_outlives_commits_and_old_objects_go_after_the_grace_period(store):
    order = list(PARTITIONS)
    ingest_all(store, order[:6])
    held = query.connect(store, views=(query.articles_view, views.register))  # an analyst's session
    expected = held.execute("SELECT count(*), count(cluster_id) FROM articles").fetchone()
    old = state.load(store)
    ingest_all(store, order[6:10])
    retired = {entry.key for entry in state.load(store).retired}
    assert old.referenced() & retired, "the commits replaced objects the held session reads"
    assert held.execute("SELECT count(*), count(cluster_id) FROM articles").fetchone() == expected

    age_retired(store, state.RETAIN)
    ingest_all(store, order[10:11])
    remaining = set(store.list("dedup/"))
    assert not retired & remaining
    manifest = state.load(store)
    assert remaining == manifest.referenced() | {entry.key for entry in manifest.retired} | {state.manifest_key(manifest.generation)}


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


def test_state_of_an_earlier_format_is_refused_with_the_fix(store):
    """Format 2 keyed URLs without their story parameters: its keys cannot be mixed with today's."""
    ingest_all(store, list(PARTITIONS)[:1])
    key = state.manifest_key(1)
    store.put_bytes(key, store.get_bytes(key).replace(f'"format": {state.FORMAT}'.encode(), b'"format": 2'))
    with pytest.raises(DedupError, match=r"not a dedup manifest this release can read .*delete the dedup/ folder and re-ingest"):
        dedup_partition(store, "capitol_ledger", date(2024, 5, 22), corpus.to_table([]))


def _damaged(data: bytes, how: str) -> bytes:
    """An object cut short after its first bytes, or with bytes changed behind them, its end left whole."""
    if how == "cut short":
        return data[:8]
    return data[:8] + bytes(byte ^ 0x5A for byte in data[8 : len(data) // 2]) + data[len(data) // 2 :]


@pytest.mark.parametrize(("kind", "how"), [
    ("index_runs", "cut short"), ("member_runs", "cut short"), ("docs", "cut short"), ("sigs", "cut short"), ("member_runs", "changed"),
])
def test_a_damaged_dedup_object_is_named_and_the_published_partitions_stay(store_uri, kind, how):
    """pyarrow's "Parquet magic bytes not found" or numpy's IndexError named no object, the former as a bug."""
    store = open_store(store_uri)
    *earlier, last = PARTITIONS
    ingest_all(store, earlier)
    manifest = state.load(store)
    runs = getattr(manifest, kind, None)
    keys = [run.key for run in runs] if runs is not None else [getattr(segment, kind) for segment in manifest.segments.values()]
    for key in keys:
        store.put_bytes(key, _damaged(store.get_bytes(key), how))
    published = {key: store.get_bytes(key) for key in store.list("corpus/")}
    with pytest.raises(DedupError) as error:
        ingest(store, *last, PARTITIONS[last])
    assert any(str(error.value).startswith(f"{store.url(key)}: unreadable dedup object: ") for key in keys), error.value
    assert "\n" not in str(error.value)
    assert {key: store.get_bytes(key) for key in store.list("corpus/")} == published
    assert state.current_generation(store) == manifest.generation


def test_a_store_lost_while_a_dedup_object_is_read_is_a_store_error_not_a_damaged_object(s3_endpoint, monkeypatch):
    """pyarrow raises OSError for a connection lost mid-read as for a damaged object: only the
    latter is "unreadable"; the former is the store's failure, which a retry mends."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    boto3.client("s3", endpoint_url=f"http://{host}:{port}").create_bucket(Bucket="lost")
    store = open_store("s3://lost/lake")
    key = "dedup/docs/lost.parquet"
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"doc_id": ["d1"]}), sink)
    store.put_bytes(key, sink.getvalue().to_pybytes())
    handle = state._open(store, key)  # found: the object is there
    server.stop()
    with pytest.raises(StoreError, match=r"^s3://lost/lake/dedup/docs/lost\.parquet: AWS Error") as error:
        with state._reading(store, key):
            pq.ParquetFile(handle)
    assert "unreadable" not in str(error.value)


def test_empty_partition_commits(store):
    plan = dedup_partition(store, "metro_wire", date(2024, 5, 20), corpus.to_table([]))
    commit(store, plan, lambda articles: None)
    assert state.load(store).partitions == {"metro_wire/2024-05-20": 1}
