"""Article extraction: raw HTML pages to article records.

    extract_page(html, url)  -> dict | None     one page; None for non-articles
    extract_pages(pages)     -> list[dict|None] (url, html) pairs, same order out
    decode_html(body, content_type) -> str       WARC body bytes to an HTML string
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.extract.charset import decode_html
from pipeline.extract.page import read_page, to_record

__all__ = ["decode_html", "extract_page", "extract_pages"]


def extract_page(html: str, url: str) -> dict | None:
    """One page to one article record, or None for a listing, error or empty page."""
    page = read_page(html, url)
    return to_record(page) if page is not None else None


def extract_pages(pages: Iterable[tuple[str, str]]) -> list[dict | None]:
    """(url, html) pairs to records, in the same order."""
    return [extract_page(html, url) for url, html in pages]
