"""Generic spiders driven by one sources.yaml entry and a UTC date window [start, end).

`source` runs every discovery method the entry configures, in one process with one
dupefilter, so an article listed by both the news sitemap and the feed is fetched once;
this is what the pipeline runs. `news_sitemap`, `sitemap`, `feed` and `archive` each run
one method, to debug a source.

Listed URLs are kept when they match the entry's article_pattern and their listing date
(news:publication_date, sitemap lastmod, feed item date) falls in the window. Entries
without a date are skipped and counted (wirelake/listed/<method>/undated): a dated window
cannot claim them, and taking them would re-fetch a site's whole undated history on every
day's crawl. Archive pages need no entry dates: the page of day D lists day D's articles.
Every listed URL is counted under wirelake/listed/<method>/<in_window|out_of_window|
undated|bad_date|bad_url|not_article>; bad dates and URLs are also logged with the URL.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

from pipeline.rawpages import is_html, media_type
from pipeline.sources import DISCOVERY_METHODS, Source, SourcesError, get_source
from pipeline.urls import without_trackers
from spiders.items import ArticlePage
from spiders.middlewares import note_first_failure
from spiders.window import Window, parse_listing_date

logger = logging.getLogger(__name__)

FEED_DATE_ELEMENTS = ("pubDate", "published", "date", "updated")
"""Feed item dates in order of preference: RSS, Atom published, Dublin Core, Atom updated."""


def politeness_settings(entry: Source) -> dict[str, Any]:
    """Scrapy settings for the entry's politeness block (and its private-address opt-in)."""
    politeness = entry.politeness
    return {
        "AUTOTHROTTLE_START_DELAY": politeness.delay,
        "DOWNLOAD_DELAY": politeness.delay,  # AutoThrottle never goes below DOWNLOAD_DELAY
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(politeness.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrency,
        "DOWNLOAD_MAXSIZE": politeness.max_page_bytes,
        "DOWNLOAD_TIMEOUT": politeness.timeout,
        "RETRY_TIMES": politeness.retries,
        "WIRELAKE_CRAWL_DEADLINE": politeness.max_crawl_minutes * 60,  # finish reason closespider_timeout fails the crawl
        "WIRELAKE_ALLOW_PRIVATE_ADDRESSES": entry.allow_private_addresses,
    }


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _xpath_name(name: str) -> str:
    """Match an element by local name: listings mix namespaces (news:, dc:, atom:) freely."""
    return f"*[local-name()='{name}']"


class SourceSpider(SitemapSpider):
    """All of a source's discovery methods for one window; subclasses narrow `methods`."""

    name = "source"
    methods: tuple[str, ...] = DISCOVERY_METHODS
    sitemap_rules = [("", "parse_article")]  # article_pattern is applied in sitemap_filter, where skips are counted

    @classmethod
    def parse_arguments(cls, source: str | None = None, start: str | None = None, end: str | None = None, **unknown: Any) -> tuple[Source, Window]:
        """The entry and window from `-a` arguments; ValueError with one line naming the bad argument."""
        if unknown:
            raise ValueError(f"unknown argument -a {sorted(unknown)[0]}=... (expected source, start, end)")
        window = Window.from_arguments(start, end)
        if not source:
            raise ValueError("missing -a source=NAME")
        try:
            entry = get_source(source)
        except SourcesError as exc:
            raise ValueError(str(exc)) from None
        if not any(getattr(entry, method) for method in cls.methods):
            raise ValueError(f"source {entry.name!r} configures no {' or '.join(cls.methods)}: use the 'source' spider or another method")
        if "archive" in cls.methods and entry.archive and not entry.article_pattern:
            raise ValueError(f"source {entry.name!r}: archive discovery needs article_pattern to tell articles from other links")
        return entry, window

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "SourceSpider":
        entry, window = cls.parse_arguments(**kwargs)
        # Scrapy >= 2.11 lets spiders change settings here, before the crawler applies them.
        crawler.settings.setdict(politeness_settings(entry), priority="spider")
        return super().from_crawler(crawler, *args, entry=entry, window=window)

    def __init__(self, entry: Source, window: Window, **kwargs: Any):
        super().__init__(**kwargs)
        self.entry = entry
        self.window = window
        self.allowed_domains = entry.domains
        self.article_re = re.compile(entry.article_pattern or "")

    async def start(self) -> AsyncIterator[Request]:
        for request in self.discovery_requests():
            yield request

    def discovery_requests(self) -> Iterator[Request]:
        wanted = [method for method in self.entry.discovery_methods() if method in self.methods]
        logger.info("crawling %s %s through %s", self.entry.name, self.window, ", ".join(wanted))
        if "news_sitemaps" in wanted:
            yield from (Request(url, self.parse_news_sitemap) for url in self.entry.news_sitemaps)
        if "sitemaps" in wanted:  # SitemapSpider's own callback: index or urlset, gzip, size limit
            yield from (Request(url, self._parse_sitemap) for url in self.entry.sitemaps)
        if "feeds" in wanted:
            yield from (Request(url, self.parse_feed) for url in self.entry.feeds)
        if "archive" in wanted:
            for day in self.window.days():
                url = self.entry.archive_url(day)
                yield Request(url, self.parse_archive, cb_kwargs={"day_url": url})

    # --- deciding on listed URLs ----------------------------------------------------

    def admit(self, method: str, url: str, listed_date: str | None) -> bool:
        """Whether a listed URL is an article of the window; every URL is counted by outcome."""
        outcome = self._outcome(method, url, listed_date)
        self.crawler.stats.inc_value(f"wirelake/listed/{method}/{outcome}")
        return outcome == "in_window"

    def _outcome(self, method: str, url: str, listed_date: str | None) -> str:
        if not _is_web_url(url):
            logger.warning("%s: %s lists a URL that is not absolute http(s): %r", self.entry.name, method, url)
            return "bad_url"
        if not self.article_re.search(url):
            return "not_article"
        if not listed_date or not listed_date.strip():
            return "undated"
        moment = parse_listing_date(listed_date)
        if moment is None:
            logger.warning("%s: %s lists %s with an unreadable date %r", self.entry.name, method, url, listed_date)
            return "bad_date"
        return "in_window" if self.window.contains(moment) else "out_of_window"

    def _listing(self, response: Response, body: bytes | None, kind: str, roots: set[str]) -> Selector | None:
        """The response as an XML document whose root is one of `roots`, or None (counted and logged)."""
        document = Selector(body=body, type="xml") if body else None
        if document is None or document.xpath("local-name(/*)").get() not in roots:
            self.crawler.stats.inc_value("wirelake/invalid_listing")
            problem = f"{response.url} is not a valid {kind}"
            note_first_failure(self.crawler.stats, problem)
            logger.error("%s: %s", self.entry.name, problem)
            return None
        return document

    # --- callbacks, one per discovery method ---------------------------------------

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Sitemap-index children are all followed, as a child's own lastmod is often stale;
        <url> entries are kept by lastmod. SitemapSpider passes its Sitemap parser, whose
        `type` tells the two apart."""
        if getattr(entries, "type", None) == "sitemapindex":
            yield from entries
            return
        for entry in entries:
            if self.admit("sitemaps", entry["loc"], entry.get("lastmod")):
                yield {**entry, "loc": without_trackers(entry["loc"])}

    def parse_news_sitemap(self, response: Response) -> Iterator[Request]:
        """A Google News sitemap, or an index of them: URLs by news:publication_date.

        Scrapy's Sitemap parser keeps only a <url>'s direct children, and publication_date
        is nested in <news:news>, so this one reads the XML with XPath.
        """
        document = self._listing(response, self._get_sitemap_body(response), "news sitemap", {"urlset", "sitemapindex"})
        if document is None:
            return
        for loc in document.xpath(f"/*/{_xpath_name('sitemap')}/{_xpath_name('loc')}/text()").getall():
            yield Request(response.urljoin(loc.strip()), self.parse_news_sitemap)
        for url in document.xpath(f"/*/{_xpath_name('url')}"):
            loc = url.xpath(f"{_xpath_name('loc')}/text()").get("").strip()
            published = url.xpath(f".//{_xpath_name('publication_date')}/text()").get()
            if loc and self.admit("news_sitemaps", loc, published):
                yield self._article(response.urljoin(loc))

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """An RSS or Atom feed: each item's link, by its publication date."""
        document = self._listing(response, response.body, "RSS or Atom feed", {"rss", "feed", "RDF"})
        if document is None:
            return
        for item in document.xpath(f"//{_xpath_name('item')} | //{_xpath_name('entry')}"):
            link = (
                item.xpath(f"{_xpath_name('link')}[not(@rel) or @rel='alternate']/@href").get()
                or item.xpath(f"{_xpath_name('link')}/text()").get("")
            ).strip()
            published = next(
                (text for name in FEED_DATE_ELEMENTS if (text := item.xpath(f"{_xpath_name(name)}/text()").get())),
                None,
            )
            if link and self.admit("feeds", response.urljoin(link), published):
                yield self._article(response.urljoin(link))

    def parse_archive(self, response: Response, day_url: str) -> Iterator[Request]:
        """One page of a day's archive: the articles it links and its further pages.

        Further pages are links under the day's archive URL that are not articles (?page=2,
        page/2/), which covers both "next" links and numbered pagers. A rel=next link elsewhere
        (the last page's "older posts", leading to the day before and on through the site's
        history) is counted as out of the window, not followed.
        """
        # No allow_domains: it compares host:port with the domains; OffsiteMiddleware checks hosts.
        articles = LinkExtractor(allow=self.entry.article_pattern)
        for link in articles.extract_links(response):
            self.crawler.stats.inc_value("wirelake/listed/archive/in_window")
            yield self._article(link.url)
        pages = LinkExtractor(allow=f"^{re.escape(day_url)}", deny=self.entry.article_pattern)
        next_links = set(map(response.urljoin, response.xpath("//a[@rel='next']/@href | //link[@rel='next']/@href").getall()))
        elsewhere = {url for url in next_links if not url.startswith(day_url)}
        self.crawler.stats.inc_value("wirelake/listed/archive/out_of_window", len(elsewhere))
        for url in {*(link.url for link in pages.extract_links(response)), *(next_links - elsewhere)}:
            yield Request(url, self.parse_archive, cb_kwargs={"day_url": day_url})

    def _article(self, url: str) -> Request:
        """The request for a listed article, without the listing's tracking parameters: one page
        listed as ?utm_source=rss and plain is fetched, stored and deduplicated once."""
        return Request(without_trackers(url), self.parse_article)

    def parse_article(self, response: Response) -> Iterator[ArticlePage]:
        """An article URL fetched OK; non-HTML and empty bodies are counted, not items.

        HTML is judged as the WARC reader judges it (rawpages.is_html: Scrapy would call a PDF
        served at a .html URL an HtmlResponse)."""
        if not is_html(media_type(response.headers.get("Content-Type", b"").decode("latin-1")), response.body):
            self.crawler.stats.inc_value("wirelake/article_pages/not_html")
            return
        if not response.body.strip():
            self.crawler.stats.inc_value("wirelake/article_pages/empty")
            return
        referer = response.request.headers.get("Referer") if response.request else None
        yield ArticlePage(url=response.url, listed_on=referer.decode("latin-1") if referer else None)


class NewsSitemapSpider(SourceSpider):
    name = "news_sitemap"
    methods = ("news_sitemaps",)


class SitemapLastmodSpider(SourceSpider):
    name = "sitemap"
    methods = ("sitemaps",)


class FeedSpider(SourceSpider):
    name = "feed"
    methods = ("feeds",)


class ArchiveSpider(SourceSpider):
    name = "archive"
    methods = ("archive",)
