"""Title, headline element, authors, site name, canonical URL and language of a page.

Each value comes from the page's own declarations first (JSON-LD, Open Graph, <link>),
then from trafilatura's reading of the page, and records which signal it used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from pipeline.extract.signals import PageSignals

_WORD = re.compile(r"\w+")


@dataclass
class Metadata:
    title: str | None = None
    headline: HtmlElement | None = None  # the printed headline, where the byline and date sit
    author: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def find_headline(tree: HtmlElement, hints: list[str]) -> HtmlElement | None:
    """The <h1> that prints the story's headline.

    Templates also use <h1> for the logo or a section name, so the one sharing most
    words with the declared titles wins; without any declared title, the longest one.
    """
    candidates = [h for h in tree.xpath("//body//h1[not(ancestor::nav) and not(ancestor::footer)]") if _text(h)]
    if not candidates:
        return None
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


def _people(value) -> list[str]:
    """Names of JSON-LD authors that are not organisations."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and item.get("@type") == "Organization":
            continue
        if name := _jsonld_name(item):
            names.append(name)
    return names


def _language_code(value: str | None) -> str | None:
    """ISO 639-1 code from a declared tag such as "en-US", "de_DE" or "pt-br"."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip())[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def _absolute_http(candidate: str | None, base: str) -> str | None:
    if not candidate:
        return None
    absolute = urljoin(base, candidate.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _first(pairs: list[tuple[str, str | None]]) -> tuple[str | None, str | None]:
    for signal, value in pairs:
        if value:
            return value, signal
    return None, None


def read_metadata(tree: HtmlElement, signals: PageSignals, url: str, trafilatura_meta: dict) -> Metadata:
    meta = signals.meta
    article = signals.article
    result = Metadata()
    prov = result.provenance

    declared_title = _jsonld_name(article.get("headline")) or meta.get("og:title") or trafilatura_meta.get("title")
    result.headline = find_headline(tree, [declared_title or "", trafilatura_meta.get("title") or ""])
    result.title, prov["title"] = _first([
        ("h1", _text(result.headline) if result.headline is not None else None),
        ("jsonld:headline", _jsonld_name(article.get("headline"))),
        ("meta:og:title", meta.get("og:title")),
        ("trafilatura", trafilatura_meta.get("title")),
    ])

    people = _people(article.get("author")) if article.get("author") else []
    result.author, prov["author"] = _first([
        ("jsonld:author", "; ".join(people) or None),
        ("meta:author", meta.get("author")),
        ("trafilatura", trafilatura_meta.get("author")),
    ])

    result.site_name, prov["site_name"] = _first([
        ("meta:og:site_name", meta.get("og:site_name")),
        ("jsonld:publisher", _jsonld_name(article.get("publisher"))),
        ("trafilatura", trafilatura_meta.get("sitename")),
        ("host", urlsplit(url).hostname),
    ])

    result.canonical_url, prov["canonical_url"] = _first([
        ("link:canonical", _absolute_http(signals.canonical, url)),
        ("meta:og:url", _absolute_http(meta.get("og:url"), url)),
        ("url", url),
    ])

    result.language, prov["language"] = _first([
        ("html:lang", _language_code(signals.html_lang)),
        ("meta:content-language", _language_code(meta.get("content-language"))),
        ("meta:og:locale", _language_code(meta.get("og:locale"))),
        ("jsonld:inLanguage", _language_code(article.get("inLanguage") if isinstance(article.get("inLanguage"), str) else None)),
        ("trafilatura", _language_code(trafilatura_meta.get("language"))),
    ])
    return result
