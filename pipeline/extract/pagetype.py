"""Is this page one story, or a listing, an error page or nothing at all?

Crawls fetch homepages, section fronts, archive pages and error pages alongside the
stories; none of them may become an article. The page's own declarations (JSON-LD,
og:type) are trusted first, then the URL's shape, then the page's structure: a listing
is a page whose extracted text sits in teasers, small boxes each led by a linked headline,
or is mostly the text of its links. The structure alone must suffice: a page saved to a file
has no URL to go by.
Stories are further told apart as articles, live blogs and videos, for analysts to filter.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pipeline.extract.blocks import Block, count_words, words_key
from pipeline.extract.signals import LISTING_TYPES, PageSignals

ARTICLE, LIVEBLOG, VIDEO, LISTING, ERROR, EMPTY = "article", "live_blog", "video", "listing", "error", "empty"
STORY_TYPES = (ARTICLE, LIVEBLOG, VIDEO)  # the page types that become records

# A bare 404 titles error pages; other codes only with their words ("Fortune 500 firms" is news).
_ERROR_TITLE = re.compile(
    r"\b(?:404|(?:410|500|502|503)\s+(?:gone|error|internal|bad gateway|service)|not found|no longer available|server error"
    r"|service unavailable|bad gateway|forbidden|access denied"
    r"|can(?:'|’|no)t be found|could(?:n'|n’| no)t be found|does(?:n'|n’| no)t exist)\b",
    re.I,
)
# A themed error page's apology, printed as its <h1> under a bare site name as title: it speaks of
# the page ("Sorry, we can't find the page you were looking for"), where a headline speaks of news
# ("Rescuers can't find missing kayaker", "Fortune 500 firms").
_APOLOGY = re.compile(r"\b(?:can(?:'|’|no)t|could(?:n'|n’| no)t) find (?:the |this |that )?(?:page|what you)|\bpage (?:not found|doesn(?:'|’)t exist)|\b404\b", re.I)
# An error page says so in its title and has little else; a story about a 404 goes on.
_MAX_ERROR_WORDS = 150
# Paths of fronts and indexes: /page/2, /tag/x, /category/x, /2024/05/26/ with no slug.
# A date needs a plausible year and month: /article/3834/1 is page 1 of story 3834, /news/2048 a story.
_LISTING_PATH = re.compile(
    r"/(?:page/\d+|tags?|categor(?:y|ies)|topics?|sections?|authors?|archives?|search)(?:/[^/\d][^/]*)?/?$"
    r"|/(?:199\d|20[0-3]\d)(?:/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?)?/?$",
    re.I,
)
_LISTING_QUERY = re.compile(r"(?:^|&)(?:page|paged|p)=\d+", re.I)
# A query parameter naming one item (?idx=8576, ?article_id=123): old CMSs carry the listing's
# page number on into the story's URL (news_view.html?idx=8576&page=1), so ?page= then says
# nothing. Only item names: ?cat=105&page=3 or ?page=2&limit=100 are still pages of a listing.
_ITEM_QUERY = re.compile(r"(?:^|&)(?:id|idx|idxno|no|aid|nid|sid|seq|wr_id|(?:article|story|news|art|content|doc|post)_?(?:id|no|idx))=\d+(?:&|$)", re.I)
# WordPress's plain permalinks name a post or page on the site's root: /?p=4821, /?page_id=12.
_WORDPRESS_ITEM = re.compile(r"(?:^|&)(?:p|page_id)=\d+(?:&|$)")
# A linked headline: a heading with a link or a link around a heading.
_TEASER_HEADINGS = "//h2[.//a[@href]] | //h3[.//a[@href]] | //h4[.//a[@href]] | //a[@href][.//h2 or .//h3 or .//h4]"
# Also a list item's own link (a river of <li><a>headline</a><p>summary</p></li>), but only on a
# page that declares itself a website: in a story, <li><a>name</a>: description</li> is a listicle.
_LIST_TEASER_HEADINGS = f"{_TEASER_HEADINGS} | //li/a[@href]"
# A teaser is a headline and a line or two; a bigger box around a linked heading is a story.
_MAX_TEASER_WORDS = 80
_MIN_TEASER_BLOCKS = 3
_TEASER_SHARE = 0.5
# Share of the extracted words that are the text of the page's links (of two words or more,
# outside navigation): at most 0.28 on 495 real stories (three corpora), 0.67 and more on link
# lists (a front's river, a day's archive).
_LINK_TEXT_SHARE = 0.5
_CONTENT_LINKS = "//body//a[@href][not(ancestor::nav or ancestor::header or ancestor::footer)]"
# A video's page text is a caption or a short summary.
_MAX_VIDEO_WORDS = 150
# Below this many words an extraction is a fragment (a cookie wall, a stub), not a story.
MIN_ARTICLE_WORDS = 20
# A live blog that does not declare itself calls itself live in its address, title or headline
# ("/live/", "…-news-ticker-…", "UK riots LIVE:", "Liveticker", "EN DIRECT -") and heads its posts with
# the time of day ("12.31 Uhr: …", "14:05 – …", "9:41 a.m."). Either alone is common in stories
# (a day's timeline, a festival's programme, "the people who live beside the runway"): both are needed,
# and the words only where they name the coverage: "Where they live:", "Festival LIVE 2023" and
# "música en vivo" do not, nor does a reconstruction "minute by minute".
_LIVE_WORD = re.compile(
    r"^\s*LIVE\b|\bLIVE\s*(?:[:|–—-]|$)"
    r"|(?i:\blive-?(?:blog|ticker)\b|\blive (?:updates?|coverage)\b|(?:news|-)ticker\b"
    r"|(?<!\bwhere )(?<!\bhow )(?<!\bwho )(?<!\bthey )(?<!\bwe )(?<!\byou )(?<!\bto )(?<!\bi )\blive:"
    r"|\b(?:en (?:direct|directo|vivo)|in diretta)\b(?=\s*(?:[:|,–—-]|$)))"
)
_LIVE_PATH = re.compile(
    r"(?:^|/)(?:live|liveblog|live-?ticker|news-?ticker|ticker|direct|directo|en-direct|en-directo|en-vivo|diretta)(?:/|$)"
    r"|(?:^|[/_-])(?:live-?(?:blog|ticker|updates?)|news-?ticker|en-direct|en-directo|en-vivo|in-diretta)(?:$|[/_.-])|-live(?:/|$|\.)",
    re.I,
)
_POST_TIME = re.compile(r"^\(?(?:[01]?\d|2[0-3])[:.h][0-5]\d(?:\s*(?:Uhr|h|[ap]\.?m\.?))?\)?\s*(?:[:|•·–—-]\s|$)", re.I)
_MIN_TIMED_POSTS = 3


def _unspaced(text: str) -> str:
    """Text without any whitespace, to match a block against a box's text however either spaces it."""
    return "".join(text.split()).casefold()


def _is_error_page(tree: HtmlElement, titles: list[str], words: int) -> bool:
    if words >= _MAX_ERROR_WORDS:
        return False
    return any(_ERROR_TITLE.search(title) for title in titles) or any(_APOLOGY.search(h1.text_content()) for h1 in tree.iter("h1"))


def _words_only(text: str) -> str:
    """' word word ': words_key with a space at each end, so that `in` matches whole words."""
    return f" {words_key(text)} "


def _reads_like_teasers(tree: HtmlElement, blocks: list[Block], words: int, headings: str) -> bool:
    """Most of the extracted text sits in small boxes that each hold a linked headline."""
    boxes = {heading.getparent() for heading in tree.xpath(headings) if heading.getparent() is not None}
    # text nodes joined by spaces: text_content() glues a headline to its summary ("SouthgateThe")
    sized = [(text, count_words(text)) for text in (" ".join(box.itertext()) for box in boxes)]
    small = [(text, size) for text, size in sized if size <= _MAX_TEASER_WORDS]
    if sum(size for _, size in small) < _TEASER_SHARE * words:  # the teasers could not hold half the text
        return False
    teasers = "\n".join(_unspaced(text) for text, _ in small)
    in_teasers = [block for block in blocks if _unspaced(block.text) in teasers]
    teaser_words = sum(count_words(block.text) for block in in_teasers)
    # the page's teasers, not the blocks read from them, are counted: trafilatura may keep one
    # lead story's summary from a section front, and that alone
    return len(small) >= _MIN_TEASER_BLOCKS and teaser_words >= _TEASER_SHARE * words


def _mostly_link_text(tree: HtmlElement, blocks: list[Block], words: int) -> bool:
    """Most of the extracted text is what the page's links say: a list of links, even where
    trafilatura flattened it into one paragraph and no teaser box is left to see."""
    needed = _LINK_TEXT_SHARE * words
    labels = {label: label.count(" ") - 1 for link in tree.xpath(_CONTENT_LINKS) if (label := _words_only(link.text_content())).count(" ") > 2}
    if sum(labels.values()) < needed:  # most pages: their links could not make half the text, whatever they say
        return False
    text = _words_only(" ".join(block.text for block in blocks))
    linked = 0
    for label, label_words in labels.items():  # labels of two words or more, counted by their words
        linked += label_words if label in text else 0
        if linked >= needed:
            return True
    return False


def declares_article(signals: PageSignals) -> bool:
    """A JSON-LD article or og:type article: the page says it is a story."""
    return bool(signals.article) or signals.meta.get("og:type", "").lower() == "article"


def classify(tree: HtmlElement, signals: PageSignals, url: str, headline: str | None, blocks: list[Block]) -> str:
    words = sum(count_words(block.text) for block in blocks)
    if words == 0:
        return EMPTY
    titles = [headline or "", signals.page_title]
    if _is_error_page(tree, titles, words):
        return ERROR
    parts = urlsplit(url)
    root = parts.path in ("", "/")
    names_an_item = bool(_ITEM_QUERY.search(parts.query) or root and _WORDPRESS_ITEM.search(parts.query))
    if root and not names_an_item:
        return LISTING
    if not declares_article(signals):
        if _LISTING_PATH.search(parts.path) or (_LISTING_QUERY.search(parts.query) and not names_an_item):
            return LISTING
        headings = _LIST_TEASER_HEADINGS if signals.meta.get("og:type", "").lower() == "website" else _TEASER_HEADINGS
        if signals.jsonld_types & LISTING_TYPES or _reads_like_teasers(tree, blocks, words, headings) or _mostly_link_text(tree, blocks, words):
            return LISTING
    if "LiveBlogPosting" in signals.jsonld_types or _reads_as_live_blog(url, titles, blocks):
        return LIVEBLOG
    if _is_video(signals, words):
        return VIDEO
    if words < MIN_ARTICLE_WORDS:
        return EMPTY
    return ARTICLE


def _reads_as_live_blog(url: str, titles: list[str], blocks: list[Block]) -> bool:
    """An undeclared live blog (see _LIVE_WORD); `titles` are the headline and the <title>."""
    if not (_LIVE_PATH.search(urlsplit(url).path) or any(_LIVE_WORD.search(title) for title in titles)):
        return False
    return sum(1 for block in blocks if _POST_TIME.match(block.text)) >= _MIN_TIMED_POSTS


def _is_video(signals: PageSignals, words: int) -> bool:
    """A video page declares itself so, or carries a video and little text of its own."""
    if signals.meta.get("og:type", "").lower().startswith("video"):
        return True
    return "VideoObject" in signals.jsonld_types and not signals.article and words < _MAX_VIDEO_WORDS
