"""Dedup one (source, day) partition against all history: plan, then commit with publish.

`dedup_partition` reads the current state and computes everything (nothing visible
changes); `commit` writes the new objects, claims the next generation, then publishes
the article partition. Work per partition: fingerprints of its own documents, one pass
over the key index and one over the assignment ids (state.py says what those cost), and
ranged reads of the signatures and facts of its candidates and of their clusters.

A page listed by several partitions (the same URL and text on several days) stays in
each of them: re-running or emptying one partition never takes a page out of another,
so the corpus is a function of the partitions' current contents alone. Dedup clusters
the listings as one document with the facts of its earliest listing (crawl_date, then
source), and the articles view shows the page from that partition only.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.console import stops_held
from pipeline.dedup import state
from pipeline.dedup.clusters import Assignment, Doc, assign, near
from pipeline.dedup.fingerprints import BANDS, Fingerprints, band_keys, fingerprint_texts, hash64
from pipeline.dedup.state import DOC_SCHEMA, MEMBER_SCHEMA, DedupConflict, DedupError, Manifest, Run, Segment
from pipeline.dedup.text import url_key
from pipeline.store import ObjectStore

REQUIRED_COLUMNS = ("doc_id", "url", "canonical_url", "source", "site_name", "attribution", "published_at", "text")

# Index entry kinds: band keys are salted per band already; the others hash "kind:value".
_DOC, _URL, _CANON, _EXACT = "doc", "url", "canon", "exact"


def _key(kind: str, value: str) -> np.uint64:
    return np.uint64(hash64(f"{kind}:{value}"))


@dataclass
class DedupPlan:
    """Everything a commit writes, computed from the state `base`."""

    source: str
    day: date
    base: Manifest
    segment: int
    articles: pa.Table  # what to publish: the input with each page once
    docs: pa.Table
    signatures: bytes
    index: pa.Table
    members: pa.Table
    stats: dict = field(default_factory=dict)


def _check_columns(articles: pa.Table, source: str, day: date) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in articles.column_names]
    if missing:
        raise DedupError(f"articles for {source} {day}: missing column(s) {', '.join(missing)}")
    nulls = pc.is_null(articles.column("doc_id"))
    if pc.any(nulls).as_py():
        raise DedupError(f"articles for {source} {day}: row {pc.index(nulls, True).as_py()} has no doc_id")


def _docs(articles: pa.Table, fingerprints: Fingerprints) -> list[Doc]:
    rows = articles.select(list(REQUIRED_COLUMNS[:-1])).to_pylist()
    docs = []
    for row, exact in zip(rows, fingerprints.exact):
        own = url_key(row["url"])
        canonical = url_key(row["canonical_url"])
        docs.append(
            Doc(
                doc_id=row["doc_id"], url=row["url"], url_key=own, canonical_key=canonical if canonical != own else None,
                source=row["source"], site_name=row["site_name"], attribution=row["attribution"],
                published_at=row["published_at"], exact=exact,
            )
        )
    return docs


def _docs_table(docs: list[Doc]) -> pa.Table:
    return pa.Table.from_pylist([{name: getattr(doc, name) for name in DOC_SCHEMA.names} for doc in docs], schema=DOC_SCHEMA)


def _docs_from_table(table: pa.Table) -> list[Doc]:
    return [Doc(**row) for row in table.to_pylist()]


def index_entries(docs: list[Doc], fingerprints: Fingerprints, ptrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keys a document is found by later: its id, URL, canonical, body hash and bands."""
    keys, owners = [], []
    for i, doc in enumerate(docs):
        for kind, value in ((_DOC, doc.doc_id), (_URL, doc.url_key), (_CANON, doc.canonical_key), (_EXACT, doc.exact)):
            if value:
                keys.append(_key(kind, value))
                owners.append(ptrs[i])
    indexable = np.flatnonzero(fingerprints.indexable())
    bands = band_keys(fingerprints.signatures[indexable])
    all_keys = np.concatenate([np.array(keys, np.uint64), bands.ravel()])
    all_ptrs = np.concatenate([np.array(owners, np.uint64), np.repeat(ptrs[indexable], bands.shape[1])])
    return all_keys, all_ptrs


_SAME_DOC, _RELATED, _BAND = 0, 1, 2


def _queries(docs: list[Doc], fingerprints: Fingerprints) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, querying document, what a hit means) for every history occurrence related to
    docs: the same page listed elsewhere, a URL or canonical pointing either way, the same
    body (all related), a shared band (a candidate to verify)."""
    keys, owners, meanings = [], [], []
    for i, doc in enumerate(docs):
        pairs = [(_DOC, doc.doc_id), (_URL, doc.url_key), (_URL, doc.canonical_key), (_CANON, doc.url_key), (_EXACT, doc.exact)]
        for kind, value in pairs:
            if value:
                keys.append(_key(kind, value))
                owners.append(i)
                meanings.append(_SAME_DOC if kind == _DOC else _RELATED)
    indexable = np.flatnonzero(fingerprints.indexable())
    bands = band_keys(fingerprints.signatures[indexable]).ravel()
    return (
        np.concatenate([np.array(keys, np.uint64), bands]),
        np.concatenate([np.array(owners, np.int64), np.repeat(indexable, BANDS)]),
        np.concatenate([np.array(meanings, np.int8), np.full(len(bands), _BAND, np.int8)]),
    )


def _first_occurrences(articles: pa.Table) -> pa.Table:
    """A page listed twice in one crawl is one document: keep its first row."""
    seen: set[str] = set()
    keep = []
    for doc_id in articles.column("doc_id").to_pylist():
        keep.append(doc_id not in seen)
        seen.add(doc_id)
    return articles if all(keep) else articles.filter(pa.array(keep))


def dedup_partition(store: ObjectStore, source: str, day: date, articles: pa.Table) -> DedupPlan:
    """Plan the dedup of one partition's staged articles against everything committed.

    Returns the plan `commit` writes; `plan.articles` is what to publish.
    """
    _check_columns(articles, source, day)
    return plan_partition(store, source, day, _first_occurrences(articles), None)


def plan_partition(store: ObjectStore, source: str, day: date, articles: pa.Table, fingerprints: Fingerprints | None) -> DedupPlan:
    """dedup_partition with fingerprints given (the benchmark makes history without text)."""
    base = state.load(store)
    previous = base.partitions.get(state.partition_name(source, day))
    if fingerprints is None:
        fingerprints = fingerprint_texts(articles.column("text"))
    docs = _docs(articles, fingerprints)

    keys, owners, meanings = _queries(docs, fingerprints)
    positions, ptrs = state.lookup(store, base, keys, skip_segment=previous)
    owners, meanings = owners[positions], meanings[positions]

    # Band hits are candidates: keep those whose signatures verify against the new document.
    is_band = meanings == _BAND
    pairs = np.unique(np.stack([owners[is_band], ptrs[is_band].astype(np.int64)]), axis=1) if is_band.any() else np.zeros((2, 0), np.int64)
    candidates = pairs[1].astype(np.uint64)
    sizes, signatures = state.read_signatures(store, base, candidates)
    verified = near(fingerprints.signatures[pairs[0]], fingerprints.sizes[pairs[0]], signatures, sizes)
    seeds = np.unique(np.concatenate([ptrs[~is_band], candidates[verified]]))

    # Whole clusters go back into the computation: those of related occurrences and, on a
    # re-run, those of the occurrences this partition had before.
    before = state.current_members(store, base)
    mine_before = np.zeros(len(before["ptr"]), bool) if previous is None else (before["ptr"] >> np.uint64(32)) == np.uint64(previous)
    touched = np.isin(before["ptr"], seeds) | mine_before
    affected = np.isin(before["cluster_key"], before["cluster_key"][touched]) & ~mine_before
    history_ptrs = np.sort(before["ptr"][affected])

    history_docs = _docs_from_table(state.read_docs(store, base, history_ptrs))
    history_sizes, history_signatures = state.read_signatures(store, base, history_ptrs)
    history_listings = [state.listing(base.segments[int(ptr >> np.uint64(32))].partition) for ptr in history_ptrs]
    segment = base.next_segment
    new_ptrs = (np.uint64(segment) << np.uint64(32)) | np.arange(len(docs), dtype=np.uint64)
    occurrences = history_docs + docs
    assignments, firsts = _assign_documents(
        occurrences,
        history_listings + [(day, source)] * len(docs),
        np.concatenate([history_signatures, fingerprints.signatures]),
        np.concatenate([history_sizes, fingerprints.sizes]),
    )
    index_keys, index_ptrs = index_entries(docs, fingerprints, new_ptrs)
    members = _members_table(occurrences, np.concatenate([history_ptrs, new_ptrs]), assignments, firsts, base.generation + 1)
    return DedupPlan(
        source=source,
        day=day,
        base=base,
        segment=segment,
        articles=articles,
        docs=_docs_table(docs),
        signatures=np.concatenate([fingerprints.sizes[:, None].astype(np.uint32), fingerprints.signatures], axis=1).tobytes(),
        index=state.sort_index(index_keys, index_ptrs),
        members=members,
        stats={
            "articles": len(docs),
            "listed_elsewhere": len(np.unique(owners[meanings == _SAME_DOC])),
            "candidates": int(pairs.shape[1]),
            "verified": int(verified.sum()),
            "history_in_clusters": len(history_docs),
            "reprints": sum(1 for a in assignments[len(history_docs):] if not a.is_original),
        },
    )


def _assign_documents(
    occurrences: list[Doc], listings: list[tuple[date, str]], signatures: np.ndarray, sizes: np.ndarray
) -> tuple[list[Assignment], list[tuple[date, str]]]:
    """Cluster the documents the occurrences are listings of; give every occurrence its
    document's assignment and earliest listing (crawl_date, source).

    A document takes the facts of its earliest listing and documents reach `assign` in
    doc_id order, so the result depends on which listings exist, never on the order in
    which they arrived.
    """
    first: dict[str, int] = {}
    for i, doc in enumerate(occurrences):
        j = first.get(doc.doc_id)
        if j is None or listings[i] < listings[j]:
            first[doc.doc_id] = i
    doc_ids = sorted(first)
    chosen = [first[doc_id] for doc_id in doc_ids]
    by_id = dict(zip(doc_ids, assign([occurrences[i] for i in chosen], signatures[chosen], sizes[chosen])))
    return [by_id[doc.doc_id] for doc in occurrences], [listings[first[doc.doc_id]] for doc in occurrences]


def _members_table(
    docs: list[Doc], ptrs: np.ndarray, assignments: list[Assignment], firsts: list[tuple[date, str]], generation: int
) -> pa.Table:
    rows = [
        {
            "doc_id": doc.doc_id,
            "ptr": int(ptr),
            "generation": generation,
            "cluster_key": hash64(a.cluster_id),
            "cluster_id": a.cluster_id,
            "is_original": a.is_original,
            "original_doc_id": a.original_doc_id,
            "original_url": a.original_url,
            "original_publisher": a.original_publisher,
            "dup_kind": a.dup_kind,
            "first_source": first_source,
            "first_crawl_date": first_day,
        }
        for doc, ptr, a, (first_day, first_source) in zip(docs, ptrs, assignments, firsts)
    ]
    return pa.Table.from_pylist(rows, schema=MEMBER_SCHEMA)


# A lost race means another commit landed, so planning again on its generation moves on;
# the bound only stops a writer that loses to a steady stream of others.
COMMIT_ATTEMPTS = 5


def dedup_and_commit(
    store: ObjectStore, source: str, day: date, articles: pa.Table, publish_partition: Callable[[pa.Table], None],
) -> DedupPlan:
    """Plan and commit one partition, planning again on the newer generation when another commit
    claimed the next one first: crawls of different sources into one store may run side by side
    (the Airflow dedup pool serialises them; two CLI runs are not). DedupConflict after
    COMMIT_ATTEMPTS lost races."""
    for attempt in itertools.count(1):
        plan = dedup_partition(store, source, day, articles)
        try:
            commit(store, plan, publish_partition)
            return plan
        except DedupConflict:
            if attempt == COMMIT_ATTEMPTS:
                raise


def commit(store: ObjectStore, plan: DedupPlan, publish_partition: Callable[[pa.Table], None]) -> Manifest:
    """Write the plan's objects, claim the next generation, then publish the article partition.

    Order matters for what a losing or crashed writer leaves:
    1. new immutable objects, which no manifest names yet;
    2. the claim (state.claim): the next generation's manifest, created only if absent.
       When a commit planned on the same generation claimed it first, this one deletes
       its objects and raises DedupConflict: nothing visible changed;
    3. `publish_partition(plan.articles)`, the corpus's own atomic put.
    A stop signal (Ctrl-C, SIGTERM) between 2 and 3 waits for 3 to end; a crash (SIGKILL, power)
    there leaves the dedup state ahead of the corpus for this partition until it is re-run (the
    failed publish is what the orchestrator retries). Objects
    retired more than RETAIN ago are deleted before the claim, so no crash leaks them.
    """
    base = plan.base
    name = state.partition_name(plan.source, plan.day)
    prefix = f"{plan.segment:08d}-"
    docs_key = state.new_object_key("docs", prefix)
    sigs_key = state.new_object_key("sigs", prefix, ".bin")
    store.put_bytes(docs_key, state.parquet_bytes(plan.docs, state.DOC_GROUP_ROWS))
    store.put_bytes(sigs_key, plan.signatures)
    index_key = state.new_object_key("index")
    store.put_bytes(index_key, state.parquet_bytes(plan.index, state.INDEX_GROUP_ROWS))
    members_key = state.new_object_key("members")
    store.put_bytes(members_key, state.parquet_bytes(plan.members, 1 << 18))

    previous = base.partitions.get(name)
    segments = {seg: value for seg, value in base.segments.items() if seg != previous}
    segments[plan.segment] = Segment(partition=name, docs=docs_key, sigs=sigs_key, rows=plan.docs.num_rows)
    live = np.array(sorted(segments), dtype=np.uint64)
    new = Manifest(
        generation=base.generation + 1,
        next_segment=plan.segment + 1,
        partitions={**base.partitions, name: plan.segment},
        segments=segments,
        index_runs=state.compact(store, base.index_runs + [Run(index_key, plan.index.num_rows)], live, state.merge_index, {index_key}),
        member_runs=state.compact(store, base.member_runs + [Run(members_key, plan.members.num_rows)], live, state.merge_members, {members_key}),
    )
    new.retired, expired = state.retirements(base, new, datetime.now(timezone.utc))
    for key in expired:
        store.delete(key)
    with stops_held():  # Ctrl-C between the claim and the put would leave dedup ahead of the corpus
        if not state.claim(store, new):
            for key in new.referenced() - base.referenced():
                store.delete(key)
            raise DedupConflict(
                f"{store.url(state.manifest_key(new.generation))}: another dedup commit made generation {new.generation} first "
                f"(dedup commits must run one at a time); nothing of {plan.source} {plan.day} was published: re-run it"
            )
        publish_partition(plan.articles)
    return new
