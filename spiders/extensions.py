"""Extensions of every crawl: the stats file (how callers judge a crawl, since `scrapy crawl`
exits 0 when callbacks raise) and the crawl's end with the process that started it."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from pipeline.crawl import CrawlStats


class CrawlStatsFile:
    """Writes CrawlStats as JSON to WIRELAKE_STATS_PATH when the engine stops.

    engine_stopped comes after spider_closed, when Scrapy's core stats (finish_reason,
    elapsed_time_seconds) are final. The file is replaced atomically, so a reader never
    sees half of it.
    """

    def __init__(self, path: Path, crawler):
        self.path = path
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "CrawlStatsFile":
        path = crawler.settings.get("WIRELAKE_STATS_PATH")
        if not path:
            raise NotConfigured("WIRELAKE_STATS_PATH is not set")
        extension = cls(Path(path), crawler)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        spider = self.crawler.spider
        stats = CrawlStats.from_scrapy_stats(
            self.crawler.stats.get_stats(), source=spider.entry.name, start=spider.window.start, end=spider.window.end, spider=spider.name
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(stats.to_dict(), indent=2) + "\n", encoding="utf-8")
        os.replace(partial, self.path)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class DieWithParent:
    """Ends the crawl when the process that started it (WIRELAKE_PARENT_PID) dies, however it
    died: Linux sends this process SIGKILL then. A `wirelake crawl` or an Airflow task killed
    with SIGKILL would otherwise leave its crawl fetching on, outside the source's pool and its
    politeness budget. No library offers this; prctl is one call through ctypes. A parent gone
    before the call is caught by comparing parent ids. Linux only; elsewhere not configured.
    (The signal follows the parent *thread* that started the child: the CLI and Airflow's task
    runner start crawls from their main thread.)"""

    @classmethod
    def from_crawler(cls, crawler) -> "DieWithParent":
        parent = crawler.settings.getint("WIRELAKE_PARENT_PID")
        if not parent or not sys.platform.startswith("linux"):
            raise NotConfigured("no WIRELAKE_PARENT_PID, or not Linux")
        if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise NotConfigured(f"prctl: {os.strerror(ctypes.get_errno())}")
        if os.getppid() != parent:
            os._exit(1)  # the parent died before the call: nobody will read this crawl
        return cls()


class CrawlDeadline:
    """Ends the crawl after WIRELAKE_CRAWL_DEADLINE seconds (politeness.max_crawl_minutes), with
    Scrapy's finish reason closespider_timeout, and fetches nothing more.

    Scrapy's own CLOSESPIDER_TIMEOUT closes the spider but lets the downloader fetch every request
    it had already queued, one per politeness delay: minutes past the cap once AutoThrottle has
    raised the delay. No setting drops them, so this does, through the downloader's slot queues
    (Scrapy internals: the version is pinned in constraints.txt, and tests/test_crawl.py checks it).
    """

    def __init__(self, crawler, seconds: float):
        self.crawler, self.seconds, self.call = crawler, seconds, None

    @classmethod
    def from_crawler(cls, crawler) -> "CrawlDeadline":
        seconds = crawler.settings.getfloat("WIRELAKE_CRAWL_DEADLINE")
        if seconds <= 0:
            raise NotConfigured("no WIRELAKE_CRAWL_DEADLINE")
        extension = cls(crawler, seconds)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.call = call_later(self.seconds, self._stop)

    def spider_closed(self, spider) -> None:
        if self.call is not None:
            self.call.cancel()
            self.call = None

    def _stop(self) -> None:
        self.call = None
        stop_crawl(self.crawler, "closespider_timeout", "crawl time limit")


STOPPED_STAT = "wirelake/stopped"  # why stop_crawl stopped the crawl


def stop_crawl(crawler, reason: str, why: str) -> None:
    """Close the spider with `reason` and drop what the downloader still had queued (see
    CrawlDeadline), and what reaches it later (StoppedCrawlGuard); each dropped request fails
    with IgnoreRequest saying `why`."""
    crawler.stats.set_value(STOPPED_STAT, why)
    engine = crawler.engine
    deferred_from_coro(engine.close_spider_async(reason=reason))  # the scheduler hands out nothing more
    for slot in engine.downloader.slots.values():
        while slot.queue:
            request, queued = slot.queue.popleft()
            queued.errback(Failure(_dropped(crawler, why, request)))


def _dropped(crawler, why: str, request) -> IgnoreRequest:
    crawler.stats.inc_value("wirelake/stop_dropped")
    return IgnoreRequest(f"{why}: {request.url} not fetched")


class StoppedCrawlGuard:
    """Drops a request that reaches the downloader after stop_crawl. Closing the spider stops the
    scheduler, but a request another middleware held back stays on its way: a feed waiting for its
    host's robots.txt went on to its slot once the stop dropped the robots.txt request, and the close
    waited out the politeness delay for it (Scrapy holds even a host's first request while the delay
    exceeds the machine's uptime: hours, for a delay of hours). Last among the downloader
    middlewares (990), so that it sees every request just before its slot."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "StoppedCrawlGuard":
        return cls(crawler)

    def process_request(self, request) -> None:
        if why := self.crawler.stats.get_value(STOPPED_STAT):
            raise _dropped(self.crawler, why, request)
