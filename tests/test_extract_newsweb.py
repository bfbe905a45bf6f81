"""Extraction against the offline news web, over real HTTP: every expected article comes out
with its title, date, byline, attribution and body; every other HTML page comes out as None."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from pipeline.extract import decode_html, extract_page, extract_pages
from pipeline.store import open_store

# the flaky fixture page answers 500 first, like a real server having a bad moment
_ATTEMPTS = 3
_MAX_PAGES_PER_SITE = 200


def fetch(url: str) -> tuple[int, str, str | None, bytes]:
    """(status, final URL, content type, body) for one GET, retrying 5xx like the crawler does."""
    for attempt in range(_ATTEMPTS):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.geturl(), response.headers.get("Content-Type"), response.read()
        except urllib.error.HTTPError as error:
            if error.code < 500 or attempt == _ATTEMPTS - 1:
                return error.code, url, error.headers.get("Content-Type"), error.read()
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def expected_pages(newsweb) -> list[tuple[object, dict | None]]:
    """Each expected article with the record extracted from its live page."""
    results = []
    for expected in newsweb.expected_articles():
        status, final_url, content_type, body = fetch(expected.url)
        assert status == 200, f"{expected.url}: HTTP {status}"
        results.append((expected, extract_page(decode_html(body, content_type), final_url)))
    return results


def test_every_expected_article_is_extracted(expected_pages):
    missing = [expected.url for expected, record in expected_pages if record is None]
    assert not missing
    assert len(expected_pages) >= 20


@pytest.mark.parametrize("field", ["title", "canonical_url", "site_name", "attribution"])
def test_expected_article_fields(expected_pages, field):
    wrong = [(e.url, getattr(e, field), r[field]) for e, r in expected_pages if r[field] != getattr(e, field)]
    assert not wrong


def test_expected_article_bodies(expected_pages):
    for expected, record in expected_pages:
        assert record["text"].split("\n\n") == list(expected.paragraphs), expected.url


def test_re_extracting_every_partition_keeps_every_body(newsweb, tmp_path):
    """Each source's days extracted in order against one store, three times over (retries,
    backfills): the learned templates never eat a story, and once learned they stay put."""
    store = open_store(str(tmp_path))
    partitions: dict[tuple[str, object], list] = {}
    for expected in newsweb.expected_articles():
        _, final_url, content_type, body = fetch(expected.url)
        partitions.setdefault((expected.source, expected.crawl_date), []).append((expected, (final_url, decode_html(body, content_type))))
    passes = []
    for _ in range(3):
        records = {}
        for key in sorted(partitions, key=str):
            extracted = extract_pages([page for _, page in partitions[key]], store=store)
            for (expected, _), record in zip(partitions[key], extracted):
                assert record is not None and record["text"].split("\n\n") == list(expected.paragraphs), expected.url
                records[expected.url] = record
        passes.append(records)
    assert passes[1] == passes[2]


def test_expected_article_bylines(expected_pages):
    for expected, record in expected_pages:
        assert tuple(record["authors"]) == expected.authors, expected.url
        assert record["author"] == expected.author, expected.url


def test_expected_article_dates(expected_pages):
    for expected, record in expected_pages:
        published = record["published_at"]
        if expected.date_only:
            assert published is not None and published.date() == expected.published_at.date(), expected.url
        else:
            assert published == expected.published_at, expected.url


def test_attributed_cases_are_covered(expected_pages):
    """The manifest must exercise credit lines and datelines, or the tests above prove little."""
    attributions = {e.attribution for e, _ in expected_pages if e.attribution}
    assert len(attributions) >= 2


def _site_pages(base_url: str) -> list[tuple[str, str]]:
    """(final URL, HTML) of every page reachable by links from the site's front page."""
    host = urlsplit(base_url).netloc
    queue, seen, pages = [base_url + "/"], set(), []
    while queue and len(pages) < _MAX_PAGES_PER_SITE:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        status, final_url, content_type, body = fetch(url)
        if status != 200 or not (content_type or "").startswith("text/html") or not body:
            continue
        html = decode_html(body, content_type)
        pages.append((final_url, html))
        for href in lxml_html.fromstring(html).xpath("//a/@href"):
            link = urljoin(final_url, href).split("#")[0]
            if urlsplit(link).netloc == host and link not in seen:
                queue.append(link)
    return pages


def test_pages_that_are_not_articles_give_none(newsweb):
    expected = {e.url for e in newsweb.expected_articles()}
    checked = 0
    for base_url in newsweb.base_urls.values():
        pages = [(url, html) for url, html in _site_pages(base_url) if url not in expected]
        records = extract_pages(pages)
        wrongly_kept = [url for (url, _), record in zip(pages, records) if record is not None]
        assert not wrongly_kept
        checked += len(pages)
    assert checked >= 10  # front pages, section and archive pages at least


@pytest.mark.parametrize("kind", ["not_found", "empty"])
def test_trouble_pages_give_none(newsweb, kind):
    status, final_url, content_type, body = fetch(newsweb.trouble_urls()[kind])
    assert extract_page(decode_html(body, content_type), final_url) is None
