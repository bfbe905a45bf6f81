"""Per-site template learning: body blocks that recur across many stories of one site.

trafilatura judges one page at a time, so a membership appeal, a "Read more" line or a
standing disclaimer that sits inside the article body stays in the text. Across many
pages of the same site such a block gives itself away: the same text under different
stories. A SiteTemplate counts, for each block fingerprint, in how many different stories
of the site it was seen; it is kept in the store per site, so a small partition benefits
from what earlier crawls learned.

Never removed because it repeats across two articles only: a block is boilerplate when
it was seen under at least MIN_STORIES different stories and in a fair share of all the
site's stories. Pages of one story (updates, exact copies) count once, so a site that
carries a story three times does not lose the story's paragraphs.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from pipeline import layout
from pipeline.extract.blocks import Block
from pipeline.store import ObjectStore, StoreError

MIN_STORIES = 3
MIN_SHARE = 0.1
# Two pages sharing more than this share of their text (by length, so that a few short
# template lines do not make two stories look alike) carry the same story.
SAME_STORY_OVERLAP = 0.5
# Fingerprints kept per site; the rarest go first, the recurring ones are what matters.
MAX_FINGERPRINTS = 20_000
FORMAT_VERSION = 1

_DIGITS = re.compile(r"\d+")


def fingerprint(text: str) -> str:
    """Case, spacing and numbers ignored: "Updated 3 hours ago" is one line however old."""
    normal = _DIGITS.sub("0", " ".join(text.casefold().split()))
    return hashlib.sha1(normal.encode()).hexdigest()[:16]


@dataclass
class SiteTemplate:
    site: str
    stories: int = 0  # different stories learned from
    counts: dict[str, int] = field(default_factory=dict)  # block fingerprint -> stories it appeared in

    def boilerplate(self) -> set[str]:
        needed = max(MIN_STORIES, MIN_SHARE * self.stories)
        return {fp for fp, count in self.counts.items() if count >= needed}

    def learn(self, pages_blocks: list[list[Block]]) -> None:
        """Count the blocks of a batch of the site's pages, each story once."""
        pages = [{fingerprint(block.text): len(block.text) for block in blocks} for blocks in pages_blocks if blocks]
        for story in _stories(pages):
            self.stories += 1
            for fp in story:
                self.counts[fp] = self.counts.get(fp, 0) + 1
        if len(self.counts) > MAX_FINGERPRINTS:
            kept = sorted(self.counts.items(), key=lambda item: item[1], reverse=True)[:MAX_FINGERPRINTS]
            self.counts = dict(kept)

    def strip(self, blocks: list[Block]) -> list[Block]:
        boilerplate = self.boilerplate()
        return [block for block in blocks if fingerprint(block.text) not in boilerplate]

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT_VERSION, "site": self.site, "stories": self.stories, "counts": self.counts},
                          sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, origin: str) -> SiteTemplate:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT_VERSION:
                raise ValueError(f"format {raw.get('format')!r}, expected {FORMAT_VERSION}")
            return cls(site=str(raw["site"]), stories=int(raw["stories"]), counts={str(k): int(v) for k, v in raw["counts"].items()})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{origin}: not a site template ({exc})") from None


def _overlap(a: dict[str, int], b: dict[str, int]) -> float:
    """Length-weighted Jaccard similarity of two pages' blocks."""
    shared = sum(length for fp, length in a.items() if fp in b)
    union = sum(a.values()) + sum(length for fp, length in b.items() if fp not in a)
    return shared / union if union else 1.0


def _stories(pages: list[dict[str, int]]) -> list[set[str]]:
    """Pages grouped by story (greedy: a page joins the first story whose first page it mostly
    shares text with); each story's blocks are the union of its pages' blocks."""
    stories: list[tuple[dict[str, int], set[str]]] = []  # (first page, union of fingerprints)
    for page in pages:
        for first, union in stories:
            if _overlap(page, first) > SAME_STORY_OVERLAP:
                union.update(page)
                break
        else:
            stories.append((page, set(page)))
    return [union for _, union in stories]


def load_template(store: ObjectStore, site: str) -> SiteTemplate:
    """The site's template from the store, or an empty one for a site not seen before."""
    key = layout.site_template_key(site)
    if not store.exists(key):
        return SiteTemplate(site)
    return SiteTemplate.from_json(store.get_bytes(key), store.url(key))


def save_template(store: ObjectStore, template: SiteTemplate) -> None:
    store.put_bytes(layout.site_template_key(template.site), template.to_json())
