"""main_extract (`wirelake extract FILE_OR_WARC... [--url URL]`): JSON lines from HTML and WARC files."""

from __future__ import annotations

import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.extract import decode_html, extract_page, main_extract

PAGES = Path(__file__).parent / "pages"
SEED_URL = "https://dostana.example/business/a-bridge-too-slow-council-ferry-plan/"


def write_warc(path: Path, responses: list[tuple[str, str, bytes]], content_type: str = "text/html; charset=utf-8") -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, status, body in responses:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def test_html_file_at_a_given_url(capsys):
    assert main_extract([str(PAGES / "reprint_courtesy.html")], SEED_URL) == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    record = json.loads(line)
    assert record["url"] == SEED_URL
    assert record["attribution"] == "The Meridian Ledger"
    assert record["published_at"] == "2022-01-29T00:00:00+00:00"
    assert "1 pages, 1 articles, 0 not articles" in err


def test_html_files_at_their_file_uris(capsys):
    assert main_extract([str(PAGES / "reprint_courtesy.html"), str(PAGES / "listing_front.html")]) == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert json.loads(line)["url"] == (PAGES / "reprint_courtesy.html").resolve().as_uri()
    assert "2 pages, 1 articles, 1 not articles" in err


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
    assert "2 pages, 2 articles" in err


def test_missing_file_is_one_line_naming_it(tmp_path, capsys):
    assert main_extract([str(tmp_path / "nope.html")], None) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == f"wirelake: error: {tmp_path / 'nope.html'}: no such file"


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
