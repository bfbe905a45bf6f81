"""Is this page one story, or a listing, an error page or nothing at all?

Crawls fetch homepages, section fronts, archive pages and error pages alongside the
stories; none of them may become an article. The page's own declarations (JSON-LD,
og:type) are trusted first, then the URL's shape, then the page's structure: a listing
is many linked teaser headlines with little text of its own.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pipeline.extract.signals import LISTING_TYPES, PageSignals

ARTICLE, LISTING, ERROR, EMPTY = "article", "listing", "error", "empty"

_ERROR_TITLE = re.compile(
    r"\b(?:404|410|500|502|503|not found|no longer available|server error|forbidden|access denied"
    r"|can(?:'|’|no)t be found|could(?:n'|n’| no)t (?:be found|find)|does(?:n'|n’| no)t exist)\b",
    re.I,
)
# Paths of fronts and indexes: the root, /page/2, /tag/x, /category/x, /2024/05/26/ with no slug.
_LISTING_PATH = re.compile(
    r"^/?$|/(?:page|tags?|categor(?:y|ies)|topics?|sections?|authors?|archives?|search)(?:/[^/]+)?/?$|/\d{4}(?:/\d{1,2}){0,2}/?$",
    re.I,
)
_LISTING_QUERY = re.compile(r"(?:^|&)(?:page|paged|p)=\d+", re.I)
_TEASER_LINKS = "//h2//a[@href] | //h3//a[@href] | //a[@href][.//h2 or .//h3]"
_MIN_TEASERS = 5
# A listing's own text is a line or two per teaser; a story has far more words than that.
_MAX_WORDS_PER_TEASER = 60
# An error page says so in its title and has little else; a story about a 404 goes on.
_MAX_ERROR_WORDS = 150
# Below this many words an extraction is a fragment (a cookie wall, a stub), not a story.
MIN_ARTICLE_WORDS = 20


def _teaser_count(tree: HtmlElement) -> int:
    return len({link.get("href") for link in tree.xpath(_TEASER_LINKS)})


def _is_error_page(tree: HtmlElement, headline: str | None, words: int) -> bool:
    titles = [headline or "", " ".join(tree.xpath("//head/title//text()"))]
    return words < _MAX_ERROR_WORDS and any(_ERROR_TITLE.search(title) for title in titles)


def classify(tree: HtmlElement, signals: PageSignals, url: str, headline: str | None, words: int) -> str:
    if words == 0:
        return EMPTY
    if _is_error_page(tree, headline, words):
        return ERROR
    declared_article = bool(signals.article) or signals.meta.get("og:type", "").lower() == "article"
    parts = urlsplit(url)
    if _LISTING_PATH.search(parts.path) or _LISTING_QUERY.search(parts.query):
        return LISTING
    if not declared_article:
        if signals.jsonld_types & LISTING_TYPES:
            return LISTING
        teasers = _teaser_count(tree)
        if teasers >= _MIN_TEASERS and words < teasers * _MAX_WORDS_PER_TEASER:
            return LISTING
    if words < MIN_ARTICLE_WORDS:
        return EMPTY
    return ARTICLE
