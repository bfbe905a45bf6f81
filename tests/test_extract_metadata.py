"""Each metadata rule, with a page written for it: the value and the signal `provenance` names."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from trafilatura.utils import load_html

from pipeline.extract import extract_page
from pipeline.extract.metadata import stated_headlines
from pipeline.extract.signals import read_signals

PAGES = Path(__file__).parent / "pages"
URL = "https://riverside.example/news/2023/04/12/ferry-timetable/"
BODY = [
    "The ferry company published its summer timetable on Wednesday, adding two early crossings on weekdays and a late boat on Fridays.",
    "Commuters on the island had asked for an earlier sailing for years, saying the first boat arrived after most shifts had begun.",
    "The company said the extra crossings would run from the first of May until the end of September and would be reviewed in the autumn.",
    "Tickets for the new sailings go on sale next week at the harbour office and on the company's website, at the usual fares.",
]


def page(head: str = "", top: str = "", *, h1: str = "Ferry adds early crossings for summer", body: list[str] = BODY,
         html_attrs: str = 'lang="en"', before_h1: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in body)
    return f"""<!DOCTYPE html><html {html_attrs}><head><meta charset="utf-8">{head}</head>
<body><div class="topbar">{before_h1}</div><main><article>
<h1>{h1}</h1><div class="meta">{top}</div><div class="story">{paragraphs}</div>
</article></main></body></html>"""


def extract(html: str, url: str = URL) -> dict:
    record = extract_page(html, url)
    assert record is not None
    return record


# ---- title -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "h1", "title", "signal"),
    [
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry adds two early crossings"}</script>'
         '<meta property="og:title" content="Early ferries | Riverside Post">', "Ferry adds early crossings for summer",
         "Ferry adds two early crossings", "jsonld:headline"),
        ('<meta property="og:site_name" content="Riverside Post"><meta property="og:title" content="Ferry adds early crossings | Riverside Post">',
         "Ferry adds early crossings for summer", "Ferry adds early crossings", "meta:og:title"),
        ('<meta property="og:site_name" content="Riverside Post"><meta property="og:title" content="RIVERSIDE POST - Ferry adds early crossings">',
         "x", "Ferry adds early crossings", "meta:og:title"),
        # the site name only in the host; a date segment after it
        ('<title>Ferry adds early crossings | Riverside | 12.04.2023</title>', "", "Ferry adds early crossings", "html:title"),
        # a date in words, and the declared section
        ('<meta property="og:site_name" content="Riverside Post"><meta property="article:section" content="Local News">'
         '<meta property="og:title" content="Ferry adds early crossings - Thursday, March 14, 2024 - Local News - Riverside Post">',
         "", "Ferry adds early crossings", "meta:og:title"),
        ('<title>Ferry adds early crossings | 14. März 2024 | Riverside</title>', "", "Ferry adds early crossings", "html:title"),
        # a number and a year are no date without a month: "Formula 1 2024" is part of the headline
        ('<meta property="og:site_name" content="Riverside Post"><meta property="og:title" content="Pole for the ferry team - Formula 1 2024 - Riverside Post">',
         "", "Pole for the ferry team - Formula 1 2024", "meta:og:title"),
        # a headline's own " - " is kept when the other side does not name the site
        ('<meta property="og:site_name" content="Riverside Post"><meta property="og:title" content="Storm warning - ferries stay in port">',
         "x", "Storm warning - ferries stay in port", "meta:og:title"),
        ('<title>島のフェリー、夏ダイヤに早朝便：リバーサイド新聞</title><meta property="og:site_name" content="リバーサイド新聞">', "",
         "島のフェリー、夏ダイヤに早朝便", "html:title"),
        ("<title>Riverside Post</title>", "Ferry adds early crossings for summer", "Ferry adds early crossings for summer", "h1"),
        ("<title>Ferry adds early crossings -- Riverside.example</title>", "", "Ferry adds early crossings", "html:title"),
        ("<title>Ferry adds early crossings › riverside.example</title>", "", "Ferry adds early crossings", "html:title"),
        # the site's name with its slogan after it
        ('<meta property="og:site_name" content="Riverside Post"><title>Ferry adds early crossings : Riverside Post | News from the island'
         " | Since 1888</title>", "", "Ferry adds early crossings", "html:title"),
        # ... not where one segment follows the name, or the name comes again: the headline may be there
        ('<meta property="og:site_name" content="Riverside Post"><title>Local | Riverside Post | Ferry adds early crossings</title>', "",
         "Local | Riverside Post | Ferry adds early crossings", "html:title"),
        ("<title>Ferry row - Riverside - council votes again | Riverside Post</title>", "",
         "Ferry row - Riverside - council votes again", "html:title"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry&#8217;s early\u00adcrossings"}</script>', "x",
         "Ferry’s earlycrossings", "jsonld:headline"),
    ],
)
def test_title_without_site_affixes(head, h1, title, signal):
    record = extract(page(head, h1=h1) if h1 else page(head).replace("<h1>Ferry adds early crossings for summer</h1>", ""))
    assert record["title"] == title
    assert record["provenance"]["title"] == signal


@pytest.mark.parametrize("href", ["/", "https://www.riverside.example/", "/index.php"])
def test_an_h1_that_only_links_home_is_the_logo_not_the_headline(href):
    """An old blog theme prints the site's name as an <h1> linking home, and the headline lower down:
    <title> then carries the headline beside that name, which is an affix to strip."""
    html = page("<title>Ferry adds early crossings » Riverside Ramblings</title>", h1=f'<a href="{href}">Riverside Ramblings</a>')
    record = extract(html.replace('<div class="meta">', '<h3 class="post-title">Ferry adds early crossings</h3><div class="meta">'))
    assert (record["title"], record["provenance"]["title"]) == ("Ferry adds early crossings", "html:title")


def test_a_blogger_whose_name_is_the_logo_is_still_the_author():
    html = page("<title>Ferry adds early crossings » Marguerite Okafor</title>", top='<span class="byline">By Marguerite Okafor</span>',
                h1='<a href="/">Marguerite Okafor</a>')
    record = extract(html.replace('<div class="meta">', '<h2 class="entry-title">Ferry adds early crossings</h2><div class="meta">'))
    assert (record["title"], record["authors"], record["author_orgs"]) == ("Ferry adds early crossings", ["Marguerite Okafor"], [])


def test_an_h1_linking_to_a_broken_address_is_read_without_error():
    html = page("<title>Ferry adds early crossings » Riverside Ramblings</title>").replace(
        '<div class="topbar">', '<div class="topbar"><h1><a href="http://[::1">Riverside Ramblings</a></h1>')
    assert extract(html)["text"]  # a broken link is no home link, and no failed page


def test_an_h1_linking_to_a_story_is_no_logo():
    html = page("<title>Ferry adds early crossings » Riverside Ramblings</title>", h1='<a href="/news/ferry">Ferry adds early crossings</a>')
    assert extract(html)["title"] == "Ferry adds early crossings"


def _jsonld_headline(headline: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'


def _og_title(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


SEO_HEADLINE = "Ferry operator to run extra early boats this summer"


@pytest.mark.parametrize(
    ("head", "h1", "title", "signal"),
    [
        # another signal shows the affix is one: the site's name spelled otherwise than in the host
        (_og_title("Ferry adds early crossings | Rivérside Pöst"), "Ferry adds early crossings", "Ferry adds early crossings", "h1"),
        # an affix longer than the headline is still one when it names the site (here the host's "riverside")
        (_og_title("Ferry sails | The Independent Riverside Evening Chronicle")
         + "<title>Ferry sails – The Independent Riverside Evening Chronicle</title>", "Ferry sails", "Ferry sails", "h1"),
        # the printed headline and the social headline agree: the search headline gives way
        (_jsonld_headline(SEO_HEADLINE) + _og_title("Ferry adds early crossings for summer"), "Ferry adds early crossings for summer",
         "Ferry adds early crossings for summer", "meta:og:title"),
        # agreeing with <title> alone is not enough to overrule a declared headline
        (_jsonld_headline(SEO_HEADLINE) + "<title>Ferry adds early crossings for summer - Riverside</title>", "Ferry adds early crossings for summer",
         SEO_HEADLINE, "jsonld:headline"),
        # ... unless the declared headline hardly shares a word with the <h1>: then it describes the page (a wiki's
        # "headline" is the subject's short description), and the <h1> agreeing with <title> is the title
        (_jsonld_headline("island ferry route in the North Sea") + "<title>Harbour Line - Riverside Wiki</title>", "Harbour Line",
         "Harbour Line", "h1"),
        # ... but not when the <h1> and <title> print the blog's or the paper's name, or a section's
        (_jsonld_headline(SEO_HEADLINE) + "<title>Notes from the Harbour</title>", "Notes from the Harbour", SEO_HEADLINE, "jsonld:headline"),
        ('<meta property="og:site_name" content="Riverside Star">' + _og_title(SEO_HEADLINE) + "<title>The Riverside Star</title>",
         "The Riverside Star", SEO_HEADLINE, "meta:og:title"),
        (_jsonld_headline(SEO_HEADLINE) + "<title>Opinion | Riverside Star</title>", "Opinion", SEO_HEADLINE, "jsonld:headline"),
        # a section name in the <h1> does not become the headline, though a signal carries it as a prefix
        (_jsonld_headline("Ferry adds early crossings for summer") + _og_title("Travel | Ferry adds early crossings for summer"), "Travel",
         "Ferry adds early crossings for summer", "jsonld:headline"),
        # the CMS's <meta name="headline"> states the headline where the social titles glue a section to it
        ('<meta name="headline" content="Ferry adds early crossings">' + _og_title("Ferry adds early crossings-Travel | Riverside Star"),
         "", "Ferry adds early crossings", "meta:headline"),
        # a kicker's colon is not an affix separator: each signal's wording stands
        (_jsonld_headline("Island transport: Ferry adds early crossings") + _og_title("Ferry adds early crossings"), "",
         "Island transport: Ferry adds early crossings", "jsonld:headline"),
        # a theme's site-title <h1> (linking home) beside the story's own <h1>, no declared title; a rating's stars are decoration
        ("<title>Ferry adds early crossings | The Island Ferry Log and Harbour Notes ☆☆☆☆☆</title>",
         '<a rel="home" href="/">The Island Ferry Log and Harbour Notes</a></h1><h1 class="entry-title">Ferry adds early crossings', "Ferry adds early crossings", "h1"),
        # a "site name" that repeats the headline names nothing, and cuts nothing from it
        ('<meta name="application-name" content="Ferry adds early crossings - commuters pleased">'
         + _og_title("Ferry adds early crossings - commuters pleased"), "", "Ferry adds early crossings - commuters pleased", "meta:og:title"),
        # the printed <h1> is the declared title as readers see it: typographic dashes, or in full where
        # the declared one was cut short or left out its last words
        (_og_title("Ferry adds early crossings - commuters pleased"), "Ferry adds early crossings – commuters pleased",
         "Ferry adds early crossings – commuters pleased", "h1"),
        (_jsonld_headline("Ferry adds early crossings for the..."), "Ferry adds early crossings for the summer season on the island",
         "Ferry adds early crossings for the summer season on the island", "h1"),
        (_og_title("Ferry adds early crossings for"), "Ferry adds early crossings for the summer", "Ferry adds early crossings for the summer", "h1"),
        # but not a declared title's tail, nor a longer <h1> past a separator or with a date
        (_og_title("Ferry timetable - sailings, fares and harbour car parks"), "Ferry timetable",
         "Ferry timetable - sailings, fares and harbour car parks", "meta:og:title"),
        (_og_title("Ferry adds early crossings"), "Ferry adds early crossings | 12.04.2023", "Ferry adds early crossings", "meta:og:title"),
        (_og_title("Ferry adds early crossings"), "Ferry adds early crossings for every island commuter this summer",
         "Ferry adds early crossings", "meta:og:title"),
        # a separator left dangling at the end
        (_og_title("Ferry adds early crossings -"), "", "Ferry adds early crossings", "meta:og:title"),
        (_og_title("And the ferry of the year award goes to —"), "", "And the ferry of the year award goes to —", "meta:og:title"),
        # words that case-fold into more or other letters ("ß", "İ") stay aligned with the <h1>'s
        (_og_title("Großbrand im Hafen"), "Großbrand im Hafen: Feuerwehr im Einsatz", "Großbrand im Hafen", "meta:og:title"),
        (_og_title("İstanbul'da yangın"), "İstanbul'da yangın söndürüldü", "İstanbul'da yangın", "meta:og:title"),
        (_og_title("Straße der"), "Straße der Fähren", "Straße der Fähren", "h1"),
    ],
)
def test_title_chosen_by_agreement(head, h1, title, signal):
    record = extract(page(head, h1=h1) if h1 else page(head).replace("<h1>Ferry adds early crossings for summer</h1>", ""))
    assert record["title"] == title
    assert record["provenance"]["title"] == signal


MICRODATA_TEASER = '<aside><div itemscope itemtype="https://schema.org/NewsArticle"><meta itemprop="headline" content="Ferry fares rise again in June"><a href="/fares">Fares</a></div></aside>'


def test_a_teaser_s_microdata_headline_does_not_title_the_story():
    """An itemprop meta describes the item it sits in: here a teaser beside the story."""
    record = extract(page(_og_title("Island ferry to add two early sailings")).replace("</article>", "</article>" + MICRODATA_TEASER))
    assert (record["title"], record["provenance"]["title"]) == ("Island ferry to add two early sailings", "meta:og:title")


def test_a_microdata_headline_the_h1_agrees_with_is_the_title():
    head = _og_title("Ferry adds early crossings for summer: what changes | Riverside")
    record = extract(page(head).replace("<article>", '<article><span itemscope itemtype="https://schema.org/Article"><meta itemprop="headline" content="Ferry adds early crossings for summer"></span>'))
    assert (record["title"], record["provenance"]["title"]) == ("Ferry adds early crossings for summer", "microdata:headline")


def test_a_declared_title_that_is_only_the_site_s_name_states_no_headline():
    head = '<meta property="og:site_name" content="Riverside Star"><meta name="headline" content="Riverside Star"><title>Ferry adds early crossings | Riverside Star</title>'
    record = extract(page(head).replace("<h1>Ferry adds early crossings for summer</h1>", ""))
    assert (record["title"], record["provenance"]["title"]) == ("Ferry adds early crossings", "html:title")


def test_a_section_that_repeats_the_headline_is_not_cut_from_it():
    """A CMS filling article:section with the headline: that is no section name to strip."""
    head = '<meta property="article:section" content="Ferry adds early crossings for summer">' + _jsonld_headline("Ferry adds early crossings for summer")
    assert extract(page(head))["title"] == "Ferry adds early crossings for summer"


@pytest.mark.parametrize(("title", "h1"), [(" | - | ", "|"), ("-", ""), ("***", "—"), ("…", "")])
def test_a_page_whose_titles_hold_no_word_has_no_title_not_an_empty_one(title, h1):
    record = extract(page(f"<title>{title}</title>").replace("<h1>Ferry adds early crossings for summer</h1>", f"<h1>{h1}</h1>"))
    assert record["title"] is None and "title" not in record["provenance"]


@pytest.mark.parametrize(
    ("head", "h1", "stated"),
    [
        # one headline, affixed differently per signal
        ('<meta property="og:site_name" content="Riverside Chronicle">' + _og_title("Ferry sails | Riverside Chronicle")
         + _jsonld_headline("Ferry sails"), "Ferry sails", {"Ferry sails"}),
        # the search headline worded apart from the printed one
        (_jsonld_headline(SEO_HEADLINE) + _og_title("Ferry sails"), "Ferry sails", {SEO_HEADLINE, "Ferry sails"}),
    ],
)
def test_stated_headlines_are_the_page_s_wordings_without_affixes(head, h1, stated):
    tree = load_html(page(head, h1=h1))
    assert stated_headlines(tree, read_signals(tree), URL) == stated


# ---- dates -------------------------------------------------------------------------------

TODAY_HEADER = "Wednesday, June 5, 2024"
NO_DATE_URL = "https://riverside.example/news/ferry-timetable/"


@pytest.mark.parametrize(
    ("head", "top", "url", "published", "signal"),
    [
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-04-12T07:45:00+02:00"}</script>'
         '<meta property="article:published_time" content="2023-04-10T00:00:00Z">', "", NO_DATE_URL,
         datetime(2023, 4, 12, 5, 45, tzinfo=timezone.utc), "jsonld:datePublished"),
        ('<meta property="article:published_time" content="2023-04-12T07:45:00-04:00">', "", NO_DATE_URL,
         datetime(2023, 4, 12, 11, 45, tzinfo=timezone.utc), "meta:article:published_time"),
        ("", '<time itemprop="datePublished" datetime="2023-04-12T09:00:00Z">Apr 12</time>', NO_DATE_URL,
         datetime(2023, 4, 12, 9, 0, tzinfo=timezone.utc), "time:datePublished"),
        ("", '<span class="by">By Ines Marlow</span> <time datetime="2023-04-12T10:30:00+01:00">12 April 2023</time>', NO_DATE_URL,
         datetime(2023, 4, 12, 9, 30, tzinfo=timezone.utc), "time-near-headline"),
        ("", '<span class="posted">Posted April 12, 2023</span>', NO_DATE_URL,
         datetime(2023, 4, 12, tzinfo=timezone.utc), "visible-text"),
        ("", '<span class="posted">12.04.2023</span>', NO_DATE_URL, datetime(2023, 4, 12, tzinfo=timezone.utc), "visible-text"),
        ("", "", URL, datetime(2023, 4, 12, tzinfo=timezone.utc), "url"),
    ],
)
def test_published_at_and_its_signal(head, top, url, published, signal):
    record = extract(page(head, top, before_h1=TODAY_HEADER), url)
    assert record["published_at"] == published
    assert record["provenance"]["published_at"] == signal


def test_header_today_is_never_the_date():
    """Nothing but the site header's date near the page: no date, rather than the wrong one."""
    record = extract(page(before_h1=f"<header><span class='header-date'>{TODAY_HEADER}</span></header>"), NO_DATE_URL)
    assert record["published_at"] is None


def test_date_in_page_text_found_by_htmldate_when_nothing_else_says():
    body = [*BODY[:3], "Published on 12 April 2023 by the harbour desk.", BODY[3]]
    html = page(body=body, before_h1=f"<div class='site-header'>{TODAY_HEADER}</div>").replace("<h1>Ferry adds early crossings for summer</h1>", "")
    record = extract(html, NO_DATE_URL)
    assert record["published_at"] == datetime(2023, 4, 12, tzinfo=timezone.utc)
    assert record["provenance"]["published_at"] == "htmldate"


@pytest.mark.parametrize(
    ("head", "signal"),
    [
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-04-12T08:00:00Z",'
         ' "dateModified": "2023-04-13T16:20:00Z"}</script>', "jsonld:dateModified"),
        ('<meta property="article:published_time" content="2023-04-12T08:00:00Z">'
         '<meta property="article:modified_time" content="2023-04-13T16:20:00Z">', "meta:article:modified_time"),
    ],
)
def test_updated_at(head, signal):
    record = extract(page(head))
    assert record["updated_at"] - record["published_at"] == timedelta(days=1, hours=8, minutes=20)
    assert record["provenance"]["updated_at"] == signal


@pytest.mark.parametrize("modified", ["2023-04-12T08:00:00Z", "2023-04-12T10:00:00+02:00", "2023-04-11T08:00:00Z"])
def test_a_modified_time_not_after_publication_is_no_update(modified):
    """CMSs fill dateModified with datePublished until an edit; one before publication is no update either."""
    head = f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "2023-04-12T08:00:00Z", "dateModified": "{modified}"}}</script>'
    record = extract(page(head))
    assert record["updated_at"] is None and "updated_at" not in record["provenance"]


# ---- bylines -----------------------------------------------------------------------------


def _jsonld_author(author: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "author": {author}}}</script>'


@pytest.mark.parametrize(
    ("head", "people", "orgs", "signal"),
    [
        (_jsonld_author('[{"@type": "Person", "name": "Ines Marlow"}, {"@type": "Organization", "name": "Harbour News Service"}]'),
         ["Ines Marlow"], ["Harbour News Service"], "jsonld:author"),
        (_jsonld_author('[{"@type": "Person", "givenName": "Ines", "familyName": "Marlow"}]'), ["Ines Marlow"], [], "jsonld:author"),
        (_jsonld_author('"Ines Marlow and Tobias Renn"'), ["Ines Marlow", "Tobias Renn"], [], "jsonld:author"),
        (_jsonld_author('[{"@type": "Person", "name": "Ines Marlow (ima)"}]'), ["Ines Marlow"], [], "jsonld:author"),
        # an HTML entity written into the JSON: its ";" is no separator
        (_jsonld_author('{"@type": "Person", "name": "H&#233;ctor Marlow"}'), ["Héctor Marlow"], [], "jsonld:author"),
        # a person-typed entry that is really the site or a wire service
        ('<meta property="og:site_name" content="Riverside Post">' + _jsonld_author('[{"@type": "Person", "name": "Riverside Post"}, {"@type": "Person", "name": "dpa"}]'),
         [], ["Riverside Post", "dpa"], "jsonld:author"),
        ('<meta property="article:author" content="https://social.example/riversidepost"><meta name="author" content="By Ines Marlow, Staff">',
         ["Ines Marlow"], ["Staff"], "meta:author"),
        # the author tag repeated: the site's name as the template's default, then the reporter
        ('<meta property="og:site_name" content="Riverside Post"><meta name="author" content="Riverside Post"><meta name="author" content="Ines Marlow">',
         ["Ines Marlow"], [], "meta:author"),
        # a newsroom typed as a person, in Portuguese
        (_jsonld_author('{"@type": "Person", "name": "Redação"}'), [], ["Redação"], "jsonld:author"),
        # a company is no person; a CMS's placeholder names nobody
        ('<meta name="author" content="Harbourside Verlag GmbH">', [], ["Harbourside Verlag GmbH"], "meta:author"),
        ('<meta name="author" content="publisher">', [], [], None),
        (_jsonld_author('{"@type": "Person", "name": "admin"}'), [], [], None),
        ('<meta name="author" content="No Author">', [], [], None),
        # a reprint credits the writer's own paper after her name
        ('<meta name="author" content="Wendeline Acosta, The Fairhaven Post">', ["Wendeline Acosta"], ["The Fairhaven Post"], "meta:author"),
        (_jsonld_author('"Tobias Renn, Lakeshore Tribune"'), ["Tobias Renn"], ["Lakeshore Tribune"], "jsonld:author"),
        # surnames that are also newspaper words stay people
        (_jsonld_author('"Ines Post and Theo Ledger"'), ["Ines Post", "Theo Ledger"], [], "jsonld:author"),
        (_jsonld_author('"The Rev. Denise Calloway"'), ["The Rev. Denise Calloway"], [], "jsonld:author"),
    ],
)
def test_bylines_people_and_organisations(head, people, orgs, signal):
    record = extract(page(head))
    assert record["authors"] == people
    assert record["author_orgs"] == orgs
    assert record["author"] == ("; ".join(people) or None)
    assert record["provenance"].get("author") == signal


def test_a_commenter_s_microdata_author_is_not_the_story_s():
    """The site's name as the template's author meta, the reporter printed, and a comment's itemprop author."""
    head = '<meta property="og:site_name" content="Riverside Post"><meta name="author" content="Riverside Post">'
    comment = '<div itemscope itemtype="https://schema.org/Comment"><meta itemprop="author" content="harbourwatcher"><p>Great news for commuters.</p></div>'
    record = extract(page(head, '<span class="byline">By Ines Marlow</span>').replace("</article>", "</article>" + comment))
    assert (record["authors"], record["provenance"]["author"]) == (["Ines Marlow"], "printed-byline")


@pytest.mark.parametrize("section", ['<section class="reader-responses" id="responses">', '<div class="comments-area">', '<div id="komentarze">'])
def test_a_commenter_under_an_unsigned_story_is_no_author(section):
    """Server-rendered comments mark their writers as authors; the story itself names nobody."""
    comments = "".join(
        f'<div class="response"><div class="response__author">{name}</div><p>{text}</p></div>'
        for name, text in [("Gretchen Hollowell", "About time the early boat came back."), ("Desmond Achterberg", "Will it run in winter?")]
    )
    html = page().replace("</article>", f"</article>{section}<h2>2 responses</h2>{comments}</{section[1:].split()[0].rstrip('>')}>")
    record = extract(html)
    assert (record["authors"], record["author_orgs"]) == ([], [])


def test_a_byline_on_a_page_whose_body_class_mentions_comments_is_read():
    """WordPress marks <body class="showing-comments">: that is no comment box."""
    html = page(top='<span class="byline">By Ines Marlow</span>').replace("<body>", '<body class="single showing-comments">')
    assert extract(html)["authors"] == ["Ines Marlow"]


@pytest.mark.parametrize(
    ("head", "top", "people", "orgs", "signal"),
    [
        # the CMS declares the site as author; the page prints who wrote it
        ('<meta property="og:site_name" content="Riverside Post">' + _jsonld_author('{"@type": "Organization", "name": "Riverside Post"}'),
         '<span class="article-author">By Ines Marlow | April 12, 2023</span>', ["Ines Marlow"], [], "printed-byline"),
        ("", '<div class="byline">Analysis von Tobias Renn und Ines Marlow, 12.04.2023</div>', ["Tobias Renn", "Ines Marlow"], [], "printed-byline"),
        # an aggregator's credit, a Hindi label beside the date label, a Japanese signature in brackets
        ("", "<div>Story by Priscilla Vantongeren</div>", ["Priscilla Vantongeren"], [], "printed-byline"),
        # decoration and a social handle around the name
        ("", '<div class="byline"><span class="sep"> ~ </span><a href="/author/cem">Cem Basman</a></div>', ["Cem Basman"], [], "printed-byline"),
        (_jsonld_author('"Williams Perdomo @wperdomod"'), [], ["Williams Perdomo"], [], "jsonld:author"),
        # a blogger's user name, where the markup says it is the author's; a placeholder still names nobody
        ("", '<span class="author vcard"><a class="url fn n" rel="author" href="/author/gizzmo/">gizzmo</a></span>', ["gizzmo"], [], "printed-byline"),
        ("", '<span class="author vcard"><a class="url fn n" href="/author/admin/">admin</a></span>', [], [], None),
        ("", '<span class="author vcard"><a class="url fn n" href="/author/newsdesk/">newsdesk</a></span>', [], [], None),
        ("", '<p class="author">(Jane Roe)</p>', ["Jane Roe"], [], "printed-byline"),
        # a debate's experts answer in a "responses" box: no comment section
        ("", '<div class="responses"><div class="byline">By Jane Roe</div></div>', ["Jane Roe"], [], "printed-byline"),
        ("", '<span class="kicker">ferries</span>', [], [], None),
        # the date line starts at a weekday's abbreviation or a preposition before the day
        ("", '<div class="byline">By Lena Sun 12 May 2024</div>', ["Lena Sun"], [], "printed-byline"),  # "Sun" is a surname
        ("", '<div class="byline">Por Ana Le 3 de mayo de 2024</div>', ["Ana Le"], [], "printed-byline"),
        ("", '<div class="byline">Par Matthieu Hy le 3 mai 2021</div>', ["Matthieu Hy"], [], "printed-byline"),
        ("", '<div class="byline">Por Inés Marlow hace 3 horas</div>', ["Inés Marlow"], [], "printed-byline"),
        ("", '<div class="byline">लेखक: राहुल शर्मा | प्रकाशित: 05 मार्च 2026</div>', ["राहुल शर्मा"], [], "printed-byline"),
        ("", '<p class="author">（佐々木 美穂）</p>', ["佐々木 美穂"], [], "printed-byline"),
        # only the site, declared and printed: kept as the organisation it is
        ('<meta property="og:site_name" content="Riverside Post">' + _jsonld_author('{"@type": "Organization", "name": "Riverside Post"}'),
         "", [], ["Riverside Post"], "jsonld:author"),
    ],
)
def test_printed_byline_when_the_declared_one_is_missing_or_only_the_site(head, top, people, orgs, signal):
    record = extract(page(head, top))
    assert (record["authors"], record["author_orgs"]) == (people, orgs)
    assert record["provenance"].get("author") == signal


@pytest.mark.parametrize(
    ("head", "people", "orgs"),
    [
        # JSON-LD author lists nested in lists
        (_jsonld_author('[{"@type": "Person", "name": "Ines Marlow"}, [{"@type": "Person", "name": "Harbour Desk"}]]'), ["Ines Marlow"], ["Harbour Desk"]),
        # the site after a person in one string is the employer, not a co-author
        ('<meta property="og:site_name" content="Riverside Post">' + _jsonld_author('[{"@type": "Person", "name": "Ines Marlow, Riverside Post"}]'),
         ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow/Tobias Renn">', ["Ines Marlow", "Tobias Renn"], []),
        ('<meta name="author" content="Ines Marlow;Tobias Renn">', ["Ines Marlow", "Tobias Renn"], []),
        # bars and bullets separate names; a role beside a name describes the person, unless it names an agency
        ('<meta name="author" content="Ines Marlow | Reuters">', ["Ines Marlow"], ["Reuters"]),
        ('<meta name="author" content="Ines Marlow • 5 min read">', ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow | Updated 3 hours ago">', ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow, Senior Harbour Correspondent">', ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow und Tobias Renn, Korrespondentin in Kiel">', ["Ines Marlow", "Tobias Renn"], []),
        ('<meta name="author" content="Ines Marlow, AP Transport Writer">', ["Ines Marlow"], ["AP Transport Writer"]),
        ('<meta name="author" content="Ines Marlow and the Associated Press">', ["Ines Marlow"], ["Associated Press"]),
        # joiner words start names too; "additional reporting by" credits a second person
        ('<meta name="author" content="By Con Coughlin">', ["Con Coughlin"], []),
        ('<meta name="author" content="En Liang Khong">', ["En Liang Khong"], []),
        ('<meta name="author" content="Ines Marlow with additional reporting by Tobias Renn">', ["Ines Marlow", "Tobias Renn"], []),
        # a role standing alone is the credit itself
        ('<meta name="author" content="Riverside staff reporter">', [], ["Riverside staff reporter"]),
        # the serial comma before "and"; a personal site's address after the name
        ('<meta name="author" content="Ines Marlow, Tobias Renn, and Ole Brandt">', ["Ines Marlow", "Tobias Renn", "Ole Brandt"], []),
        ('<meta name="author" content="Ines Marlow (https://inesmarlow.example/blog/)">', ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow - http://inesmarlow.example">', ["Ines Marlow"], []),
        # where the reporter writes from, after the employer or the role, is no second person; nor is a title
        ('<meta property="og:site_name" content="Riverside Post"><meta name="author" content="Ines Marlow, Riverside Post, New Harbour">',
         ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow, Harbour Correspondent, New Harbour">', ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow, CEO">', ["Ines Marlow"], []),
        ('<meta name="author" content="Ines Marlow, Reuters and Tobias Renn">', ["Ines Marlow", "Tobias Renn"], ["Reuters"]),
        ('<meta name="author" content="Ines Marlow, Reuters, Tobias Renn">', ["Ines Marlow", "Tobias Renn"], ["Reuters"]),
        # surnames that spell a title in lower case are names
        ('<meta name="author" content="Lorna Coo, Rosa Benedicto">', ["Lorna Coo", "Rosa Benedicto"], []),
        ('<meta name="author" content="Ines Marlow, Tobias Renn, Ole Brandt">', ["Ines Marlow", "Tobias Renn", "Ole Brandt"], []),
    ],
)
def test_declared_byline_strings(head, people, orgs):
    record = extract(page(head))
    assert (record["authors"], record["author_orgs"]) == (people, orgs)


def test_the_story_s_json_ld_is_not_a_related_story_listed_before_it():
    """An ItemList of related stories (with their own headlines, authors and dates) printed first."""
    related = ('<script type="application/ld+json">{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle",'
               ' "headline": "Harbour dredging resumes", "datePublished": "2024-01-20T13:00:00Z", "author": {"@type": "Person", "name": "Tobias Renn"}}]}</script>')
    record = extract(page(related + _jsonld_author('{"@type": "Person", "name": "Ines Marlow"}')))
    assert record["authors"] == ["Ines Marlow"] and record["published_at"] != datetime(2024, 1, 20, 13, tzinfo=timezone.utc)


@pytest.mark.parametrize(("opening", "closing"), [("<![CDATA[", "]]>"), ("//<![CDATA[", "//]]>"), ("<!--", "-->"),
                                                  ("/*<![CDATA[*/", "/*]]>*/"), ("<!--//--><![CDATA[//><!--", "//--><!]]>")])
def test_json_ld_hidden_from_old_parsers_is_read(opening, closing):
    """Old templates wrap the script's text in CDATA or a comment marker; the JSON inside is the same."""
    script = (f'<script type="application/ld+json">{opening}\n{{"@type": "NewsArticle", "datePublished": "2023-04-12T06:30:00+02:00",'
              f' "author": {{"@type": "Person", "name": "Ines Marlow"}}}}\n{closing}</script>')
    record = extract(page(script))
    assert record["authors"] == ["Ines Marlow"] and record["provenance"]["author"].startswith("jsonld")
    assert record["published_at"] == datetime(2023, 4, 12, 6, 30, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize("script_tag", ['<script>', '<script type="text/javascript">', '<script type="Application/LD+JSON ">'])
def test_json_ld_in_a_script_typed_otherwise_is_read(script_tag):
    """Some CMS themes print the JSON-LD document in an untyped script, or type it in capitals."""
    script = (f'{script_tag}{{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2023-04-12T06:30:00+02:00",'
              ' "author": {"@type": "Person", "name": "Ines Marlow"}}</script><script>{"@context": "not json", var x = 1;}</script>')
    record = extract(page(script))
    assert record["authors"] == ["Ines Marlow"] and record["provenance"]["author"].startswith("jsonld")
    assert record["published_at"] == datetime(2023, 4, 12, 6, 30, tzinfo=timezone(timedelta(hours=2)))


def test_an_untyped_script_s_json_ld_does_not_outrank_the_typed_one():
    """A widget's untyped script may describe another story; the page's typed JSON-LD is its own."""
    widget = ('<script>{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2021-02-03T08:00:00Z",'
              ' "author": {"@type": "Person", "name": "Tobias Renn"}}</script>')
    own = ('<script type="application/ld+json; charset=utf-8">{"@type": "NewsArticle", "datePublished": "2023-04-12T06:30:00Z",'
           ' "author": {"@type": "Person", "name": "Ines Marlow"}}</script>')
    record = extract(page(widget + own))
    assert record["authors"] == ["Ines Marlow"] and record["published_at"] == datetime(2023, 4, 12, 6, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("malformed", ['5', 'null', '{"name": "NewsArticle"}', '[["NewsArticle"], 3]'])
def test_a_json_ld_node_with_a_malformed_type_is_of_no_type_and_fails_no_page(malformed):
    """A number or null for @type names no type: the node is passed over, the page's own story read."""
    odd = f'<script type="application/ld+json">{{"@type": {malformed}, "headline": "Harbour dredging resumes"}}</script>'
    record = extract(page(odd + _jsonld_author('{"@type": "Person", "name": "Ines Marlow"}')))
    assert record["title"] == "Ferry adds early crossings for summer" and record["authors"] == ["Ines Marlow"]


@pytest.mark.parametrize("malformed", ['5', 'null', '[["Person"]]'])
def test_a_json_ld_author_with_a_malformed_type_is_a_name_of_no_type_and_fails_no_page(malformed):
    record = extract(page(_jsonld_author(f'{{"@type": {malformed}, "name": "Ines Marlow"}}')))
    assert record["authors"] == ["Ines Marlow"]


@pytest.mark.parametrize("depth", [900, 5000])
@pytest.mark.parametrize("opening", ['{"@graph": ', '{"@type": "WebPage", "mainEntity": '])
def test_json_ld_nested_hundreds_deep_is_passed_over_and_fails_no_page(opening, depth):
    """Nested past the json module's reach, or just short of it (then past Python's stack for the
    walk through it): no page's description, and the page's other JSON-LD is still read."""
    nested = f'<script type="application/ld+json">{opening * depth}{{"@type": "NewsArticle", "headline": "Harbour dredging resumes"}}{"}" * depth}</script>'
    author = f'<script type="application/ld+json">{{"@type": "NewsArticle", "author": {"[" * depth}"Tobias Renn"{"]" * depth}}}</script>'
    record = extract(page(nested + author + _jsonld_author('{"@type": "Person", "name": "Ines Marlow"}')))
    assert record["title"] == "Ferry adds early crossings for summer" and record["authors"] == ["Ines Marlow"]


def test_a_public_suffix_is_no_site_name_inside_a_reporter_s_name():
    """On a .org.uk site, "org" is the suffix, not the site: George Whitfield is a person."""
    record = extract(page(top='<p class="byline">By George Whitfield</p>'), "https://www.riversidevoice.org.uk/news/ferry-crossings")
    assert (record["authors"], record["author_orgs"]) == (["George Whitfield"], [])


def test_an_author_given_by_reference_is_read_from_the_node_it_names():
    # Yoast SEO's graph: the article names its author by @id, the Person node elsewhere holds the name
    graph = """<script type="application/ld+json">{"@graph": [
      {"@type": "NewsArticle", "headline": "Ferry adds early crossings for summer",
       "author": {"@id": "https://riverside.example/#/person/7"}, "publisher": {"@id": "https://riverside.example/#org"}},
      {"@type": "Organization", "@id": "https://riverside.example/#org", "name": "Riverside Post"},
      {"@type": "Person", "@id": "https://riverside.example/#/person/7", "name": "Ines Marlow"}]}</script>"""
    record = extract(page(graph))
    assert (record["authors"], record["author_orgs"]) == (["Ines Marlow"], [])
    assert record["provenance"]["author"] == "jsonld:author"
    assert record["site_name"] == "Riverside Post"
    # a reference to the article itself names no author (its "name" is the headline)
    itself = """<script type="application/ld+json">{"@type": "NewsArticle", "@id": "#story", "name": "Ferry adds early crossings",
      "headline": "Ferry adds early crossings", "author": {"@id": "#story"}}</script>"""
    assert extract(page(itself))["authors"] == []


def test_a_cms_user_number_is_not_an_author():
    record = extract(page('<meta name="author" content="105092">'))
    assert (record["authors"], record["author_orgs"]) == ([], [])
    assert "author" not in record["provenance"]


TEASER = '<div class="related"><a href="/news/harbour-dredging/"><h3>Harbour dredging resumes</h3><h6>By Tobias Renn</h6></a></div>'


@pytest.mark.parametrize(
    ("top", "body", "people", "orgs"),
    [
        # picture and editing credits are not the story's byline; nor is a credit inside a figure
        ('<span class="byline">Photo: Tobias Renn</span> <span class="author">By Ines Marlow</span>', BODY, ["Ines Marlow"], []),
        ('<p class="byline">Editor: Tobias Renn</p><p class="author">Ines Marlow</p>', BODY, ["Ines Marlow"], []),
        ('<figure><img src="/ferry.jpg" alt=""><figcaption class="author">Tobias Renn</figcaption></figure>'
         '<span class="byline">By Ines Marlow</span>', BODY, ["Ines Marlow"], []),
        # a link to the author's profile page
        ('<p class="meta-info">von <a href="/autoren/ines-marlow">Ines Marlow</a></p>', BODY, ["Ines Marlow"], []),
        # a credit line without markup, running on into the place and the date
        ('<p class="small">By Ines Marlow in Riverside, 12 April 2023</p>', BODY, ["Ines Marlow"], []),
        # an author label in a facts list
        ('<ul class="facts"><li><strong>Date</strong> 12.04.2023</li><li><strong>Author</strong> Tobias Renn</li></ul>', BODY, ["Tobias Renn"], []),
        # a sentence that starts with "von" is not a credit; a teaser's credit names another story's author
        ('<p><strong>von Hamburg</strong> aus fahren zwei Boote mehr.</p>', BODY, [], []),
        # ... nor is prose that opens with "Von": a heading or a sentence ending in capitalised nouns
        ('<h2><a href="/reportage/almsommer">Von Einheimischen, Gästen und ganz viel Kühen</a></h2>', BODY, [], []),
        ("", [*BODY[:2], "Von den Höfen am Hang kaufte der Fährmann noch Speck, Kaminwurzen, Hartbrot und Kartoffeln.", *BODY[2:]], [], []),
        ('<p class="byline">Von Jose de la Cruz und Detroit Harbour wire services</p>', BODY, ["Jose de la Cruz"], ["Detroit Harbour wire services"]),
        ("", [*BODY[:2], "By boarding the ferry you accept the rules of the Harbour Board and Terms and Conditions.", *BODY[2:]], [], []),
        # ... but wires in lower case, a role before the name and a picture credit before the story's are credits
        ('<p class="byline">Von epd und KNA</p>', BODY, [], ["epd", "KNA"]),
        ('<p class="byline">By staff writer Ines Marlow</p>', BODY, ["Ines Marlow"], []),
        ('<p class="byline">Photos by harbour volunteers, story by Ines Marlow</p>', BODY, ["Ines Marlow"], []),
        ('<p class="byline">Par notre envoyé spécial à Kiel, Jean Dupont</p>', BODY, ["Jean Dupont"], []),
        ('<p class="byline">By our harbour correspondent, Ines Marlow</p>', BODY, ["Ines Marlow"], []),
        ('<p class="byline">Von unserem Korrespondenten Tobias Renn</p>', BODY, ["Tobias Renn"], []),
        (TEASER, BODY, [], []),
        # a bold name closing the story, or opening it after a short standfirst
        ("", [*BODY, "<strong>Ines Marlow</strong>"], ["Ines Marlow"], []),
        ("", ["<em>Two more boats on weekdays</em>", "<strong>Ines Marlow/Tobias Renn</strong>", *BODY], ["Ines Marlow", "Tobias Renn"], []),
        # a bold subheading between paragraphs is not a byline
        ("", [*BODY[:2], "<strong>Fares Unchanged</strong>", *BODY[2:]], [], []),
        # buttons, section links and lower-case phrases in author boxes are not names
        ('<div class="author-box"><button class="follow">Follow</button> <span class="author-name">Ines Marlow</span></div>', BODY, ["Ines Marlow"], []),
        ('<div class="article-author"><a href="/category/travel/">Travel</a></div>', BODY, [], []),
        ('<a class="author-topics" href="/account/topics/">Edit topics</a> <span class="author">Ines Marlow</span>', BODY, ["Ines Marlow"], []),
        # one block per author; a particle inside a name is not a credit word
        ('<div class="bylines"><div class="byline"><a href="mailto:ines@riverside.example">Ines Marlow</a></div>'
         '<div class="byline">Tobias Renn</div></div>', BODY, ["Ines Marlow", "Tobias Renn"], []),
        ('<span class="byline">By Ursula von der Brügge</span>', BODY, ["Ursula von der Brügge"], []),
        # a comment form's field labelled for "author" names nobody
        ("", [*BODY, '<form class="comment-form"><div class="form-author">'
         '<label for="author">Name:*</label><input id="author" name="author"></div></form>'], [], []),
        ("", [*BODY, '<label class="comment-author">Your Name</label>'], [], []),
        # month and day names are first names unless a number follows; Dutch, Swedish and Spanish names and joiners
        ('<p class="byline">Von Jan Hoffmann, 5. März 2026</p>', BODY, ["Jan Hoffmann"], []),
        ('<p class="byline">By May Chen and August Berg, March 5, 2026</p>', BODY, ["May Chen", "August Berg"], []),
        ('<p class="byline">Door Pieter Bakker en Sanne Visser</p>', BODY, ["Pieter Bakker", "Sanne Visser"], []),
        ('<p class="byline">Av Lina Ek och Per Holm</p>', BODY, ["Lina Ek", "Per Holm"], []),
        ('<p class="autor">Ana María de los Ríos</p>', BODY, ["Ana María de los Ríos"], []),
        ('<div class="byline">By <a href="/authors/nurul-aisyah">Nurul Aisyah binti Ahmad</a></div>', BODY, ["Nurul Aisyah binti Ahmad"], []),
        # an author box's links and labels are no names
        ('<div class="author-box"><a href="/author/ines-marlow/">More Posts</a></div>', BODY, [], []),
        ('<p class="byline">By Pooja More</p>', BODY, ["Pooja More"], []),  # a surname, not a link's "More"
        ('<p class="byline">Update:</p>', BODY, [], []),
        # wire copy on US local papers: the agency after the name without a comma
        ('<span class="byline">By LENA HARTWELL Associated Press</span>', BODY, ["LENA HARTWELL"], ["Associated Press"]),
        ('<span class="byline">By Lena Hartwell AP Technology Writer</span>', BODY, ["Lena Hartwell"], ["AP Technology Writer"]),
        # credit words in other scripts; Japanese desks and "reporter" around the name
        ('<p class="meta">Автор: Ирина Соколова</p>', BODY, ["Ирина Соколова"], []),
        ('<p class="meta">מאת: נועה לוי</p>', BODY, ["נועה לוי"], []),
        ('<p class="meta">كتب: سامي الحداد</p>', BODY, ["سامي الحداد"], []),
        ('<p class="meta">作者：李明</p>', BODY, ["李明"], []),
        ('<p class="meta">Szerző: Kovács Péter</p>', BODY, ["Kovács Péter"], []),
        ('<p class="author">Текст: Ирина Соколова</p>', BODY, ["Ирина Соколова"], []),
        ('<p class="author">Interview: Lena Marquardt</p>', BODY, ["Lena Marquardt"], []),
        # a quoted phrase or a work's title is no name, even where the markup says "author"
        ('<span class="author">„Harbour Tales“</span>', BODY, [], []),
        ('<span class="author">Harbour Tales: The Next Crossing</span>', BODY, [], []),
        # a commenter's name, wherever the comment sits, and a video's credit are not the story's byline
        ("", [*BODY, '<div class="comment byuser comment-author-ole"><span class="fn">Ole Brandt</span> says: Great news.</div>'], [], []),
        ("", [*BODY, '<p><span class="comment-author-link">Tobias Renn</span> says: Great news.</p>'], [], []),
        ('<span class="credit video-credit">By Harbour Board Video Unit</span>', BODY, [], []),
        ('<div class="entry-meta">October 9, 2025 · by Ellie Porter</div>', BODY, ["Ellie Porter"], []),  # the credit after the date
        ('<span class="signature">Camille Lebreton</span>', BODY, ["Camille Lebreton"], []),  # Ouest-France's unlabelled byline
        ('<p class="byline">社会部 山田 花子 記者</p>', BODY, ["山田 花子"], []),
        # a Korean story signed in its last paragraph
        ("", [*BODY, "김민준 기자 minjun.kim@hanbit.example"], ["김민준"], []),
        # one card or line per author, printed one after the other
        ('<div class="author-card"><a href="/author/ines-marlow">Ines Marlow</a></div>'
         '<div class="author-card"><a href="/author/tobias-renn">Tobias Renn</a></div>', BODY, ["Ines Marlow", "Tobias Renn"], []),
        ('<p class="byline">By Ines Marlow</p><p class="byline">and Tobias Renn</p>', BODY, ["Ines Marlow", "Tobias Renn"], []),
        # ... with an agency's card between two people's; the site's card after a person's is her employer, then where she writes from
        ('<span class="author">Ines Marlow</span>, <span class="author">Harbour News Service</span>, <span class="author">Tobias Renn</span>', BODY,
         ["Ines Marlow", "Tobias Renn"], ["Harbour News Service"]),
        ('<p class="byline">By <a href="/author/ines-marlow">Ines Marlow</a></p><p class="byline">Harbour News Service</p>'
         '<p class="byline"><a href="/author/tobias-renn">Tobias Renn</a></p>', BODY, ["Ines Marlow", "Tobias Renn"], ["Harbour News Service"]),
        ('<span class="author">Ines Marlow</span>, <span class="author">Riverside Post</span>, <span class="author">New Harbour</span>', BODY,
         ["Ines Marlow"], []),
        # ... a job title's card between them is no organisation
        ('<span class="author">Ines Marlow</span>, <span class="author">Staff Writer</span>, <span class="author">Tobias Renn</span>', BODY,
         ["Ines Marlow", "Tobias Renn"], []),
        # a credit further down (an author box after the story) is not a second author
        ('<p class="byline">By Ines Marlow</p>', [*BODY, '<span class="author">Tobias Renn</span>'], ["Ines Marlow"], []),
        # a "Text:" credit beside a picture credit
        ('<p class="credits">Text: Lena Marquardt | Fotos: Tobias Renn</p>', BODY, ["Lena Marquardt"], []),
        # a month in bold heading a fixture list is no name
        ("", [*BODY, "<b>July</b>", "<b>25-29</b> Harbour regatta"], [], []),
        # a job title printed under the name is a role, not a second author
        ('<div class="bylines"><div class="byline">Ines Marlow</div><div class="role">Senior Correspondent</div>'
         '<div class="byline">Tobias Renn</div><div class="role">Wirtschaftsredakteur</div></div>', BODY, ["Ines Marlow", "Tobias Renn"], []),
        # a painter credited in a caption, the site's builder, a date line's "Last Updated" are no bylines
        ('<div class="image-caption">Portrait of the harbour master <a href="/p/ole">Ole Brandt</a> by Tobias Renn</div>', BODY, [], []),
        ('<ul class="caption meta"><li class="author"><a href="/author/ines-marlow">Ines Marlow</a></li></ul>', BODY, ["Ines Marlow"], []),
        ('<div class="site-info"><a href="https://studio.example/">Web design</a> by <b>Tobias Renn</b></div>', BODY, [], []),
        ('<p class="byline">Last Updated: January 7, 2025</p>', BODY, [], []),
        ('<p class="author">Снимка: Getty Images</p>', BODY, [], []),
        # a syndicated story's credit box; the story's own line crediting its design after the reporter
        ('<div class="syndication-copyright"><p>By Ines Marlow, Harbour Wire</p></div>', BODY, ["Ines Marlow"], ["Harbour Wire"]),
        ('<p class="byline">Story by Ines Marlow. Designed and developed by Tobias Renn.</p>', BODY, ["Ines Marlow"], []),
        ('<div class="credits">Words by Ines Marlow. Graphics designed by Tobias Renn</div>', BODY, ["Ines Marlow"], []),
    ],
)
def test_printed_byline_rules(top, body, people, orgs):
    record = extract(page(top=top, body=body))
    assert (record["authors"], record["author_orgs"]) == (people, orgs)
    assert record["provenance"].get("author") == ("printed-byline" if people or orgs else None)


def test_a_signature_and_a_copyright_notice_closing_the_story_leave_its_text():
    """Korean sites sign each story in its last paragraph and close it with the site's copyright."""
    record = extract(page(body=[*BODY, "김민준 기자 minjun.kim@hanbit.example", "ⓒ 한빛일보, 무단전재 및 재배포 금지"]))
    assert record["authors"] == ["김민준"]
    assert record["text"].split("\n\n") == BODY


@pytest.mark.parametrize("notice", ["© 2026 Riverside Courier. All rights reserved.", "Copyright (c) 2026 Riverside Courier",
                                    "Copyright 2026 The Associated Press. All rights reserved. This material may not be published, broadcast,"
                                    " rewritten or redistributed without permission."])
def test_a_copyright_notice_under_the_story_leaves_its_text(notice):
    record = extract(page(body=[*BODY, notice]))
    assert record["text"].split("\n\n") == BODY


@pytest.mark.parametrize("sentence", ["Copyright 2024 rules now let artists keep the rights to their own ferry posters.",
                                      "(c) 2027 onwards, the harbour levy rises to five per cent.", "그는 무단 전재를 막겠다고 말했다."])
def test_a_story_sentence_about_copyright_stays(sentence):
    record = extract(page(body=[*BODY, sentence]))
    assert record["text"].split("\n\n")[-1] == sentence


def test_a_page_wrapped_in_one_form_keeps_its_byline():
    # ASP.NET Web Forms sites wrap the whole page in <form id="aspnetForm">
    html = page(top='<span class="author">By Ines Marlow</span>').replace(
        "<body>", '<body><form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE" value="dDwtMTA">'
    ).replace("</body>", "</form></body>")
    record = extract(html)
    assert (record["authors"], record["provenance"]["author"]) == (["Ines Marlow"], "printed-byline")


def test_small_site_page_credits_its_reporter_in_a_bold_paragraph():
    """A small site's template: the site as declared author and as the byline link, a follow button,
    a photo credit, and the reporter's name in bold below the standfirst; a site affix in
    og:title, <title> and JSON-LD that is longer than the headline."""
    html = (PAGES / "small_site_bold_byline.html").read_text()
    record = extract(html, "https://lakeshore.example/news/lakeside-school-opens-again/")
    assert (record["title"], record["provenance"]["title"]) == ("Lakeside school opens its doors again", "h1")
    assert (record["authors"], record["author_orgs"]) == (["Tamsin Achterberg"], [])
    assert record["provenance"]["author"] == "printed-byline"


@pytest.mark.parametrize(("bold", "people"), [
    ("Hintergrund", []), ("Quellen", []), ("Mehr Infos (PDF)", []), ("Stand: 12.04.2023", []),
    ("Tamsin Achterberg", ["Tamsin Achterberg"]), ("Von Tamsin Achterberg und Ole Brandt", ["Tamsin Achterberg", "Ole Brandt"]),
    ("Tamsin Achterberg (dpa)", ["Tamsin Achterberg"]), ("Jane Roe, John Doe and Amy Cho", ["Jane Roe", "John Doe", "Amy Cho"]),
    ("Juan Carlos Rodríguez y María José Pérez", ["Juan Carlos Rodríguez", "María José Pérez"]),
])
def test_a_bold_paragraph_closing_the_story_credits_only_when_it_reads_as_names(bold, people):
    """A section's bold heading printed as a paragraph ("Hintergrund") is no byline."""
    record = extract(page(body=[*BODY, f"<strong>{bold}</strong>"]))
    assert record["authors"] == people


# ---- canonical URL, site name, language, section, tags --------------------------------------


@pytest.mark.parametrize(
    ("head", "canonical", "signal"),
    [
        ('<link rel="canonical" href="https://riverside.example/ferry/"><meta property="og:url" content="https://riverside.example/og/">',
         "https://riverside.example/ferry/", "link:canonical"),
        ('<meta property="og:url" content="/og/ferry/">', "https://riverside.example/og/ferry/", "meta:og:url"),
        ('<link rel="canonical" href="javascript:void(0)">', URL, "url"),
        ('<link rel="canonical" href="http://[::1"><meta property="og:url" content="/og/ferry/">',
         "https://riverside.example/og/ferry/", "meta:og:url"),
    ],
)
def test_canonical_url(head, canonical, signal):
    record = extract(page(head))
    assert record["canonical_url"] == canonical
    assert record["provenance"]["canonical_url"] == signal


@pytest.mark.parametrize(
    ("head", "site_name", "signal"),
    [
        ('<meta property="og:site_name" content="Riverside Post">', "Riverside Post", "meta:og:site_name"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Riverside Post"}}</script>',
         "Riverside Post", "jsonld:publisher"),
        ("", "riverside.example", "host"),
    ],
)
def test_site_name(head, site_name, signal):
    record = extract(page(head))
    assert record["site_name"] == site_name
    assert record["provenance"]["site_name"] == signal


@pytest.mark.parametrize(
    ("html_attrs", "head", "language", "signal"),
    [
        ('lang="en-GB"', "", "en", "html:lang"),
        ("", '<meta http-equiv="content-language" content="de-AT">', "de", "meta:content-language"),
        ("", '<meta property="og:locale" content="pt_BR">', "pt", "meta:og:locale"),
        ("", "", "en", "detected:py3langid"),
    ],
)
def test_language(html_attrs, head, language, signal):
    record = extract(page(head, html_attrs=html_attrs))
    assert record["language"] == language
    assert record["provenance"]["language"] == signal


def test_language_detected_for_an_undeclared_german_page():
    body = [
        "Die Fährgesellschaft hat am Mittwoch ihren Sommerfahrplan veröffentlicht und zwei frühe Überfahrten an Werktagen ergänzt.",
        "Pendler auf der Insel hatten seit Jahren eine frühere Abfahrt gefordert, weil das erste Schiff nach Schichtbeginn ankam.",
        "Die zusätzlichen Fahrten sollen vom ersten Mai bis Ende September angeboten und im Herbst überprüft werden.",
    ]
    assert extract(page(body=body, html_attrs=""))["language"] == "de"


@pytest.mark.parametrize(
    ("head", "section", "tags", "signals"),
    [
        ('<script type="application/ld+json">{"@type": "NewsArticle", "articleSection": "Transport", "keywords": ["ferries", "timetables"]}</script>',
         "Transport", ["ferries", "timetables"], ("jsonld:articleSection", "jsonld:keywords")),
        ('<meta property="article:section" content="Transport"><meta property="article:tag" content="ferries">'
         '<meta property="article:tag" content="timetables">', "Transport", ["ferries", "timetables"], ("meta:article:section", "meta:article:tag")),
        ('<meta name="news_keywords" content="ferries, timetables">', None, ["ferries", "timetables"], (None, "meta:news_keywords")),
    ],
)
def test_section_and_tags(head, section, tags, signals):
    record = extract(page(head))
    assert (record["section"], record["tags"]) == (section, tags)
    assert (record["provenance"].get("section"), record["provenance"].get("tags")) == signals


# ---- quality flags and page types -----------------------------------------------------------


def test_declared_paywall():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": "False"}</script>'
    record = extract(page(head))
    assert record["is_paywalled"] is True
    assert record["provenance"]["is_paywalled"] == "jsonld:isAccessibleForFree"


def test_paywall_prompt_closing_a_teaser():
    record = extract(page(body=[*BODY[:2], "Subscribe now to continue reading this article and everything else we publish.",
                                "Already a subscriber? Log in"]))
    assert record["is_paywalled"] is True
    assert record["provenance"]["is_paywalled"] == "text:subscription-prompt"
    assert record["text"].split("\n\n") == BODY[:2]


@pytest.mark.parametrize(("box", "paywalled"), [
    ('<div class="paywall-prompt"><h3>Subscribe to continue reading</h3><a href="/subscribe">Subscribe now</a></div>', True),
    ('<div id="piano-offer"><p>Suscríbete para seguir leyendo</p></div>', True),
    ('<div class="paywall"><h3>Subscribe to keep reading</h3><p>Get unlimited access for $1 a week. Cancel anytime.</p>'
     '<a href="/subscribe">Subscribe now</a></div>', True),
    ('<div class="paywall-prompt"></div>', False),  # the empty placeholder templates print on free stories too
    ('<div class="newsletter"><p>Subscribe to continue reading our morning briefing</p></div>', False),  # not marked a paywall
    ('<div class="newsletter-subscribe"><p>Subscribe to continue reading our morning briefing</p></div>', False),
])
def test_a_paywall_prompt_in_its_own_box_inside_the_story(box, paywalled):
    """trafilatura leaves such a box out as boilerplate; the story's <article> still holds it."""
    record = extract(page(body=BODY[:2]).replace("</article>", f"{box}</article>"))
    assert record["is_paywalled"] is paywalled
    assert record["provenance"].get("is_paywalled") in (("text:subscription-prompt", "page:subscription-prompt") if paywalled else (None,))
    assert record["text"].split("\n\n") == BODY[:2]  # a prompt trafilatura kept is no story text


def test_a_closing_line_about_subscribers_is_flagged_but_stays_in_the_text():
    """It may be a wall's words, but it asks nothing of the reader: only prompts to act leave the text."""
    record = extract(page(body=[*BODY, "The harbour museum's archive is open to subscribers only until May."]))
    assert record["text"].split("\n\n")[-1] == "The harbour museum's archive is open to subscribers only until May."


def test_newsletter_prompt_is_not_a_paywall():
    record = extract(page(body=[*BODY, "Subscribe to our free morning newsletter for the day's headlines."]))
    assert record["is_paywalled"] is False


def test_too_short_is_flagged_not_dropped():
    short = extract(page(body=BODY[:1] + ["More to follow."]))
    assert short["is_too_short"] is True and short["word_count"] < 100
    assert extract(page(body=BODY * 2))["is_too_short"] is False


@pytest.mark.parametrize(
    ("head", "page_type"),
    [
        ('<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Ferry strike: live"}</script>', "live_blog"),
        ('<meta property="og:type" content="video.other">', "video"),
        ('<meta property="og:type" content="article">', "article"),
    ],
)
def test_page_type(head, page_type):
    assert extract(page(head))["page_type"] == page_type


POSTS = [f"{time} Uhr: {text}" for time, text in zip(["12.31", "11.39", "11.13"], BODY)] + BODY[3:]
TIMELINE = [f"{time} – {text}" for time, text in zip(["06:10", "07:45", "09:20"], BODY)] + BODY[3:]


@pytest.mark.parametrize(
    ("h1", "url", "body", "page_type"),
    [
        # a live blog that does not declare itself: called live in its address or headline, posts headed by their time
        ("Ferry strike: crews walk out on the island route", "https://harbour.example/news/ferry-strike-news-ticker-vom-12-mai", POSTS, "live_blog"),
        ("Ferry strike LIVE: crews walk out", URL, TIMELINE, "live_blog"),
        ("Liveticker: Ferry strike on the island route", URL, POSTS, "live_blog"),
        # either alone is a story: a timeline of one day, a headline about living or a live stream
        ("How the first crossing went, hour by hour", URL, TIMELINE, "article"),
        ("Live in a lighthouse: the keeper's cottage for sale", "https://harbour.example/news/live-in-a-lighthouse", BODY, "article"),
        ("Ferry strike LIVE: crews walk out", URL, BODY, "article"),
        # nor do these words name a live coverage: a verb, a festival's name, a slug that says "live" in passing
        ("Where they live: a day on the island ferry", URL, TIMELINE, "article"),
        ("Harbour Festival LIVE 2024: the programme", URL, TIMELINE, "article"),
        ("A day with the crews", "https://harbour.example/news/the-crews-who-live-on-the-island/", TIMELINE, "article"),
    ],
)
def test_an_undeclared_live_blog_is_told_by_its_name_and_its_timed_posts(h1, url, body, page_type):
    assert extract(page(h1=h1, body=body), url)["page_type"] == page_type
