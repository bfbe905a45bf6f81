"""The Scrapy project against the offline news web, through the real `scrapy` command.

Each crawl is a real `python -m scrapy crawl` subprocess from the repository root, like
README's commands; module-scoped fixtures run each crawl once for all its assertions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from pipeline.crawl import CrawlStats
from pipeline.rawpages import RawPage, iter_pages

REPO = Path(__file__).resolve().parent.parent
WEEK = (date(2024, 5, 20), date(2024, 5, 27))


def scrapy(*args: str, sources: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"WIRELAKE_SOURCES": str(sources)} if sources else {})}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


@dataclass
class Crawl:
    """What one `scrapy crawl` left behind, and the news web requests it made."""

    items: list[dict]
    stats: CrawlStats
    pages: list[RawPage]
    requests: list[tuple[str, str, int]]
    log: str

    @property
    def item_urls(self) -> set[str]:
        return {item["url"] for item in self.items}

    def requested_paths(self) -> Counter:
        return Counter(path for _ip, path, _status in self.requests)


@pytest.fixture(scope="module")
def crawl(newsweb, newsweb_sources, tmp_path_factory):
    """Run `scrapy crawl SPIDER -a source=... -a start=... -a end=...`; a function, so
    each module fixture below runs its own crawl once."""

    def run(spider: str, source: str, start: date, end: date) -> Crawl:
        out = tmp_path_factory.mktemp(f"{spider}-{source}")
        before = len(newsweb.request_log)
        result = scrapy(
            "crawl", spider, "-a", f"source={source}", "-a", f"start={start}", "-a", f"end={end}",
            "-O", str(out / "items.jsonl"),
            "-s", f"WIRELAKE_WARC_PATH={out / 'pages.warc.gz'}", "-s", f"WIRELAKE_STATS_PATH={out / 'stats.json'}",
            sources=newsweb_sources,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
        stats = CrawlStats.from_dict(json.loads((out / "stats.json").read_text()))
        return Crawl(items, stats, list(iter_pages(out / "pages.warc.gz")), newsweb.request_log[before:], result.stderr)

    return run


def expected_urls(newsweb, source: str, start: date, end: date) -> set[str]:
    return {a.url for a in newsweb.expected_articles() if a.source == source and start <= a.crawl_date < end}


# --- the commands -------------------------------------------------------------------


def test_scrapy_list_names_one_spider_per_discovery_method_and_the_combined_one():
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["archive", "feed", "news_sitemap", "sitemap", "source"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-a", "source=capitol_ledger", "-a", "start=2024-13-01"], "-a start='2024-13-01' is not a date (YYYY-MM-DD)"),
        (["-a", "source=capitol_ledger", "-a", "start=20240520"], "-a start='20240520' is not a date (YYYY-MM-DD)"),
        (["-a", "source=capitol_ledger", "-a", "start=2024-05-22", "-a", "end=2024-05-21"], "-a end=2024-05-21 must be after -a start=2024-05-22 (the window is [start, end))"),
        (["-a", "source=nowhere", "-a", "start=2024-05-22"], "no source named 'nowhere' (known: capitol_ledger, daily_courier, harbor_gazette, metro_wire)"),
        (["-a", "source=capitol_ledger", "-a", "start=2024-05-22", "-a", "stat=x"], "unknown argument -a stat=... (expected source, start, end)"),
        (["-a", "start=2024-05-22"], "missing -a source=NAME"),
    ],
)
def test_bad_arguments_give_one_line_usage_error(newsweb_sources, arguments, message):
    result = scrapy("crawl", "source", *arguments, sources=newsweb_sources)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.endswith(message) and ": error: " in last  # "scrapy: error: ..." (prog name varies)


def test_a_method_the_source_does_not_configure_is_a_usage_error(newsweb_sources):
    result = scrapy("crawl", "feed", "-a", "source=metro_wire", "-a", "start=2024-05-22", sources=newsweb_sources)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        ": error: source 'metro_wire' configures no feeds: use the 'source' spider or another method"
    )


# --- each discovery method, over a window with both boundary cases -------------------

BOUNDARY = (date(2024, 5, 22), date(2024, 5, 24))  # 00:00:00Z on the first day, 23:59:59Z on the last


@pytest.mark.parametrize("spider", ["news_sitemap", "sitemap", "feed"])
def test_dated_discovery_finds_exactly_the_windows_articles(newsweb, crawl, spider):
    result = crawl(spider, "capitol_ledger", *BOUNDARY)
    expected = expected_urls(newsweb, "capitol_ledger", *BOUNDARY)
    assert result.item_urls == expected
    assert result.stats.articles == len(expected) == len(result.items)
    cases = {a.case for a in newsweb.expected_articles() if a.url in result.item_urls}
    assert {"window boundary 00:00:00Z", "window boundary 23:59:59Z"} <= cases
    method = {"news_sitemap": "news_sitemaps", "sitemap": "sitemaps", "feed": "feeds"}[spider]
    assert result.stats.listed[f"{method}/out_of_window"] > 0  # the other days were listed and left alone
    assert all(key.startswith(f"{method}/") for key in result.stats.listed)
    outside = [path for path in result.requested_paths() if path.startswith(("/2024/05/21/", "/2024/05/24/"))]
    assert outside == []  # the days around the window were listed, not fetched


def test_sitemap_index_children_are_followed_despite_a_stale_lastmod(crawl, newsweb):
    result = crawl("sitemap", "capitol_ledger", *BOUNDARY)
    assert "/sitemap-index.xml" in result.requested_paths()
    assert "/sitemaps/2024-05.xml" in result.requested_paths()  # its own lastmod predates the window
    assert result.item_urls


def test_archive_follows_each_days_pagination(newsweb, crawl):
    window = (date(2024, 5, 24), date(2024, 5, 26))  # 4 and 7 stories, 3 per archive page
    result = crawl("archive", "harbor_gazette", *window)
    assert result.item_urls == expected_urls(newsweb, "harbor_gazette", *window)
    paths = result.requested_paths()
    assert {"/archive/2024/05/24/", "/archive/2024/05/24/?page=2", "/archive/2024/05/25/?page=3"} <= set(paths)
    assert not any(path.startswith(("/archive/2024/05/23/", "/archive/2024/05/26/")) for path in paths)
    assert all(item["listed_on"].startswith(newsweb.base_urls["harbor_gazette"] + "/archive/2024/05/2") for item in result.items)


# --- the combined spider over a week of the publisher: robots and every trouble page ---


@pytest.fixture(scope="module")
def week(crawl) -> Crawl:
    return crawl("source", "capitol_ledger", *WEEK)


@pytest.fixture(scope="module")
def trouble(newsweb) -> dict[str, str]:
    return newsweb.trouble_urls()


def _path(url: str) -> str:
    return urlsplit(url).path


def pages_at(crawl: Crawl, url: str) -> list[RawPage]:
    return [page for page in crawl.pages if page.url == url]


def test_source_spider_fetches_every_article_once_across_three_discovery_methods(newsweb, week, trouble):
    assert week.item_urls == expected_urls(newsweb, "capitol_ledger", *WEEK)
    assert {"news_sitemaps/in_window", "sitemaps/in_window", "feeds/in_window"} <= set(week.stats.listed)
    fetched_twice = {path for path, n in week.requested_paths().items() if n > 1}
    assert fetched_twice == {_path(trouble["flaky"])}  # one dupefilter; only the retried page twice


def test_robots_disallowed_url_is_never_requested(week, trouble):
    assert "/robots.txt" in week.requested_paths()
    assert not any(path.startswith("/private/") for path in week.requested_paths())
    assert week.stats.error_counts["robots_forbidden"] == 1
    assert re.search(r"INFO: refused by robots\.txt: http://127\.0\.0\.11:\d+/private/", week.log)  # named for the operator


def test_404_is_recorded_and_counted(week, trouble):
    [page] = pages_at(week, trouble["not_found"])
    assert page.status == 404
    assert week.stats.responses_by_status[404] == 1
    assert week.stats.error_counts["http_errors"] == 1


def test_500_is_retried_then_fetched(week, trouble):
    assert [page.status for page in pages_at(week, trouble["flaky"])] == [500, 200]
    assert trouble["flaky"] in week.item_urls


def test_redirect_chain_is_followed_and_every_hop_recorded(newsweb, week, trouble):
    hops = []
    url = trouble["redirect"]
    while True:
        [page] = pages_at(week, url)
        hops.append(page.status)
        if page.status not in (301, 302):
            break
        url = urljoin(url, page.headers["location"])
    assert hops == [301, 302, 200]
    assert url in week.item_urls and trouble["redirect"] not in week.item_urls


def test_non_html_page_is_recorded_but_is_not_an_article(week, trouble):
    [page] = pages_at(week, trouble["not_html"])
    assert page.status == 200 and page.content_type == "application/pdf" and page.body.startswith(b"%PDF-")
    assert trouble["not_html"] not in week.item_urls
    assert week.stats.skipped_article_pages["not_html"] == 1


def test_empty_page_is_recorded_but_is_not_an_article(week, trouble):
    [page] = pages_at(week, trouble["empty"])
    assert page.status == 200 and not page.body.strip()
    assert trouble["empty"] not in week.item_urls
    assert week.stats.skipped_article_pages["empty"] == 1


def test_page_over_the_size_limit_is_dropped_and_counted(week, trouble):
    assert pages_at(week, trouble["too_large"]) == []
    assert week.stats.error_counts["size_limit"] == 1


def test_every_response_is_in_the_warc_with_its_request(week, trouble):
    recorded = Counter((_path(page.url), page.status) for page in week.pages)
    # The news web logs the too-large page as sent; the crawler dropped it unread.
    served = Counter((path, status) for _ip, path, status in week.requests if path != _path(trouble["too_large"]))
    assert recorded == served
    assert week.stats.pages_fetched == len(week.pages)
    assert week.stats.warc_records == 2 * len(week.pages)  # a request record per response
