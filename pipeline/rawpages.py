"""Reading the raw zone: the HTTP responses a crawl recorded in its WARC.

Extraction reads pages only through here, never from a live crawl, so any old raw
partition can be re-extracted without fetching again. A WARC that is cut short, not a WARC
at all, corrupt (gzip CRC, or a record's block digest) raises RawPagesError: a partition is never
built from part of one.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from pipeline.limits import TOO_LARGE, read_bounded

HTML_TYPES = ("text/html", "application/xhtml+xml")
_UNTYPED = ("", "application/octet-stream")
_SNIFF_BYTES = 1024
# a BOM, blanks and comments, then a doctype or <html>/<head>/<body> (WHATWG's sniffing reads the same tags)
_HTML_OPENING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)

_MALFORMED = (ArchiveLoadFailed, StatusAndHeadersParserException, OSError, EOFError, ValueError, zlib.error)
_GZIP_MAGIC = b"\x1f\x8b"
_HTTP_SCHEMES = ("http:", "https:")
_CHUNK = 1 << 16


class RawPagesError(Exception):
    """A WARC file is missing or unreadable; the message names the file (and record)."""


class _PageTooLarge(Exception):
    """A whole, readable record whose page is larger than extraction takes (see _bounded_body)."""


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
        return is_html(self.content_type, self.body)


def is_html(content_type: str, body: bytes) -> bool:
    """An HTML page by its media type; without a usable one (none, or the octet-stream default
    some servers send), by its opening markup. Judged only by the header otherwise: a PDF served
    at a .html URL is no page. Hand-written because Scrapy's sniffing (responsetypes) also reads
    the URL, and this must judge a stored response the same way in the spider and the WARC reader."""
    if content_type in HTML_TYPES:
        return True
    return content_type in _UNTYPED and bool(_HTML_OPENING.match(body[:_SNIFF_BYTES]))


def media_type(content_type: str) -> str:
    """'text/html; charset=utf-8' -> 'text/html'."""
    return content_type.split(";")[0].strip().lower()


def _headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def iter_pages(warc_path: str | os.PathLike, name: str | None = None, expected_records: int | None = None) -> Iterator[RawPage]:
    """Every response record of the WARC, in crawl order (redirects, errors, robots.txt included).

    RawPagesError names the file (as `name`, when warc_path is a local copy of a stored
    object) and the last good record when the file is missing, cut short, corrupt or not a
    WARC, or holds fewer than `expected_records` request and response records (what the
    crawl's stats say it wrote: a file cut exactly at a record's end reads as whole). Pages before the damage are
    yielded first, so a caller must let the error end its work rather than keep what it got
    (collecting with list() does).
    """
    name = name or str(warc_path)
    try:
        handle = open(warc_path, "rb")  # noqa: SIM115 - closed by the with below; open errors get our message
    except OSError as exc:
        raise RawPagesError(f"{name}: cannot open WARC: {exc.strerror}") from exc
    with handle:
        intact, gzip_problem = _intact_gzip_prefix(handle)
        handle.seek(0)
        # warcio gets only whole gzip members, so every record it reads is whole, and the gzip CRC
        # has caught any changed byte. An uncompressed WARC has no CRC: there the block digest
        # catches a changed byte (_check_block_digest). Payload digests are not held against a
        # file: warcio computes them over the still-chunked body (warcio issues #74/#75).
        records = ArchiveIterator(LimitReader(handle, intact), check_digests=True)
        count, exchanges, where = 0, 0, "at the first record"
        while True:
            try:
                record = _next_record(records)
                if record is None:
                    break
                page = _page(record)
            except _PageTooLarge as exc:
                raise RawPagesError(f"{name}: {exc}") from None
            except _MALFORMED as exc:
                raise RawPagesError(f"{name}: unreadable WARC {where}: {_one_short_line(exc)}") from exc
            count += 1
            exchanges += record.rec_type in ("request", "response")
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"after the {record.rec_type} record" + (f" of {uri}" if uri else "")
            if page is not None:
                yield page
        if gzip_problem:
            raise RawPagesError(f"{name}: unreadable WARC {where}: {gzip_problem}")
        # warcio takes a record cut inside its headers for the end of the file: only text is left after the last record.
        end = records.get_record_offset() + records.get_record_length() if count else 0
        handle.seek(end)
        if handle.read(min(_CHUNK, intact - end)).strip():  # not past `intact`: a gzip WARC's padding is no record
            raise RawPagesError(f"{name}: unreadable WARC {where}: the file ends inside a record's headers (truncated?)")
        if count == 0:
            raise RawPagesError(f"{name}: no WARC records (empty file?)")
        if expected_records and exchanges < expected_records:
            raise RawPagesError(f"{name}: {exchanges} request and response records where the crawl wrote {expected_records} (cut short at a record's end?)")


def _next_record(records: ArchiveIterator) -> ArcWarcRecord | None:
    """warcio's next record, None at the end. warcio fails on a record cut inside its headers
    with AttributeError/TypeError (a header it needs reads as None): only here do those two
    mean a bad file rather than a bug of ours."""
    try:
        return next(records, None)
    except (AttributeError, TypeError) as exc:
        raise ValueError("malformed record headers") from exc


def _page(record: ArcWarcRecord) -> RawPage | None:
    """The record as a RawPage if it is an HTTP response, after checking it is whole."""
    if record.format != "warc":  # warcio also reads the older ARC format, and takes any text for it
        raise ValueError("not a WARC record")
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    # warcio parses an HTTP message only for http(s) targets; a dns: lookup's response is no page
    page = _http_response(record, url) if record.rec_type == "response" and url.startswith(_HTTP_SCHEMES) else None
    _read_to_end(record)
    _check_block_digest(record)
    return page


def _check_block_digest(record: ArcWarcRecord) -> None:
    """ValueError when the record's bytes differ from its WARC-Block-Digest. warcio (with
    check_digests=True) only collects problems; of them, an unknown algorithm is no damage and
    payload digests are unreliable (see iter_pages), so only a failed block digest counts."""
    if any(problem.startswith("block digest failed") for problem in record.digest_checker.problems):
        digest = record.rec_headers.get_header("WARC-Block-Digest")
        raise ValueError(f"the record's bytes do not match its WARC-Block-Digest {digest} (changed on disk?)")


def _http_response(record: ArcWarcRecord, url: str) -> RawPage:
    """The response record as a RawPage; ValueError names a part it lacks (warcio yields those as None or '')."""
    status = record.http_headers.get_statuscode() if record.http_headers else ""
    if not re.fullmatch(r"[0-9]{3}", status):
        raise ValueError("a response record without a valid HTTP status line")
    if not (fetched := record.rec_headers.get_header("WARC-Date")):
        raise ValueError("a response record without WARC-Date")
    headers = _headers(record.http_headers.headers)
    return RawPage(
        url=url,
        status=int(status),
        headers=headers,
        content_type=media_type(headers.get("content-type", "")),
        body=_bounded_body(record, url),
        fetched_at=datetime.fromisoformat(fetched).astimezone(UTC),
    )


def _bounded_body(record: ArcWarcRecord, url: str) -> bytes:
    """The response's body, decoded (warcio undoes its Content-Encoding), read no further than just
    past the page limit: a WARC from elsewhere may hold a page no crawl of ours keeps, or a
    compressed body that inflates to gigabytes."""
    if (body := read_bounded(record.content_stream())) is None:
        raise _PageTooLarge(f"the response of {url} is {TOO_LARGE}")
    return body


def _read_to_end(record: ArcWarcRecord) -> None:
    """Raise EOFError if the record's block is shorter than its Content-Length.

    warcio reads a record cut short (an uncompressed WARC that was truncated) as a shorter
    record without complaint; only the bytes left unread against Content-Length tell.
    """
    # warcio reads a missing Content-Length as "the rest of the file" and a bad one as 0
    if (length := record.rec_headers.get_header("Content-Length")) is None:
        raise ValueError("no Content-Length header")
    if not length.isdigit():
        raise ValueError(f"bad Content-Length {length!r}")
    while record.raw_stream.read(_CHUNK):
        pass
    if record.raw_stream.limit:
        raise EOFError(f"the file ends {record.raw_stream.limit} bytes before the end of a record (truncated?)")


def _intact_gzip_prefix(handle: BinaryIO) -> tuple[int, str | None]:
    """(bytes of whole gzip members at the start of the file, what is wrong after them or None).

    warcio decompresses a gzip WARC member by member but never checks that the last member
    was finished: a truncated file just ends early, and its half record reads as a whole,
    shorter one. So we inflate the file once ourselves (zlib, not gzip.GzipFile, because we
    need where the last whole member ends, to name the last good record). A file that is
    not gzip is read whole by warcio; _read_to_end catches its truncation. NUL bytes after
    the last member are padding to a block size, which some writers add and `gzip -d` ignores.
    """
    if handle.read(len(_GZIP_MAGIC)) != _GZIP_MAGIC:
        return os.fstat(handle.fileno()).st_size, None
    handle.seek(0)
    end, problem = _whole_gzip_members(handle)
    if problem and _only_nul_bytes_from(handle, end):
        return end, None
    return end, problem


def _whole_gzip_members(handle: BinaryIO) -> tuple[int, str | None]:
    """(where the last whole gzip member ends, what is wrong after it or None)."""
    read = member_start = 0
    member = zlib.decompressobj(zlib.MAX_WBITS | 16)  # | 16: gzip header and trailer, CRC checked
    while data := handle.read(_CHUNK):
        read += len(data)
        while data:
            try:
                # output is only checked, then dropped; max_length keeps a highly compressed
                # chunk from inflating into a huge buffer (the rest waits in unconsumed_tail)
                member.decompress(data, _CHUNK)
            except zlib.error as exc:
                return member_start, f"corrupt gzip data ({_one_short_line(exc)})"
            if member.eof:
                data = member.unused_data  # the next members, if this chunk holds them
                member_start = read - len(data)
                member = zlib.decompressobj(zlib.MAX_WBITS | 16)
            else:
                data = member.unconsumed_tail  # empty once this chunk is used up: read the next
    if member_start < read:
        return member_start, "the file ends inside a gzip member (truncated?)"
    return read, None


def _only_nul_bytes_from(handle: BinaryIO, offset: int) -> bool:
    handle.seek(offset)
    return not any(chunk.strip(b"\0") for chunk in iter(lambda: handle.read(_CHUNK), b""))


def _one_short_line(exc: BaseException, limit: int = 80) -> str:
    """The exception's text on one line, cut at `limit` characters or at the first that is not
    printable ASCII: warcio quotes the line it could not parse, for a binary file raw bytes."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    readable = re.match(r"[ -~]*", text).group()[:limit]  # up to the first character that is not printable ASCII
    return readable if readable == text else f"{readable}..."
