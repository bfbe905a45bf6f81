"""Article extraction: raw HTML pages to article records.

    extract_page(html, url, template=None)  -> dict | None       one page; None for non-articles
    extract_pages(pages, store=None)        -> list[dict | None] (url, html) pairs, same order out;
                                                                 html str or bytes, url absolute;
                                                                 learns each site's boilerplate, kept
                                                                 in `store` across crawls when given
    read_pages(pages, store=None)           -> list[Page | None]  the same, before pages become records
    decode_html(body, content_type)         -> str                WARC body bytes to an HTML string
    SiteTemplate, load_template(store, site), save_template(store, template)
    main_extract(paths, url, debug=False)   -> int                `wirelake extract FILE_OR_WARC...`
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from pipeline.extract.charset import decode_html
from pipeline.extract.cli import main_extract
from pipeline.extract.page import Page, is_page_url, read_page, to_record
from pipeline.extract.pagetype import STORY_TYPES
from pipeline.extract.templates import SiteTemplate, load_template, save_template
from pipeline.store import ObjectStore, open_store

__all__ = [
    "SiteTemplate", "decode_html", "extract_page", "extract_pages", "load_template", "main_extract", "read_pages", "save_template", "site_of",
]


def site_of(url: str) -> str:
    """The site a page belongs to for template learning: its host without "www."."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _checked_page(html: str | bytes, url: str, where: str = "") -> str:
    """The page's HTML as text (bytes decoded as a WARC body is); ValueError or TypeError naming
    the argument for what is no page: a record's url must say where the story lives."""
    if not is_page_url(url):
        raise ValueError(f"{where}url must be an absolute http(s) or file URL, got {_short(url)}")
    if isinstance(html, bytes | bytearray):
        return decode_html(bytes(html))
    if not isinstance(html, str):
        raise TypeError(f"{where}html must be str or bytes, got {type(html).__name__} (url {url})")
    return html


def extract_page(html: str | bytes, url: str, template: SiteTemplate | None = None) -> dict | None:
    """One page to one article record, or None for a listing, error or empty page.

    With a template (learned from the site's other pages), its boilerplate blocks are removed.
    ValueError or TypeError for arguments that are no page (a relative URL, html None).
    """
    page = read_page(_checked_page(html, url), url)
    if page is None:
        return None
    if template is not None:
        page.blocks = template.strip(page.blocks)
    return to_record(page)


def extract_pages(pages: Iterable[tuple[str, str | bytes]], store: ObjectStore | str | None = None) -> list[dict | None]:
    """(url, html) pairs to records, in the same order.

    The batch's stories teach each site's template (with what `store` kept from earlier
    batches), and every page of the site is then cleaned with it; the template is merged
    back into the stored one. Learning is idempotent, so re-extracting a partition (a retry,
    a backfill) gives the same records as the first time. `store` is a store or its URI.
    """
    return [to_record(page) if page is not None else None for page in read_pages(pages, store)]


def _pair(index: int, pair: object) -> tuple[str, str]:
    if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise TypeError(f"pages[{index}] must be a (url, html) pair, got {_short(pair)}")
    url, html = pair
    return url, _checked_page(html, url, f"pages[{index}]: ")


def read_pages(pages: Iterable[tuple[str, str | bytes]], store: ObjectStore | str | None = None) -> list[Page | None]:
    """extract_pages before the pages become records: for a caller that also wants to know
    what a page without a record was (its page_type)."""
    if isinstance(pages, str | bytes):
        raise TypeError(f"pages must be (url, html) pairs, got {_short(pages)}")
    if isinstance(store, str):
        store = open_store(store)
    read = [read_page(html, url) for url, html in (_pair(index, pair) for index, pair in enumerate(pages))]
    by_site: dict[str, list[Page]] = defaultdict(list)
    for page in read:
        if page is not None:
            by_site[site_of(page.url)].append(page)
    for site, site_pages in by_site.items():
        keep = store is not None and bool(site)  # file:// pages have no site to keep a template for
        template = load_template(store, site) if keep else SiteTemplate(site)
        template.learn([page.blocks for page in site_pages if page.page_type in STORY_TYPES])
        for page in site_pages:
            page.blocks = template.strip(page.blocks)
        if keep:
            save_template(store, template)
    return read
