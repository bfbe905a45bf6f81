"""pipeline.rawpages on damaged WARCs: every cut inside a record is an error naming the last good
record, and the pipeline's extract step fails on a truncated stored WARC instead of publishing part of it.
Valid WARCs from other writers read fine: payload digests of chunked responses, NUL padding after gzip."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import tracemalloc
from datetime import date

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline import layout
from pipeline.cli import _one_line
from pipeline.rawpages import RawPagesError, iter_pages
from pipeline.steps import extract_step
from pipeline.store import open_store
from tests.test_extract_cli import site_warc

DAY = date(2024, 5, 26)


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "uncompressed"])
def test_every_cut_inside_the_second_record_is_an_error_after_the_first(tmp_path, compress):
    whole = tmp_path / "whole.warc"
    records = site_warc(whole, compress)
    (_, _, first), (second_at, second_length, _) = records[:2]
    data, cut = whole.read_bytes(), tmp_path / "cut.warc"
    assert len(list(iter_pages(whole))) == len(records)
    for size in range(second_at + 1, second_at + second_length):
        cut.write_bytes(data[:size])
        with pytest.raises(RawPagesError) as failure:
            list(iter_pages(cut))
        message = str(failure.value)
        assert message.startswith(f"{cut}: unreadable WARC after the response record of {first}: "), (size, message)
        assert "\n" not in message and message.isascii()


def test_a_changed_byte_in_an_uncompressed_warc_is_caught_by_the_block_digest(tmp_path):
    """No gzip CRC guards an uncompressed WARC: the record's WARC-Block-Digest does."""
    warc = tmp_path / "pages.warc"
    (_, _, first), (second_at, second_length, second) = site_warc(warc, compress=False)[:2]
    data = bytearray(warc.read_bytes())
    body_at = data.index(b"<p>", second_at, second_at + second_length) + 3
    data[body_at] ^= 0x20  # one letter changes case: same length, still a readable page
    warc.write_bytes(bytes(data))
    with pytest.raises(RawPagesError) as failure:
        list(iter_pages(warc))
    assert str(failure.value).startswith(f"{warc}: unreadable WARC after the response record of {first}: the record's bytes do not match its WARC-Block-Digest sha1:")


def test_extract_step_fails_on_a_truncated_stored_warc_and_stages_nothing(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    records = site_warc(whole)
    store = open_store(str(tmp_path / "lake"))
    store.put_bytes(layout.raw_warc_key("daily_courier", DAY), whole.read_bytes()[: records[-1][0] + 200])
    store.put_bytes(layout.crawl_stats_key("daily_courier", DAY), json.dumps({"pages_fetched": len(records)}).encode())
    stored = re.escape(store.url(layout.raw_warc_key("daily_courier", DAY)))  # the stored object, not the temporary copy
    with pytest.raises(RawPagesError, match=rf"^{stored}: unreadable WARC after the response record of {records[-2][2]}: the file ends inside a gzip member"):
        extract_step("daily_courier", DAY, store.uri)
    assert not store.exists(layout.staged_articles_key("daily_courier", DAY))


def test_a_stored_warc_cut_at_a_record_s_end_is_an_error_too(tmp_path):
    """Cut exactly between two records, the file reads as a whole WARC: the crawl's stats say how
    many records it wrote, and extraction publishes nothing from fewer."""
    whole = tmp_path / "whole.warc.gz"
    records = site_warc(whole)
    store = open_store(str(tmp_path / "lake"))
    store.put_bytes(layout.raw_warc_key("daily_courier", DAY), whole.read_bytes()[: records[-1][0]])
    store.put_bytes(layout.crawl_stats_key("daily_courier", DAY), json.dumps({"pages_fetched": len(records), "warc_records": len(records)}).encode())
    stored = re.escape(store.url(layout.raw_warc_key("daily_courier", DAY)))
    with pytest.raises(RawPagesError, match=rf"^{stored}: {len(records) - 1} request and response records where the crawl wrote {len(records)}"):
        extract_step("daily_courier", DAY, store.uri)
    assert not store.exists(layout.staged_articles_key("daily_courier", DAY))


def test_a_damaged_warc_reads_as_the_users_problem_not_ours():
    """What `wirelake crawl` and `demo` print for a failed day (pipeline.cli._one_line)."""
    error = RawPagesError("pages.warc.gz: unreadable WARC at the first record: not a WARC record")
    assert _one_line(error) == str(error)


def _write_records(path, records: list[tuple[str, StatusAndHeaders | None, bytes, dict[str, str]]], compress: bool = False) -> None:
    """Response records with exactly the WARC headers given (warcio adds a WARC-Date unless we
    take it out); `length` is passed so warcio keeps a digest we set instead of computing its own."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for url, http_headers, block, warc_headers in records:
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(block), length=len(block), http_headers=http_headers, warc_headers_dict=warc_headers)
            if "WARC-Date" not in warc_headers:
                record.rec_headers.remove_header("WARC-Date")
            writer.write_record(record)


STORY = b"<html><body><article><h1>Ferry timetable</h1><p>Early crossings start in June.</p></article></body></html>"
OK_HEADERS = [("Content-Type", "text/html; charset=utf-8")]
FETCHED = {"WARC-Date": "2024-05-26T08:30:00Z"}


@pytest.mark.parametrize("digest", [
    "sha1:" + base64.b32encode(hashlib.sha1(STORY).digest()).decode(),  # the payload as the WARC spec says: de-chunked
    "blake3:" + hashlib.sha256(STORY).hexdigest(),  # an algorithm warcio does not know
], ids=["dechunked-sha1", "unknown-algorithm"])
@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "uncompressed"])
def test_a_chunked_response_with_a_payload_digest_warcio_cannot_check_reads_fine(tmp_path, digest, compress):
    warc = tmp_path / "other_crawler.warc"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(STORY), STORY)
    http = StatusAndHeaders("200 OK", [*OK_HEADERS, ("Transfer-Encoding", "chunked")], protocol="HTTP/1.1")
    # a block digest in an algorithm warcio does not know is no damage either
    headers = {**FETCHED, "WARC-Payload-Digest": digest, "WARC-Block-Digest": "blake3:" + hashlib.sha256(chunked).hexdigest()}
    _write_records(warc, [("https://courier.example/ferry", http, chunked, headers)], compress)
    (page,) = iter_pages(warc)
    assert (page.url, page.status, page.body) == ("https://courier.example/ferry", 200, STORY)


@pytest.mark.parametrize(("http", "block", "warc_headers", "reason"), [
    (StatusAndHeaders("200 OK", OK_HEADERS, protocol="HTTP/1.1"), STORY, {}, "a response record without WARC-Date"),
    (None, b"\r\n" + STORY, FETCHED, "a response record without a valid HTTP status line"),  # warcio writes the bare page
    (StatusAndHeaders("OK", OK_HEADERS, protocol="HTTP/1.1"), STORY, FETCHED, "a response record without a valid HTTP status line"),
    (None, b"", FETCHED, "a response record without a valid HTTP status line"),
], ids=["no-warc-date", "page-without-http-head", "status-line-without-code", "empty-block"])
def test_a_response_record_lacking_a_part_is_named_after_the_last_good_record(tmp_path, http, block, warc_headers, reason):
    warc = tmp_path / "pages.warc"
    good = ("https://courier.example/good", StatusAndHeaders("200 OK", OK_HEADERS, protocol="HTTP/1.1"), STORY, FETCHED)
    _write_records(warc, [good, ("https://courier.example/bad", http, block, warc_headers)])
    with pytest.raises(RawPagesError) as failure:
        list(iter_pages(warc))
    assert str(failure.value) == f"{warc}: unreadable WARC after the response record of https://courier.example/good: {reason}"


@pytest.mark.parametrize("padding", [1, 2, 512, 70_000])
def test_nul_padding_after_the_last_gzip_member_is_the_end_of_the_file(tmp_path, padding):
    warc = tmp_path / "padded.warc.gz"
    records = site_warc(warc)
    whole = warc.read_bytes()
    warc.write_bytes(whole + bytes(padding))  # some writers pad to a block size; gzip -d ignores it
    assert [page.url for page in iter_pages(warc)] == [url for _, _, url in records]
    warc.write_bytes(whole + bytes(padding) + b"x")  # but padding is NULs to the end, not a place to hide bytes
    with pytest.raises(RawPagesError, match=rf"after the response record of {records[-1][2]}: corrupt gzip data"):
        list(iter_pages(warc))


def test_a_gzip_member_that_inflates_hugely_is_checked_in_bounded_memory(tmp_path):
    warc = tmp_path / "bomb.warc.gz"
    records = site_warc(warc)
    bomb = bytearray(gzip.compress(bytes(32 << 20), compresslevel=9, mtime=0))  # 32 MiB of NULs in about 32 KiB
    bomb[-8] ^= 0xFF  # a wrong CRC: the member is inflated to its end, then rejected, never given to warcio
    warc.write_bytes(warc.read_bytes() + bomb)
    tracemalloc.start()
    try:
        with pytest.raises(RawPagesError, match=rf"after the response record of {records[-1][2]}: corrupt gzip data"):
            list(iter_pages(warc))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"{peak / (1 << 20):.0f} MiB at peak"


@pytest.mark.parametrize(("content_type", "body", "html"), [
    ("text/html; charset=utf-8", b"anything", True),
    (None, b"\xef\xbb\xbf\n<!DOCTYPE html><html><body>x</body></html>", True),  # no Content-Type: the markup says HTML
    (None, b"<!-- cached 08:30 -->\n<html lang='en'><body>x</body></html>", True),
    ("application/octet-stream", b"<HTML><HEAD><TITLE>x</TITLE></HEAD></HTML>", True),
    (None, b"%PDF-1.7 <html>", False),
    (None, b"<?xml version='1.0'?><rss><channel/></rss>", False),
    ("application/pdf", b"<html><body>a PDF at a .html URL is still a PDF</body></html>", False),
    ("text/plain", b"<html><body>x</body></html>", False),  # a declared type is believed
], ids=["declared", "untyped-doctype", "untyped-comment", "octet-stream", "untyped-pdf", "untyped-xml", "pdf", "text"])
def test_html_is_the_declared_type_or_untyped_markup(tmp_path, content_type, body, html):
    """Servers that send no Content-Type still serve pages; stored responses are judged as the spider judged them."""
    warc = tmp_path / "pages.warc"
    headers = [("Content-Type", content_type)] if content_type else []
    _write_records(warc, [("https://ferries.example/news/timetable", StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"), body, FETCHED)])
    [page] = iter_pages(warc)
    assert page.is_html is html
