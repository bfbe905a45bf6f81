"""The pages of a WARC that extraction reads, decoded one way wherever the WARC comes from:
a stored raw partition in the pipeline, or a file given to `wirelake extract`."""

from __future__ import annotations

import os

from pipeline.extract.charset import decode_html
from pipeline.rawpages import RawPage, iter_pages


def html_pages(warc: str | os.PathLike, name: str) -> list[tuple[RawPage, str]]:
    """(page, HTML text) for every HTML response recorded with status 200; `name` names the
    WARC in errors."""
    return [(page, decode_html(page.body, page.headers.get("content-type"))) for page in iter_pages(warc, name) if page.status == 200 and page.is_html]
