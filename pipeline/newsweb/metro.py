"""Metro Wire Online (127.0.0.13): a syndicator with a busier template than the Courier.

Cookie notice, share bar, a newsletter sign-up box inside the body, a related-links box and
"This article originally appeared on <Publisher>." on reprints. JSON-LD datePublished is
its own posting time. Discovered through /sitemap.xml (a urlset with lastmod).
"""

from __future__ import annotations

from . import feeds
from .model import METRO, Article, Web
from .render import Response, document, esc, iso, json_ld, long_date, page, paragraphs_html, text
from .sites import SITES

NAME = SITES[METRO].name


def _shell(title: str, head: str, main: str) -> str:
    return document(title, head, f"""<div id="cookie-notice" class="cookie-banner"><p>We use cookies to improve your experience and to show you relevant advertising. By continuing to browse you agree to our cookie policy.</p><button type="button">Accept</button></div>
<header class="mw-header"><a class="mw-logo" href="/">{NAME}</a>
<nav><a href="/">Top stories</a> <a href="/topics/region/">Region</a> <a href="/topics/business/">Business</a> <a href="/topics/opinion/">Opinion</a></nav></header>
{main}
<footer class="mw-footer"><p>{NAME} &middot; Regional news, every hour</p><p><a href="/privacy/">Privacy</a> &middot; <a href="/terms/">Terms</a></p></footer>""")


def _posted(article: Article) -> str:
    moment = article.posted_at
    if article.numeric_date:
        return f"{moment:%d/%m/%Y %H:%M}"
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} GMT"


def article_page(article: Article, url: str, canonical: str, original_url: str | None, related: list[Article]) -> str:
    body = article.printed_paragraphs
    signup = ('<div class="newsletter-signup"><h3>Get the Metro Morning briefing</h3><p>Five stories before your first '
              'coffee, every weekday.</p><form action="/subscribe/" method="post"><input type="email" name="email">'
              '<button>Subscribe</button></form></div>')
    note = ""
    if original_url:
        note = (f'<p class="syndication-note"><em>This article originally appeared on '
                f'<a href="{esc(original_url)}">{esc(article.attribution)}</a>.</em></p>')
    credit = f", {esc(article.attribution)}" if article.attribution else ""
    byline = f'<span class="mw-author">By {esc(" and ".join(article.authors))}{credit}</span>'
    ld = json_ld({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "datePublished": iso(article.posted_at), "url": url,
        "author": [{"@type": "Person", "name": a} for a in article.authors],
        "publisher": {"@type": "Organization", "name": NAME},
    })
    head = (f'<meta property="og:site_name" content="{NAME}">\n<meta property="og:title" content="{esc(article.title)}">\n'
            f'<meta property="og:url" content="{esc(canonical)}">\n<link rel="canonical" href="{esc(canonical)}">\n{ld}')
    links = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related)
    main = f"""<div class="share-bar"><a href="/share/facebook">Share on Facebook</a> <a href="/share/x">Share on X</a> <a href="/share/email">Email</a> <a href="javascript:print()">Print</a></div>
<article class="mw-story">
<h1>{esc(article.title)}</h1>
<div class="mw-meta">{byline} <span class="mw-date">Posted {_posted(article)}</span></div>
<div class="mw-body">
{paragraphs_html(body[:2])}
{signup}
{paragraphs_html(body[2:])}
{note}
</div>
</article>
<aside class="related-links"><h2>Related stories</h2><ul>{links}</ul></aside>"""
    return _shell(f"{article.title} - {NAME}", head, main)


def routes(web: Web, urls: dict[str, str]) -> dict[str, Response]:
    base = urls[METRO]
    articles = web.on(METRO)
    newest = list(reversed(articles))
    out: dict[str, Response] = {}
    for article in articles:
        url = base + article.path
        canonical = urls[article.canonical[0]] + article.canonical[1] if article.canonical else url
        original = urls[article.original[0]] + article.original[1] if article.original else None
        related = [a for a in newest if a.path != article.path][:5]
        out[article.path] = page(article_page(article, url, canonical, original, related))
    items = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a> {long_date(a.posted_at)}</li>' for a in newest[:15])
    out["/"] = page(_shell(NAME, f'<meta property="og:site_name" content="{NAME}">', f'<h1>Top stories</h1><ul>{items}</ul>'))
    entries = [feeds.Entry(base + "/", NAME, iso(newest[0].posted_at))]
    entries += [feeds.Entry(base + a.path, a.title, iso(a.posted_at)) for a in articles]
    out["/sitemap.xml"] = feeds.urlset(entries)
    out["/robots.txt"] = text(f"User-agent: *\nDisallow: /subscribe/\nDisallow: /share/\n\nSitemap: {base}/sitemap.xml\n")
    return out
