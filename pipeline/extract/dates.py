"""The article's own publication and update times, each with the signal it came from.

htmldate alone is not enough: its heuristics read any element whose class mentions
"date", which on many templates is the site header's "today". So the page's declared
dates (JSON-LD, meta tags, <time datetime>) come first, then a date printed near the
headline, then the URL, then a dateline run into the lede. Only when all of these are
silent does htmldate search the page, with the site's header, navigation, sidebars and
footer cut away first.

Every signal must state a full date (year, month and day) that is not in the future:
parsers complete "14:54" or "Monday" from today and a lone year as 1 January, which
would stamp a page with the day extraction ran, different on every re-run.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import htmldate
from dateutil import parser as dateutil_parser
from htmldate import extractors as htmldate_extractors
from htmldate.extractors import COMPLETE_URL, regex_parse, try_date_expr
from lxml.html import HtmlElement

from pipeline.extract.blocks import count_words
from pipeline.extract.bylines import BYLINE_BOX_NAMES
from pipeline.extract.signals import REGEX_NS, PageSignals

# Dates before this are typos or placeholders, not publication dates.
EARLIEST = datetime(1995, 1, 1)
# Nor can a page be published after it was fetched, and it was fetched before it is
# extracted; the slack covers clocks and time zones, not typos ("2204") or placeholders.
FUTURE_SLACK = timedelta(days=2)

# dateutil fills what a text leaves out from a default date: parsed against two defaults
# that differ in year, month and day, a text that names all three gives the same date twice.
_DEFAULTS = (datetime(1, 1, 1), datetime(2, 2, 2))

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "article.published",
    "published_time", "publishdate", "publish-date", "pubdate", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dc.date", "date",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")

# Page furniture that prints "today" or other stories' dates, by element or by class/id name. A
# header or footer is the site's when its name starts so ("site-header", "td-header-wrap",
# "jeg_footer"); one that ends so is the story's ("date-header", "post-footer", "c-page-header__subtitle"
# under the headline). The other boxes are named in hyphenated words ("post-related", "entry-teasers",
# "article-sidebar"); a sub-element ("podcast-description__sidebar") or a camel-cased layout
# ("layoutTwoColumnsRightSidebar", which wraps the whole page) is no such box.
_FURNITURE = (
    "//header | //nav | //aside | //footer"
    # an embedded post is dated when it was posted, not when the story was
    " | //blockquote[re:test(@class, 'twitter-tweet|instagram-media|tiktok-embed|bluesky-embed|threads?-post|fb-xfbml', 'i')]"
    " | //*[@id or @class][re:test(concat(' ', @id, ' ', @class), "
    r"'\s(?:(?:site|page|global|main|top|bottom|primary|secondary|mobile|desktop|js|wp)[-_]|[a-z]{2,3}[-_])?(?:header|footer)"
    r"|\s(?:[a-z0-9]+-)*(?:masthead|top-?bar|topnav|navbar|menu|sidebar|related|teaser|breadcrumb)', 'i')]"
)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# A <time> marked as the publication's by schema.org or HTML5's withdrawn pubdate. Not by hAtom's class
# "published": WordPress themes mark every post's time so, in lists of other posts and comments too.
_MARKED_TIME = (
    '//time[@itemprop="datePublished" or @pubdate][@datetime][not(ancestor::nav) and not(ancestor::aside) and not(ancestor::footer)'
    " and not(ancestor::header[not(ancestor::article)])"
    " and not(ancestor::*[re:test(concat(@class, ' ', @id), 'ticker|teaser|related|breaking', 'i')])]"
)

# The printed date sits between the headline and the body; a long text node is the body.
_VISIBLE_WINDOW = 40
_STORY_TAGS = ("p", "li", "blockquote", "dd", "td")
_MAX_DATE_TEXT = 120
_STORY_SENTENCE_WORDS = 8
_MAX_DATELINE_WORDS = 8  # "Thứ hai, 2/3/2026, 08:00 (GMT+7)": a date and its time, not a sentence
MAX_STANDFIRST_WORDS = 40  # a standfirst is a sentence or two; a longer first paragraph is the story
_OPENING_BLOCKS = 3  # where a template's header lines (kicker, place, dateline, standfirst) end up in the story
# Boxes inside the story whose dates are their own: a figure's caption, a related story's teaser.
_ASIDE = "ancestor-or-self::*[self::figure or self::figcaption or self::aside or re:test(@class, 'related|teaser|promo', 'i')]"
# The byline's box: between a standfirst and the dateline, its names are read past.
_BYLINE_BOX = f"ancestor-or-self::*[re:test(concat(@class, ' ', @id), '{BYLINE_BOX_NAMES}', 'i') or @rel='author']"
_MAX_DATELINE_PART = 45  # "il 06 marzo 2026 alle 10:15 · ": a date and its time, no more


# What a dateline prints before a date it labels; "updated" dates are never publication dates.
# Chinese and Japanese labels run on into the date without a space ("更新于2021年…"): they need no word
# boundary, only that a separator, the date's figures or the end follow; Japanese may print the label
# after the date ("2021年09月15日 更新"), see _labelled_parts.
_UPDATED_WORDS = (
    r"(?:last\s+)?updated|last\s+modified|modified|modifié|(?:zuletzt\s+)?aktualisiert|mis\s+à\s+jour|actualizado|"
    r"aggiornato|modificato|modifica|bijgewerkt|oppdatert|opdateret|uppdaterad|zaktualizowano|güncelleme|güncellendi"
)
_PUBLISHED_WORDS = (
    r"(?:first\s+)?published|posted|filed|veröffentlicht|erschienen|publié|publicado|pubblicato|gepubliceerd|publisert|"
    r"publiceret|publicerad|opublikowano|yayınlanma"
)
_CJK_LABEL_END = r"(?=[\s:：]|\d|$)"
_DATE_LABEL = re.compile(
    rf"(?P<updated>(?<!\w)(?:{_UPDATED_WORDS})(?!\w)|(?:最終|最后|最後)?更新(?:日時?|时间|時間|日期)?(?:于|於)?{_CJK_LABEL_END})"
    rf"|(?P<published>(?<!\w)(?:{_PUBLISHED_WORDS})(?!\w)"
    rf"|(?:公開日時?|公開|配信日時?|配信|掲載日|投稿日|(?:发布|發布|發佈|发表|發表)(?:时间|時間|日期)?(?:于|於)?){_CJK_LABEL_END})",
    re.I,
)


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Zone abbreviations pages print after a time ("Mon, 09 Mar 2026 14:05:00 CEST"), in hours from
# UTC; dateutil knows only UTC, GMT and the machine's own. Ambiguous ones (CST, IST) are left out.
_ZONES = {name: hours * 3600 for name, hours in {
    "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}.items()}
# Where a page states dates and times in machine-readable form: a 1st in full, the zone of an instant
_STATED_TIMES = "//meta/@content | //*[@datetime]/@datetime"
_MAX_STATED_TIME = 40
_MAX_OFFSET = timedelta(hours=14)  # UTC-12 to UTC+14: the zones in use
# "05/03/2026", "5.3.26": a day in figures, before or after the month; "2026/03/05" is never day first.
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
# A dateline run into the story's lede, as press releases and small papers print it: a short opening
# before a dash ("27.1.2022 - Bei der …", "Wien, 14. Dezember 2021 – Aufgrund …"), or a date in figures
# that opens the paragraph ("01.02.2022 „Der Arbeitsmarkt …")
_OPENING_BEFORE_DASH = re.compile(r"^(?P<opening>.{6,40}?)\s[-–—]\s")
_OPENING_PARAGRAPHS = 3  # a byline and a standfirst may come before the lede
# "6 min read", "3 min de lecture": printed beside the date, never a date
_READING_TIME = re.compile(
    r"(?:lesezeit:?\s*)?\b\d+\s*(?:min(?:ute)?s?|min\.|minuten|minutos|minuti)\.?(?:\s*(?:read|de lecture|de lectura|di lettura))?\b\.?", re.I,
)
# what separates a dateline's parts: "Jan Kowalski · 9 marca 2026, 08:15", "By X | March 9, 2026"
_LINE_PARTS = re.compile(r"\s+[|·•–—-]\s+|\s*[|·•]\s*")
# "03/04/2026", "3-4-2026": month first in American English (dotted dates are day first everywhere)
_SLASHED_DATE = re.compile(r"(?<![\d./-])(?P<month>\d{1,2})([/-])(?P<day>\d{1,2})\2(?P<year>\d{4})(?![\d./-])")
# "2020年07月03日": htmldate's parsers skip a Chinese or Japanese date without a time after it (its
# external parser is only asked about texts with spaces or punctuation), so it is read here; only
# as a dateline, the date with its time and a short label ("公開日："): a kicker or a sentence that
# names a date ("纪念2011年3月8日青溪洪水十二周年") has no spaces to count its words by
_CJK_DATE = re.compile(r"(?<!\d)(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
_CLOCK = re.compile(r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")
_MAX_CJK_LABEL = 4
# "Pubblicato il 05 marzo", "publicado el 5 de marzo", "published on March 5": words before the date
_LEADING_ARTICLE = re.compile(r"^\W*(?:il|el|le|la|am|on|den|the|op|em|no|dne)\s+")


@dataclass(frozen=True)
class Dated:
    value: datetime  # aware, in the zone the page states (UTC when it states none)
    signal: str  # where it was read, e.g. "jsonld:datePublished", "visible-text", "url"


def _aware(value: datetime) -> datetime:
    """The time in the zone the page states, so that its day is the page's own day ("20:53-04:00"
    is still the 15th); a naive time carries no zone on the page and UTC is the least surprising
    reading. The corpus stores the instant (UTC); the record keeps the page's offset."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def latest() -> datetime:
    """The latest believable publication time, naive UTC (htmldate compares naive datetimes)."""
    return datetime.now(timezone.utc).replace(tzinfo=None) + FUTURE_SLACK


def _parse_whole_date(text: str, **options) -> datetime:
    """dateutil's parse of a text that names a year, a month and a day; ValueError for "14:54",
    "Monday", "May 26", "2024-05" or "2024", which it would complete from its default (today)."""
    first, second = (dateutil_parser.parse(text, default=default, **options) for default in _DEFAULTS)
    if first.date() != second.date():
        raise ValueError(f"{text!r} names no whole date")
    return first


# htmldate reads a text that opens with a year ("2024-05", "2024.05", "2024 11:20") with dateutil
# and no default, so it came out as today's day of that month, or today's date in that year: a date
# that changed with the day extraction ran. htmldate has no option for it, so its name for dateutil's
# parse is replaced by one that reads whole dates only inside our calls (a context variable, so that
# threads do not mix) and is dateutil's own for any other caller: trafilatura, or plain trafilatura
# in the benchmark's process. htmldate's cache of parsed texts is keyed by max_date, which latest()
# makes new on each of our calls, so no caller gets another's reading.
_WHOLE_DATES_ONLY: ContextVar[bool] = ContextVar("wirelake_whole_dates_only", default=False)
_plain_dateutil_parse = htmldate_extractors.dateutil_parse


def _dateutil_parse_for_htmldate(text: str, **options) -> datetime:
    return _parse_whole_date(text, **options) if _WHOLE_DATES_ONLY.get() else _plain_dateutil_parse(text, **options)


htmldate_extractors.dateutil_parse = _dateutil_parse_for_htmldate


@contextmanager
def _htmldate_reading_whole_dates_only() -> Iterator[None]:
    token = _WHOLE_DATES_ONLY.set(True)
    try:
        yield
    finally:
        _WHOLE_DATES_ONLY.reset(token)


def _parse_full_date(text: str, dayfirst: bool) -> datetime | None:
    """dateutil's reading of a text that names a year, a month and a day, else None. A zone
    abbreviation it cannot place (CST, IST: each names two zones) leaves the time in UTC."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            return _parse_whole_date(text, dayfirst=dayfirst, tzinfos=_ZONES)
    except (ValueError, OverflowError):
        return None


def parse_datetime(text: str | None, dayfirst: bool = False) -> datetime | None:
    """An ISO-8601 or RFC-822 style timestamp with a full date, as an aware datetime, else None.
    `dayfirst` reads "05/03/2026" as 5 March, as every language but (American) English writes it."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))  # always has a full date
    except ValueError:
        value = _parse_full_date(text, dayfirst and bool(_NUMERIC_DATE.match(text)))
    if value is None:
        return None
    value = _aware(value)
    return value if _believable(value) else None


def _believable(value: datetime) -> bool:
    """Whether an aware time lies between EARLIEST and latest(). An offset of a day or more
    ("+25:00", which dateutil accepts) or an instant past year 9999 in UTC is no time at all:
    converting it raises."""
    try:
        instant = value.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return False
    return EARLIEST <= instant <= latest()


def parse_visible_date(text: str, dayfirst: bool = True) -> datetime | None:
    """A date as printed for readers ("JANUARY 29, 2022", "29.01.2022"), at midnight UTC. A line
    joining a byline and a date ("Autor: Jan Kowalski · 9 marca 2026") is read part by part:
    the whole would give htmldate's parser "jan" as January. Unless `dayfirst`, "03/04/2026"
    is March 4, as American pages print it (htmldate reads it day first)."""
    if len(text) > _MAX_DATE_TEXT:
        return None
    for part in [*_LINE_PARTS.split(text), text]:
        if not dayfirst and (month_first := _month_first(part)):
            return month_first
        if (cjk := _CJK_DATE.search(part)) and len(re.findall(r"[^\W\d_]", _CLOCK.sub("", part[: cjk.start()] + part[cjk.end() :]))) <= _MAX_CJK_LABEL:
            return _valid_day(cjk)
        # htmldate's parser matches month names in lower case only, and no article before the day
        if (found := _htmldate_parse(_LEADING_ARTICLE.sub("", part.lower()))) and _prints_day(part, found):
            return datetime.fromisoformat(found).replace(tzinfo=timezone.utc)
    return None


def _prints_day(text: str, found: str) -> bool:
    """Whether the text prints the day of the month of the date htmldate read in it (in any script's
    digits, outside a time of day and a reading time): htmldate completes a month alone ("05/2024",
    "2024-02") with a day of its own and reads an impossible day ("2024-02-30", "31.04.2024") as the
    1st. The year's number is not the day, nor is the month's where the month is in figures too
    (no word in the text): "01/2024" prints no 1st of January."""
    text = _READING_TIME.sub(" ", _CLOCK.sub(" ", text))
    year, month, day = int(found[:4]), int(found[5:7]), int(found[8:10])
    numbers = [int(number) for number in re.findall(r"\d+", text)]
    for part in (year, month if day == month and not re.search(r"[^\W\d_]{3,}", text) else None):
        if part in numbers:
            numbers.remove(part)
    return day in numbers


def _htmldate_parse(text: str) -> str | None:
    """htmldate's reading of a printed date as YYYY-MM-DD, or None. htmldate raises on a time with
    an offset of a day or more ("+25:00") instead of skipping it: such a text is no date."""
    try:
        with _htmldate_reading_whole_dates_only():
            return try_date_expr(text, "%Y-%m-%d", True, EARLIEST, latest())
    except (ValueError, OverflowError):
        return None


def _htmldate_find(tree: HtmlElement) -> str | None:
    """htmldate's extensive search of a page, or None; as _htmldate_parse, one date with an impossible
    offset anywhere on the page would otherwise fail the page."""
    try:
        with _htmldate_reading_whole_dates_only():
            return htmldate.find_date(tree, extensive_search=True, original_date=True, min_date=EARLIEST, max_date=latest())
    except (ValueError, OverflowError):
        return None


def _month_first(text: str) -> datetime | None:
    return _valid_day(match) if (match := _SLASHED_DATE.search(text)) else None


def _valid_day(match: re.Match) -> datetime | None:
    """The day a match's year, month and day groups name, if it exists and is no typo or placeholder."""
    try:
        value = datetime(int(match["year"]), int(match["month"]), int(match["day"]), tzinfo=timezone.utc)
    except ValueError:
        return None
    return value if EARLIEST <= value.replace(tzinfo=None) <= latest() else None


def _writes_day_first(signals: PageSignals) -> bool:
    """Numeric dates put the day first everywhere but in American English; a page saying only "en"
    is read the American way, the commonest on the web."""
    language = (signals.html_lang or signals.meta.get("og:locale") or signals.meta.get("content-language") or "en").lower().replace("_", "-")
    return not (language == "en" or language.startswith("en-us"))


def _declared(signals: PageSignals, jsonld_key: str, meta_keys: tuple[str, ...], dayfirst: bool) -> Dated | None:
    return next(_all_declared(signals, jsonld_key, meta_keys, dayfirst), None)


def _all_declared(signals: PageSignals, jsonld_key: str, meta_keys: tuple[str, ...], dayfirst: bool) -> Iterator[Dated]:
    """Every date the page declares for the key, JSON-LD first, then the meta tags in order."""
    if value := parse_datetime(signals.article.get(jsonld_key), dayfirst):
        yield Dated(value, f"jsonld:{jsonld_key}")
    for key in meta_keys:
        if value := parse_datetime(signals.meta.get(key), dayfirst):
            yield Dated(value, f"meta:{key}")


def _declared_as_printed(signals: PageSignals, headline: HtmlElement | None, story: list[str], dayfirst: bool) -> Dated | None:
    """The declared publication date, and when the page's declarations disagree (a republished
    story keeps its first date in JSON-LD and states the new one in its meta tags), the one whose
    day the page prints under the headline."""
    declared = list(_all_declared(signals, "datePublished", PUBLISHED_META, dayfirst))
    if len({dated.value.date() for dated in declared}) > 1 and (printed := _near_headline(headline, "published", story, dayfirst)):
        return next((dated for dated in declared if dated.value.date() == printed.value.date()), declared[0])
    return declared[0] if declared else None


def _video_upload(signals: PageSignals) -> Dated | None:
    """A video page (og:type video) states its date as its VideoObject's uploadDate; on a story
    page a VideoObject is an embedded clip, dated when the clip was."""
    if signals.meta.get("og:type", "").lower().startswith("video") and (value := parse_datetime(signals.video.get("uploadDate"))):
        return Dated(value, "jsonld:uploadDate")
    return None


def _time_element(tree: HtmlElement, headline: HtmlElement | None, dayfirst: bool) -> Dated | None:
    """A <time> marked as the publication's, outside the page's furniture (a ticker of other
    stories marks theirs too); the first after the headline when there are several."""
    marked = [(element, value) for element in tree.xpath(_MARKED_TIME, namespaces=REGEX_NS) if (value := parse_datetime(element.get("datetime"), dayfirst))]
    if len(marked) > 1 and headline is not None:
        order = {element: index for index, element in enumerate(tree.iter())}
        marked = [(element, value) for element, value in marked if order[element] > order[headline]] or marked
    return Dated(marked[0][1], "time:datePublished") if marked else None


def _following(element: HtmlElement):
    """Elements after `element` in document order (not inside it), lazily: the window is small."""
    node = element
    while node is not None:
        for sibling in node.itersiblings():
            yield from (e for e in sibling.iter() if isinstance(e.tag, str))
        node = node.getparent()


def _own_text(element: HtmlElement) -> str:
    return " ".join(part.strip() for part in [element.text, *(child.tail for child in element)] if part and part.strip())


def is_dateline(text: str) -> bool:
    """A line that labels a date with its year ("Updated: March 15, 2024 | Published: …",
    "Pubblicato il 05 marzo 2026") or is nothing but a date ("March 9, 2026", "2026.03.09 14:05"),
    a reading time aside ("6 min read · Mar 9, 2026"): the page's header, not the story."""
    text = _READING_TIME.sub("", text).strip()
    if not _YEAR.search(text):
        return False
    if _DATE_LABEL.search(text):  # every part a short date: "Updated figures released … in 2024" is a sentence
        return all(len(part) <= _MAX_DATELINE_PART and parse_visible_date(part) for _, part in _labelled_parts(text))
    line = text.strip(" |·•-–—")
    if _parse_full_date(line, dayfirst=True) is not None:
        return True
    # "3 de mayo de 2022", "Martes, 18 de noviembre de 2025": month names dateutil knows only in English.
    # Nothing but the date: a weekday and a month are its only longer words ("The vote was held on 8 March 2026" is a sentence).
    longer_words = [word for word in line.split() if sum(char.isalpha() for char in word) > 3]
    return len(longer_words) <= 2 and count_words(line) <= _MAX_DATELINE_WORDS and parse_visible_date(line) is not None


def _labelled_parts(text: str) -> list[tuple[str | None, str]]:
    """(label, text) for each part of a dateline: "Updated: March 15 | Published: March 14" is
    [("updated", ": March 15 | "), ("published", ": March 14")]; unlabelled text is one part."""
    labels = list(_DATE_LABEL.finditer(text))
    if not labels:
        return [(None, text)]
    parts = [(None, text[: labels[0].start()])] if text[: labels[0].start()].strip() else []
    for label, following in zip(labels, [*labels[1:], None]):
        parts.append((label.lastgroup, text[label.end() : following.start() if following else len(text)]))
    if len(parts) >= 2 and parts[-2][0] is None and not re.search(r"\w", parts[-1][1]):
        parts[-2:] = [(parts[-1][0], parts[-2][1])]  # a label after its date: "2021年09月15日 更新"
    return parts


def _in_story(text: str, story: list[str]) -> bool:
    """Whether the text is one of the story's paragraphs, or a sentence of one (eight words and
    more): a short text such as "March 9, 2026" may also be quoted inside the story."""
    text = " ".join(text.split())
    return text in story or len(text.split()) >= _STORY_SENTENCE_WORDS and any(text in paragraph for paragraph in story)


def _near_headline(headline: HtmlElement | None, wanted: str, story: list[str], dayfirst: bool) -> Dated | None:
    """The first date after the headline, before the body starts, that is the `wanted` one
    ("published" or "updated"): a date labelled as an update is never the publication's, and
    only a date so labelled is an update. The body starts at the first text of the extracted
    `story`: "The vote was held on 8 March 2026." is the story's, not its date; only a short first
    paragraph (a standfirst some templates print between the headline and the dateline) is read past.

    Templates also leave their header lines among the story's first blocks: a kicker ("Gas"), a
    place line, the dateline itself ("19. November 2021"). Among the first _OPENING_BLOCKS, a
    short block is the date when it is a dateline and is read past when it is not: "The vote was
    held on 8 March 2026." is a sentence of the story, no dateline."""
    if headline is None:
        return None
    seen, past_standfirst = 0, False
    opening = story[:_OPENING_BLOCKS]
    for element in _following(headline):
        if past_standfirst and element.xpath(_ASIDE, namespaces=REGEX_NS):
            continue  # past the standfirst, a caption's or a teaser's date is theirs
        unlabelled = _label_before(element) or "published"
        if element.tag == "time" and unlabelled == wanted and (value := parse_datetime(element.get("datetime"), dayfirst)):
            return Dated(value, "time-near-headline")
        text = _own_text(element)
        if not text:
            continue
        line = " ".join(text.split())
        if any(line in block for block in opening):
            if count_words(line) <= _MAX_DATELINE_WORDS:
                if len(line) <= _MAX_DATE_TEXT and is_dateline(line) and (value := _labelled_date(line, unlabelled, wanted, dayfirst)):
                    return value
                seen += 1
                continue
            if count_words(line) <= MAX_STANDFIRST_WORDS:
                past_standfirst = True  # a standfirst printed before the dateline: read on past it
                continue
        if len(text) > 2 * _MAX_DATE_TEXT or seen >= _VISIBLE_WINDOW or _in_story(text, story):
            break
        if past_standfirst and not is_dateline(text) and not _labelled_parts(text)[0][0]:
            if element.xpath(_BYLINE_BOX, namespaces=REGEX_NS):
                continue  # the byline printed between the standfirst and the dateline
            break  # past the standfirst only a dateline may follow; other text is the story's or a box's
        seen += 1
        if value := _labelled_date(text, unlabelled, wanted, dayfirst):
            return value
    return None


def _labelled_date(text: str, unlabelled: str, wanted: str, dayfirst: bool) -> Dated | None:
    """The `wanted` date a line prints: a part labelled so, or an unlabelled part when the label
    before the line (or, without one, "published") is the wanted one."""
    for label, part in _labelled_parts(text):
        if (label or unlabelled) == wanted and (value := parse_visible_date(part, dayfirst)):
            return Dated(value, "visible-text")
    return None


def _label_before(element: HtmlElement) -> str | None:
    """The label printed just before `element` ("Updated <time>…", "<b>Published:</b> <span>…")."""
    previous, parent = element.getprevious(), element.getparent()
    if previous is not None:  # a heading's words are its own ("Why the rules were modified"), only its tail may label
        before = ("" if previous.tag in _HEADINGS else previous.text_content()) + (previous.tail or "")
    else:
        before = (parent.text or "") if parent is not None and parent.tag not in _HEADINGS else ""
    labels = list(_DATE_LABEL.finditer(before[-_MAX_DATE_TEXT:]))
    return labels[-1].lastgroup if labels else None


def _from_url(url: str) -> Dated | None:
    if match := COMPLETE_URL.search(url):
        try:
            day = datetime(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
        return Dated(day.replace(tzinfo=timezone.utc), "url") if EARLIEST <= day <= latest() else None
    return None


def _htmldate_without_furniture(tree: HtmlElement, headline: HtmlElement | None, story: list[str]) -> Dated | None:
    """htmldate's search of the page without its furniture, and without the story's paragraphs
    but the first (which may open with a dateline) and those labelling a date ("Filed on 1 March
    2023"): a date that a later paragraph or a footnote mentions is what the story is about, not
    when it was published. What holds the headline is the story's own header
    (`<header class="entry-header">`), however its class reads: it stays."""
    pruned = deepcopy(tree)
    # the copy's headline: both trees iterate in the same order
    copied_headline = next((copied for original, copied in zip(tree.iter(), pruned.iter()) if original is headline), None)
    story_header = set(copied_headline.iterancestors()) if copied_headline is not None else set()
    for element in pruned.xpath(_FURNITURE, namespaces=REGEX_NS):
        if element.getparent() is not None and element.tag != "body" and element not in story_header:
            element.getparent().remove(element)
    later_paragraphs = {paragraph for paragraph in story[1:] if not _DATE_LABEL.search(paragraph)} - set(story[:1])
    for element in list(pruned.iter(_STORY_TAGS)):
        if element.getparent() is not None and " ".join(element.text_content().split()) in later_paragraphs:
            element.getparent().remove(element)
    found = _htmldate_find(pruned)
    if not found:
        return None
    value = datetime.fromisoformat(found)
    if value.day == 1 and not _stated_in_full(pruned, found):
        return None
    return Dated(value.replace(tzinfo=timezone.utc), "htmldate")


def _stated_in_full(tree: HtmlElement, found: str) -> bool:
    """Whether the page states a date htmldate returned as the 1st of a month in full.

    htmldate completes a lone year ("in 2019", "© 2019") as 1 January and a month ("05/2019",
    "Frühjahr 2015", a date element's "2024-05") as its 1st. A real 1st is stated with its day:
    in an attribute (a meta tag not read as the publication's, an <abbr title>, a <time datetime>
    away from the headline), or printed in words or in figures ("01.11.2023 11:35", which
    htmldate's regex_parse does not read). A date element's text is no proof: htmldate
    completes a month there too.
    """
    if any(len(value) <= _MAX_DATE_TEXT and (stated := parse_datetime(value)) and stated.date().isoformat() == found
           for value in tree.xpath(f"{_STATED_TIMES} | //abbr/@title")):
        return True
    year = found[:4]

    def states_it(text: str) -> bool:
        in_figures = len(text.strip()) <= _MAX_DATE_TEXT and _NUMERIC_DATE.search(text) and parse_visible_date(text.strip())
        value = regex_parse(text) or in_figures  # with its day: "05/2019" is a month, no 1st
        return bool(value) and value.date().isoformat() == found

    return any(year in text and states_it(text) for text in tree.itertext())


def _above_headline(headline: HtmlElement | None, dayfirst: bool) -> Dated | None:
    """A date printed just above the headline, in the element before it ("Thứ hai, 2/3/2026,
    08:00" over a Vietnamese headline): a short text that is a publication dateline, no more."""
    previous = headline.getprevious() if headline is not None else None
    if previous is None or previous.xpath(_ASIDE, namespaces=REGEX_NS):
        return None
    for element in previous.iter():
        text = _own_text(element) if isinstance(element.tag, str) else ""
        if text and len(text) <= _MAX_DATE_TEXT and (label := _labelled_parts(text)[0][0]) in (None, "published"):
            if (label or len(text.split()) <= _MAX_DATELINE_WORDS) and (value := parse_visible_date(text, dayfirst)):
                return Dated(value, "visible-text")
    return None


def _opening_dateline(story: list[str], dayfirst: bool) -> Dated | None:
    """The date a dateline states at the opening of one of the story's first paragraphs."""
    for paragraph in story[:_OPENING_PARAGRAPHS]:
        before_dash, in_figures = _OPENING_BEFORE_DASH.match(paragraph), _NUMERIC_DATE.match(paragraph)
        opening = before_dash["opening"] if before_dash else in_figures.group() if in_figures else None
        if opening and is_dateline(opening) and (value := parse_visible_date(opening, dayfirst)):
            return Dated(value, "dateline")
    return None


def _in_page_zone(dated: Dated | None, tree: HtmlElement) -> Dated | None:
    """A time declared in UTC, in the zone the page states for the same instant elsewhere, so
    that its day is the page's own: JSON-LD's "2023-11-09T05:30:59Z" beside <time datetime=
    "2023-11-08T23:30:59-06:00"> was published on the 8th. A local time without a zone ("2023-11-08
    23:30:59", a <time>'s floating time) states one when it is off by whole quarter hours, at most
    14 hours, to the second, and has seconds: a round "18:00" may be any other time of the day.
    A date without a time of day (midnight) says nothing of the zone."""
    if dated is None or dated.value.utcoffset() != timedelta(0) or dated.value.time() == datetime.min.time():
        return dated
    instant = dated.value
    for text in tree.xpath(_STATED_TIMES):
        if len(text) > _MAX_STATED_TIME:
            continue
        try:
            stated = datetime.fromisoformat(text.strip())
        except ValueError:
            continue
        if stated.tzinfo is not None:
            if stated.utcoffset() and stated == instant:
                return Dated(instant.astimezone(stated.tzinfo), dated.signal)
            continue
        offset = stated - instant.replace(tzinfo=None)
        if (stated.second or stated.microsecond) and offset and abs(offset) <= _MAX_OFFSET and not offset % timedelta(minutes=15):
            return Dated(instant.astimezone(timezone(offset)), dated.signal)
    return dated


def published_at(tree: HtmlElement, signals: PageSignals, headline: HtmlElement | None, url: str, story: list[str]) -> Dated | None:
    """The order was measured on fundus-publishers (benchmarks/extraction.py): declared first.
    htmldate's find is no publication date when it is the date printed as the update."""
    dayfirst = _writes_day_first(signals)
    stated = (
        _declared_as_printed(signals, headline, story, dayfirst)
        or _time_element(tree, headline, dayfirst)
        or _video_upload(signals)
        or _near_headline(headline, "published", story, dayfirst)
        or _above_headline(headline, dayfirst)
        or _from_url(url)
        or _opening_dateline(story, dayfirst)
    )
    if stated or not (found := _htmldate_without_furniture(tree, headline, story)):
        return _in_page_zone(stated, tree)
    update = _near_headline(headline, "updated", story, dayfirst)
    return None if update and update.value.date() == found.value.date() else found


def updated_at(tree: HtmlElement, signals: PageSignals, headline: HtmlElement | None, published: Dated | None, story: list[str]) -> Dated | None:
    """The declared modification time, else one printed as "Updated …" near the headline, when
    it is later than publication: CMSs fill dateModified with datePublished until an edit, which
    is no update."""
    dayfirst = _writes_day_first(signals)
    updated = _declared(signals, "dateModified", MODIFIED_META, dayfirst) or _near_headline(headline, "updated", story, dayfirst)
    if updated and published and updated.value <= published.value:
        return None
    return _in_page_zone(updated, tree)
