"""The article's own publication and update times, each with the signal it came from.

htmldate alone is not enough: its heuristics read any element whose class mentions
"date", which on many templates is the site header's "today". So the page's declared
dates (JSON-LD, meta tags, <time datetime>) come first, then a date printed near the
headline, then the URL. Only when all of these are silent does htmldate search the
page, with the site's header, navigation, sidebars and footer cut away first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from copy import deepcopy

import htmldate
from dateutil import parser as dateutil_parser
from htmldate.extractors import COMPLETE_URL, try_date_expr
from lxml.html import HtmlElement

from pipeline.extract.signals import PageSignals

# Dates outside this range are typos or placeholders, not publication dates.
EARLIEST = datetime(1995, 1, 1)
LATEST = datetime(2100, 1, 1)

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "article.published",
    "published_time", "publishdate", "publish-date", "pubdate", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dc.date", "date",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")

# Page furniture that prints "today" or other stories' dates, by element or by class/id.
_FURNITURE = (
    "//header | //nav | //aside | //footer | //*[@id or @class][re:test(concat(@id, ' ', @class), "
    "'header|masthead|top-?bar|topnav|navbar|menu|sidebar|footer|related|teaser|breadcrumb', 'i')]"
)
_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}

# The printed date sits between the headline and the body; a long text node is the body.
_VISIBLE_WINDOW = 40
_MAX_DATE_TEXT = 120


@dataclass(frozen=True)
class Dated:
    value: datetime  # aware, UTC
    signal: str  # where it was read, e.g. "jsonld:datePublished", "visible-text", "url"


def to_utc(value: datetime) -> datetime:
    """Naive times carry no zone on the page; UTC is the least surprising reading."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_datetime(text: str | None) -> datetime | None:
    """An ISO-8601 or RFC-822 style timestamp as an aware UTC datetime, else None."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = dateutil_parser.parse(text)
        except (ValueError, OverflowError):
            return None
    if not EARLIEST <= value.replace(tzinfo=None) < LATEST:
        return None
    return to_utc(value)


def parse_visible_date(text: str) -> datetime | None:
    """A date as printed for readers ("JANUARY 29, 2022", "29.01.2022"), at midnight UTC."""
    if len(text) > _MAX_DATE_TEXT:
        return None
    # htmldate's parser matches month names in lower case only
    found = try_date_expr(text.lower(), "%Y-%m-%d", True, EARLIEST, LATEST)
    return datetime.fromisoformat(found).replace(tzinfo=timezone.utc) if found else None


def _declared(signals: PageSignals, jsonld_key: str, meta_keys: tuple[str, ...]) -> Dated | None:
    if value := parse_datetime(signals.article.get(jsonld_key)):
        return Dated(value, f"jsonld:{jsonld_key}")
    for key in meta_keys:
        if value := parse_datetime(signals.meta.get(key)):
            return Dated(value, f"meta:{key}")
    return None


def _time_element(tree: HtmlElement) -> Dated | None:
    for element in tree.xpath('//time[@itemprop="datePublished" or @pubdate][@datetime]'):
        if value := parse_datetime(element.get("datetime")):
            return Dated(value, "time:datePublished")
    return None


def _following(element: HtmlElement):
    """Elements after `element` in document order (not inside it), lazily: the window is small."""
    node = element
    while node is not None:
        for sibling in node.itersiblings():
            yield from (e for e in sibling.iter() if isinstance(e.tag, str))
        node = node.getparent()


def _own_text(element: HtmlElement) -> str:
    return " ".join(part.strip() for part in [element.text, *(child.tail for child in element)] if part and part.strip())


def _near_headline(headline: HtmlElement | None) -> Dated | None:
    """The first date after the headline, before the body starts."""
    if headline is None:
        return None
    seen = 0
    for element in _following(headline):
        if element.tag == "time" and (value := parse_datetime(element.get("datetime"))):
            return Dated(value, "time-near-headline")
        text = _own_text(element)
        if not text:
            continue
        if len(text) > 2 * _MAX_DATE_TEXT or seen >= _VISIBLE_WINDOW:
            break
        seen += 1
        if value := parse_visible_date(text):
            return Dated(value, "visible-text")
    return None


def _from_url(url: str) -> Dated | None:
    if match := COMPLETE_URL.search(url):
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
        return Dated(datetime(day.year, day.month, day.day, tzinfo=timezone.utc), "url")
    return None


def _htmldate_without_furniture(tree: HtmlElement) -> Dated | None:
    pruned = deepcopy(tree)
    for element in pruned.xpath(_FURNITURE, namespaces=_REGEX_NS):
        if element.getparent() is not None and element.tag != "body":
            element.getparent().remove(element)
    found = htmldate.find_date(pruned, extensive_search=True, original_date=True, min_date=EARLIEST, max_date=LATEST)
    return Dated(datetime.fromisoformat(found).replace(tzinfo=timezone.utc), "htmldate") if found else None


def published_at(tree: HtmlElement, signals: PageSignals, headline: HtmlElement | None, url: str) -> Dated | None:
    """The order was measured on fundus-publishers (benchmarks/extraction.py): declared first."""
    return (
        _declared(signals, "datePublished", PUBLISHED_META)
        or _time_element(tree)
        or _near_headline(headline)
        or _from_url(url)
        or _htmldate_without_furniture(tree)
    )


def updated_at(signals: PageSignals) -> Dated | None:
    return _declared(signals, "dateModified", MODIFIED_META)
