"""Per-site template learning: body blocks that recur across many stories of one site.

trafilatura judges one page at a time, so a membership appeal, a "Read more" line or a
standing disclaimer that sits inside the article body stays in the text. Across many
pages of the same site such a block gives itself away: the same text under different
stories. A SiteTemplate keeps, for each block fingerprint, the set of different stories
of the site it was seen under; it is kept in the store per site, so a small partition
benefits from what earlier crawls learned.

Sets, not counters: learning a page twice (an Airflow retry, a backfill, a re-crawl, the
same story listed again at a new URL) must change nothing, and two templates learned in
parallel must merge by union. A story is known by its longest blocks, the story's own
text, which a re-fetch, a new URL or an added update line all keep (a hash of the whole
page would count each update as a new story and strip the story's paragraphs); a block
counts under the longest *other* blocks of its page, so that a long disclaimer that is
some short page's longest block still counts once per story it sits under.

Never removed because it repeats across two articles only: a block is boilerplate when
it was seen under at least MIN_STORIES different stories and in a fair share of all the
site's stories.

Saved append-only, because the store has no compare-and-swap and two extractions of one
site may save at once: rewriting one object lets the last writer drop the other's
learning. A save writes only what the stored template lacks, as an immutable delta named
by its content (a retried save finds nothing new, or the same name: a no-op); a load
unions the newest base with the deltas that base does not include. Once COMPACT_AFTER
deltas are stored, a save folds them into base generation g+1, created create-only: of
two compactions of generation g one lands and the other changes nothing. The base names
the deltas it includes; only once it exists, and is the newest, are they and the older
bases deleted. So the newest base holds whatever was deleted: each compaction builds on the
newest base it read, and a stalled one that recreates a generation number already
superseded removes its own base again and deletes nothing. A load that finds a listed
object gone, or a newer base once it has read, raced a compaction and reads again
(READ_ATTEMPTS times at most).
The single template.json of earlier releases reads as generation 0.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline import layout
from pipeline.extract.blocks import Block
from pipeline.store import ObjectStore, StoreError

MIN_STORIES = 3
MIN_SHARE = 0.1
# Fingerprints kept per site; the rarest go first, the recurring ones are what matters.
MAX_FINGERPRINTS = 20_000
# Story sets keep only their SKETCH_SIZE smallest ids (a bottom-k sketch, written here: it is
# a sort and a slice). Below that size a set is exact; above it its size is estimated from
# the largest id kept. Union stays exact on what is kept, so merging is still idempotent,
# and a site's template stays small however many stories it has published.
SKETCH_SIZE = 256
FORMAT_VERSION = 2
# Deltas a load reads at most before a save compacts them: few reads, rare rewrites.
COMPACT_AFTER = 8
# Reads interrupted by a compaction before a load gives up; each retry sees the new base.
READ_ATTEMPTS = 5

_DIGITS = re.compile(r"\d+")
_MAX_COUNTER_WORDS = 8
_FINGERPRINT_HEX = 16


def fingerprint(text: str) -> str:
    """Case and spacing ignored, and the numbers of a short line: "Updated 3 hours ago" is one
    line however old. In a sentence the numbers are the news ("within 18 months", "closed at
    4,512"): a market report's standing sentence with new figures is not boilerplate."""
    words = text.casefold().split()
    normal = " ".join(words)
    if len(words) <= _MAX_COUNTER_WORDS:
        normal = _DIGITS.sub("0", normal)
    return _hash(normal)


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:_FINGERPRINT_HEX]


def _bottom(ids: set[str] | list[str]) -> list[str]:
    """The sketch of a set of story ids: its smallest ids (hex of equal length sorts as numbers)."""
    return sorted(set(ids))[:SKETCH_SIZE]


def _size(sketch: list[str]) -> float:
    """How many different stories a sketch stands for: exact below SKETCH_SIZE, else the
    k-minimum-values estimate (k - 1) / (largest kept id as a fraction of the id space)."""
    if len(sketch) < SKETCH_SIZE:
        return len(sketch)
    return (SKETCH_SIZE - 1) / ((int(sketch[-1], 16) + 1) / 16**_FINGERPRINT_HEX)


def _story_of(blocks: list[Block]) -> tuple[str, dict[str, str]]:
    """(the page's story id, block fingerprint -> the story id it counts under).

    A story is known by its two longest blocks (ties broken by fingerprint, so the choice is
    stable), and a block counts under the two longest *other* blocks of its page. Two, not one:
    on a brief shorter than the site's appeal box the appeal is the longest block, and the
    story's own line must still tell the briefs apart.
    """
    by_length = [fp for fp, _ in sorted({fingerprint(b.text): len(b.text) for b in blocks}.items(), key=lambda fl: (-fl[1], fl[0]))]

    def story(fps: list[str]) -> str:
        return _hash(" ".join(sorted(fps[:2])))

    return story(by_length), {fp: story([other for other in by_length[:3] if other != fp] or [fp]) for fp in by_length}


@dataclass
class SiteTemplate:
    site: str
    stories: list[str] = field(default_factory=list)  # sketch of the ids of the stories learned from
    seen_under: dict[str, list[str]] = field(default_factory=dict)  # block fingerprint -> sketch of story ids
    _boilerplate: set[str] | None = field(default=None, init=False, repr=False, compare=False)  # until the next union

    @property
    def story_count(self) -> float:
        return _size(self.stories)

    def boilerplate(self) -> set[str]:
        if self._boilerplate is None:
            needed = max(MIN_STORIES, MIN_SHARE * self.story_count)
            self._boilerplate = {fp for fp, ids in self.seen_under.items() if _size(ids) >= needed}
        return self._boilerplate

    def learn(self, pages_blocks: list[list[Block]]) -> None:
        """Add a batch of the site's story pages; a page already learned adds nothing."""
        stories: set[str] = set()
        seen_under: dict[str, set[str]] = {}
        for blocks in pages_blocks:
            if not blocks:
                continue
            story, counts_under = _story_of(blocks)
            stories.add(story)
            for fp, under in counts_under.items():
                seen_under.setdefault(fp, set()).add(under)
        self._union(stories, seen_under.items())

    def merge(self, other: SiteTemplate) -> None:
        """Union with a template learned elsewhere (another partition extracted in parallel)."""
        self._union(set(other.stories), other.seen_under.items())

    def minus(self, other: SiteTemplate) -> SiteTemplate:
        """What this template knows and `other` does not: merged into `other`, it gives the same
        union as this whole template (a sketch of a union is the sketch of its parts' union)."""
        seen_under = {fp: sorted(set(ids) - set(other.seen_under.get(fp, ()))) for fp, ids in self.seen_under.items()}
        return SiteTemplate(
            self.site,
            stories=sorted(set(self.stories) - set(other.stories)),
            seen_under={fp: ids for fp, ids in seen_under.items() if ids},
        )

    def is_empty(self) -> bool:
        return not self.stories and not self.seen_under

    def _union(self, stories: set[str], seen_under: Iterable[tuple[str, Iterable[str]]]) -> None:
        union = {fp: set(ids) for fp, ids in self.seen_under.items()}
        for fp, ids in seen_under:
            union.setdefault(fp, set()).update(ids)
        sketches = {fp: _bottom(ids) for fp, ids in union.items()}
        if len(sketches) > MAX_FINGERPRINTS:
            sketches = dict(sorted(sketches.items(), key=lambda item: (-_size(item[1]), item[0]))[:MAX_FINGERPRINTS])
        self.stories = _bottom({*self.stories, *stories})
        self.seen_under = dict(sorted(sketches.items()))
        self._boilerplate = None

    def strip(self, blocks: list[Block]) -> list[Block]:
        """The blocks that are not boilerplate; all of them when every one is (a page that is
        nothing but the site's furniture is judged as it is, not emptied)."""
        boilerplate = self.boilerplate()
        kept = [block for block in blocks if fingerprint(block.text) not in boilerplate]
        return kept or blocks

    def to_json(self, **base) -> bytes:
        """The stored form; a base adds its `generation` and the delta keys it `includes`."""
        return json.dumps(
            {"format": FORMAT_VERSION, "site": self.site, "stories": self.stories, "seen_under": self.seen_under, **base},
            sort_keys=True,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes, origin: str) -> SiteTemplate:
        return _Base.from_json(data, origin).template


@dataclass
class _Base:
    """A stored base: the template, its generation and the delta keys it includes. The
    single object of earlier releases reads as generation 0, including nothing."""

    template: SiteTemplate
    generation: int = 0
    includes: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, data: bytes, origin: str) -> _Base:
        """An empty template for format 1, whose counters were inflated by re-runs (relearning
        from the next batches replaces them)."""
        try:
            raw = json.loads(data)
            if raw.get("format") == 1:
                return cls(SiteTemplate(site=str(raw["site"])))
            if raw.get("format") != FORMAT_VERSION:
                raise ValueError(f"format {raw.get('format')!r}, expected {FORMAT_VERSION}")
            template = SiteTemplate(
                site=str(raw["site"]),
                stories=[str(story) for story in raw["stories"]],
                seen_under={str(fp): [str(story) for story in ids] for fp, ids in raw["seen_under"].items()},
            )
            return cls(template, int(raw.get("generation", 0)), frozenset(str(key) for key in raw.get("includes", [])))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{origin}: not a site template ({exc}); delete it and the site's boilerplate is relearned") from None


@dataclass
class _Stored:
    """What one load read: the union, the base generation it built on, and every object it
    listed (what a compaction on top of it replaces)."""

    template: SiteTemplate
    generation: int
    deltas: list[str]
    objects: list[str]


class _Compacted(Exception):
    """An object listed a moment ago is gone: a compaction folded it into a newer base."""


def _newest_base(site: str, keys: list[str]) -> str | None:
    bases = [key for key in keys if key.startswith(layout.site_template_bases(site))]
    legacy = layout.legacy_site_template_key(site)
    return bases[-1] if bases else legacy if legacy in keys else None


def _get(store: ObjectStore, key: str) -> bytes:
    try:
        return store.get_bytes(key)
    except StoreError:
        if store.exists(key):
            raise
        raise _Compacted from None


def _read_once(store: ObjectStore, site: str) -> _Stored:
    prefix = layout.site_template_prefix(site)
    keys = store.list(prefix)
    base_key = _newest_base(site, keys)
    base = _Base(SiteTemplate(site))
    if base_key is not None:
        base = _Base.from_json(_get(store, base_key), store.url(base_key))
        if base_key != layout.legacy_site_template_key(site) and base_key != layout.site_template_base_key(site, base.generation):
            raise StoreError(
                f"{store.url(base_key)}: not a site template (generation {base.generation} under another name);"
                " delete it and the site's boilerplate is relearned"
            )
    deltas = [key for key in keys if key.startswith(layout.site_template_deltas(site))]
    for key in deltas:
        if key not in base.includes:
            base.template.merge(SiteTemplate.from_json(_get(store, key), store.url(key)))
    # A listing is not one instant on every store (a local directory walk is not): a
    # compaction finishing meanwhile may have removed deltas this one never saw.
    if _newest_base(site, store.list(prefix)) != base_key:
        raise _Compacted
    legacy = layout.legacy_site_template_key(site)
    objects = [key for key in keys if key in deltas or key == legacy or key.startswith(layout.site_template_bases(site))]
    return _Stored(base.template, base.generation, deltas, objects)


def _read(store: ObjectStore, site: str) -> _Stored:
    for _ in range(READ_ATTEMPTS):
        try:
            return _read_once(store, site)
        except _Compacted:
            continue
    raise StoreError(
        f"{store.url(layout.site_template_prefix(site))}: compacted while being read, {READ_ATTEMPTS} times in a row; try again"
    )


def load_template(store: ObjectStore, site: str) -> SiteTemplate:
    """The site's template from the store, or an empty one for a site not seen before."""
    return _read(store, site).template


def save_template(store: ObjectStore, template: SiteTemplate) -> None:
    """Add what `template` learned to the stored one, losing nothing to a concurrent save."""
    stored = _read(store, template.site)
    delta = template.minus(stored.template)
    if delta.is_empty():
        return
    data = delta.to_json()
    key = layout.site_template_delta_key(template.site, hashlib.sha256(data).hexdigest()[:32])
    store.put_bytes_if_absent(key, data)  # False: the same learning was saved already (a retry, a twin)
    deltas = sorted({*stored.deltas, key})
    if len(deltas) >= COMPACT_AFTER:
        stored.template.merge(template)
        _compact(store, stored, deltas)


def _compact(store: ObjectStore, stored: _Stored, deltas: list[str]) -> None:
    """Write base generation g+1 holding `stored` and `deltas`; when it lands, delete what it replaces."""
    site = stored.template.site
    generation = stored.generation + 1
    base = stored.template.to_json(generation=generation, includes=deltas)
    key = layout.site_template_base_key(site, generation)
    if not store.put_bytes_if_absent(key, base):
        return
    if _newest_base(site, store.list(layout.site_template_prefix(site))) != key:
        # A save stalled across two compactions recreated a generation they already replaced:
        # the newer base may lack this save's own delta, so the stale base goes and the delta stays.
        store.delete(key)
        return
    for stale in sorted({*stored.objects, *deltas}):
        store.delete(stale)
