"""main_extract (`wirelake extract FILE_OR_WARC... [--url URL]`): JSON lines from HTML and WARC files,
and one clear line (exit 2) for inputs that cannot be read: missing, a directory, a WARC cut short or corrupt."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.cli import main
from pipeline.extract import decode_html, extract_page, main_extract
from pipeline.extract.cli import InputError
from pipeline.limits import MAX_PAGE_BYTES
from pipeline.rawpages import RawPagesError

PAGES = Path(__file__).parent / "pages"
SEED_URL = "https://dostana.example/business/a-bridge-too-slow-council-ferry-plan/"
FETCHED_AT = "2024-05-26T08:30:00Z"


def write_warc(path: Path, responses: list[tuple[str, str, bytes]], content_type: str = "text/html; charset=utf-8", compress: bool = True) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for url, status, body in responses:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": FETCHED_AT})
            writer.write_record(record)


def site_warc(path: Path, compress: bool = True) -> list[tuple[int, int, str]]:
    """A WARC of every test page, three times over at different URLs (about 27 KB gzipped);
    (offset, length, url) of each record, read back with warcio, to say where a cut falls."""
    pages = sorted(PAGES.glob("*.html"))
    write_warc(path, [(f"https://courier.example/{n}/{page.stem}", "200 OK", page.read_bytes()) for n in range(3) for page in pages], compress=compress)
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        return [(records.get_record_offset(), records.get_record_length(), record.rec_headers.get_header("WARC-Target-URI")) for record in records]


def last_good(records: list[tuple[int, int, str]], size: int) -> str:
    """How the error should name the place of a cut at `size` bytes: after the last whole record."""
    whole = [url for offset, length, url in records if offset + length <= size]
    return f"after the response record of {whole[-1]}" if whole else "at the first record"


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """The `wirelake` console script's own entry point, in process."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_html_file_at_a_given_url(capsys):
    assert main_extract([str(PAGES / "reprint_courtesy.html")], SEED_URL) == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    record = json.loads(line)
    assert record["url"] == SEED_URL
    assert record["attribution"] == "The Meridian Ledger"
    assert record["published_at"] == "2022-01-29T00:00:00+00:00"
    assert err.splitlines()[-1] == "1 page: 1 article"


def test_html_files_at_their_file_uris(capsys):
    assert main_extract([str(PAGES / "reprint_courtesy.html"), str(PAGES / "listing_front.html")]) == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert json.loads(line)["url"] == (PAGES / "reprint_courtesy.html").resolve().as_uri()
    assert err.splitlines()[-1] == "2 pages: 1 article; not articles: 1 listing"


def test_the_summary_says_what_the_pages_without_a_record_are(tmp_path, capsys):
    text = tmp_path / "story.txt"  # a story saved as plain text, not a page
    text.write_text("Ferry adds early crossings\n\nThe ferry company published its summer timetable.\n")
    assert main_extract([str(text), str(PAGES / "not_found.html")]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == "2 pages: 0 articles; not articles: 1 empty, 1 error"


def test_warc_pages_with_status_200(tmp_path, capsys):
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [
        (SEED_URL, "200 OK", (PAGES / "reprint_courtesy.html").read_bytes()),
        ("https://dostana.example/missing/", "404 Not Found", (PAGES / "not_found.html").read_bytes()),
        ("https://courier.example/nation/coastal-towns-tide", "200 OK", (PAGES / "wire_dateline.html").read_bytes()),
    ])
    assert main_extract([str(warc)], None) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["url"] for r in records] == [SEED_URL, "https://courier.example/nation/coastal-towns-tide"]
    assert records[1]["authors"] == ["Noor Halvorsen"]
    assert err.splitlines()[-1] == "2 pages: 2 articles"


def test_missing_file_is_one_line_naming_it(tmp_path, capsys):
    assert main_extract([str(tmp_path / "nope.html")], None) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == f"wirelake: error: {tmp_path / 'nope.html'}: no such file"


@pytest.mark.parametrize("compress", [True, False])
def test_a_warc_is_known_by_its_content_whatever_its_name(tmp_path, capsys, compress):
    warc = tmp_path / "pages.txt"
    write_warc(warc, [(SEED_URL, "200 OK", (PAGES / "reprint_courtesy.html").read_bytes())], compress=compress)
    assert main_extract([str(warc)]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["url"] for line in out.splitlines()] == [SEED_URL] and err.splitlines()[-1] == "1 page: 1 article"


def test_a_gzipped_html_file_is_read_as_html(tmp_path, capsys):
    page = tmp_path / "story.html.gz"
    page.write_bytes(gzip.compress((PAGES / "reprint_courtesy.html").read_bytes()))
    assert main_extract([str(page)], SEED_URL) == 0
    assert json.loads(capsys.readouterr().out)["attribution"] == "The Meridian Ledger"


def test_a_binary_file_is_an_error_not_an_empty_page(tmp_path, capsys):
    image = tmp_path / "photo.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)))
    assert main_extract([str(image)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"wirelake: error: {image}: binary content, neither an HTML page nor a WARC\n"


def test_utf16_html_without_a_bom_is_text_not_binary(tmp_path, capsys):
    page = tmp_path / "story.html"
    page.write_bytes((PAGES / "reprint_courtesy.html").read_text(encoding="utf-8").encode("utf-16-le"))
    assert main_extract([str(page)], SEED_URL) == 0
    assert json.loads(capsys.readouterr().out)["attribution"] == "The Meridian Ledger"


@pytest.mark.parametrize(
    ("damage", "why"),
    [(lambda data: data[:2] + b"\x07" + data[3:], "Unknown compression method"), (lambda data: data[:-8] + bytes(8), "CRC check failed")],
    ids=["header", "checksum"],
)
def test_a_corrupt_gzipped_html_file_is_named_corrupt(tmp_path, capsys, damage, why):
    page = tmp_path / "story.html.gz"
    page.write_bytes(damage(gzip.compress((PAGES / "reprint_courtesy.html").read_bytes())))
    assert main_extract([str(page)]) == 2
    assert capsys.readouterr().err.startswith(f"wirelake: error: {page}: corrupt gzip data ({why}")


def _through_a_pipe(data: bytes) -> int:
    """main_extract on /dev/fd/N of a pipe a thread writes data into, as `<(cat file)` or /dev/stdin give it."""
    read_end, write_end = os.pipe()

    def write():
        with open(write_end, "wb") as pipe:  # closing it ends the input
            pipe.write(data)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        return main_extract([f"/dev/fd/{read_end}"])
    finally:
        writer.join(timeout=10)
        os.close(read_end)


def test_a_pipe_is_read_once_as_an_html_page(capsys):
    """Sniffing a pipe for a WARC must not take the page's first bytes."""
    assert _through_a_pipe((PAGES / "wire_dateline.html").read_bytes()) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["authors"] == ["Noor Halvorsen"] and err.splitlines()[-1] == "1 page: 1 article"


def test_a_warc_through_a_pipe_is_read_as_a_warc(tmp_path, capsys):
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [(SEED_URL, "200 OK", (PAGES / "reprint_courtesy.html").read_bytes())])
    assert _through_a_pipe(warc.read_bytes()) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["url"] for line in out.splitlines()] == [SEED_URL] and err.splitlines()[-1] == "1 page: 1 article"


def test_dash_reads_standard_input_a_page_with_its_url_a_warc_as_it_is(tmp_path):
    page = (PAGES / "reprint_courtesy.html").read_bytes()
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [(SEED_URL, "200 OK", page)])

    def extract_stdin(data: bytes, *options: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", "-", *options], input=data, capture_output=True, timeout=300)

    for data, options in ((page, ("--url", SEED_URL)), (warc.read_bytes(), ())):
        result = extract_stdin(data, *options)
        assert result.returncode == 0 and [json.loads(line)["url"] for line in result.stdout.splitlines()] == [SEED_URL]
    warc_with_url = extract_stdin(warc.read_bytes(), "--url", SEED_URL)
    assert (warc_with_url.returncode, warc_with_url.stderr.decode()) == (
        2, "wirelake: error: --url is for an HTML file; - is a WARC, which records each page's URL\n")
    unnamed = extract_stdin(page)
    assert (unnamed.returncode, unnamed.stderr.decode()) == (2, "wirelake: error: -: a page read from standard input needs --url (a WARC records its own)\n")


def test_an_html_file_far_larger_than_any_news_page_is_refused_not_ground_through(tmp_path, capsys):
    huge = tmp_path / "huge.html.gz"
    paragraph = b"<p>" + b"The harbour office counted every crossing of the summer. " * 20 + b"</p>"
    html = b"<html><body>" + paragraph * (MAX_PAGE_BYTES // len(paragraph) + 1) + b"</body></html>"
    huge.write_bytes(gzip.compress(html))
    assert main_extract([str(huge)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"wirelake: error: {huge}: HTML larger than any news page (the limit is 20 MB)\n"


def test_a_gzip_bomb_is_inflated_no_further_than_the_limit(tmp_path, capsys):
    """30 MB of zeros in 30 KB: inflated whole, a larger one would take all memory (a 4 GB one did)."""
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as handle:
        for _ in range(30):
            handle.write(bytes(1_000_000))
    assert main_extract([str(bomb)]) == 2
    assert capsys.readouterr() == ("", f"wirelake: error: {bomb}: HTML larger than any news page (the limit is 20 MB)\n")


def test_an_endless_input_is_read_no_further_than_the_limit(capsys):
    """/dev/zero, or `extract <(yes …)`: read whole, they ran out of memory."""
    writer = subprocess.Popen(["yes", "<p>hello</p>"], stdout=subprocess.PIPE)
    endless = f"/dev/fd/{writer.stdout.fileno()}"
    try:
        for name in ("/dev/zero", endless):
            assert main_extract([name]) == 2
            assert capsys.readouterr() == ("", f"wirelake: error: {name}: HTML larger than any news page (the limit is 20 MB)\n")
    finally:
        writer.kill()
        writer.communicate()


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_a_warc_response_larger_than_any_news_page_is_refused_not_read_whole(tmp_path, capsys, encoding):
    """A WARC from elsewhere: a 21 MB page, or 30 MB of zeros sent gzip-encoded (30 KB), which warcio inflates."""
    warc = tmp_path / "foreign.warc.gz"
    with warc.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        body = bytes(30_000_000) if encoding else b"<p>" + b"a" * (MAX_PAGE_BYTES + 1_000_000) + b"</p>"
        payload = gzip.compress(body, compresslevel=1) if encoding else body
        headers = [("Content-Type", "text/html")] + ([("Content-Encoding", encoding)] if encoding else [])
        record = writer.create_warc_record(SEED_URL, "response", payload=io.BytesIO(payload), http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                                           warc_headers_dict={"WARC-Date": FETCHED_AT})
        writer.write_record(record)
    assert main_extract([str(warc)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"wirelake: error: {warc}: the response of {SEED_URL} is larger than any news page (the limit is 20 MB)\n"


def test_importing_extraction_loads_neither_the_cli_nor_the_news_web():
    """Every extraction worker (Scrapy, Airflow tasks) imports pipeline.extract."""
    code = "import sys, pipeline.extract; print(sorted(m for m in sys.modules if m.startswith(('pipeline.cli', 'pipeline.newsweb', 'pipeline.sources'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == "[]\n"


def test_unreadable_warc_is_one_line_naming_it(tmp_path, capsys):
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"this is not a warc file at all")
    assert main_extract([str(broken)], None) == 2
    err = capsys.readouterr().err
    assert err.startswith("wirelake: error: ") and str(broken) in err and len(err.strip().splitlines()) == 1


def test_url_with_a_warc_is_an_error_not_ignored(tmp_path, capsys):
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [(SEED_URL, "200 OK", (PAGES / "reprint_courtesy.html").read_bytes())])
    assert main_extract([str(warc)], SEED_URL) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == f"wirelake: error: --url is for an HTML file; {warc} is a WARC, which records each page's URL"


def test_url_with_several_html_files_is_an_error(capsys):
    assert main_extract([str(PAGES / "reprint_courtesy.html"), str(PAGES / "listing_front.html")], SEED_URL) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == "wirelake: error: --url needs exactly one HTML file, got 2"
    # the same when the second file comes after --url (or after `--`), not argparse's "unrecognized arguments"
    for after in ([], ["--"]):
        assert main(["extract", str(PAGES / "reprint_courtesy.html"), "--url", SEED_URL, *after, str(PAGES / "listing_front.html")]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.strip() == "wirelake: error: --url needs exactly one HTML file, got 2"


@pytest.mark.parametrize("url", ["business/ferry-plan/", "ftp://dostana.example/ferry.html", ""])
def test_url_that_says_nowhere_a_story_lives_is_an_error(url, capsys):
    assert main_extract([str(PAGES / "reprint_courtesy.html")], url) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"wirelake: error: --url must be an absolute http(s) or file URL, got {url!r}\n"


def test_url_with_a_broken_ipv6_host_is_an_error_not_an_internal_one(capsys):
    url = "https://[::1/business/ferry-plan/"
    assert main_extract([str(PAGES / "reprint_courtesy.html")], url) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"wirelake: error: --url must be an absolute http(s) or file URL, got {url!r}\n"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://exa mple.com/a", "URL contains whitespace"),
        ("https://dostana.example/business/\nferry-plan/", "URL contains whitespace"),  # it would be the record's canonical_url
        ("https://example.com:99999/a", "bad port in URL"),
        ("https://example.com:abc/a", "bad port in URL"),
        ("http://-/a", "not a host name: '-'"),
        ("http://exa_mple..com/a", "not a host name: 'exa_mple..com'"),
        ("file:relative", "a relative path"),
        ("http://user:pw@example.com/a", "a user name or password, which the record would publish"),
    ],
)
def test_url_that_is_no_address_is_an_error_naming_its_fault(url, problem, capsys):
    code, out, err = run_cli(["extract", str(PAGES / "reprint_courtesy.html"), "--url", url], capsys)
    assert (code, out, err) == (2, "", f"wirelake: error: --url must be an absolute http(s) or file URL, got {url!r} ({problem})\n")


@pytest.mark.parametrize("url", ["http://[::1]/a", "http://127.0.0.11:8765/a", "http://bücher.example/a", "https://www.example.com./a", "file:///srv/a.html"])
def test_url_of_any_real_address_is_taken(url, capsys):
    assert main_extract([str(PAGES / "reprint_courtesy.html")], url) == 0
    assert json.loads(capsys.readouterr().out)["url"] == url


@pytest.mark.parametrize("url", ["http:ferry-plan/", "http:///business/ferry-plan/", "https://[::1/business/ferry-plan/"])
def test_a_warc_page_recorded_at_no_absolute_url_is_an_error_naming_the_file_and_the_url(url, tmp_path, capsys):
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [(SEED_URL, "200 OK", (PAGES / "reprint_courtesy.html").read_bytes()), (url, "200 OK", (PAGES / "reprint_courtesy.html").read_bytes())])
    assert main_extract([str(warc)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"wirelake: error: {warc}: a page recorded at {url!r}, which is no absolute http(s) URL\n"


def test_a_reader_that_stops_early_ends_extract_quietly():
    """`wirelake extract … | head -1`: no "Broken pipe" error for the user, SIGPIPE's status."""
    pages = [str(PAGES / "reprint_courtesy.html")] * 200
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", *pages], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert json.loads(process.stdout.readline())["title"]
    process.stdout.close()
    assert process.wait(timeout=300) == 141
    assert process.stderr.read() == ""


def test_warc_pages_are_decoded_as_the_pipeline_decodes_them(tmp_path, capsys):
    """A UTF-8 page served as Latin-1 (a common server default) reads as UTF-8, as in extract_step."""
    html = (PAGES / "reprint_courtesy.html").read_text(encoding="utf-8").replace("The harbour council", "The café council")
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [(SEED_URL, "200 OK", html.encode("utf-8"))], content_type="text/html; charset=iso-8859-1")
    assert main_extract([str(warc)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    text = json.loads(line)["text"]
    assert "The café council" in text and "cafÃ©" not in text
    assert text == extract_page(decode_html(html.encode("utf-8"), "text/html; charset=iso-8859-1"), SEED_URL)["text"]


def test_warc_records_carry_their_fetch_time_and_html_files_none(tmp_path, capsys):
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [(SEED_URL, "200 OK", (PAGES / "reprint_courtesy.html").read_bytes())])
    assert main_extract([str(warc), str(PAGES / "wire_dateline.html")]) == 0
    from_warc, from_html = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert from_warc["url"] == SEED_URL and from_warc["fetched_at"] == "2024-05-26T08:30:00+00:00"
    assert from_html["url"].startswith("file://") and from_html["fetched_at"] is None


@pytest.mark.parametrize("size", [1000, 5000, 10000, 15000, -1])
def test_truncated_warc_names_the_file_and_the_last_good_record(tmp_path, capsys, size):
    whole = tmp_path / "whole.warc.gz"
    records = site_warc(whole)
    data = whole.read_bytes()
    size = size % len(data)  # -1: all but the last byte
    assert size not in {offset for offset, _length, _url in records}, "a cut between records leaves a valid, shorter WARC"
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:size])
    code, out, err = run_cli(["extract", str(cut)], capsys)
    assert (code, out) == (2, "")
    assert err == f"wirelake: error: {cut}: unreadable WARC {last_good(records, size)}: the file ends inside a gzip member (truncated?)\n"


def test_truncated_uncompressed_warc_names_the_last_good_record(tmp_path, capsys):
    whole = tmp_path / "whole.warc"
    records = site_warc(whole, compress=False)
    (_, _, first), (second_at, second_length, _) = records[:2]
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole.read_bytes()[: second_at + second_length - 100])  # warcio's record length leaves out the blank lines after it
    code, out, err = run_cli(["extract", str(cut)], capsys)
    assert (code, out) == (2, "")
    assert err == f"wirelake: error: {cut}: unreadable WARC after the response record of {first}: the file ends 100 bytes before the end of a record (truncated?)\n"


def test_a_corrupt_record_in_the_middle_is_named(tmp_path, capsys):
    warc = tmp_path / "pages.warc.gz"
    records = site_warc(warc)
    data = bytearray(warc.read_bytes())
    offset, length, _url = records[4]
    data[offset + length // 2] ^= 0xFF
    warc.write_bytes(bytes(data))
    code, out, err = run_cli(["extract", str(warc)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"wirelake: error: {warc}: unreadable WARC after the response record of {records[3][2]}: corrupt gzip data (")


def test_random_bytes_are_one_short_readable_line_at_the_first_record(tmp_path, capsys):
    warc = tmp_path / "noise.warc.gz"
    warc.write_bytes(gzip.compress(random.Random(7).randbytes(2000), mtime=0))
    code, out, err = run_cli(["extract", str(warc)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"wirelake: error: {warc}: unreadable WARC at the first record: Unknown archive format")
    assert err.endswith("...\n") and err[:-1].isascii() and err[:-1].isprintable() and len(err) < len(str(warc)) + 150


def test_a_text_file_named_warc_is_unreadable_at_the_first_record(tmp_path, capsys):
    text = tmp_path / "x.warc"
    text.write_text("hello text\nnot a web archive\n")
    code, _out, err = run_cli(["extract", str(text)], capsys)
    assert (code, err) == (2, f"wirelake: error: {text}: unreadable WARC at the first record: Unknown archive format, first line: ['hello', 'text']\n")


def test_a_directory_is_named_a_directory(tmp_path, capsys):
    code, out, err = run_cli(["extract", str(tmp_path)], capsys)
    assert (code, out, err) == (2, "", f"wirelake: error: {tmp_path}: is a directory, not a file\n")


def test_an_empty_file_name_is_named_empty_not_a_directory(capsys):
    """`wirelake extract "$PAGE"` with PAGE unset: Path("") is the current directory."""
    for argv in (["extract", ""], ["extract", str(PAGES / "reprint_courtesy.html"), ""]):
        assert run_cli(argv, capsys) == (2, "", "wirelake: error: a file name is empty (an unset shell variable?)\n")


def test_debug_shows_the_traceback_of_an_input_error(tmp_path):
    cut = tmp_path / "cut.warc.gz"
    site_warc(cut)
    cut.write_bytes(cut.read_bytes()[:5000])
    with pytest.raises(RawPagesError, match="the file ends inside a gzip member"):
        main(["--debug", "extract", str(cut)])
    with pytest.raises(InputError, match="is a directory"):
        main(["extract", str(tmp_path), "--debug"])
