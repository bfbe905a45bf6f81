"""The crawl runner (pipeline.crawl) and the WARC reader (pipeline.rawpages).

run_crawl starts real Scrapy subprocesses against the offline news web, a small gzip
site served here, and a port nothing listens on; module-scoped fixtures share crawls.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import re
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from pipeline.crawl import CrawlFailed, CrawlStats, run_crawl
from pipeline.extract import decode_html
from pipeline.rawpages import RawPagesError, iter_pages
from pipeline.sources import get_source
from pipeline.store import StoreError
from pipeline.steps import TooFewArticles, _crawl_gate_problems, crawl_step, fetch_error_share
from spiders.delays import retry_after_seconds
from tests.loopback import QuietHandler, loopback_site

DAY, NEXT_DAY = date(2024, 5, 26), date(2024, 5, 27)


def write_registry(path: Path, entries: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False))
    return path


def crawl_source(name: str, registry: Path, out: Path) -> CrawlStats:
    return run_crawl(get_source(name, registry), DAY, NEXT_DAY, out / "pages.warc.gz", out / "stats.json", sources_path=registry)


def quick(name: str, **fields) -> dict:
    """A registry entry that crawls loopback fast."""
    return {"name": name, "politeness": {"delay": 0, "retries": 1}, "allow_private_addresses": True, **fields}


# --- one good crawl of the seed-reprint portal, run from an unrelated directory ------


@dataclass
class CourierCrawl:
    stats: CrawlStats
    out: Path
    requests: list[tuple[str, str, int]]
    started: datetime
    finished: datetime


@pytest.fixture(scope="module")
def courier(newsweb, newsweb_sources, tmp_path_factory) -> CourierCrawl:
    out = tmp_path_factory.mktemp("courier")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    before = len(newsweb.request_log)
    started = datetime.now(UTC)
    with contextlib.chdir(elsewhere):  # the runner must not depend on the working directory
        stats = crawl_source("daily_courier", newsweb_sources, out)
    return CourierCrawl(stats, out, newsweb.request_log[before:], started, datetime.now(UTC))


def test_stats_file_holds_the_returned_stats(courier):
    written = json.loads((courier.out / "stats.json").read_text())
    assert written == json.loads(json.dumps(courier.stats.to_dict()))
    assert CrawlStats.from_dict(written) == courier.stats
    assert written["source"] == "daily_courier" and written["start"] == "2024-05-26" and written["end"] == "2024-05-27"
    assert written["finish_reason"] == "finished" and written["spider"] == "source"


def test_stats_count_pages_statuses_and_articles(newsweb, courier):
    expected = [a for a in newsweb.expected_articles() if a.source == "daily_courier" and a.crawl_date == DAY]
    assert courier.stats.articles == len(expected) > 0
    assert courier.stats.pages_fetched == len(courier.requests)
    assert courier.stats.responses_by_status == {200: len(courier.requests)}
    assert courier.stats.pages_ok == len(courier.requests) - 1  # robots.txt does not count as the site serving
    assert courier.stats.errors == 0 and set(courier.stats.error_counts.values()) == {0}
    assert courier.stats.listed == {"feeds/in_window": len(expected), "feeds/out_of_window": courier.stats.listed["feeds/out_of_window"]}


def test_summary_is_one_line_naming_source_window_and_counts(courier):
    stats = courier.stats
    assert stats.summary().startswith(
        f"daily_courier [2024-05-26, 2024-05-27): {stats.pages_fetched} pages fetched ({stats.pages_ok} ok), "
        f"{stats.articles} article{'' if stats.articles == 1 else 's'}, 0 errors, finished in "
    )
    assert "\n" not in stats.summary()


def test_warc_round_trips_through_iter_pages(newsweb, courier):
    pages = list(iter_pages(courier.out / "pages.warc.gz"))
    assert sorted((urlsplit(p.url).path, p.status) for p in pages) == sorted((path, status) for _ip, path, status in courier.requests)
    for page in pages:
        assert courier.started <= page.fetched_at <= courier.finished and page.fetched_at.tzinfo == UTC
        with urllib.request.urlopen(page.url) as live:  # the news web is deterministic
            assert page.body == live.read()
            assert page.headers["content-type"] == live.headers["Content-Type"]
    articles = [p for p in pages if p.url in {a.url for a in newsweb.expected_articles()}]
    assert len(articles) == courier.stats.articles
    assert all(p.is_html and p.content_type == "text/html" for p in articles)


def test_warc_pairs_each_response_with_its_request(courier):
    with open(courier.out / "pages.warc.gz", "rb") as handle:
        records = [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(handle)]
    info = records[0]
    assert info[0] == "warcinfo" and b"source: daily_courier" in info[3] and b"window: [2024-05-26, 2024-05-27)" in info[3]
    requests = {headers.get_header("WARC-Concurrent-To"): (headers, http) for kind, headers, http, _ in records if kind == "request"}
    responses = [(headers, http) for kind, headers, http, _ in records if kind == "response"]
    assert len(requests) == len(responses) == courier.stats.pages_fetched
    for headers, _http in responses:
        request_headers, request_http = requests[headers.get_header("WARC-Record-ID")]
        url = headers.get_header("WARC-Target-URI")
        assert request_headers.get_header("WARC-Target-URI") == url
        assert (request_http.protocol, request_http.statusline) == ("GET", f"{urlsplit(url).path} HTTP/1.1")
        assert request_http.get_header("Host") == urlsplit(url).netloc
        assert request_http.get_header("User-Agent").startswith("wirelake/")


def test_iter_pages_names_a_missing_or_broken_file(tmp_path):
    with pytest.raises(RawPagesError, match=r"missing\.warc\.gz: cannot open WARC"):
        list(iter_pages(tmp_path / "missing.warc.gz"))
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"this is not a WARC file\n")
    with pytest.raises(RawPagesError, match=r"broken\.warc\.gz: unreadable WARC at the first record: not a WARC record"):
        list(iter_pages(broken))
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    with pytest.raises(RawPagesError, match=r"empty\.warc\.gz: no WARC records"):
        list(iter_pages(empty))


# --- content encoding: stored as served, read decoded -------------------------------

STORY_HTML = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ferry fares hold steady</title></head>"
    b"<body><article><h1>Ferry fares hold steady</h1><p>The harbor board left fares unchanged for the summer.</p>"
    b"</article></body></html>"
)


class _GzipSite(QuietHandler):
    """A one-article site whose article is sent with Content-Encoding: gzip; its feed lists it
    twice, the second time with a newsletter's tracking parameters, which the site ignores."""

    def do_GET(self) -> None:
        base = f"http://{self.headers['Host']}"
        item = "<item><title>Ferry fares</title><link>{}</link><pubDate>Sun, 26 May 2024 09:00:00 GMT</pubDate></item>"
        if self.path == "/feed.xml":
            body = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Gzip Gazette</title>'
                + item.format(f"{base}/story.html") + item.format(f"{base}/story.html?utm_source=newsletter&amp;utm_medium=email")
                + "</channel></rss>"
            ).encode()
            self.reply(200, "application/rss+xml", body)
        elif self.path.split("?")[0] == "/story.html":
            self.reply(200, "text/html; charset=utf-8", gzip.compress(STORY_HTML, mtime=0), Content_Encoding="gzip")
        else:
            self.reply(404, "text/plain", b"not found")


@pytest.fixture(scope="module")
def gzip_site():
    with loopback_site(_GzipSite) as url:
        yield url


class _Lines(logging.Handler):
    """Collects log messages (caplog is per test; this crawl is shared by the module)."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@dataclass
class GzipCrawl:
    stats: CrawlStats
    warc: Path
    log: str


@pytest.fixture(scope="module")
def gzip_crawl(gzip_site, tmp_path_factory) -> GzipCrawl:
    out = tmp_path_factory.mktemp("gzip")
    politeness = {"delay": 0.05, "concurrency": 3, "max_page_bytes": 200_000, "timeout": 7, "retries": 1}
    entry = quick("gzip_gazette", domains=["127.0.0.1"], feeds=[f"{gzip_site}/feed.xml"], politeness=politeness)
    registry = write_registry(out / "sources.yaml", [entry])
    handler = _Lines()
    crawl_logger = logging.getLogger("pipeline.crawl")
    crawl_logger.addHandler(handler)
    previous = crawl_logger.level
    crawl_logger.setLevel(logging.INFO)
    try:
        stats = crawl_source("gzip_gazette", registry, out)
    finally:
        crawl_logger.removeHandler(handler)
        crawl_logger.setLevel(previous)
    return GzipCrawl(stats, out / "pages.warc.gz", "\n".join(handler.lines))


def test_a_page_listed_with_tracking_parameters_is_fetched_once_at_its_own_url(gzip_crawl):
    assert gzip_crawl.stats.listed["feeds/in_window"] == 2
    assert gzip_crawl.stats.articles == 1
    assert [p.url.removeprefix(p.url.split("/story")[0]) for p in iter_pages(gzip_crawl.warc) if "/story" in p.url] == ["/story.html"]


class _TaggedListingsSite(QuietHandler):
    """A site whose news sitemap, sitemap and day archive each list a story with a click tracker."""

    requested: list[str] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        base = f"http://{self.headers['Host']}"
        urlset = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        pages = {
            "/news.xml": urlset + f"<url><loc>{base}/a/one.html?utm_source=gnews</loc><news:news><news:publication_date>2024-05-26T08:00:00Z"
                         "</news:publication_date></news:news></url></urlset>",
            "/sitemap.xml": urlset + f"<url><loc>{base}/a/two.html?fbclid=x1&amp;utm_medium=social</loc><lastmod>2024-05-26</lastmod></url></urlset>",
            "/archive/2024/05/26/": f'<html><body><a href="{base}/a/three.html?at_medium=newsletter">Three</a></body></html>',
        }
        if self.path in pages:
            self.reply(200, "text/html" if self.path.endswith("/") else "application/xml", pages[self.path].encode())
        elif self.path.startswith("/a/"):
            self.reply(200, "text/html; charset=utf-8", STORY_HTML)
        else:
            self.reply(404, "text/plain", b"not found")


def test_every_listing_method_fetches_articles_without_their_trackers(tmp_path):
    with loopback_site(_TaggedListingsSite) as base:
        entry = quick("tagged_times", domains=["127.0.0.1"], news_sitemaps=[f"{base}/news.xml"], sitemaps=[f"{base}/sitemap.xml"],
                      archive=base + "/archive/{date:%Y/%m/%d}/", article_pattern=r"/a/")
        stats = crawl_source("tagged_times", write_registry(tmp_path / "sources.yaml", [entry]), tmp_path)
    assert stats.articles == 3
    assert sorted(path for path in _TaggedListingsSite.requested if path.startswith("/a/")) == ["/a/one.html", "/a/three.html", "/a/two.html"]


class _MovedSite(QuietHandler):
    """A story that moved to another host, named in its feed at the old address."""

    agents: list[str] = []

    def do_GET(self) -> None:
        self.agents.append(self.headers["User-Agent"])
        port = self.server.server_address[1]
        if self.path == "/feed.xml":
            self.reply(200, "application/rss+xml", ('<?xml version="1.0"?><rss version="2.0"><channel><item><link>'
                       f"http://127.0.0.1:{port}/a/moved.html</link><pubDate>Sun, 26 May 2024 09:00:00 GMT</pubDate></item></channel></rss>").encode())
        else:
            self.reply(302 if self.path == "/a/moved.html" else 404, "text/plain", b"", Location=f"http://localhost:{port}/a/moved.html")


def _crawl_moved_site(tmp_path) -> CrawlStats:
    with loopback_site(_MovedSite) as base:
        entry = quick("moved_times", domains=["127.0.0.1"], feeds=[f"{base}/feed.xml"], quality={"min_articles": 0})
        return crawl_source("moved_times", write_registry(tmp_path / "sources.yaml", [entry]), tmp_path)


def test_an_article_redirected_off_the_source_s_domains_is_counted_as_refused(tmp_path):
    stats = _crawl_moved_site(tmp_path)
    assert (stats.articles, stats.error_counts["offsite_refused"]) == (0, 1)
    assert fetch_error_share(stats.to_dict()) == 0  # refused by policy, not a failure of the site


def test_a_deployment_names_its_crawler_in_the_user_agent(tmp_path, monkeypatch):
    monkeypatch.setenv("WIRELAKE_USER_AGENT", "examplebot/2.0 (+https://archive.example/contact)")
    _MovedSite.agents.clear()
    _crawl_moved_site(tmp_path)
    assert set(_MovedSite.agents) == {"examplebot/2.0 (+https://archive.example/contact)"}


class _SlowRiverSite(QuietHandler):
    """A feed of eight stories, for a crawl whose time runs out while they wait their turn."""

    requested: list[str] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        base = f"http://{self.headers['Host']}"
        if self.path == "/feed.xml":
            items = "".join(f"<item><link>{base}/a/{n}.html</link><pubDate>Sun, 26 May 2024 09:00:00 GMT</pubDate></item>" for n in range(8))
            self.reply(200, "application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode())
        else:
            self.reply(200, "text/html; charset=utf-8", STORY_HTML)


def test_max_crawl_minutes_stops_fetching_what_was_still_queued(tmp_path):
    """One story per 1.5 s and a 3 s cap: the stories queued behind the cap are dropped, not
    fetched at the politeness delay after it (Scrapy's CLOSESPIDER_TIMEOUT would fetch all eight)."""
    _SlowRiverSite.requested.clear()
    with loopback_site(_SlowRiverSite) as base:
        politeness = {"delay": 1.5, "concurrency": 1, "retries": 0, "max_crawl_minutes": 0.05}
        entry = quick("slow_river", domains=["127.0.0.1"], feeds=[f"{base}/feed.xml"], politeness=politeness)
        with pytest.raises(CrawlFailed, match="finished with reason 'closespider_timeout'"):
            crawl_source("slow_river", write_registry(tmp_path / "sources.yaml", [entry]), tmp_path)
    stories = [path for path in _SlowRiverSite.requested if path.startswith("/a/")]
    assert len(stories) <= 3, stories


class _AskingSite(QuietHandler):
    """A feed of `stories` stories on a site that asks to be left alone: its robots.txt states a
    Crawl-delay (`crawl_delay`, none if 0), and the first story asked for answers 429 with
    Retry-After `retry_after` once (not if 0). It notes when each request came, and its status."""

    crawl_delay, retry_after, stories = 0, 0, 4
    requested: list[tuple[float, str, int]] = []
    lock = threading.Lock()  # the server answers in threads: one of them refuses

    def do_GET(self) -> None:
        base = f"http://{self.headers['Host']}"
        if self.path == "/robots.txt":
            self.reply(200, "text/plain", f"User-agent: *\nCrawl-delay: {self.crawl_delay}\n".encode() if self.crawl_delay else b"User-agent: *\n")
            return
        if self.path == "/feed.xml":
            items = "".join(f"<item><link>{base}/a/{n}.html</link><pubDate>Sun, 26 May 2024 09:00:00 GMT</pubDate></item>" for n in range(self.stories))
            self.reply(200, "application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode())
            status = 200
        else:
            with self.lock:
                refuse = self.retry_after and not any(path.startswith("/a/") for _, path, _ in self.requested)
                status = 429 if refuse else 200
                self.requested.append((time.monotonic(), self.path, status))
            if refuse:
                self.reply(429, "text/plain", b"slow down", Retry_After=str(self.retry_after))
            else:
                self.reply(200, "text/html; charset=utf-8", STORY_HTML)
            return
        with self.lock:
            self.requested.append((time.monotonic(), self.path, status))


def _crawl_asking_site(tmp_path, *, crawl_delay: float = 0, retry_after: int = 0, stories: int = 4, **politeness) -> tuple[CrawlStats, list[tuple[float, str, int]]]:
    _AskingSite.crawl_delay, _AskingSite.retry_after, _AskingSite.stories = crawl_delay, retry_after, stories
    _AskingSite.requested = []
    with loopback_site(_AskingSite) as base:
        politeness = {"delay": 0, "concurrency": 1, "retries": 1, **politeness}
        entry = quick("asking_site", domains=["127.0.0.1"], feeds=[f"{base}/feed.xml"], politeness=politeness)
        stats = crawl_source("asking_site", write_registry(tmp_path / "sources.yaml", [entry]), tmp_path)
    return stats, _AskingSite.requested


def test_robots_crawl_delay_spaces_a_hosts_requests(tmp_path):
    """politeness.delay is 0, the site's robots.txt asks for 1 s: every request after robots.txt
    waits that second (no jitter shortens it, AutoThrottle does not lower it)."""
    stats, requested = _crawl_asking_site(tmp_path, crawl_delay=1, stories=2)
    assert stats.articles == 2 and stats.crawl_delays == {"127.0.0.1": 1.0}
    times = [when for when, path, _ in requested if path != "/robots.txt"]
    assert len(times) == 3  # the feed and two stories
    assert min(later - earlier for earlier, later in zip(times, times[1:])) >= 0.95


def test_a_crawl_out_of_time_names_the_crawl_delay_it_honoured(tmp_path):
    with pytest.raises(CrawlFailed, match=r"finished with reason 'closespider_timeout'; robots.txt of 127.0.0.1 asks for 2 s between requests$"):
        _crawl_asking_site(tmp_path, crawl_delay=2, max_crawl_minutes=0.05)


def test_a_crawl_stopped_while_a_request_waits_for_robots_txt_ends_at_its_time_limit(tmp_path):
    """Two ports of one host share its download slot: at the registry's longest delay (60 s) the
    second port's robots.txt waits behind the first's, and its feed waits for it. The stop at 3 s
    dropped that robots.txt, and the feed then went on to its slot, where the close waited out the
    delay (a delay longer than the machine's uptime held even the first robots.txt, for hours)."""
    _AskingSite.crawl_delay, _AskingSite.retry_after, _AskingSite.stories = 0, 0, 1
    with loopback_site(_AskingSite) as first, loopback_site(_AskingSite) as second:
        politeness = {"delay": 60, "concurrency": 1, "retries": 0, "max_crawl_minutes": 0.05}
        entry = quick("two_ports", domains=["127.0.0.1"], feeds=[f"{first}/feed.xml", f"{second}/feed.xml"], politeness=politeness)
        started = time.monotonic()
        with pytest.raises(CrawlFailed, match=r"finished with reason 'closespider_timeout'") as failure:
            crawl_source("two_ports", write_registry(tmp_path / "sources.yaml", [entry]), tmp_path)
    assert time.monotonic() - started < 25  # the jittered delay is at least 30 s
    assert failure.value.stats.pages_fetched <= 1  # one robots.txt at most
    assert "refused by robots.txt" not in (tmp_path / "crawl.log").read_text()  # robots.txt was dropped, not refused


def test_retry_after_holds_the_host_then_the_crawl_goes_on_at_its_own_pace(tmp_path):
    """A 429 asking for 2 s: nothing reaches the host for 2 s (the retry neither), and once it is
    over the stories follow at politeness.delay (0 s) again, not 2 s apart."""
    stats, requested = _crawl_asking_site(tmp_path, retry_after=2)
    assert stats.articles == 4 and stats.retry_after == {"127.0.0.1": 2.0} and stats.crawl_delays == {}
    [(refused_at, refused)] = [(when, path) for when, path, status in requested if status == 429]
    after = [(when, path) for when, path, _ in requested if when > refused_at]
    assert refused in [path for _, path in after]  # retried
    assert min(when for when, _ in after) - refused_at >= 1.9
    last_gaps = [later - earlier for (earlier, _), (later, _) in zip(after, after[1:])]
    assert len(last_gaps) == 3 and max(last_gaps) < 1.9  # kept, the wait would part each pair by 2 s or more


def test_retry_after_holds_the_host_whatever_answers_were_in_flight(tmp_path):
    """Four requests at once: the 429 comes while others are on their way, and their answers, 200s,
    do not end the wait: the refused story's retry still waits its 2 s. (Requests already sent, or
    sent before Scrapy reads the 429, arrive within the wait: how many depends on the machine's
    load, so only the retry is timed.)"""
    stats, requested = _crawl_asking_site(tmp_path, retry_after=2, stories=8, concurrency=4)
    assert stats.articles == 8 and stats.retry_after == {"127.0.0.1": 2.0}
    [(refused_at, refused)] = [(when, path) for when, path, status in requested if status == 429]
    [retried_at] = [when for when, path, status in requested if path == refused and status == 200]
    assert retried_at - refused_at >= 1.9


def test_a_retry_after_beyond_the_crawls_time_stops_it_at_once_naming_the_wait(tmp_path):
    with pytest.raises(CrawlFailed, match=r"finished with reason 'retry_after'; 127.0.0.1 asked to wait 3600 s \(Retry-After\)$") as failure:
        _crawl_asking_site(tmp_path, retry_after=3600, max_crawl_minutes=10)
    assert failure.value.stats.articles < 4  # stopped, not run on to the cap (which would read closespider_timeout)


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2024, 5, 26, 9, 0, tzinfo=UTC)
    assert retry_after_seconds(" 120 ", now) == 120.0
    assert retry_after_seconds("Sun, 26 May 2024 09:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Sun, 26 May 2024 08:00:00 GMT", now) == 0.0  # a past date: no wait
    assert retry_after_seconds("soon", now) is None and retry_after_seconds("-5", now) is None
    assert retry_after_seconds("\u00b2", now) is None and retry_after_seconds("1\u00b9", now) is None  # digits, but not ASCII ones


def test_gzip_body_is_stored_as_served_and_read_decoded(gzip_crawl):
    assert gzip_crawl.stats.articles == 1
    [story] = [p for p in iter_pages(gzip_crawl.warc) if p.url.endswith("/story.html")]
    assert story.body == STORY_HTML and story.headers["content-encoding"] == "gzip"
    assert "Ferry fares hold steady" in decode_html(story.body, story.headers.get("content-type"))
    with open(gzip_crawl.warc, "rb") as handle:
        [raw] = [r.raw_stream.read() for r in ArchiveIterator(handle) if r.rec_type == "response" and r.rec_headers.get_header("WARC-Target-URI").endswith("/story.html")]
    assert raw == gzip.compress(STORY_HTML, mtime=0)  # the raw zone keeps the bytes as they came


def test_politeness_from_the_entry_reaches_scrapy_and_the_log_is_forwarded(gzip_crawl):
    for setting in (
        "'ROBOTSTXT_OBEY': True", "'AUTOTHROTTLE_ENABLED': True", "'AUTOTHROTTLE_START_DELAY': 0.05", "'DOWNLOAD_DELAY': 0.05",
        "'CONCURRENT_REQUESTS_PER_DOMAIN': 3", "'AUTOTHROTTLE_TARGET_CONCURRENCY': 3.0", "'DOWNLOAD_MAXSIZE': 200000",
        "'DOWNLOAD_TIMEOUT': 7.0", "'RETRY_TIMES': 1",
    ):  # fmt: skip
        assert setting in gzip_crawl.log  # Scrapy's "Overridden settings" at startup
    assert "gzip_gazette [2024-05-26, 2024-05-27) | " in gzip_crawl.log
    assert gzip_crawl.stats.summary() in gzip_crawl.log


# --- crawls that must fail loudly -----------------------------------------------------


def test_site_answering_only_errors_fails_the_crawl(newsweb, tmp_path):
    base = newsweb.base_urls["capitol_ledger"]
    registry = write_registry(
        tmp_path / "sources.yaml",
        [quick("gone_ledger", domains=["127.0.0.11"], feeds=[f"{base}/gone/feed.xml"], news_sitemaps=[f"{base}/gone/news.xml"])],
    )
    with pytest.raises(CrawlFailed) as failure:
        crawl_source("gone_ledger", registry, tmp_path)
    assert str(failure.value) == (
        "crawl of gone_ledger [2024-05-26, 2024-05-27) failed: "
        f"nothing was fetched successfully (1x200, 2x404; 2 errors (2 http_errors; first: HTTP 404 at {base}/gone/news.xml))"
    )  # the one-line error names a URL that failed
    assert failure.value.stats.pages_ok == 0


def test_port_nothing_listens_on_fails_the_crawl(tmp_path):
    with socket.socket() as bound_not_listening:  # holding the port keeps anyone else off it
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        registry = write_registry(tmp_path / "sources.yaml", [quick("dark_site", domains=["127.0.0.1"], feeds=[f"http://127.0.0.1:{port}/feed.xml"])])
        with pytest.raises(CrawlFailed) as failure:
            crawl_source("dark_site", registry, tmp_path)
    assert str(failure.value) == (
        "crawl of dark_site [2024-05-26, 2024-05-27) failed: "
        f"nothing was fetched successfully (no responses; 2 errors (2 download_failed; first: DownloadConnectionRefusedError at http://127.0.0.1:{port}/robots.txt))"
    )  # robots.txt and the feed, each after its retry


class _StoryDownSite(QuietHandler):
    """A feed listing one story of the day, or none (`listed`), whose story answers 503."""

    listed = True

    def do_GET(self) -> None:
        base = f"http://{self.headers['Host']}"
        if self.path == "/feed.xml":
            item = f"<item><link>{base}/a/1.html</link><pubDate>Sun, 26 May 2024 09:00:00 GMT</pubDate></item>" if self.listed else ""
            self.reply(200, "application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel>{item}</channel></rss>'.encode())
        else:
            self.reply(503 if self.path.startswith("/a/") else 404, "text/plain", b"unavailable")


@pytest.mark.parametrize(("listed", "failure_type"), [(True, CrawlFailed), (False, TooFewArticles)])
def test_too_few_articles_is_the_listings_saying_so_not_a_fetch_that_failed(tmp_path, listed, failure_type):
    """Listed but not fetched (a 503, within max_error_share) can pass in an hour: a plain CrawlFailed.
    Not listed at all: TooFewArticles, which Airflow does not retry for an old day."""
    _StoryDownSite.listed = listed
    with loopback_site(_StoryDownSite) as base:
        registry = write_registry(tmp_path / "sources.yaml", [quick("story_down", domains=["127.0.0.1"], feeds=[f"{base}/feed.xml"])])
        with pytest.raises(CrawlFailed) as failure:
            crawl_step("story_down", DAY, str(tmp_path / "lake"), str(registry))
    assert type(failure.value) is failure_type, str(failure.value)
    assert "0 article pages fetched, fewer than quality.min_articles=1" in str(failure.value)


@pytest.mark.parametrize(
    ("fields", "first_failure"),
    [
        ({"feeds": ["{base}/"]}, "{base}/ is not a valid RSS or Atom feed"),  # a front page given as the feed
        ({"feeds": ["{base}/feed.xml"], "politeness": {"delay": 0, "retries": 1, "max_page_bytes": 1024}},
         "{base}/feed.xml is larger than politeness.max_page_bytes"),
    ],
)
def test_a_day_without_articles_names_its_first_failure(newsweb, tmp_path, fields, first_failure):
    """A crawl that finds no article says why in its one-line error, whichever check stops it:
    the article gate (the front page answered) or the crawl's own (only robots.txt answered)."""
    base = newsweb.base_urls["capitol_ledger"]
    entry = quick("quiet_ledger", domains=["127.0.0.11"], **{key: yaml.safe_load(json.dumps(value).replace("{base}", base)) for key, value in fields.items()})
    registry = write_registry(tmp_path / "sources.yaml", [entry])
    with pytest.raises(CrawlFailed) as failure:
        crawl_step("quiet_ledger", DAY, str(tmp_path / "lake"), str(registry))
    first_failure = first_failure.replace("{base}", base)
    assert first_failure in str(failure.value) and "\n" not in str(failure.value)
    assert failure.value.stats.first_failure == first_failure


def test_a_store_that_cannot_be_used_fails_the_day_before_the_site_is_crawled(newsweb, newsweb_sources, s3_endpoint, monkeypatch):
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    before = len(newsweb.request_log)
    with pytest.raises(StoreError, match=rf"^s3://lake/corpus: cannot be a store: .*127\.0\.0\.1:{port}"):
        crawl_step("capitol_ledger", DAY, "s3://lake/corpus", str(newsweb_sources))
    assert newsweb.request_log[before:] == []


def test_private_addresses_are_refused_unless_the_source_allows_them(newsweb, newsweb_sources, tmp_path):
    entries = yaml.safe_load(newsweb_sources.read_text())["sources"]
    [capitol] = [entry for entry in entries if entry["name"] == "capitol_ledger"]
    # a name that resolves to loopback: an IP literal would already be refused by the registry
    capitol = yaml.safe_load(yaml.safe_dump(capitol).replace("127.0.0.11", "localhost"))
    capitol["allow_private_addresses"] = False
    strict = write_registry(tmp_path / "sources.yaml", [capitol])
    before = len(newsweb.request_log)
    with pytest.raises(CrawlFailed) as failure:
        crawl_source("capitol_ledger", strict, tmp_path)
    port = urlsplit(newsweb.base_urls["capitol_ledger"]).port
    # the three listings are requested at once: any may be the first refused
    assert re.search(
        rf"nothing was fetched successfully \(no responses; 3 errors \(3 refused_private_address; first: refused http://localhost:{port}/[\w.-]+\.xml:"
        r" localhost resolves to the non-public address 127\.0\.0\.1 \(allow_private_addresses is false\)\)\)$", str(failure.value),
    )  # the URL, and the setting that would allow it
    assert newsweb.request_log[before:] == []  # not even robots.txt


def test_a_source_missing_from_the_registry_fails_with_scrapys_usage_error(newsweb_sources, tmp_path):
    other = write_registry(tmp_path / "sources.yaml", [quick("other_site", domains=["127.0.0.1"], feeds=["http://127.0.0.1:9/feed.xml"])])
    source = get_source("daily_courier", newsweb_sources)
    with pytest.raises(CrawlFailed) as failure:
        run_crawl(source, DAY, NEXT_DAY, tmp_path / "p.warc.gz", tmp_path / "s.json", sources_path=other)
    assert str(failure.value) == (
        f"crawl of daily_courier [2024-05-26, 2024-05-27) failed: scrapy exited with code 2: "
        f"{other}: no source named 'daily_courier' (known: other_site)"
    )


# --- which stats mean failure ---------------------------------------------------------

TROUBLED_BUT_FINE = {
    "finish_reason": "finished",
    "downloader/response_count": 9,
    "downloader/response_status_count/200": 6,
    "downloader/response_status_count/404": 1,
    "downloader/response_status_count/500": 1,  # retried: the 200 after it is among the six
    "downloader/response_status_count/301": 1,
    "robotstxt/response_status_count/200": 1,
    "httperror/response_ignored_count": 1,
    "robotstxt/forbidden": 1,
    "wirelake/size_limit_dropped": 1,
    "item_scraped_count": 4,
}


def stats_of(**changes) -> CrawlStats:
    return CrawlStats.from_scrapy_stats({**TROUBLED_BUT_FINE, **changes}, source="s", start=DAY, end=NEXT_DAY, spider="source")


def test_expected_trouble_is_counted_not_fatal():
    stats = stats_of()
    assert stats.failure() is None
    assert (stats.pages_fetched, stats.pages_ok, stats.articles, stats.errors) == (9, 5, 4, 3)
    assert stats.errors_text() == "3 errors (1 http_errors, 1 size_limit, 1 robots_forbidden)"
    assert stats_of(**{"robotstxt/forbidden": 0, "wirelake/size_limit_dropped": 0}).errors_text() == "1 error (1 http_errors)"


@pytest.mark.parametrize(("changes", "share"), [
    # 40 article URLs answering 500 three times each (two retries): 40 failed fetches of 42 URLs, not 40 of 122 responses
    ({"downloader/response_count": 122, "downloader/response_status_count/500": 120, "wirelake/urls_answered": 42,
      "httperror/response_ignored_count": 40}, 40 / 42),
    # 100 pages fine and 50 URLs timing out after their retries: 50 of 150 URLs, though no timeout left a response
    ({"downloader/response_count": 100, "wirelake/urls_answered": 100, "wirelake/download_failed/TimeoutError": 50,
      "httperror/response_ignored_count": 0}, 50 / 150),
])
def test_the_error_share_counts_each_url_once_whatever_its_retries(changes, share):
    """The max_error_share gate must see a whole site failing, and not a few flaky URLs as all of it."""
    stats = stats_of(**{"robotstxt/forbidden": 0, "wirelake/size_limit_dropped": 0, **changes})
    assert fetch_error_share(stats.to_dict()) == share


def test_both_crawl_gates_failing_quote_the_first_failure_once(tmp_path):
    """No article and most fetches failing: one line, the first failure in it once."""
    entry = quick("gate_ledger", domains=["127.0.0.1"], feeds=["http://127.0.0.1:9/feed.xml"])
    source = get_source("gate_ledger", write_registry(tmp_path / "sources.yaml", [entry]))
    stats = stats_of(item_scraped_count=0, **{"httperror/response_ignored_count": 8, "wirelake/urls_answered": 9, "wirelake/first_failure": "HTTP 500 at U"})
    problems = _crawl_gate_problems(source, stats.to_dict())
    assert len(problems) == 2 and "; ".join(problems).count("HTTP 500 at U") == 1


@pytest.mark.parametrize(
    ("changes", "failure"),
    [
        ({"spider_exceptions/count": 2, "spider_exceptions/KeyError": 2}, "2 spider callback(s) raised an exception (see the crawl log)"),
        ({"finish_reason": "shutdown"}, "finished with reason 'shutdown'"),
        (
            {"downloader/response_status_count/200": 1},  # robots.txt only
            "nothing was fetched successfully (1x200, 1x301, 1x404, 1x500; 3 errors (1 http_errors, 1 size_limit, 1 robots_forbidden))",
        ),
    ],
)
def test_failures(changes, failure):
    assert stats_of(**changes).failure() == failure
