"""One HTML page to one article record, or None for anything that is not a story.

The page is parsed once; the page's declared metadata is read from that tree before
trafilatura (which works on its own copy) extracts the body as blocks. Body clean-up
steps then remove whole blocks: the repeated headline, attribution lines, captions
repeating a quote and, in batches, the site's learned boilerplate (see templates.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from pipeline.extract import dates, language, pagetype, quality
from pipeline.extract.appended import drop_appended_stories
from pipeline.extract.attribution import Attribution, credit_words_in, find_attribution_line, is_own_wire, split_attribution
from pipeline.extract.blocks import Block, body_blocks, count_words, normalised_text, render_markdown, render_text
from pipeline.extract.bylines import is_exactly_site
from pipeline.extract.captions import drop_pull_quotes, drop_repeated_captions
from pipeline.extract.declared_body import completed_body
from pipeline.extract.furniture import drop_page_furniture
from pipeline.extract.header import drop_closing_signature, drop_header_lines
from pipeline.extract.metadata import Metadata, headline_of, read_metadata, site_names, title_names
from pipeline.extract.overlays import drop_overlays
from pipeline.extract.script_body import script_body
from pipeline.extract.signals import read_signals
from pipeline.extract.signup_boxes import drop_signup_boxes
from pipeline.extract.split_body import join_split_body

# trafilatura settings: comments are not the story; tables are (results, figures);
# images would bring their captions back. Its metadata pass costs a third of its time and
# we read the page's declarations ourselves, so it only runs for pages that declare little.
TRAFILATURA_OPTIONS = dict(with_metadata=False, include_comments=False, include_tables=True, include_images=False)

# Figures and tables credit a photo or a chart, not the story.
_NOT_THE_STORY = "ancestor-or-self::figure or ancestor-or-self::figcaption or ancestor-or-self::table"


@dataclass
class Page:
    """What one page yields before it becomes a record; `blocks` may still lose boilerplate."""

    url: str
    metadata: Metadata
    blocks: list[Block]
    attribution: Attribution | None
    published: dates.Dated | None
    updated: dates.Dated | None
    page_type: str
    paywalled: tuple[bool, str | None] = (False, None)
    provenance: dict[str, str] = field(default_factory=dict)


def is_page_url(url: object) -> bool:
    """An absolute http(s) URL with a host, or a file URL: a record's url says where the story lives."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[::1/x": a bracketed host that is no IPv6 address
        return False
    return bool(parts.scheme in ("http", "https") and parts.hostname or parts.scheme == "file" and parts.path)


def content_hash(text: str) -> str:
    """Equal for copies that differ only in case, Unicode form or whitespace."""
    return hashlib.sha256(normalised_text(text).encode()).hexdigest()


def _story_blocks(page: HtmlElement | str, url: str) -> list[Block]:
    """trafilatura's reading of the story, as blocks."""
    document = trafilatura.bare_extraction(page, url=url, **TRAFILATURA_OPTIONS)
    return body_blocks(document.body if document is not None else None)


def _lines_not_kept(tree: HtmlElement, blocks: list[Block]) -> list[str]:
    """Candidate credit lines outside the extracted body: one inside it was already judged
    where it stands (a "Source:" line mid-story is not a credit). trafilatura may have left
    out a link-dense credit line or a footer box; the element's whole text includes a linked name.

    The page's text nodes are tested in Python, for the credit words their joined text holds
    (most pages: none): an XPath test per node and credit word would halve extraction's speed,
    and so would testing every word on the raw HTML, mostly scripts."""
    texts = tree.xpath("//body//text()[not(parent::script) and not(parent::style)]")
    if not (words := credit_words_in(" ".join(texts))):
        return []
    kept = {block.text for block in blocks}
    lines = []
    for text in texts:
        if not credit_words_in(text, words):
            continue
        element = text.getparent().getparent() if text.is_tail else text.getparent()
        if element is None or element.xpath(_NOT_THE_STORY):
            continue
        line = " ".join(element.text_content().split())
        if line not in kept and line not in lines:
            lines.append(line)
    return lines


def read_page(html: str, url: str) -> Page | None:
    """Parse and extract one page; None when there is no HTML at all."""
    tree = load_html(html) if html and html.strip() else None
    if tree is None:
        return None
    signals = read_signals(tree)
    names = site_names(signals, url)
    names_in_titles = title_names(tree, names, url)
    headline = headline_of(tree, signals, names_in_titles)
    drop_appended_stories(tree, headline)
    drop_overlays(tree, headline)
    drop_signup_boxes(tree, headline)
    join_split_body(tree)
    printed = _story_blocks(tree, url)
    metadata = read_metadata(tree, signals, url, headline, names, names_in_titles)
    provenance = dict(metadata.provenance)
    if count_words(render_text(printed)) < pagetype.MIN_ARTICLE_WORDS and pagetype.declares_article(signals):
        if from_scripts := script_body(tree, lambda story: _story_blocks(story, url)):
            printed, provenance["text"] = from_scripts, "script:html-string"
    blocks = drop_header_lines(printed, metadata.title, metadata.byline.people, names)
    if completed := completed_body(blocks, signals.article):
        blocks, provenance["text"] = completed, "jsonld:articleBody"
    blocks, attribution = split_attribution(blocks)
    if attribution is None:
        attribution = find_attribution_line(_lines_not_kept(tree, blocks))
    if attribution and (is_exactly_site(attribution.publisher, names) or is_own_wire(attribution, names)):
        attribution = None  # "Quelle: example.de" on example.de credits the site's own newsroom: no reprint
    blocks = drop_pull_quotes(drop_closing_signature(drop_page_furniture(drop_repeated_captions(blocks))))

    if metadata.language is None and (detected := language.detect(" ".join(block.text for block in blocks[:20]))):
        metadata.language, provenance["language"] = detected, "detected:py3langid"
    story = [" ".join(block.text.split()) for block in blocks]
    published = dates.published_at(tree, signals, headline, url, story)
    updated = dates.updated_at(tree, signals, headline, published, story)
    for name, dated in (("published_at", published), ("updated_at", updated)):
        if dated:
            provenance[name] = dated.signal
    if attribution:
        provenance["attribution"] = attribution.signal
    paywalled = quality.is_paywalled(signals, blocks, tree)
    blocks = quality.without_subscription_prompt(blocks)
    return Page(
        url=url,
        metadata=metadata,
        blocks=blocks,
        attribution=attribution,
        published=published,
        updated=updated,
        page_type=pagetype.classify(tree, signals, url, metadata.title, blocks),
        paywalled=paywalled,
        provenance=provenance,
    )


def to_record(page: Page) -> dict | None:
    """The article record (corpus columns the extractor owns), None for a non-article.

    The page type was judged before the site's boilerplate was stripped; an article left
    with fewer words than any article has is a fragment after all, judged by the same rule.
    """
    if page.page_type not in pagetype.STORY_TYPES:
        return None
    meta = page.metadata
    text = render_text(page.blocks)
    words = count_words(text)
    if page.page_type == pagetype.ARTICLE and words < pagetype.MIN_ARTICLE_WORDS:
        return None
    provenance = dict(page.provenance)
    if page.paywalled[0]:
        provenance["is_paywalled"] = page.paywalled[1]
    return {
        "url": page.url,
        "canonical_url": meta.canonical_url,
        "site_name": meta.site_name,
        "title": meta.title,
        "author": meta.byline.people_joined,
        "authors": list(meta.byline.people),
        "author_orgs": list(meta.byline.organisations),
        "published_at": page.published.value if page.published else None,
        "updated_at": page.updated.value if page.updated else None,
        "language": meta.language,
        "section": meta.section,
        "tags": list(meta.tags),
        "text": text,
        "markdown": render_markdown(page.blocks),
        "word_count": words,
        "attribution": page.attribution.publisher if page.attribution else None,
        "content_hash": content_hash(text),
        "page_type": page.page_type,
        "is_paywalled": page.paywalled[0],
        "is_too_short": words < quality.TOO_SHORT_WORDS,
        "provenance": provenance,
    }
