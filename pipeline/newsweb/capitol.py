"""The Capitol Ledger (127.0.0.11): the original publisher, a well-run site.

Full metadata (JSON-LD NewsArticle, Open Graph, article:published_time, canonical), a Google
News sitemap, a sitemap index of monthly children (the May 2024 child's own lastmod is stale
on purpose), an RSS feed, robots.txt with a disallowed /private/ section, and the trouble
pages a crawler must survive, each listed in every discovery document.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from . import feeds
from .model import CAPITOL, Article, Trouble, Web
from .render import (Response, clock, eastern, esc, iso, json_ld, long_date, page, paragraphs_html, redirect,
                     rfc822, text)
from .sites import SITES

NAME = SITES[CAPITOL].name
SECTIONS = ["Politics", "Local", "Economy", "Education", "Environment", "Health", "Transportation"]
STALE_CHILD_LASTMOD = "2024-05-19T06:00:00-04:00"  # older than every URL the 2024-05 child lists

# A one-page PDF written out by hand so the "not HTML" trouble page is a real PDF (the
# bytes a spider would really meet), not random data with a PDF content type.
_PDF_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length 58 >>\nstream\nBT /F1 18 Tf 72 720 Td (Transit audit: full text) Tj ET\nendstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
]


def _pdf() -> bytes:
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(_PDF_OBJECTS, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(out)


def _section_path(section: str) -> str:
    return f"/section/{section.lower()}/"


def _shell(title: str, head: str, main: str) -> str:
    nav = "".join(f'<li><a href="{_section_path(s)}">{s}</a></li>' for s in SECTIONS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{head}
<link rel="alternate" type="application/rss+xml" title="{NAME}" href="/feed.xml">
</head>
<body>
<header class="masthead">
<a class="logo" href="/">{NAME}</a>
<p class="tagline">Statehouse news since 1898</p>
<nav class="sections"><ul>{nav}</ul></nav>
</header>
<main>
{main}
</main>
<footer class="site-footer">
<p>&copy; 2024 {NAME}. All rights reserved.</p>
<ul><li><a href="/about/">About us</a></li><li><a href="/contact/">Contact the newsroom</a></li><li><a href="/corrections/">Corrections</a></li></ul>
</footer>
</body>
</html>
"""


def _byline(authors: tuple[str, ...]) -> str:
    links = [f'<a rel="author" href="/staff/{a.lower().replace(" ", "-")}/">{esc(a)}</a>' for a in authors]
    return "By " + " and ".join(links)


def summary(article: Article, limit: int = 180) -> str:
    first = article.paragraphs[0]
    return first if len(first) <= limit else first[: first.rfind(" ", 0, limit)] + "\u2026"


def article_page(article: Article, url: str, recent: list[Article]) -> str:
    local = eastern(article.published_at)
    ld = json_ld({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "datePublished": iso(local), "dateModified": iso(local),
        "author": [{"@type": "Person", "name": a} for a in article.authors],
        "publisher": {"@type": "Organization", "name": NAME},
        "mainEntityOfPage": url, "articleSection": article.story.section,
    })
    head = f"""<meta name="description" content="{esc(summary(article))}">
<meta name="author" content="{esc(', '.join(article.authors))}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{NAME}">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:url" content="{esc(url)}">
<meta property="article:published_time" content="{iso(local)}">
<meta property="article:section" content="{esc(article.story.section)}">
<link rel="canonical" href="{esc(url)}">
{ld}"""
    more = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in recent if a.path != article.path)
    main = f"""<article class="story">
<nav class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="{_section_path(article.story.section)}">{esc(article.story.section)}</a></nav>
<h1 class="headline">{esc(article.title)}</h1>
<p class="byline">{_byline(article.authors)}</p>
<p class="dateline"><time datetime="{iso(local)}">{long_date(local)}, {clock(local)} {'EDT' if local.utcoffset().total_seconds() == -4 * 3600 else 'EST'}</time></p>
<div class="story-body">
{paragraphs_html(article.paragraphs)}
</div>
<aside class="newsletter-box"><h2>The Ledger Daily</h2><p>The day&rsquo;s statehouse news in your inbox every morning.</p>
<form action="/newsletter/" method="post"><input type="email" name="email" placeholder="Email address"><button>Sign up</button></form></aside>
</article>
<aside class="most-read"><h2>Most read</h2><ul>{more}</ul></aside>"""
    return _shell(f"{article.title} | {NAME}", head, main)


def listing_page(title: str, articles: list[Article]) -> str:
    items = "".join(
        f'<li class="teaser"><a href="{a.listed_path or a.path}">{esc(a.title)}</a>'
        f"<p>{esc(summary(a))}</p><span class=\"teaser-date\">{long_date(eastern(a.published_at))}</span></li>"
        for a in articles
    )
    head = f'<meta property="og:type" content="website">\n<meta property="og:site_name" content="{NAME}">'
    return _shell(f"{title} | {NAME}", head, f'<h1 class="section-title">{esc(title)}</h1>\n<ul class="river">{items}</ul>')


def _huge_page(trouble: Trouble) -> str:
    """~1.5 MB: an article page with every public comment inlined, above the site's size limit."""
    comment = ("I live downstream of the proposed intake and I would like the board to explain how the summer "
               "limits will be enforced on the large agricultural users, not just on households.")
    rows = "\n".join(f'<li class="comment" id="c{n}"><span class="who">Commenter {n}</span> {comment}</li>' for n in range(1, 6801))
    main = f'<article class="story"><h1 class="headline">{esc(trouble.title)}</h1>\n<ol class="comments">\n{rows}\n</ol></article>'
    return _shell(f"{trouble.title} | {NAME}", "", main)


def _trouble_response(trouble: Trouble) -> Response:
    if trouble.kind == "not_found":
        return Response(404, _shell(f"Page not found | {NAME}", "", "<h1>Page not found</h1>").encode())
    if trouble.kind == "not_html":
        return Response(200, _pdf(), "application/pdf")
    if trouble.kind == "empty":
        return Response(200, b"")
    if trouble.kind == "too_large":
        return page(_huge_page(trouble))
    if trouble.kind == "private":
        main = f'<article class="story"><h1 class="headline">{esc(trouble.title)}</h1><p>Internal draft. Not for publication.</p></article>'
        return page(_shell(f"{trouble.title} | {NAME}", '<meta name="robots" content="noindex">', main))
    raise ValueError(f"unknown trouble kind {trouble.kind!r}")


def _entries(web: Web, base: str) -> list[tuple[datetime, feeds.Entry]]:
    """Every listed URL with its date, oldest first: articles (by listed path) and trouble pages."""
    rows = [(a.posted_at, a.listed_path or a.path, a.title, summary(a)) for a in web.on(CAPITOL)]
    rows += [(t.posted_at, t.path, t.title, t.title) for t in web.troubles]
    return [
        (moment, feeds.Entry(base + path, title, iso(eastern(moment)), rfc822(moment), blurb))
        for moment, path, title, blurb in sorted(rows)
    ]


def routes(web: Web, urls: dict[str, str]) -> dict[str, Response]:
    base = urls[CAPITOL]
    articles = web.on(CAPITOL)
    newest = list(reversed(articles))
    out: dict[str, Response] = {}
    for n, article in enumerate(articles, 1):
        response = page(article_page(article, base + article.path, newest[:6]))
        if article.flaky:
            response = Response(response.status, response.body, response.content_type, flaky=True)
        out[article.path] = response
        if article.listed_path:
            out[article.listed_path] = redirect(301, f"{base}/go/{n}")
            out[f"/go/{n}"] = redirect(302, base + article.path)
    for trouble in web.troubles:
        out[trouble.path] = _trouble_response(trouble)

    out["/"] = page(listing_page("Latest news", newest[:12]))
    for section in SECTIONS:
        out[_section_path(section)] = page(listing_page(section, [a for a in newest if a.story.section == section]))

    entries = _entries(web, base)
    out["/news-sitemap.xml"] = feeds.news_sitemap([e for _, e in reversed(entries)], NAME)
    out["/feed.xml"] = feeds.rss(NAME, base + "/", "Statehouse and local government news.", [e for _, e in reversed(entries)])
    children = []
    for month, group in groupby(entries, key=lambda row: f"{row[0]:%Y-%m}"):
        listed = [e for _, e in group]
        path = f"/sitemaps/{month}.xml"
        out[path] = feeds.urlset(listed)
        lastmod = STALE_CHILD_LASTMOD if month == "2024-05" else max(e.w3c_date for e in listed)
        children.append(feeds.Entry(base + path, month, lastmod))
    out["/sitemap-index.xml"] = feeds.sitemap_index(children)
    out["/robots.txt"] = text(
        "User-agent: *\nDisallow: /private/\nDisallow: /newsletter/\n\n"
        f"Sitemap: {base}/news-sitemap.xml\nSitemap: {base}/sitemap-index.xml\n"
    )
    return out
