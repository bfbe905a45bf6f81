"""The one item the spiders yield, so that a crawl's item count is its article count."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ArticlePage:
    """An article page fetched OK (2xx, HTML, not empty). Its content lives in the WARC."""

    url: str
    listed_on: str | None
    """The sitemap, feed or archive page that linked it (the request's Referer)."""
