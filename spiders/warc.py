"""The raw zone: every HTTP exchange of a crawl, written to one gzip WARC with warcio."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import scrapy
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.utils.httpobj import urlparse_cached
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

# Scrapy hands over a de-chunked body, so the record must not claim chunked framing.
# Content-Encoding stays: the body is kept compressed exactly as served.
_DROPPED_RESPONSE_HEADERS = {"transfer-encoding"}


def _header_pairs(headers: Headers, dropped: set[str] = frozenset()) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        if name.decode("latin-1").lower() not in dropped
        for value in values
    ]


class WarcRecorder:
    """Downloader middleware writing a request and a response record per exchange to
    WIRELAKE_WARC_PATH.

    It sits next to the download handler (priority 950, below HttpCacheMiddleware), so it
    sees each response as it came off the wire, before retries, redirects and
    decompression act on it: robots.txt, a 500 that is retried, every hop of a redirect
    chain, error pages and compressed bodies are all kept as fetched. The file is written
    under a .partial name and renamed when the spider closes, so a WARC at the final path
    is complete.
    """

    def __init__(self, path: Path, stats):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.stats = stats
        self._file = None
        self._writer: WARCWriter | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "WarcRecorder":
        path = crawler.settings.get("WIRELAKE_WARC_PATH")
        if not path:
            raise NotConfigured("WIRELAKE_WARC_PATH is not set")
        recorder = cls(Path(path), crawler.stats)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider) -> None:
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.partial, "wb")  # noqa: SIM115 - open for the whole crawl, closed in spider_closed
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        info = {"software": f"wirelake (Scrapy {scrapy.__version__})", "format": "WARC File Format 1.1", "spider": spider.name}
        if entry := getattr(spider, "entry", None):
            info.update(source=entry.name, window=str(spider.window))
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))

    def spider_closed(self, spider) -> None:
        if self._file is not None:
            self._file.close()
            os.replace(self.partial, self.path)
            self._file = None
            self.stats.set_value("wirelake/warc_bytes", self.path.stat().st_size)  # how a stored copy is known whole

    def process_response(self, request: Request, response: Response) -> Response:
        fetched_at = datetime.now(UTC)
        response_record = self._response_record(response, fetched_at)
        request_record = self._request_record(request, fetched_at, response_record.rec_headers.get_header("WARC-Record-ID"))
        self._writer.write_record(request_record)
        self._writer.write_record(response_record)
        self.stats.inc_value("wirelake/warc_records", 2)
        return response

    def _warc_headers(self, fetched_at: datetime) -> dict[str, str]:
        # warcio formats a naive UTC datetime (an aware one would get "+00:00Z").
        return {"WARC-Date": datetime_to_iso_date(fetched_at.replace(tzinfo=None), use_micros=True)}

    def _response_record(self, response: Response, fetched_at: datetime):
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        http_headers = StatusAndHeaders(
            f"{response.status} {reason}".strip(),
            _header_pairs(response.headers, _DROPPED_RESPONSE_HEADERS),
            protocol=response.protocol or "HTTP/1.1",
        )
        warc_headers = self._warc_headers(fetched_at)
        if response.ip_address:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        return self._writer.create_warc_record(
            response.url, "response", payload=BytesIO(response.body), http_headers=http_headers, warc_headers_dict=warc_headers
        )

    def _request_record(self, request: Request, fetched_at: datetime, response_id: str):
        parts = urlparse_cached(request)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # Twisted adds Host on the wire; a WARC request record carries it, so add it back.
        http_headers = StatusAndHeaders(
            f"{request.method} {target} HTTP/1.1", [("Host", parts.netloc), *_header_pairs(request.headers)], is_http_request=True
        )
        warc_headers = {**self._warc_headers(fetched_at), "WARC-Concurrent-To": response_id}
        return self._writer.create_warc_record(
            request.url, "request", payload=BytesIO(request.body), http_headers=http_headers, warc_headers_dict=warc_headers
        )
