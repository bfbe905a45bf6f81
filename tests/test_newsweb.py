"""The offline news web against its own manifest, over real HTTP with plain urllib."""

from __future__ import annotations

import itertools
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from html import escape, unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from pipeline.newsweb import (SITES, NewswebError, demo_plan, expected_articles, expected_clusters, serve,
                              sources_yaml_for_port)
from pipeline.newsweb.model import GENERIC_PER_DAY
from pipeline.sources import check_sources, load_sources

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
REPO = Path(__file__).resolve().parent.parent


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, follow: bool = True) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def fetch_page(url: str) -> tuple[int, dict, bytes]:
    """Like a crawler: one retry after a 5xx."""
    status, headers, body = fetch(url)
    return fetch(url) if status >= 500 else (status, headers, body)


def xml_of(url: str) -> ET.Element:
    status, _, body = fetch(url)
    assert status == 200, url
    return ET.fromstring(body)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def by_source(web, source: str) -> list:
    return [a for a in web.expected_articles() if a.source == source]


def listed_capitol_urls(web) -> set[str]:
    """What the Capitol Ledger's discovery documents must list: articles (redirects by their
    first URL) and every trouble page."""
    troubles = web.trouble_urls()
    urls = {a.url for a in by_source(web, "capitol_ledger") if a.case != "redirect chain 301 302"}
    return urls | {url for kind, url in troubles.items() if kind != "flaky"}


def discovery_urls(source) -> list[str]:
    return [*source.news_sitemaps, *source.sitemaps, *source.feeds, *([source.archive_url(date(2024, 5, 22))] if source.archive else [])]


def shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


# --- agreement with the registry ---------------------------------------------------------

def test_sites_agree_with_the_repository_sources_yaml():
    sources = load_sources(REPO / "sources.yaml")
    assert set(sources) == set(SITES)
    for name, site in SITES.items():
        assert sources[name].domains == [site.ip]
        assert all(url.startswith(f"http://{site.ip}:8765/") for url in discovery_urls(sources[name]))


def test_sources_yaml_for_port_moves_every_fixture_url(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(sources_yaml_for_port(9123))
    sources, problems = check_sources(path)
    assert problems == []
    urls = [u for s in sources.values() for u in discovery_urls(s)]
    assert urls and all(urlsplit(u).port == 9123 for u in urls)


# --- discovery documents -----------------------------------------------------------------

def test_news_sitemap_lists_every_capitol_page_with_an_offset_publication_date(newsweb):
    root = xml_of(newsweb.base_urls["capitol_ledger"] + "/news-sitemap.xml")
    dates = {}
    for url in root.iter(f"{SM}url"):
        published = url.find(f"{NEWS}news/{NEWS}publication_date").text
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", published), published
        assert url.find(f"{NEWS}news/{NEWS}publication/{NEWS}name").text == "The Capitol Ledger"
        dates[url.find(f"{SM}loc").text] = utc(published)
    assert set(dates) == listed_capitol_urls(newsweb)
    for article in by_source(newsweb, "capitol_ledger"):
        if article.url in dates:
            assert dates[article.url] == article.published_at
            assert dates[article.url].date() == article.crawl_date


def test_window_boundary_items_fall_on_their_utc_day(newsweb):
    root = xml_of(newsweb.base_urls["capitol_ledger"] + "/news-sitemap.xml")
    published = [utc(e.text) for e in root.iter(f"{NEWS}publication_date")]
    assert datetime(2024, 5, 22, 0, 0, 0, tzinfo=timezone.utc) in published
    assert datetime(2024, 5, 23, 23, 59, 59, tzinfo=timezone.utc) in published
    raw = {e.text for e in root.iter(f"{NEWS}publication_date")}
    assert "2024-05-21T20:00:00-04:00" in raw  # local time is the previous day: a trap for naive parsers


def test_sitemap_index_children_cover_everything_and_one_child_lastmod_is_stale(newsweb):
    index = xml_of(newsweb.base_urls["capitol_ledger"] + "/sitemap-index.xml")
    children = {c.find(f"{SM}loc").text: utc(c.find(f"{SM}lastmod").text) for c in index.iter(f"{SM}sitemap")}
    assert len(children) == 2
    listed, stale = set(), []
    for child_url, child_lastmod in children.items():
        child = xml_of(child_url)
        lastmods = {u.find(f"{SM}loc").text: utc(u.find(f"{SM}lastmod").text) for u in child.iter(f"{SM}url")}
        listed |= set(lastmods)
        if child_lastmod < min(lastmods.values()):
            stale.append(child_url)
    assert listed == listed_capitol_urls(newsweb)
    assert len(stale) == 1 and stale[0].endswith("/sitemaps/2024-05.xml")


def test_capitol_feed_lists_the_same_pages_with_pubdates(newsweb):
    root = xml_of(newsweb.base_urls["capitol_ledger"] + "/feed.xml")
    items = {i.findtext("link"): parsedate_to_datetime(i.findtext("pubDate")) for i in root.iter("item")}
    assert set(items) == listed_capitol_urls(newsweb)
    expected = {a.url: a.published_at for a in by_source(newsweb, "capitol_ledger")}
    assert all(items[url] == moment for url, moment in expected.items() if url in items)


def test_courier_rss_lists_its_articles_by_posting_date(newsweb):
    root = xml_of(newsweb.base_urls["daily_courier"] + "/rss.xml")
    items = {i.findtext("link"): parsedate_to_datetime(i.findtext("pubDate")) for i in root.iter("item")}
    articles = by_source(newsweb, "daily_courier")
    assert set(items) == {a.url for a in articles}
    assert all(items[a.url].date() == a.crawl_date for a in articles)
    seed = next(a for a in articles if a.case == "seed reprint, years apart")
    assert items[seed.url].date() == date(2024, 5, 26) and seed.published_at.date() == date(2022, 1, 29)


def test_metro_sitemap_lists_its_articles_by_lastmod(newsweb):
    root = xml_of(newsweb.base_urls["metro_wire"] + "/sitemap.xml")
    lastmods = {u.find(f"{SM}loc").text: utc(u.find(f"{SM}lastmod").text) for u in root.iter(f"{SM}url")}
    pattern = load_sources(REPO / "sources.yaml")["metro_wire"].article_pattern
    articles = by_source(newsweb, "metro_wire")
    assert {u for u in lastmods if re.search(pattern, u)} == {a.url for a in articles}
    assert all(lastmods[a.url].date() == a.crawl_date for a in articles)


def _archive_day(base: str, day: date) -> tuple[list[str], int]:
    """Follow rel=next from a day's first archive page; return article URLs and page count."""
    url, links, pages = f"{base}/archive/{day:%Y/%m/%d}/", [], 0
    while url:
        status, _, body = fetch(url)
        assert status == 200, url
        html = body.decode()
        found = re.findall(r'<a href="(/article/[^"]+)"', html)
        assert len(found) <= 3
        links += [base + path for path in found]
        pages += 1
        following = re.search(r'<link rel="next" href="([^"]+)"', html)
        url = urljoin(url, unescape(following.group(1))) if following else None
    return links, pages


def test_harbor_archives_paginate_three_per_page_and_list_the_day(newsweb):
    base = newsweb.base_urls["harbor_gazette"]
    articles = by_source(newsweb, "harbor_gazette")
    for day in [date(2024, 5, d) for d in range(19, 28)]:
        expected = [a.url for a in articles if a.crawl_date == day]
        links, pages = _archive_day(base, day)
        assert sorted(links) == sorted(expected), day
        assert pages == max(1, -(-len(expected) // 3))
    assert max(pages for _, pages in [_archive_day(base, d) for d in demo_plan()["harbor_gazette"]]) >= 3
    assert fetch(f"{base}/archive/2024/05/25/?page=9")[0] == 404


def test_harbor_has_no_sitemaps_or_feeds(newsweb):
    base = newsweb.base_urls["harbor_gazette"]
    for path in ("/sitemap.xml", "/sitemap-index.xml", "/news-sitemap.xml", "/feed.xml", "/rss.xml"):
        assert fetch(base + path)[0] == 404


# --- robots and trouble pages ------------------------------------------------------------

def _robots(base: str) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser(base + "/robots.txt")
    parser.parse(fetch(base + "/robots.txt")[2].decode().splitlines())
    return parser


def test_robots_disallow_private_section_that_a_sitemap_lists(newsweb):
    capitol = newsweb.base_urls["capitol_ledger"]
    private = newsweb.trouble_urls()["private"]
    assert urlsplit(private).path.startswith("/private/")
    robots = _robots(capitol)
    assert not robots.can_fetch("wirelake", private)
    assert all(robots.can_fetch("wirelake", a.url) for a in by_source(newsweb, "capitol_ledger"))
    assert robots.site_maps() == [capitol + "/news-sitemap.xml", capitol + "/sitemap-index.xml"]
    harbor = newsweb.base_urls["harbor_gazette"]
    assert all(_robots(harbor).can_fetch("wirelake", a.url) for a in by_source(newsweb, "harbor_gazette"))


def test_not_found_page(newsweb):
    assert fetch(newsweb.trouble_urls()["not_found"])[0] == 404


def test_flaky_page_alternates_500_and_200_so_every_crawl_sees_one_retry(newsweb):
    url = newsweb.trouble_urls()["flaky"]
    first = fetch(url)[0]
    if first == 200:  # an earlier request in this session left it mid-cycle
        first = fetch(url)[0]
    assert first == 500
    start = len(newsweb.request_log)
    statuses = [fetch(url)[0] for _ in range(3)]
    assert statuses == [200, 500, 200]
    path = urlsplit(url).path
    assert newsweb.request_log[start:] == [("127.0.0.11", path, s) for s in statuses]
    article = next(a for a in newsweb.expected_articles() if a.url == url)
    assert article.case == "500 then 200" and escape(article.paragraphs[0]) in fetch_page(url)[2].decode()


def test_redirect_chain_301_then_302_to_the_article(newsweb):
    url = newsweb.trouble_urls()["redirect"]
    status, headers, _ = fetch(url, follow=False)
    assert status == 301
    status, headers, _ = fetch(headers["Location"], follow=False)
    assert status == 302
    final = headers["Location"]
    article = next(a for a in newsweb.expected_articles() if a.case == "redirect chain 301 302")
    assert final == article.url
    status, _, body = fetch(url)
    assert status == 200 and escape(article.title, quote=False) in body.decode()


def test_non_html_page_is_a_pdf(newsweb):
    url = newsweb.trouble_urls()["not_html"]
    assert re.search(load_sources(REPO / "sources.yaml")["capitol_ledger"].article_pattern, url)
    status, headers, body = fetch(url)
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-1.4")


def test_empty_page(newsweb):
    status, headers, body = fetch(newsweb.trouble_urls()["empty"])
    assert status == 200 and body == b"" and headers["Content-Length"] == "0"


def test_oversized_page_exceeds_the_capitol_size_limit(newsweb):
    limit = load_sources(REPO / "sources.yaml")["capitol_ledger"].politeness.max_page_bytes
    status, headers, body = fetch(newsweb.trouble_urls()["too_large"])
    assert status == 200 and int(headers["Content-Length"]) == len(body) > limit


# --- article pages against the manifest --------------------------------------------------

def test_every_article_page_prints_its_manifest_text(newsweb):
    for article in newsweb.expected_articles():
        status, headers, body = fetch_page(article.url)
        assert status == 200 and headers["Content-Type"].startswith("text/html"), article.url
        html = body.decode()
        assert escape(article.title) in html
        for paragraph in article.paragraphs:
            assert escape(paragraph) in html, (article.url, paragraph[:60])
        assert f'rel="canonical" href="{escape(article.canonical_url)}"' in html
        if article.attribution and article.source == "daily_courier":
            assert f"<p>Courtesy/Source: {escape(article.attribution)}</p>" in html
        if article.attribution and article.source == "metro_wire" and not article.case == "wire story":
            assert 'originally appeared on <a href="' in html and f">{escape(article.attribution)}</a>." in html
        if article.case == "wire story":
            assert f"({article.attribution}) \u2014 " in html


def test_capitol_pages_carry_full_metadata(newsweb):
    for article in by_source(newsweb, "capitol_ledger"):
        html = fetch_page(article.url)[2].decode()
        published = re.search(r'property="article:published_time" content="([^"]+)"', html).group(1)
        assert utc(published) == article.published_at
        assert f"<title>{escape(article.title)} | The Capitol Ledger</title>" in html
        assert '"@type": "NewsArticle"' in html and f'"datePublished": "{published}"' in html
        assert f'<meta name="author" content="{escape(", ".join(article.authors))}">' in html


def test_seed_like_reprint_has_the_seed_page_shape(newsweb):
    reprint = next(a for a in newsweb.expected_articles() if a.case == "seed reprint, years apart")
    html = fetch(reprint.url)[2].decode()
    assert "Sunday, May 26, 2024" in html and "JANUARY 29, 2022" in html
    assert html.count(">AD<") >= 2
    assert "article:published_time" not in html and "datePublished" not in html
    crumb = re.search(r'<span class="current">([^<]+)</span>', html).group(1)
    assert crumb.endswith("...") and unescape(crumb)[:-3] in reprint.title
    caption = unescape(re.search(r"<figcaption[^>]*>([^<]+)</figcaption>", html).group(1))
    quote = caption.split(" \u2013 ")[0].strip("\u201c\u201d")
    assert len(quote.split()) >= 8 and any(quote in p for p in reprint.paragraphs)
    assert html.index("Courtesy/Source: The Capitol Ledger") > html.index(escape(reprint.paragraphs[-1]))


def test_metro_template_has_its_boxes_and_its_own_posting_date(newsweb):
    for article in by_source(newsweb, "metro_wire"):
        html = fetch(article.url)[2].decode()
        for box in ('id="cookie-notice"', 'class="share-bar"', 'class="newsletter-signup"', 'class="related-links"'):
            assert box in html
        assert utc(re.search(r'"datePublished": "([^"]+)"', html).group(1)) == article.published_at
    numeric = next(a for a in by_source(newsweb, "metro_wire") if (a.case or "").startswith("different date format"))
    assert f"Posted {numeric.published_at:%d/%m/%Y %H:%M}" in fetch(numeric.url)[2].decode()


def test_request_log_records_host_path_and_status(newsweb):
    base = newsweb.base_urls["metro_wire"]
    start = len(newsweb.request_log)
    fetch(base + "/robots.txt"), fetch(base + "/no-such-page?utm_source=x")
    assert newsweb.request_log[start:] == [("127.0.0.13", "/robots.txt", 200), ("127.0.0.13", "/no-such-page?utm_source=x", 404)]


# --- the story model -----------------------------------------------------------------------

def test_clusters_partition_the_articles_and_name_their_originals():
    articles = expected_articles()
    clusters = expected_clusters()
    members = [url for c in clusters for url in c.urls]
    assert sorted(members) == sorted(a.url for a in articles)
    by_url = {a.url: a for a in articles}
    cases = {case for c in clusters for case in c.cases}
    for case in ("exact reprint", "edited headline", "trimmed lead", "truncated tail", "editor's note added",
                 "different date format, canonical to original", "seed reprint, years apart",
                 "reprint of an unserved original", "wire story", "same event, different story",
                 "roundup quoting several stories", "short brief, shared template only", "follow-up repeating background"):
        assert case in cases
    for cluster in clusters:
        if cluster.original_url:
            assert by_url[cluster.original_url].site_name == cluster.original_publisher
        else:
            assert all(by_url[u].attribution == cluster.original_publisher for u in cluster.urls)
    unserved = next(c for c in clusters if "reprint of an unserved original" in c.cases)
    assert unserved.original_url is None and unserved.original_publisher == "The Prairie Sentinel"
    seed = next(c for c in clusters if "seed reprint, years apart" in c.cases)
    assert by_url[seed.original_url].published_at.date() == date(2022, 1, 29)


def test_reprints_contain_their_original_and_distinct_stories_stay_far_apart():
    articles = expected_articles()
    story_text = {}
    for cluster in expected_clusters():
        texts = [shingles(a.text) for a in articles if a.url in cluster.urls]
        for a, b in itertools.combinations(texts, 2):
            assert len(a & b) / min(len(a), len(b)) > 0.95  # every reprint edit keeps the other's text
        story_text[cluster.story] = (cluster.cases, max(texts, key=len))
    designed = {"follow-up repeating background", "same event, different story", "roundup quoting several stories"}
    for (cases_a, a), (cases_b, b) in itertools.combinations(story_text.values(), 2):
        jaccard, containment = len(a & b) / len(a | b), len(a & b) / min(len(a), len(b))
        if designed & (set(cases_a) | set(cases_b)):
            assert jaccard < 0.3 and containment < 0.5
        else:
            assert jaccard < 0.15, (cases_a, cases_b, jaccard)


def test_demo_plan_lists_the_week_and_older_days_with_articles():
    plan = demo_plan()
    week = [date(2024, 5, d) for d in range(20, 27)]
    assert set(plan) == {"capitol_ledger", "daily_courier", "metro_wire", "harbor_gazette"}
    assert plan["capitol_ledger"] == [date(2022, 1, 29), *week]
    # harbor_gazette's quiet day is in the plan although no article appears on it
    assert plan["harbor_gazette"] == week and date(2024, 5, 23) not in {a.crawl_date for a in expected_articles() if a.source == "harbor_gazette"}
    for source, days in plan.items():
        assert set(days) == {a.crawl_date for a in expected_articles() if a.source == source} | set(week)


def test_capitol_publishes_two_to_four_stories_every_day():
    counts = {day: 0 for day in [date(2024, 5, d) for d in range(20, 27)]}
    for article in expected_articles():
        if article.source == "capitol_ledger" and article.crawl_date in counts:
            counts[article.crawl_date] += 1
    assert all(2 <= n <= 4 for n in counts.values()), counts


def test_scale_multiplies_generic_stories_only():
    one, two = expected_articles(scale=1), expected_articles(scale=2)
    assert len(two) - len(one) == sum(sum(counts) for counts in GENERIC_PER_DAY.values())
    assert [a.case for a in two if a.case] == [a.case for a in one if a.case]
    large = expected_articles(scale=25)  # benchmark sizes: more stories than names or headlines
    assert len({a.url for a in large}) == len(large) > 25 * len(one) // 2


_RENDER_DIGEST = """
from pipeline.newsweb import capitol, courier, harbor, metro
from pipeline.newsweb.model import build_web
from pipeline.newsweb.sites import base_urls
import hashlib
digest = hashlib.sha256()
for module in (capitol, courier, metro, harbor):
    for path, response in sorted(module.routes(build_web(), base_urls()).items()):
        digest.update(f"{path} {response.status} {response.headers}".encode() + response.body)
print(digest.hexdigest())
"""


def test_two_renders_in_fresh_processes_are_identical():
    digests = {
        subprocess.run([sys.executable, "-c", _RENDER_DIGEST], capture_output=True, text=True, check=True, cwd=REPO,
                       env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1 and len(next(iter(digests)).strip()) == 64


# --- serving -------------------------------------------------------------------------------

def test_a_taken_address_gives_a_one_line_error():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.13", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(NewswebError) as error:
            with serve(port):
                pass
    message = str(error.value)
    assert "\n" not in message and f"metro_wire on 127.0.0.13:{port}" in message and "in use" in message


def test_the_command_reports_a_taken_address_like_every_command():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.13", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "pipeline.cli", "newsweb", "--port", str(port)],
                                capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"wirelake: error: cannot serve metro_wire on 127.0.0.13:{port}") and result.stderr.count("\n") == 1


def test_serve_stops_cleanly_and_frees_its_addresses():
    with serve(0) as web:
        url = web.base_urls["harbor_gazette"] + "/robots.txt"
        assert fetch(url)[0] == 200
        port = web.port
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
    with serve(port) as again:  # the same port binds again at once
        assert again.port == port


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_run_prints_every_site_and_stops_on_ctrl_c(stop):
    """Also when started as a shell without job control starts background commands: with SIGINT
    ignored, which the child would inherit and keep."""
    # -X faulthandler: should it ever hang, SIGABRT makes it print where each thread waits
    command = [sys.executable, "-X", "faulthandler", "-c", "from pipeline.newsweb import run; raise SystemExit(run(0))"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_ignore_sigint)
    try:
        urls = dict(process.stdout.readline().split()[:2] for _ in SITES)
        assert set(urls) == set(SITES)
        assert "Ctrl-C" in process.stdout.readline()
        assert fetch(urls["harbor_gazette"] + "robots.txt")[0] == 200
        process.send_signal(stop)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            pytest.fail(f"no exit 20 s after {stop.name}; its threads:\n{process.communicate(timeout=10)[1]}")
        assert process.returncode == 0
        assert process.stdout.read().strip() == "Stopped." and process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

