"""Title, bylines, site name, canonical URL, language, section and tags.

Each value comes from the page's own declarations first (JSON-LD, Open Graph, <link>),
then from the printed page (trafilatura's reading only for a title nothing states), and
`provenance` records which signal gave it, so an analyst can see why a value is what it is.
The orders were chosen by measurement (benchmarks/extraction.py).
"""

from __future__ import annotations

import functools
import html
import re
from copy import deepcopy
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from tld import get_tld
from trafilatura.metadata import extract_metadata

from pipeline.extract import language
from pipeline.extract.blocks import words_key
from pipeline.extract.bylines import Byline, byline_from_jsonld, byline_from_text, printed_byline
from pipeline.extract.signals import REGEX_NS, PageSignals
from pipeline.extract.titles import choose_title, clean_text, stated_keys, strip_site_affixes, title_key

_WORD = re.compile(r"\w+")
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
_SECTION_META = ("article:section", "parsely-section", "section", "category")
_TAG_META = ("article:tag", "parsely-tags", "news_keywords", "keywords")
_URL = re.compile(r"^(?:https?:)?//", re.I)


@dataclass
class Metadata:
    title: str | None = None
    byline: Byline = field(default_factory=Byline)
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


# An <h1> that prints the site's name (WordPress themes' "site-title", linking home), beside the story's own.
_SITE_TITLE = "self::*[re:test(concat(@id, ' ', @class), 'site-?(?:title|name)|logo|brand', 'i')] or .//a[@rel='home']"
_H2_HEADLINES = (
    "//body//h2[not(ancestor::nav) and not(ancestor::footer) and not(ancestor::header[not(ancestor::article)])]"
    f"[not({_SITE_TITLE})]"
)


def find_headline(tree: HtmlElement, hints: list[str], site_names: list[str]) -> HtmlElement | None:
    """The <h1> that prints the story's headline, or on a template without one its <h2>.

    Templates also use <h1> for the logo or a section name, so the one sharing most
    words with the declared titles wins; without any declared title, the longest one.
    """
    site_keys = {title_key(name) for name in site_names}
    candidates = [h for h in tree.xpath("//body//h1[not(ancestor::nav) and not(ancestor::footer)]") if (text := _text(h)) and title_key(text) not in site_keys]
    candidates = [h for h in candidates if not h.xpath(_SITE_TITLE, namespaces=REGEX_NS)] or candidates
    if not candidates:
        return _h2_headline(tree, hints, site_names)
    hint_words = set().union(*(_words(hint) for hint in hints if hint))

    def score(h1: HtmlElement) -> tuple[float, int]:
        words = _words(_text(h1))
        overlap = len(words & hint_words) / len(words) if words else 0.0
        return overlap, len(words)

    return max(candidates, key=score)


def _jsonld_name(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _absolute_http(candidate: str | None, base: str) -> str | None:
    if not candidate:
        return None
    try:
        absolute = urljoin(base, candidate.strip())
        return absolute if urlsplit(absolute).scheme in ("http", "https") else None
    except ValueError:  # e.g. "http://[::1": a broken declared URL is no URL, not a failed page
        return None


def _first(pairs: list[tuple[str, str | None]]) -> tuple[str | None, str | None]:
    for signal, value in pairs:
        if value:
            return value, signal
    return None, None


@functools.lru_cache(maxsize=4096)
def _name_labels(host: str) -> tuple[str, ...]:
    """The host's labels that name the site, without its public suffix: "org" of .org.uk is in
    "George" and would make a reporter the site (the tld package holds the Public Suffix List).
    Cached: a batch holds many pages of few hosts."""
    parsed = get_tld(host, fix_protocol=True, as_object=True, fail_silently=True)
    if parsed is None:  # an IP address, localhost: every label but the last
        return tuple(host.split(".")[:-1])
    return (*(parsed.subdomain.split(".") if parsed.subdomain else []), parsed.domain)


def title_names(tree: HtmlElement, names: list[str], url: str) -> list[str]:
    """What a title may print as the site's name: its names (site_names), and the text of each
    <h1> that is nothing but a link to the site's home page, an old blog theme's logo
    ("<h1><a href="https://fouryears.example/">Four Years Remaining</a></h1>"). The logo is no
    headline and a title affix, but not one of the site's names for bylines: a blogger's own name
    is often the logo."""
    return [*names, *_home_link_headings(tree, url)]


def _home_link_headings(tree: HtmlElement, url: str) -> list[str]:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names = []
    for h1 in tree.xpath("//body//h1[count(.//a[@href]) = 1]"):
        link = h1.xpath(".//a[@href]")[0]
        if not (absolute := _absolute_http(link.get("href"), url)):
            continue
        target = urlsplit(absolute)
        home = (target.hostname or "").removeprefix("www.") == host and re.fullmatch(r"/?(?:index\.\w+)?", target.path) and not target.query
        if home and (text := _text(h1)) and _text(link) == text:
            names.append(text)
    return names


def site_names(signals: PageSignals, url: str) -> list[str]:
    """Every way the page names its site: declared names and the host's labels.

    A declared "site name" that repeats the story's headline (some templates fill
    application-name with it) names nothing, and would make the headline its own affix.
    """
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    labels = [label for label in _name_labels(host) if len(label) > 2]
    headlines = {words_key(title) for title in (_jsonld_name(signals.article.get("headline")), signals.meta.get("og:title")) if title}
    declared = [
        signals.meta.get("og:site_name"), signals.meta.get("application-name"), signals.meta.get("twitter:site", "").lstrip("@"),
        _jsonld_name(signals.article.get("publisher")),
    ]
    declared = [name for name in declared if name and words_key(html.unescape(name)) not in headlines]
    return [name for name in [*declared, host, *labels] if name]


def _trafilatura_title(tree: HtmlElement, url: str) -> str | None:
    """trafilatura's title heuristics, for the rare page that states no title of its own."""
    # extract_metadata prunes the tree it reads: give it a copy
    return extract_metadata(deepcopy(tree), url, {"extensive_search": False}).title


def _title_affixes(signals: PageSignals, names: list[str]) -> list[str]:
    """What a title signal may carry around the headline: the site's names and the section. A
    "section" that repeats a declared headline (a CMS filling article:section with it) is none."""
    section = signals.meta.get("article:section") or _jsonld_name(signals.article.get("articleSection"))
    headlines = {words_key(title) for _, title in _declared_titles(signals) if title}
    return [*names, section if section and words_key(html.unescape(section)) not in headlines else ""]


def _declared_titles(signals: PageSignals) -> list[tuple[str, str | None]]:
    """(signal, text) for each title the page declares, in order of trust."""
    return [
        ("jsonld:headline", _jsonld_name(signals.article.get("headline"))),
        # <meta name="headline">: the CMS's own headline field, kept apart from the social titles
        ("meta:headline", next(iter(signals.declared_meta.get("headline", [])), None)),
        ("meta:og:title", signals.meta.get("og:title")),
        ("meta:twitter:title", signals.meta.get("twitter:title")),
        # microdata's <meta itemprop="headline"> last: it may be a teaser's, so it leads only where the page
        # declares no other title, and otherwise counts where the <h1> agrees with it
        ("microdata:headline", signals.meta.get("headline")),
    ]


def stated_headlines(tree: HtmlElement, signals: PageSignals, url: str) -> set[str]:
    """The different headlines a page states (JSON-LD, og, twitter and its printed <h1>), site
    affixes removed. More than one means the newsroom worded the headline per channel; which of
    them is "the" title is then the publisher's choice. The extraction benchmark reports title
    accuracy apart for such pages."""
    names = title_names(tree, site_names(signals, url), url)
    affixes = _title_affixes(signals, names)
    headline = headline_of(tree, signals, names)
    texts = [text for _, text in _declared_titles(signals)] + [_text(headline) if headline is not None else None]
    return {stated for text in texts if text and (stated := strip_site_affixes(clean_text(text), affixes))}


def _title(signals: PageSignals, tree: HtmlElement, headline: HtmlElement | None, names: list[str], url: str):
    """`names` are title_names."""
    affixes = _title_affixes(signals, names)
    printed = _text(headline) if headline is not None else None
    title, signal = choose_title(_declared_titles(signals), printed, signals.page_title, affixes)
    if title:
        return title, signal
    # as for the page's own titles, one without a word ("", "|", "***") is none
    if (found := _trafilatura_title(tree, url)) and title_key(title := strip_site_affixes(clean_text(found), affixes)):
        return title, "trafilatura"
    return None, None


def _declared_byline(signals: PageSignals, names: list[str]) -> tuple[Byline, str | None]:
    """JSON-LD's author, else the first author <meta> key's byline. Templates repeat that tag with
    the site's name as a default and then the reporter ("Example Daily", "Jane Roe"): the reporter."""
    if author := signals.article.get("author"):
        if byline := byline_from_jsonld(author, names):
            return byline, "jsonld:author"
    for key in _AUTHOR_META:
        # the page's own author metas; else microdata's first (an itemprop meta), which may be a teaser's, so only one
        values = signals.declared_meta.get(key) or ([signals.meta[key]] if key in signals.meta else [])
        bylines = [byline for value in values if not _URL.match(value) and (byline := byline_from_text(value, names))]
        if bylines:
            return next((byline for byline in bylines if not byline.only_names_the_site(names)), bylines[0]), f"meta:{key}"
    return Byline(), None


def _byline(tree: HtmlElement, headline: HtmlElement | None, signals: PageSignals, names: list[str]):
    """Declared bylines first; but a declared byline that only names the site is a CMS default,
    so a byline printed on the page with people in it wins over it.

    trafilatura's byline heuristics are not asked: they also read author boxes below the story,
    which describe rather than credit, and on the development corpus they added no right byline.
    """
    byline, signal = _declared_byline(signals, names)
    if byline and not byline.only_names_the_site(names):
        return byline, signal
    printed = printed_byline(tree, headline, names)
    if printed.people or (printed and not byline):
        return printed, "printed-byline"
    return byline, signal


def _keywords(signals: PageSignals) -> tuple[list[str], str | None]:
    keywords = signals.article.get("keywords")
    if isinstance(keywords, list):
        tags = [k.strip() for k in keywords if isinstance(k, str) and k.strip()]
        if tags:
            return tags, "jsonld:keywords"
    elif isinstance(keywords, str) and keywords.strip():
        return [k.strip() for k in keywords.split(",") if k.strip()], "jsonld:keywords"
    if tags := signals.declared_meta.get("article:tag"):
        return tags, "meta:article:tag"
    for key in _TAG_META[1:]:
        if value := signals.meta.get(key):
            return [k.strip() for k in value.split(",") if k.strip()], f"meta:{key}"
    return [], None


def _h2_headline(tree: HtmlElement, hints: list[str], site_names: list[str]) -> HtmlElement | None:
    """Some templates print the headline in an <h2> and have no <h1>: an <h2> is the headline only
    when it repeats a declared title, as section and teaser headings do not, and names more than
    the site (its logo, or an og:title that is the site's name, would repeat that)."""
    keys = set().union(*(stated_keys(hint, site_names) for hint in hints if hint)) - {title_key(name) for name in site_names}
    return next((h for h in tree.xpath(_H2_HEADLINES, namespaces=REGEX_NS) if title_key(_text(h)) in keys), None)


def headline_of(tree: HtmlElement, signals: PageSignals, names: list[str]) -> HtmlElement | None:
    """The headline element; `names` are title_names."""
    declared = [_jsonld_name(signals.article.get("headline")) or "", signals.meta.get("og:title") or ""]
    return find_headline(tree, [*declared, signals.page_title], names)


def read_metadata(tree: HtmlElement, signals: PageSignals, url: str, headline: HtmlElement | None, names: list[str],
                  names_in_titles: list[str]) -> Metadata:
    """Everything but the dates (dates.py) from the page's declarations and its printed headline;
    `names` are the site's (site_names)."""
    meta, article = signals.meta, signals.article
    result = Metadata()
    prov = result.provenance
    result.title, prov["title"] = _title(signals, tree, headline, names_in_titles, url)
    result.byline, prov["author"] = _byline(tree, headline, signals, names)

    result.site_name, prov["site_name"] = _first([
        ("meta:og:site_name", meta.get("og:site_name")),
        ("jsonld:publisher", _jsonld_name(article.get("publisher"))),
        ("meta:application-name", meta.get("application-name")),
        ("host", urlsplit(url).hostname),
    ])
    result.canonical_url, prov["canonical_url"] = _first([
        ("link:canonical", _absolute_http(signals.canonical, url)),
        ("meta:og:url", _absolute_http(meta.get("og:url"), url)),
        ("url", url),
    ])
    result.section, prov["section"] = _first([
        ("jsonld:articleSection", _jsonld_name(article.get("articleSection"))),
        *((f"meta:{key}", meta.get(key)) for key in _SECTION_META),
    ])
    result.tags, prov["tags"] = _keywords(signals)
    result.language, prov["language"] = language.declared(signals)
    result.provenance = {name: signal for name, signal in prov.items() if signal}
    return result
