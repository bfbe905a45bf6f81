"""The pages of a WARC that extraction reads, decoded one way wherever the WARC comes from:
a stored raw partition in the pipeline, or a file given to `wirelake extract`."""

from __future__ import annotations

import os

from pipeline.extract.charset import decode_html
from pipeline.rawpages import RawPage, iter_pages


def html_pages(warc: str | os.PathLike, name: str, expected_records: int | None = None) -> list[tuple[RawPage, str]]:
    """(page, HTML text) for every HTML response recorded with status 200; `name` names the
    WARC in errors, `expected_records` is how many records its crawl wrote (see iter_pages)."""
    pages = iter_pages(warc, name, expected_records)
    return [(page, decode_html(page.body, page.headers.get("content-type"))) for page in pages if page.status == 200 and page.is_html]
