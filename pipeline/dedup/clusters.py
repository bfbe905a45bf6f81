"""Clusters and originals: a pure function of the documents it is given.

Two documents are related when they share a URL (the same canonical URL, or one's
rel=canonical names the other), the same normalised body (exact), or a band of their
MinHash signatures and the verified similarity (near). Clusters are the connected
components of that relation. Because the relation depends only on the two documents, and
the caller always hands over whole clusters plus the new documents, the result does not
depend on the order in which documents arrived.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time

import numpy as np

from pipeline.dedup.fingerprints import BANDS, MIN_SHINGLES, band_keys, similarity
from pipeline.dedup.text import host_publisher_key, publisher_key

# Verification thresholds, from the sweep in `benchmarks/dedup.py --curve`: a candidate
# pair is a near duplicate when its estimated Jaccard reaches NEAR_JACCARD or the shorter
# body lies almost wholly inside the longer (NEAR_CONTAINMENT: truncated reprints reach
# 0.97). Over the labelled candidates 0.5/0.8 gave precision 1.0 and recall 0.997; the
# hard negatives peak at containment ~0.2, so a lower containment bar would buy recall
# (0.6: 1.0) at no measured precision cost there, but on the fixture web's hand-written
# pages the follow-up repeating background reaches Jaccard 0.25 / containment 0.41 with
# its story (and every true pair there has containment >= 0.99), so 0.8 keeps a margin.
NEAR_JACCARD = 0.5
NEAR_CONTAINMENT = 0.8


@dataclass
class Doc:
    doc_id: str
    url: str | None
    url_key: str | None
    canonical_key: str | None  # url_key of rel=canonical/og:url when it differs from the page's own
    source: str | None
    site_name: str | None
    attribution: str | None
    published_at: datetime | None
    exact: str | None

    def publisher_keys(self) -> set[str]:
        keys = {publisher_key(self.site_name), publisher_key(self.source), host_publisher_key(self.url)}
        return {key for key in keys if key}

    def attributed_elsewhere(self) -> bool:
        """The page names a publisher other than itself as the story's origin."""
        key = publisher_key(self.attribution)
        return key is not None and key not in self.publisher_keys()


@dataclass(frozen=True)
class Assignment:
    cluster_id: str
    is_original: bool
    original_doc_id: str | None
    original_url: str | None
    original_publisher: str | None
    dup_kind: str | None  # "url", "exact", "near" relative to the original; None for the original itself


class _Components:
    """Union-find over 0..n-1; roots are the smallest index so results are deterministic."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _url_groups(docs: list[Doc]) -> list[list[int]]:
    """Documents sharing a URL key, each with the documents whose canonical names it."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        if doc.url_key:
            by_key[doc.url_key].append(i)
    groups = [list(members) for members in by_key.values()]
    for i, doc in enumerate(docs):
        if doc.canonical_key and doc.canonical_key in by_key:
            groups.append([i, by_key[doc.canonical_key][0]])
    return groups


def _exact_groups(docs: list[Doc]) -> list[list[int]]:
    by_hash: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        if doc.exact:
            by_hash[doc.exact].append(i)
    return list(by_hash.values())


def _band_groups(signatures: np.ndarray, sizes: np.ndarray) -> list[np.ndarray]:
    """Indexes of documents sharing a band key, one array per shared key."""
    rows = np.flatnonzero(sizes >= MIN_SHINGLES)
    if len(rows) < 2:
        return []
    keys = band_keys(signatures[rows]).ravel()
    owners = np.repeat(rows, BANDS)
    order = np.argsort(keys, kind="stable")
    keys, owners = keys[order], owners[order]
    boundaries = np.flatnonzero(np.diff(keys)) + 1
    return [group for group in np.split(owners, boundaries) if len(group) > 1]


def near(sig_a: np.ndarray, size_a: np.ndarray, sig_b: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Verified near duplicates among row-aligned pairs (or one pair)."""
    jaccard, containment = similarity(sig_a, size_a, sig_b, size_b)
    long_enough = np.minimum(size_a, size_b) >= MIN_SHINGLES
    return long_enough & ((jaccard >= NEAR_JACCARD) | (containment >= NEAR_CONTAINMENT))


def _link_band_group(uf: _Components, group: np.ndarray, signatures: np.ndarray, sizes: np.ndarray) -> None:
    """Union the verified near pairs of one band group.

    A group can be large: a wire story reprinted hundreds of times, or pages whose bodies
    share a long boilerplate passage. Each member is verified against every later member
    outside its component in one vectorised call, and the loop ends once the group is one
    component, so the Python work is O(group) and only members that do not verify cost
    O(group x NUM_PERM) NumPy comparisons each (2,000 unrelated members: ~0.3 s). Pairs
    already connected are skipped: they cannot change the components, which is all we keep.
    """
    roots = np.array([uf.find(int(i)) for i in group])
    for a, i in enumerate(group[:-1]):
        if (roots == roots[0]).all():
            return
        later = a + 1 + np.flatnonzero(roots[a + 1 :] != roots[a])
        hits = later[near(signatures[i], sizes[i], signatures[group[later]], sizes[group[later]])]
        if len(hits):
            merged = np.isin(roots, np.append(roots[hits], roots[a]))
            for h in hits:
                uf.union(int(i), int(group[h]))
            roots[merged] = uf.find(int(i))


def components(docs: list[Doc], signatures: np.ndarray, sizes: np.ndarray) -> list[list[int]]:
    """Connected components of the relation, each sorted, in order of their first index."""
    uf = _Components(len(docs))
    for group in _url_groups(docs) + _exact_groups(docs):
        for other in group[1:]:
            uf.union(group[0], other)
    for group in _band_groups(signatures, sizes):
        _link_band_group(uf, group, signatures, sizes)
    grouped: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        grouped[uf.find(i)].append(i)
    return [grouped[root] for root in sorted(grouped)]


def _earliest(docs: list[Doc], candidates: list[int]) -> int:
    """Earliest published (unknown dates last), then smallest doc_id.

    A page that gives only its day (stored as midnight) may have published at any hour of it:
    on that day a page stating its time comes first, as the one whose time is known. Fetch
    times are no evidence: they say when each day happened to be crawled, and ranking by them
    would make the original depend on the order of crawls, re-runs included."""
    far = datetime.max

    def rank(i: int):
        doc = docs[i]
        published = doc.published_at.replace(tzinfo=None) if doc.published_at else far
        day_only = published.time() == time(0)
        return (published.date(), day_only, published, doc.doc_id)

    return min(candidates, key=rank)


def _roots(named: set[int], points_elsewhere) -> list[int]:
    """Of the members other members point at, those that do not point further: the head
    of a chain C -> B -> A is A."""
    heads = [i for i in named if not points_elsewhere(i)]
    return sorted(heads or named)


def choose_original(docs: list[Doc], members: list[int]) -> int:
    """The member the evidence names as the story's first publication (see module doc)."""
    by_publisher: dict[str, set[int]] = defaultdict(set)
    for i in members:
        for key in docs[i].publisher_keys():
            by_publisher[key].add(i)

    def attributed_member(i: int) -> set[int]:
        key = publisher_key(docs[i].attribution)
        if key is None or key in docs[i].publisher_keys():
            return set()
        return by_publisher.get(key, set())

    named = set().union(*(attributed_member(i) for i in members))
    if named:
        return _earliest(docs, _roots(named, lambda i: bool(attributed_member(i))))

    by_url = {docs[i].url_key: i for i in sorted(members, reverse=True) if docs[i].url_key}

    def canonical_member(i: int) -> int | None:
        target = by_url.get(docs[i].canonical_key) if docs[i].canonical_key else None
        return target if target is not None and target != i else None

    pointed = {target for i in members if (target := canonical_member(i)) is not None}
    if pointed:
        return _earliest(docs, _roots(pointed, lambda i: canonical_member(i) is not None))
    return _earliest(docs, members)


def _kind(a: Doc, b: Doc) -> str:
    if a.url_key and (a.url_key == b.url_key or a.url_key == b.canonical_key or b.url_key == a.canonical_key):
        return "url"
    if a.exact and a.exact == b.exact:
        return "exact"
    return "near"


def assign(docs: list[Doc], signatures: np.ndarray, sizes: np.ndarray) -> list[Assignment]:
    """One assignment per document, aligned with docs.

    When the chosen original itself credits a publisher that has no member here (a reprint
    whose original was never crawled), the original is that publisher: no member is
    original, original_doc_id/url and dup_kind are null (there is no crawled original to match
    against) and original_publisher is the credited name.
    """
    result: list[Assignment | None] = [None] * len(docs)
    for members in components(docs, signatures, sizes):
        head = choose_original(docs, members)
        cluster_id = min(docs[i].doc_id for i in members)
        original = docs[head]
        external = original.attributed_elsewhere()
        publisher = original.attribution if external else (original.site_name or original.source)
        for i in members:
            is_head = i == head
            result[i] = Assignment(
                cluster_id=cluster_id,
                is_original=is_head and not external,
                original_doc_id=None if external else original.doc_id,
                original_url=None if external else original.url,
                original_publisher=publisher,
                dup_kind=None if is_head or external else _kind(docs[i], original),
            )
    return result  # type: ignore[return-value]
