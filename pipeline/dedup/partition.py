"""Dedup one (source, day) partition against all history: plan, then commit with publish.

`dedup_partition` reads the committed state and computes everything (nothing visible
changes); `commit` writes the new objects, lets the caller publish the article partition,
then makes the new dedup generation current. Work per partition: fingerprints of its own
documents, one pass over the compact key index, and ranged reads of the signatures and
facts of its candidates and of the clusters they belong to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.dedup import state
from pipeline.dedup.clusters import Doc, assign, near
from pipeline.dedup.fingerprints import BANDS, Fingerprints, band_keys, fingerprint_texts, hash64
from pipeline.dedup.state import DOC_SCHEMA, MEMBER_SCHEMA, DedupError, Manifest, Run, Segment
from pipeline.dedup.text import url_key
from pipeline.store import ObjectStore

REQUIRED_COLUMNS = ("doc_id", "url", "canonical_url", "source", "site_name", "attribution", "published_at", "fetched_at", "text")

# Index entry kinds: band keys are salted per band already; the others hash "kind:value".
_DOC, _URL, _CANON, _EXACT = "doc", "url", "canon", "exact"


def _key(kind: str, value: str) -> np.uint64:
    return np.uint64(hash64(f"{kind}:{value}"))


@dataclass
class DedupPlan:
    """Everything a commit writes, computed from generation `base_generation`."""

    source: str
    day: date
    base_generation: int
    segment: int
    articles: pa.Table  # what to publish: the input minus pages already stored in another partition
    docs: pa.Table
    signatures: bytes
    index: pa.Table
    members: pa.Table
    stats: dict = field(default_factory=dict)


def _partition_name(source: str, day: date) -> str:
    return f"{source}/{day.isoformat()}"


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
                published_at=row["published_at"], fetched_at=row["fetched_at"], exact=exact,
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
    """(keys, querying document, what a hit means) for every history document related to
    docs: the same id (already stored), a URL or canonical pointing either way or the same
    body (related), a shared band (a candidate to verify)."""
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

    Returns the plan `commit` writes; `plan.articles` is what to publish (pages already
    stored under another partition, same URL and same text, are left out: stored once).
    """
    _check_columns(articles, source, day)
    return plan_partition(store, source, day, _first_occurrences(articles), None)


def plan_partition(store: ObjectStore, source: str, day: date, articles: pa.Table, fingerprints: Fingerprints | None) -> DedupPlan:
    """dedup_partition with fingerprints given (the benchmark makes history without text)."""
    manifest = state.load(store)
    previous = manifest.partitions.get(_partition_name(source, day))
    if fingerprints is None:
        fingerprints = fingerprint_texts(articles.column("text"))
    docs = _docs(articles, fingerprints)

    keys, owners, meanings = _queries(docs, fingerprints)
    positions, ptrs = state.lookup(store, manifest, keys, skip_segment=previous)
    owners, meanings = owners[positions], meanings[positions]

    stored = np.zeros(len(docs), bool)
    stored[owners[meanings == _SAME_DOC]] = True
    kept = np.flatnonzero(~stored)
    related = ~stored[owners] & (meanings != _SAME_DOC)
    owners, meanings, ptrs = owners[related], meanings[related], ptrs[related]

    # Band hits are candidates: keep those whose signatures verify against the new document.
    is_band = meanings == _BAND
    pairs = np.unique(np.stack([owners[is_band], ptrs[is_band].astype(np.int64)]), axis=1) if is_band.any() else np.zeros((2, 0), np.int64)
    candidates = pairs[1].astype(np.uint64)
    sizes, signatures = state.read_signatures(store, manifest, candidates)
    verified = near(fingerprints.signatures[pairs[0]], fingerprints.sizes[pairs[0]], signatures, sizes)
    seeds = np.unique(np.concatenate([ptrs[~is_band], candidates[verified]]))

    # Whole clusters go back into the computation: those of related documents and, on a
    # re-run, those of the documents this partition had before.
    before = state.current_members(store, manifest, skip_segment=None)
    mine_before = np.zeros(len(before["ptr"]), bool) if previous is None else (before["ptr"] >> np.uint64(32)) == np.uint64(previous)
    touched = np.isin(before["ptr"], seeds) | mine_before
    affected = np.isin(before["cluster_key"], before["cluster_key"][touched]) & ~mine_before
    history_ptrs = np.sort(before["ptr"][affected])

    history_docs = _docs_from_table(state.read_docs(store, manifest, history_ptrs))
    history_sizes, history_signatures = state.read_signatures(store, manifest, history_ptrs)
    new_docs = [docs[i] for i in kept]
    segment = manifest.next_segment
    new_ptrs = (np.uint64(segment) << np.uint64(32)) | np.arange(len(kept), dtype=np.uint64)
    universe = history_docs + new_docs
    assignments = assign(
        universe,
        np.concatenate([history_signatures, fingerprints.signatures[kept]]),
        np.concatenate([history_sizes, fingerprints.sizes[kept]]),
    )
    new_fingerprints = Fingerprints(
        exact=[fingerprints.exact[i] for i in kept], signatures=fingerprints.signatures[kept], sizes=fingerprints.sizes[kept]
    )
    index_keys, index_ptrs = index_entries(new_docs, new_fingerprints, new_ptrs)
    members = _members_table(universe, np.concatenate([history_ptrs, new_ptrs]), assignments, manifest.generation + 1)
    return DedupPlan(
        source=source,
        day=day,
        base_generation=manifest.generation,
        segment=segment,
        articles=articles.take(pa.array(kept)),
        docs=_docs_table(new_docs),
        signatures=np.concatenate([new_fingerprints.sizes[:, None].astype(np.uint32), new_fingerprints.signatures], axis=1).tobytes(),
        index=state.sort_index(index_keys, index_ptrs),
        members=members,
        stats={
            "articles": len(docs),
            "already_stored": int(stored.sum()),
            "candidates": int(pairs.shape[1]),
            "verified": int(verified.sum()),
            "history_in_clusters": len(history_docs),
            "reprints": sum(1 for a in assignments[len(history_docs):] if not a.is_original),
        },
    )


def _members_table(docs: list[Doc], ptrs: np.ndarray, assignments, generation: int) -> pa.Table:
    rows = [
        {
            "doc_id": doc.doc_id,
            "doc_key": hash64(doc.doc_id),
            "ptr": int(ptr),
            "generation": generation,
            "cluster_key": hash64(a.cluster_id),
            "cluster_id": a.cluster_id,
            "is_original": a.is_original,
            "original_doc_id": a.original_doc_id,
            "original_url": a.original_url,
            "original_publisher": a.original_publisher,
            "dup_kind": a.dup_kind,
        }
        for doc, ptr, a in zip(docs, ptrs, assignments)
    ]
    return pa.Table.from_pylist(rows, schema=MEMBER_SCHEMA)


def commit(store: ObjectStore, plan: DedupPlan, publish_partition: Callable[[pa.Table], None]) -> Manifest:
    """Write the plan's objects, publish the article partition, then switch generations.

    Order matters for what readers and a crashed writer leave: new immutable objects
    first (invisible), then `publish_partition(plan.articles)` (the corpus's own atomic
    put), then the manifest and CURRENT. A crash before CURRENT leaves the previous
    generation in force, so the new articles read with null cluster columns until the
    partition is re-run, which is idempotent.
    """
    manifest = state.load(store)
    if manifest.generation != plan.base_generation:
        raise state.DedupConflict(
            f"{store.url(state.CURRENT_KEY)}: generation {manifest.generation} is current but the plan for "
            f"{plan.source} {plan.day} was made on {plan.base_generation}; dedup commits must run one at a time: re-run it"
        )
    name = _partition_name(plan.source, plan.day)
    prefix = f"{plan.segment:08d}-"
    docs_key = state.new_object_key("docs", prefix)
    sigs_key = state.new_object_key("sigs", prefix, ".bin")
    store.put_bytes(docs_key, state.parquet_bytes(plan.docs, state.DOC_GROUP_ROWS))
    store.put_bytes(sigs_key, plan.signatures)
    index_key = state.new_object_key("index")
    store.put_bytes(index_key, state.parquet_bytes(plan.index, state.INDEX_GROUP_ROWS))
    members_key = state.new_object_key("members")
    store.put_bytes(members_key, state.parquet_bytes(plan.members, 1 << 18))

    retired = []
    previous = manifest.partitions.get(name)
    segments = {seg: value for seg, value in manifest.segments.items() if seg != previous}
    if previous is not None:
        retired += [manifest.segments[previous].docs, manifest.segments[previous].sigs]
    segments[plan.segment] = Segment(partition=name, docs=docs_key, sigs=sigs_key, rows=plan.docs.num_rows)
    live = np.array(sorted(segments), dtype=np.uint64)
    index_runs, dropped = state.compact(store, manifest.index_runs + [Run(index_key, plan.index.num_rows)], live, state.merge_index, {index_key})
    retired += dropped
    member_runs, dropped = state.compact(store, manifest.member_runs + [Run(members_key, plan.members.num_rows)], live, state.merge_members, {members_key})
    retired += dropped

    publish_partition(plan.articles)
    new = Manifest(
        generation=plan.base_generation + 1,
        next_segment=plan.segment + 1,
        partitions={**manifest.partitions, name: plan.segment},
        segments=segments,
        index_runs=index_runs,
        member_runs=member_runs,
        retired=retired,
    )
    state.publish(store, new, plan.base_generation)
    return new
