"""One HTML page to one article record, or None for anything that is not a story.

The page is parsed once; the page's declared metadata is read from that tree before
trafilatura (which works on its own copy) extracts the body as blocks. Body clean-up
steps then remove whole blocks: attribution lines and captions repeating a quote.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import trafilatura
from trafilatura.utils import load_html

from pipeline.extract import dates, pagetype
from pipeline.extract.attribution import Attribution, find_attribution_line, split_attribution
from pipeline.extract.blocks import Block, body_blocks, count_words, render_text
from pipeline.extract.captions import drop_repeated_captions
from pipeline.extract.metadata import Metadata, read_metadata
from pipeline.extract.signals import read_signals

# trafilatura settings: comments are not the story; tables are (results, figures);
# images would bring their captions back.
TRAFILATURA_OPTIONS = dict(with_metadata=True, include_comments=False, include_tables=True, include_images=False)

# Lines a template prints outside the body can still name the original publisher.
_ATTRIBUTION_TEXT = (
    "//body//text()[contains(., 'ourtesy') or contains(., 'riginally') or contains(., 'eprinted')"
    " or contains(., 'epublished') or contains(., 'Source:') or contains(., 'first appeared')]"
)


@dataclass
class Page:
    """What one page yields before it becomes a record."""

    url: str
    metadata: Metadata
    blocks: list[Block]
    attribution: Attribution | None
    published: dates.Dated | None
    page_type: str


def normalised_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    """Equal for copies that differ only in case, Unicode form or whitespace."""
    return hashlib.sha256(normalised_text(text).encode()).hexdigest()


def read_page(html: str, url: str) -> Page | None:
    """Parse and extract one page; None when there is no HTML at all."""
    tree = load_html(html) if html and html.strip() else None
    if tree is None:
        return None
    signals = read_signals(tree)
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    trafilatura_meta = {
        "title": document.title, "author": document.author, "sitename": document.sitename, "language": document.language,
    } if document is not None else {}
    metadata = read_metadata(tree, signals, url, trafilatura_meta)

    blocks = body_blocks(document.body if document is not None else None)
    blocks, attribution = split_attribution(blocks)
    if attribution is None:
        attribution = find_attribution_line(tree.xpath(_ATTRIBUTION_TEXT))
    blocks = drop_repeated_captions(blocks)

    kind = pagetype.classify(tree, signals, url, metadata.title, blocks)
    published = dates.published_at(tree, signals, metadata.headline, url)
    return Page(url, metadata, blocks, attribution, published, kind)


def to_record(page: Page) -> dict | None:
    """The article record (corpus columns the extractor owns), None for a non-article."""
    if page.page_type != pagetype.ARTICLE:
        return None
    meta = page.metadata
    text = render_text(page.blocks)
    return {
        "url": page.url,
        "canonical_url": meta.canonical_url,
        "site_name": meta.site_name,
        "title": meta.title,
        "author": meta.author,
        "published_at": page.published.value if page.published else None,
        "language": meta.language,
        "text": text,
        "word_count": count_words(text),
        "attribution": page.attribution.publisher if page.attribution else None,
        "content_hash": content_hash(text),
    }
