"""The delays a site asks for: robots.txt's Crawl-delay and the Retry-After of a 429 or 503.

Scrapy obeys robots.txt's rules but not its Crawl-delay, and its RetryMiddleware retries a 429
at the slot's delay whatever the server said it needs. Publishers state both to be left alone
for a while; a polite crawler waits. No Scrapy setting or maintained add-on does either, so this
middleware sets the host's download-slot delay itself, through the downloader's public `slots`
and `get_slot_key`, and the documented `robots_parsed` signal and `autothrottle_dont_adjust_delay` meta key.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, signals
from scrapy.http import Response

from pipeline.crawl import CRAWL_DELAY

logger = logging.getLogger(__name__)

RETRY_AFTER_STAT = "wirelake/retry_after_waits"
_ASKING_STATUSES = (429, 503)  # the statuses whose Retry-After asks a client to wait (RFC 9110 §10.2.3)


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """Seconds a Retry-After header value asks for (delay-seconds or an HTTP date), None if unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT; "-0000" parses naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RequestedDelays:
    """Keeps a host's requests at least its robots.txt Crawl-delay apart (AutoThrottle may not
    lower that host's delay, jitter may not shorten it), and after a 429 or 503 with Retry-After
    sends that host nothing until the time it named, then returns to the delay it had before.

    Both act on the host's download slot. Retry-After is read on `response_downloaded`, which the
    downloader sends before it takes the slot's next request, as AutoThrottle does: read later,
    in process_response, one more request would already be on its way. A downloader middleware
    after RobotsTxtMiddleware (100), it marks each request to a host with a Crawl-delay, which
    robots.txt has been parsed for by then. A wait longer than the crawl has left ends in
    politeness.max_crawl_minutes.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings["USER_AGENT"]
        self.crawl_delayed: set[str] = set()  # slot keys whose robots.txt asked for more than politeness.delay
        self.delays_before_waiting: dict[str, tuple[float, float]] = {}  # slot key -> its delay and jitter before a Retry-After
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler) -> "RequestedDelays":
        return cls(crawler)

    @property
    def downloader(self):
        return self.crawler.engine.downloader

    def robots_parsed(self, robotparser, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent)
        key = self.downloader.get_slot_key(request)
        if not asked or asked <= self.crawler.settings.getfloat("DOWNLOAD_DELAY"):  # politeness.delay already waits as long
            return
        self.crawl_delayed.add(key)
        # per-slot settings also hold for the slot made anew after the idle slot is collected
        self.downloader.per_slot_settings[key] = {**self.downloader.per_slot_settings.get(key, {}), "delay": asked, "jitter": 0.0}
        if slot := self.downloader.slots.get(key):  # made by the robots.txt request
            slot.delay, slot.jitter = asked, 0.0
        self.stats.set_value(CRAWL_DELAY + key, asked)
        logger.info("robots.txt of %s asks for %s s between requests: honoured", key, asked)

    def process_request(self, request: Request, spider=None) -> None:
        if self.downloader.get_slot_key(request) in self.crawl_delayed:
            request.meta["autothrottle_dont_adjust_delay"] = True
        return None

    def response_downloaded(self, response: Response, request: Request, spider=None) -> None:
        key = self.downloader.get_slot_key(request)
        if (slot := self.downloader.slots.get(key)) is None:
            return
        header = response.headers.get(b"Retry-After")
        if response.status in _ASKING_STATUSES and header:
            wait = retry_after_seconds(header.decode("latin-1"), datetime.now(UTC))
            if wait is not None and wait > slot.delay:
                self.delays_before_waiting.setdefault(key, (slot.delay, slot.jitter))
                # the wait counts from this answer, not from when the request left, and no jitter shortens it
                slot.delay, slot.jitter, slot.lastseen = wait, 0.0, time.monotonic()
                self.stats.inc_value(RETRY_AFTER_STAT)
                logger.info("%s answered %d with Retry-After %s: nothing more to %s for %.0f s", request.url, response.status, header.decode("latin-1"), key, wait)
        elif response.status < 400 and key in self.delays_before_waiting:
            slot.delay, slot.jitter = self.delays_before_waiting.pop(key)
            slot.close()  # cancels the next request's call timed by the wait; the downloader times it anew
