"""The delays a site asks for: robots.txt's Crawl-delay and the Retry-After of a 429 or 503.

Scrapy obeys robots.txt's rules but not its Crawl-delay, and its RetryMiddleware retries a 429
at the slot's delay whatever the server said it needs. Publishers state both to be left alone
for a while; a polite crawler waits. No Scrapy setting or maintained add-on does either, so this
extension acts on the host's download slot, on the documented `robots_parsed` and
`response_downloaded` signals. It writes the slot's `delay`, `jitter` and `lastseen` and the
downloader's `per_slot_settings`, which are Scrapy internals: the version is pinned in
constraints.txt, and tests/test_crawl.py checks the behaviour.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, signals
from scrapy.http import Response

from pipeline.crawl import CRAWL_DELAY_STAT, RETRY_AFTER_STAT
from spiders.extensions import stop_crawl

logger = logging.getLogger(__name__)

_ASKING_STATUSES = (429, 503)  # the statuses whose Retry-After asks a client to wait (RFC 9110 §10.2.3)
_LEAST_DELAY = 0.001  # the downloader skips its wait altogether at a delay of 0
STOP_REASON = "retry_after"
"""The finish reason of a crawl a host asked to wait longer than it had left."""


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """Seconds a Retry-After header value asks for (delay-seconds or an HTTP date), None if unreadable."""
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):  # not str.isdigit, which passes "²"
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT; "-0000" parses naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RequestedDelays:
    """Keeps a host's requests at least its robots.txt Crawl-delay apart, and after a 429 or 503
    with Retry-After sends that host nothing until the time it named.

    Crawl-delay: the host's slot loses its jitter (which would shorten the delay by up to half),
    and after each response its delay is raised back to the Crawl-delay if AutoThrottle, whose
    handler of the same signal runs first (extensions are made before the engine's), lowered it;
    AutoThrottle may still raise it for a slow host.
    Retry-After: the slot's last request is dated to the end of the wait, so the downloader holds
    the host until then and then goes on at the slot's own delay, whatever answers in flight do.
    Both are read on `response_downloaded`, which the downloader sends before it takes the slot's
    next request. A wait longer than the crawl has left stops the crawl at once (STOP_REASON):
    Airflow's retry comes back later, rather than the crawl idling until max_crawl_minutes.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings["USER_AGENT"]
        self.deadline_seconds = crawler.settings.getfloat("WIRELAKE_CRAWL_DEADLINE")
        self.started = time.monotonic()
        self.crawl_delays: dict[str, float] = {}  # slot key -> seconds its robots.txt asked, beyond politeness.delay
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler) -> "RequestedDelays":
        return cls(crawler)

    @property
    def downloader(self):
        return self.crawler.engine.downloader

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()  # as CrawlDeadline counts

    def robots_parsed(self, robotparser, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent)
        key = self.downloader.get_slot_key(request)
        slot = self.downloader.slots.get(key)  # made by the robots.txt request
        delay = self.crawler.settings.getfloat("DOWNLOAD_DELAY")
        if not asked or slot is not None and asked <= delay * (1 - slot.jitter):  # politeness.delay already waits as long
            return
        asked = max(asked, self.crawl_delays.get(key, 0.0))  # two ports of one host share its slot: the longer one holds
        self.crawl_delays[key] = asked
        # per-slot settings also hold for the slot made anew after an idle one is collected
        self.downloader.per_slot_settings[key] = {**self.downloader.per_slot_settings.get(key, {}), "delay": max(asked, delay), "jitter": 0.0}
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, asked), 0.0
        self.stats.set_value(CRAWL_DELAY_STAT + key, asked)
        logger.info("robots.txt of %s asks for %g s between requests: honoured", key, asked)

    def response_downloaded(self, response: Response, request: Request, spider=None) -> None:
        key = self.downloader.get_slot_key(request)
        if (slot := self.downloader.slots.get(key)) is None:
            return
        if key in self.crawl_delays:
            slot.delay = max(slot.delay, self.crawl_delays[key])
        header = response.headers.get(b"Retry-After")
        if response.status in _ASKING_STATUSES and header:
            self._hold(key, slot, request, response.status, header.decode("latin-1"))

    def _hold(self, key: str, slot, request: Request, status: int, header: str) -> None:
        """Send `key` nothing for the seconds its Retry-After `header` asks, unless its delay already waits as long."""
        wait = retry_after_seconds(header, datetime.now(UTC))
        now = time.monotonic()
        if wait is None or now + wait <= slot.lastseen + slot.delay * (1 - slot.jitter):
            return
        slot.delay, slot.lastseen = max(slot.delay, _LEAST_DELAY), now + wait
        self.stats.max_value(RETRY_AFTER_STAT + key, wait)
        if self.deadline_seconds > 0 and now + wait >= self.started + self.deadline_seconds:
            logger.warning("%s answered %d with Retry-After %s: %s asks for %g s, more than the crawl has left; stopping", request.url, status, header, key, wait)
            stop_crawl(self.crawler, STOP_REASON, f"{key} asked to wait {wait:g} s")
            return
        logger.info("%s answered %d with Retry-After %s: nothing more to %s for %g s", request.url, status, header, key, wait)
