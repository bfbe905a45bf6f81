"""Reading the raw zone: the HTTP responses a crawl recorded in its WARC.

Extraction reads pages only through here, never from a live crawl, so any old raw
partition can be re-extracted without fetching again.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders

HTML_TYPES = ("text/html", "application/xhtml+xml")


class RawPagesError(Exception):
    """A WARC file is missing or unreadable; the message names the file (and record)."""


@dataclass(frozen=True)
class RawPage:
    """One recorded HTTP response, its body already freed of Content-Encoding. The body stays
    bytes: extraction decodes it (pipeline.extract.decode_html), the one decoder for all callers."""

    url: str
    status: int
    headers: dict[str, str]
    """Lower-case names; repeated headers joined with ', ' (RFC 9110 field combining)."""
    content_type: str
    """Media type, lower case, without parameters; '' when the response had none."""
    body: bytes
    fetched_at: datetime
    """When the response arrived (WARC-Date), aware UTC."""

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


def media_type(content_type: str) -> str:
    """'text/html; charset=utf-8' -> 'text/html'."""
    return content_type.split(";")[0].strip().lower()


def _headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def iter_pages(warc_path: str | os.PathLike) -> Iterator[RawPage]:
    """Every response record of the WARC, in crawl order (redirects, errors, robots.txt included)."""
    for url, http_headers, warc_date, body in _response_records(warc_path):
        headers = _headers(http_headers.headers)
        yield RawPage(
            url=url,
            status=int(http_headers.get_statuscode()),
            headers=headers,
            content_type=media_type(headers.get("content-type", "")),
            body=body,
            fetched_at=datetime.fromisoformat(warc_date).astimezone(UTC),
        )


def _response_records(warc_path: str | os.PathLike) -> Iterator[tuple[str, StatusAndHeaders, str, bytes]]:
    """(target URI, HTTP headers, WARC-Date, decoded body) per response; RawPagesError
    naming the file and the last good record when warcio cannot go on."""
    try:
        handle = open(warc_path, "rb")  # noqa: SIM115 - closed by the with below; open errors get our message
    except OSError as exc:
        raise RawPagesError(f"{warc_path}: cannot open WARC: {exc.strerror}") from None
    with handle:
        records, count, last = ArchiveIterator(handle), 0, "the first record"
        while True:
            try:
                record = next(records, None)
                if record is None:
                    break
                if record.format != "warc":  # warcio also reads the older ARC format, and takes any text for it
                    raise ValueError("not a WARC record")
                count += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                last = url = record.rec_headers.get_header("WARC-Target-URI")
                item = (url, record.http_headers, record.rec_headers.get_header("WARC-Date"), record.content_stream().read())
            except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
                raise RawPagesError(f"{warc_path}: unreadable WARC record after {last}: {exc}") from None
            yield item
        if count == 0:
            raise RawPagesError(f"{warc_path}: no WARC records (empty file?)")
