"""What a correct pipeline must get out of the fixture web, read from the same story model.

`expected_articles()` lists every real article page (not listings, errors or other trouble
pages) with the fields extraction must recover; `expected_clusters()` groups them into the
stories dedup must find, with each cluster's original. Both take the port the web is served
on, because URLs include it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .model import CAPITOL, DAYS, Article, build_web
from .sites import DEFAULT_PORT, SITES, base_urls


@dataclass(frozen=True)
class ExpectedArticle:
    source: str
    crawl_date: date  # the UTC day whose discovery window lists the page
    url: str  # final URL, after redirects
    canonical_url: str
    site_name: str
    title: str
    authors: tuple[str, ...]  # empty when the page prints no byline
    published_at: datetime  # UTC; midnight when the page states only a day (see date_only)
    date_only: bool
    attribution: str | None  # publisher named by a credit line or wire dateline
    paragraphs: tuple[str, ...]  # body text without the credit line or dateline
    story: str  # cluster key: pages with the same key carry the same story
    is_original: bool  # this page is its story's publisher's own
    case: str | None  # the fixture case the page exists for, e.g. "truncated tail"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def author(self) -> str | None:
        """The `author` column's form: several people joined with '; '."""
        return "; ".join(self.authors) or None


@dataclass(frozen=True)
class ExpectedCluster:
    story: str
    urls: frozenset[str]
    original_url: str | None  # None when the original is not on this web
    original_publisher: str  # the original's site name, or the publisher the attribution names
    cases: tuple[str, ...]


def _expected(article: Article, urls: dict[str, str]) -> ExpectedArticle:
    url = urls[article.source] + article.path
    canonical = urls[article.canonical[0]] + article.canonical[1] if article.canonical else url
    return ExpectedArticle(
        source=article.source, crawl_date=article.crawl_day, url=url, canonical_url=canonical,
        site_name=SITES[article.source].name, title=article.title, authors=article.authors,
        published_at=article.published_at, date_only=article.date_only, attribution=article.attribution,
        paragraphs=article.paragraphs, story=article.story.key, is_original=article.is_original, case=article.case,
    )


def expected_articles(port: int = DEFAULT_PORT, scale: int = 1) -> list[ExpectedArticle]:
    urls = base_urls(port)
    expected = [_expected(a, urls) for a in build_web(scale).articles]
    return sorted(expected, key=lambda e: (e.source, e.crawl_date, e.url))


def expected_clusters(port: int = DEFAULT_PORT, scale: int = 1) -> list[ExpectedCluster]:
    """Every story, singletons included; each expected article is in exactly one cluster."""
    by_story: dict[str, list[ExpectedArticle]] = {}
    for article in expected_articles(port, scale):
        by_story.setdefault(article.story, []).append(article)
    stories = {a.story.key: a.story for a in build_web(scale).articles}
    clusters = []
    for key, members in sorted(by_story.items()):
        original = next((m for m in members if m.is_original), None)
        clusters.append(ExpectedCluster(
            story=key, urls=frozenset(m.url for m in members), original_url=original.url if original else None,
            original_publisher=stories[key].publisher, cases=tuple(sorted({m.case for m in members if m.case})),
        ))
    return clusters


def trouble_urls(port: int = DEFAULT_PORT, scale: int = 1) -> dict[str, str]:
    """The URL a spider meets for each trouble case: not_found, private, not_html, empty,
    too_large (never articles), and redirect (the listed URL) and flaky (500 then 200)."""
    web = build_web(scale)
    base = base_urls(port)[CAPITOL]
    urls = {t.kind: base + t.path for t in web.troubles}
    for article in web.on(CAPITOL):
        if article.listed_path:
            urls["redirect"] = base + article.listed_path
        if article.flaky:
            urls["flaky"] = base + article.path
    return urls


def demo_plan(scale: int = 1) -> dict[str, list[date]]:
    """For each fixture source, every day of the fixture week and any older day with articles.
    A day without articles in the week (harbor_gazette's quiet 2024-05-23) is crawled too, so
    the demo lake shows the empty partition a quiet day gives."""
    web = build_web(scale)
    return {source: sorted({a.crawl_day for a in web.on(source)} | set(DAYS)) for source in SITES}
