"""`wirelake extract FILE_OR_WARC... [--url URL]`: records as JSON lines, for looking at one page.

HTML files are read as pages (one file at --url, else each at its file:// URI), gzipped or
not; WARC files (by name, or by content whatever the name, a pipe's too) give every HTML
page they recorded with status 200, decoded as the pipeline decodes them. All pages form one
batch, so several pages of a site learn its template together, as in a crawl. A binary file
that is neither is an error, not an "empty page".
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple
from urllib.parse import urlsplit

from pipeline.console import IS_EMPTY, counted
from pipeline.extract.charset import decode_html
from pipeline.extract.page import Page, is_page_url, to_record
from pipeline.extract.pagetype import EMPTY, STORY_TYPES
from pipeline.extract.warc_pages import html_pages
from pipeline.limits import MAX_PAGE_BYTES, TOO_LARGE, read_bounded
from pipeline.rawpages import RawPagesError
from pipeline.urls import is_host, written_url_problem

_WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_WARC_MAGIC = b"WARC/"
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 text has NUL bytes and is still text
_SNIFF_BYTES = 8192
_CHUNK = 1 << 16
_STDIN = "/dev/stdin"  # what "-" names


class InputError(Exception):
    """An input file cannot be read; the message names it."""


class InputPage(NamedTuple):
    url: str
    html: str
    fetched_at: datetime | None
    """The WARC record's WARC-Date; None for an HTML file, which records no fetch."""


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _is_warc(path: Path) -> bool:
    """A WARC by its name, or by its first bytes for a regular file (a pipe is first copied
    to one: it can be read only once)."""
    return path.name.lower().endswith(_WARC_SUFFIXES) or (path.is_file() and _starts_as_warc(_first_bytes(path)))


@contextmanager
def _as_regular_file(path: Path, name: str) -> Iterator[Path]:
    """The path itself if it is a regular file; else (/dev/stdin, <(...), /dev/zero) a temporary
    copy of what it gives, which can be sniffed and read again."""
    if path.is_file():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="wirelake-extract-") as tmp:
        copy = Path(tmp) / path.name
        with path.open("rb") as source, copy.open("wb") as target:
            _copy_stream(source, target, name)
        yield copy


def _copy_stream(source: BinaryIO, target: BinaryIO, name: str) -> None:
    """Copy a pipe's or device's bytes. A WARC (known by its first bytes) is copied whole, as it
    would be read from a file; a page stops just past MAX_PAGE_BYTES, as an endless input
    (/dev/zero, `yes`) never ends on its own: gzip makes no page larger, so more bytes than the
    limit hold more HTML than it, gzipped or not."""
    try:
        head = source.read(_SNIFF_BYTES)
        target.write(head)
        if _starts_as_warc(head):
            shutil.copyfileobj(source, target)
            return
        left = MAX_PAGE_BYTES + 1 - len(head)
        while left > 0 and (chunk := source.read(min(left, _CHUNK))):
            target.write(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if left <= 0:
        raise InputError(_too_large(name))


def _first_bytes(path: Path) -> bytes:
    """The file's first bytes, enough to tell a WARC; b"" when they cannot be read (the read
    that follows names the problem)."""
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        return b""


def _starts_as_warc(head: bytes) -> bool:
    """Whether a file's first bytes open a WARC, gzipped or not. Only as much as the magic is
    inflated: the first bytes of a gzip member are far more than that."""
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, len(_WARC_MAGIC))  # | 16: a gzip header
        except zlib.error:
            return False
    return head.startswith(_WARC_MAGIC)


def _html_bytes(path: Path, name: str) -> bytes:
    """An HTML file's bytes, gunzipped; InputError for a file that cannot be read, is binary or
    larger than MAX_PAGE_BYTES (read_bounded: a gzip bomb is inflated no further)."""
    try:
        with path.open("rb") as handle:
            opener = gzip.open if handle.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC else open
        with opener(path, "rb") as handle:
            body = read_bounded(handle)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError: first
        raise InputError(f"{name}: corrupt gzip data ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if body is None:
        raise InputError(_too_large(name))
    if _is_binary(body[:_SNIFF_BYTES]):
        raise InputError(f"{name}: binary content, neither an HTML page nor a WARC")
    return body


def _too_large(name: str) -> str:
    """The error for a page over the limit; its size is not known, as reading stopped there."""
    return f"{name}: HTML {TOO_LARGE}"


def _is_binary(head: bytes) -> bool:
    """Whether a file's first bytes are binary: they hold NULs. UTF-16 text does too, with or
    without a BOM, as one byte of each ASCII character (markup is ASCII): many NULs at even
    offsets, or at odd ones, and hardly any at the others."""
    if b"\0" not in head or head.startswith(_UTF16_BOMS):
        return False
    few, many = sorted((head[::2].count(0), head[1::2].count(0)))
    return not (many >= len(head) // 8 and few * 8 <= many)


def _check_url_option(paths: list[str], url: str | None) -> None:
    """--url names where one HTML file was served; a WARC records its own URLs."""
    if url is None:
        return
    if not is_page_url(url):
        raise InputError(f"--url must be an absolute http(s) or file URL, got {url!r}")
    if problem := _url_problem(url):
        raise InputError(f"--url must be an absolute http(s) or file URL, got {url!r} ({problem})")
    if warcs := [name for name in paths if _is_warc(Path(name))]:
        raise InputError(f"--url is for an HTML file; {warcs[0]} is a WARC, which records each page's URL")
    if len(paths) != 1:
        raise InputError(f"--url needs exactly one HTML file, got {len(paths)}")


def _url_problem(url: str) -> str | None:
    """What keeps an absolute URL from naming a page in a record, or None: it is written into
    url and canonical_url as given, and one that is no address would be published."""
    parts = urlsplit(url)
    if problem := written_url_problem(url):
        return problem
    if parts.username is not None:
        return "a user name or password, which the record would publish"
    if parts.scheme == "file":
        return None if parts.path.startswith("/") else "a relative path"
    return None if is_host(parts.hostname) else f"not a host name: {parts.hostname!r}"


def read_inputs(paths: list[str], url: str | None) -> list[InputPage]:
    """Every page in the given HTML and WARC files, in order. InputError or RawPagesError
    (a WARC cut short, corrupt or not a WARC) name the file at fault."""
    _check_url_option(paths, url)
    pages = []
    for name in paths:
        if not name:  # Path("") is the current directory
            raise InputError(f"a file name {IS_EMPTY}")
        path = Path(_STDIN if name == "-" else name)
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not a file")
        if not path.exists():
            raise InputError(f"{name}: no such file")
        with _as_regular_file(path, name) as readable:
            if _is_warc(readable) and url is not None:  # a WARC known only by its content, e.g. on standard input
                raise InputError(f"--url is for an HTML file; {name} is a WARC, which records each page's URL")
            if _is_warc(readable):
                pages += _warc_pages(readable, name)
            elif url or path != Path(_STDIN):
                # absolute(), not resolve(): /dev/stdin would become /proc/<pid>/fd/pipe:[…]
                pages.append(InputPage(url or path.absolute().as_uri(), decode_html(_html_bytes(readable, name)), None))
            else:
                raise InputError(f"{name}: a page read from standard input needs --url (a WARC records its own)")
    return pages


def _warc_pages(path: Path, name: str) -> list[InputPage]:
    """A WARC's pages as the pipeline reads them. A crawl records only absolute http(s) URLs; a
    WARC from elsewhere may not, and a record names where its story lives: InputError for one that cannot."""
    pages = []
    for page, html in html_pages(path, name):
        if not is_page_url(page.url):
            raise InputError(f"{name}: a page recorded at {page.url!r}, which is no absolute http(s) URL")
        pages.append(InputPage(page.url, html, page.fetched_at))
    return pages


def main_extract(paths: list[str], url: str | None = None, debug: bool = False) -> int:
    """Print one JSON record per article found; 0 on success, 2 when an input cannot be read
    or --url does not fit the inputs. With debug the error propagates, for its traceback."""
    from pipeline.extract import read_pages  # the package imports this module

    try:
        pages = read_inputs(paths, url)
    except (InputError, RawPagesError) as exc:
        if debug:
            raise
        print(f"wirelake: error: {exc}", file=sys.stderr)
        return 2
    read = read_pages([(page.url, page.html) for page in pages])
    records = [to_record(page) if page is not None else None for page in read]
    for page, record in zip(pages, records):
        if record is not None:
            print(json.dumps({**record, "fetched_at": page.fetched_at}, ensure_ascii=False, default=_json_default))
    articles = sum(record is not None for record in records)
    why = Counter(_not_an_article(page) for page, record in zip(read, records) if record is None)
    summary = f"{counted(len(pages), 'page')}: {counted(articles, 'article')}"
    if why:
        summary += "; not articles: " + ", ".join(f"{count} {kind}" for kind, count in sorted(why.items()))
    print(summary, file=sys.stderr)
    return 0


def _not_an_article(page: Page | None) -> str:
    """What a page that gave no record is (listing, error, empty, ...), for the summary; a story
    left with too few words once the site's boilerplate is gone is a fragment."""
    kind = page.page_type if page is not None else EMPTY
    return "fragment" if kind in STORY_TYPES else kind
