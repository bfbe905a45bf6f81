"""Downloader middlewares: the private-address guard and the count of failed downloads."""

from __future__ import annotations

import ipaddress
import logging

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from pipeline.addresses import is_public

logger = logging.getLogger(__name__)
FIRST_FAILURE_STAT = "wirelake/first_failure"


def note_first_failure(stats, failure: str) -> None:
    """Keep the crawl's first failure of any kind ("HTTP 500 at URL", "URL is not a valid RSS or
    Atom feed"): a failed crawl's one-line error quotes it, so that the cause is not only in the log."""
    if not stats.get_value(FIRST_FAILURE_STAT):
        stats.set_value(FIRST_FAILURE_STAT, failure)


class PrivateAddressGuard:
    """Refuses requests to hosts that resolve to private, loopback, link-local or reserved
    addresses, unless WIRELAKE_ALLOW_PRIVATE_ADDRESSES (the source's allow_private_addresses).

    Sitemaps, feeds and redirects can point anywhere; without this a listed URL could make
    the crawler fetch an internal service. The host is resolved through the reactor's
    resolver, Scrapy's caching one, so the address checked is the one the download uses.
    It runs first (priority 50), so a refused host does not even get its robots.txt fetched.
    """

    def __init__(self, crawler):
        self.allow = crawler.settings.getbool("WIRELAKE_ALLOW_PRIVATE_ADDRESSES")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler) -> "PrivateAddressGuard":
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if self.allow:
            return None
        host = urlparse_cached(request).hostname or ""
        try:
            address = str(ipaddress.ip_address(host))
        except ValueError:
            from twisted.internet import reactor  # the installed one, known only once the crawl runs

            try:
                address = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:  # noqa: BLE001 - an unresolvable host fails in the download and is counted there
                return None
        if not is_public(address):
            self.stats.inc_value("wirelake/refused_private_address")
            refusal = f"refused {request.url}: {host} resolves to the non-public address {address} (allow_private_addresses is false)"
            note_first_failure(self.stats, refusal)
            logger.warning("%s", refusal)
            raise IgnoreRequest(f"{host} resolves to the non-public address {address}")
        return None


ROBOTS_REFUSAL = "Forbidden by robots.txt"  # RobotsTxtMiddleware's IgnoreRequest; a dropped robots.txt request is none


class FailedDownloadCounter:
    """Counts downloads that failed for good: it sits just below RetryMiddleware (550), so
    it sees only what retries gave up on, and pages dropped by DOWNLOAD_MAXSIZE.

    Scrapy logs these but keeps no stat of them; the crawl's caller needs the count.
    Refusals (robots.txt, private addresses, offsite) are IgnoreRequest and counted by
    the middleware that refused; Scrapy names a URL robots.txt refused only at DEBUG, so
    it is logged here, for the operator reading the crawl's log. The first failure of any
    kind, an HTTP error status too, is kept as a stat: a failed crawl's one-line error names it.
    """

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler) -> "FailedDownloadCounter":
        return cls(crawler.stats)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            if str(exception) == ROBOTS_REFUSAL:
                logger.info("refused by robots.txt: %s", request.url)
            return None
        if isinstance(exception, DownloadCancelledError):
            self.stats.inc_value("wirelake/size_limit_dropped")
            note_first_failure(self.stats, f"{request.url} is larger than politeness.max_page_bytes")
        else:
            self.stats.inc_value(f"wirelake/download_failed/{type(exception).__name__}")
            note_first_failure(self.stats, f"{type(exception).__name__} at {request.url}")
        return None

    def process_response(self, request: Request, response, spider=None):
        self.stats.inc_value("wirelake/urls_answered")  # once per URL: a response retried never gets here
        if response.status >= 400 and not request.meta.get("dont_obey_robotstxt"):  # a missing robots.txt is no failure
            note_first_failure(self.stats, f"HTTP {response.status} at {request.url}")
        return response
