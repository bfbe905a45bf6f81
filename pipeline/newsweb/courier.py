"""Daily Courier (127.0.0.12): a small portal shaped like the seed page.

Header with the day the page was posted ("Sunday, May 26, 2024"), "AD" slots, breadcrumbs
ending in a truncated headline, the story's own date in capitals, a photo caption repeating
a quote from the body, a closing "Courtesy/Source: <Publisher>" line on reprints, related
links. No date meta tags at all, like the seed site: the only dates are in the text.
Discovered through /rss.xml, whose pubDate is the posting date.
"""

from __future__ import annotations

from . import feeds
from .model import COURIER, Article, Web
from .render import Response, document, esc, first_quote, long_date, page, paragraphs_html, rfc822, text
from .sites import SITES

NAME = SITES[COURIER].name
PHOTOGRAPHERS = ["Photo: Lena Marsh / Courier Wire Images", "Photo: Orrin Tate, pool photo", "File photo"]


def _crumb(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: title.rfind(" ", 0, limit)] + "..."


def _shell(title: str, posted_day: str, head: str, main: str) -> str:
    return document(title, head, f"""<div class="top-bar"><span class="current-date">{posted_day}</span>
<ul class="top-links"><li><a href="/advertise/">Advertise</a></li><li><a href="/contact/">Contact</a></li></ul></div>
<header class="site-header">
<div class="site-branding"><a href="/">{NAME}</a></div>
<div class="header-ad ad-slot">AD</div>
</header>
<nav class="main-menu"><a href="/">Home</a> <a href="/category/business/">Business</a> <a href="/category/politics/">Politics</a> <a href="/category/local/">Local</a> <a href="/category/sports/">Sports</a></nav>
{main}
<footer class="site-footer"><p>{NAME} &middot; Your neighborhood news portal</p><p>&copy; 2024 {NAME}</p></footer>""",
        lang="en-US", charset="UTF-8", body_class="single-post")


def _weekday_date(article: Article) -> str:
    return f"{article.posted_at:%A}, {long_date(article.posted_at)}"


def article_page(article: Article, url: str, related: list[Article], photo: int) -> str:
    category = article.story.section
    byline = f'<span class="author">By {esc(" and ".join(article.authors))}</span> ' if article.authors else ""
    credit = f'<p>Courtesy/Source: {esc(article.attribution)}</p>' if article.attribution else ""
    caption = f"{first_quote(article.paragraphs)} \u2013 {PHOTOGRAPHERS[photo % len(PHOTOGRAPHERS)]}"
    links = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related)
    head = (f'<meta property="og:title" content="{esc(article.title)}">\n<meta property="og:site_name" content="{NAME}">\n'
            f'<meta property="og:url" content="{esc(url)}">\n<link rel="canonical" href="{esc(url)}">')
    main = f"""<div class="breadcrumbs"><a href="/">Home</a> <a href="/category/{category.lower()}/">{esc(category)}</a> <span class="current">{esc(_crumb(article.title))}</span></div>
<article class="post">
<h1 class="entry-title">{esc(article.title)}</h1>
<div class="entry-meta">{byline}<span class="posted-on">{long_date(article.published_at).upper()}</span></div>
<div class="entry-content">
<figure class="wp-caption"><img src="/media/{photo}.jpg" alt="" width="800" height="450"><figcaption class="wp-caption-text">{esc(caption)}</figcaption></figure>
{paragraphs_html(article.paragraphs)}
{credit}
</div>
<div class="ad-slot in-content">AD</div>
</article>
<section class="related-posts"><h3>Related Posts</h3><ul>{links}</ul></section>"""
    return _shell(f"{article.title} \u2013 {NAME}", _weekday_date(article), head, main)


def _home(articles: list[Article]) -> str:
    items = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a> <span>{long_date(a.posted_at)}</span></li>' for a in articles)
    latest = articles[0] if articles else None
    today = _weekday_date(latest) if latest else ""
    return _shell(NAME, today, f'<meta property="og:site_name" content="{NAME}">', f'<h2>Latest</h2>\n<ul class="post-list">{items}</ul>')


def routes(web: Web, urls: dict[str, str]) -> dict[str, Response]:
    base = urls[COURIER]
    articles = web.on(COURIER)
    newest = list(reversed(articles))
    out: dict[str, Response] = {}
    for n, article in enumerate(articles):
        related = [a for a in newest if a.path != article.path][:4]
        out[article.path] = page(article_page(article, base + article.path, related, n))
    out["/"] = page(_home(newest[:15]))
    entries = [feeds.Entry(base + a.path, a.title, "", rfc822(a.posted_at), a.paragraphs[0]) for a in newest]
    out["/rss.xml"] = feeds.rss(NAME, base + "/", "News from around the region and our partners.", entries)
    out["/robots.txt"] = text("User-agent: *\nDisallow: /wp-admin/\n")
    return out
