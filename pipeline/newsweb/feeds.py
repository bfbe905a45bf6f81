"""Discovery documents: sitemaps (plain, index, Google News) and RSS 2.0, as sites publish them."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from .render import Response, xml

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """One URL as discovery documents list it; dates are already formatted."""

    url: str
    title: str
    w3c_date: str  # lastmod or news:publication_date
    rfc822_date: str = ""  # RSS pubDate
    summary: str = ""


def urlset(entries: list[Entry]) -> Response:
    rows = "".join(f"  <url>\n    <loc>{escape(e.url)}</loc>\n    <lastmod>{e.w3c_date}</lastmod>\n  </url>\n" for e in entries)
    return xml(f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{rows}</urlset>\n')


def sitemap_index(children: list[Entry]) -> Response:
    rows = "".join(f"  <sitemap>\n    <loc>{escape(c.url)}</loc>\n    <lastmod>{c.w3c_date}</lastmod>\n  </sitemap>\n" for c in children)
    return xml(f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{rows}</sitemapindex>\n')


def news_sitemap(entries: list[Entry], publication: str, language: str = "en") -> Response:
    rows = "".join(
        f"  <url>\n    <loc>{escape(e.url)}</loc>\n    <news:news>\n"
        f"      <news:publication>\n        <news:name>{escape(publication)}</news:name>\n"
        f"        <news:language>{language}</news:language>\n      </news:publication>\n"
        f"      <news:publication_date>{e.w3c_date}</news:publication_date>\n"
        f"      <news:title>{escape(e.title)}</news:title>\n    </news:news>\n  </url>\n"
        for e in entries
    )
    return xml(f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n{rows}</urlset>\n')


def rss(title: str, link: str, description: str, entries: list[Entry]) -> Response:
    items = "".join(
        f"    <item>\n      <title>{escape(e.title)}</title>\n      <link>{escape(e.url)}</link>\n"
        f'      <guid isPermaLink="true">{escape(e.url)}</guid>\n      <pubDate>{e.rfc822_date}</pubDate>\n'
        f"      <description>{escape(e.summary)}</description>\n    </item>\n"
        for e in entries
    )
    return xml(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n'
        f"    <title>{escape(title)}</title>\n    <link>{escape(link)}</link>\n"
        f"    <description>{escape(description)}</description>\n    <language>en-us</language>\n{items}"
        f"  </channel>\n</rss>\n",
        "application/rss+xml; charset=utf-8",
    )
