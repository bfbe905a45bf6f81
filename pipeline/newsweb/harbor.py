"""Harbor Gazette (127.0.0.14): a local paper with no sitemaps or feeds.

Its articles are found only through daily archive pages, /archive/YYYY/MM/DD/, three
stories per page with ?page=N pagination and rel="next"/"prev" links. Carries its own
stories, short briefs, and wire copy with a "CITY (Continental News Wire) —" dateline.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from .model import HARBOR, Article, Web
from .render import Response, clock, document, esc, iso, long_date, page, paragraphs_html, text
from .sites import SITES

NAME = SITES[HARBOR].name
PER_PAGE = 3
ARCHIVE_YEAR = 2024  # archive pages exist (possibly empty) for every day of this year


def archive_path(day: date, page_number: int = 1) -> str:
    path = f"/archive/{day:%Y/%m/%d}/"
    return path if page_number == 1 else f"{path}?page={page_number}"


def _shell(title: str, head: str, main: str) -> str:
    return document(title, head, f"""<header class="gazette-head"><a class="nameplate" href="/">{NAME}</a><p class="motto">Port Callan&rsquo;s newspaper since 1911</p>
<nav><a href="/">Home</a> <a href="/archive/">Archive</a> <a href="/obituaries/">Obituaries</a> <a href="/sports/">Sports</a></nav></header>
<main>
{main}
</main>
<footer class="gazette-foot"><p>{NAME}, 12 Wharf Street, Port Callan</p><p>Subscribe for home delivery: call the circulation desk.</p></footer>""")


def article_page(article: Article, url: str) -> str:
    body = article.printed_paragraphs
    head = (f'<meta name="author" content="{esc(", ".join(article.authors))}">\n'
            f'<meta property="og:site_name" content="{NAME}">\n<meta property="og:title" content="{esc(article.title)}">\n'
            f'<meta property="article:published_time" content="{iso(article.published_at)}">\n'
            f'<link rel="canonical" href="{esc(url)}">')
    day = article.posted_at.date()
    main = f"""<article class="gazette-story">
<h1 class="title">{esc(article.title)}</h1>
<div class="meta"><span class="author">By {esc(" and ".join(article.authors))}</span> &middot; <time datetime="{iso(article.published_at)}">{long_date(article.published_at)} {clock(article.published_at)}</time></div>
<div class="body">
{paragraphs_html(body)}
</div>
<div class="share-tools">Share this story: <a href="/share?to=email">Email</a> <a href="/share?to=facebook">Facebook</a></div>
</article>
<aside><a href="{archive_path(day)}">More from {long_date(article.posted_at)}</a></aside>"""
    return _shell(f"{article.title} | {NAME}", head, main)


def archive_page(day: date, stories: list[Article], page_number: int, pages: int) -> str:
    links = []
    if page_number > 1:
        links.append(f'<link rel="prev" href="{archive_path(day, page_number - 1)}">')
    if page_number < pages:
        links.append(f'<link rel="next" href="{archive_path(day, page_number + 1)}">')
    items = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a> <span class="time">{clock(a.posted_at)}</span></li>' for a in stories)
    listing = f'<ul class="archive-list">{items}</ul>' if stories else '<p class="empty">No stories were published on this day.</p>'
    # the last page's rel=next leads to the day before, as some themes' "Older stories" do: a crawl of the day stops here
    pager = f'<a class="older" rel="next" href="{archive_path(day - timedelta(days=1))}">Older stories &raquo;</a>'
    if page_number < pages:
        pager = f'<a class="next" rel="next" href="{archive_path(day, page_number + 1)}">Next page &raquo;</a>'
    title = f"Archive for {long_date(day)}" + (f", page {page_number}" if page_number > 1 else "")
    return _shell(f"{title} | {NAME}", "\n".join(links), f"<h1>{title}</h1>\n{listing}\n<nav class=\"pager\">{pager}</nav>")


def routes(web: Web, urls: dict[str, str]) -> dict[str, Response]:
    base = urls[HARBOR]
    articles = web.on(HARBOR)
    out: dict[str, Response] = {a.path: page(article_page(a, base + a.path)) for a in articles}
    by_day = {day: list(group) for day, group in groupby(articles, key=lambda a: a.crawl_day)}
    day = date(ARCHIVE_YEAR, 1, 1)
    while day.year == ARCHIVE_YEAR:
        stories = by_day.get(day, [])
        pages = max(1, -(-len(stories) // PER_PAGE))
        for number in range(1, pages + 1):
            response = page(archive_page(day, stories[(number - 1) * PER_PAGE : number * PER_PAGE], number, pages))
            out[archive_path(day, number)] = response
            if number == 1:
                out[f"{archive_path(day)}?page=1"] = response
        day += timedelta(days=1)
    days = "".join(f'<li><a href="{archive_path(d)}">{long_date(d)}</a></li>' for d in sorted(by_day, reverse=True))
    latest = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in reversed(articles[-6:]))
    site_head = f'<meta property="og:site_name" content="{NAME}">'
    out["/"] = page(_shell(NAME, site_head, f"<h1>Latest</h1><ul>{latest}</ul><h2>Archive</h2><ul>{days}</ul>"))
    out["/archive/"] = page(_shell(f"Archive | {NAME}", site_head, f"<h1>Archive</h1><ul>{days}</ul>"))
    out["/robots.txt"] = text("User-agent: *\nAllow: /\n")
    return out
