"""Publication dates come from the page only: a text without a full date (a time, a weekday,
a day without a year) or a date after the page could have been fetched is no date at all,
so extraction never stamps a page with the day it happened to run."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from dateutil import parser as dateutil_parser
from htmldate import extractors as htmldate_extractors

from pipeline.extract import extract_page
from pipeline.extract.dates import parse_datetime

NO_DATE_URL = "https://tidewater.example/harbour/new-pontoon-for-the-rowing-club/"
DATED_URL = "https://tidewater.example/2024/05/26/new-pontoon-for-the-rowing-club/"
BODY = [
    "The rowing club on the east quay will get a floating pontoon before the summer regatta, the harbour board decided.",
    "Members have launched their boats from a slipway that floods at high tide, and the club asked for a pontoon in 2019.",
    "The board will pay for the pontoon from its maintenance budget, and the club will paint and look after it every winter.",
    "Work starts once the last fishing boats have moved to their summer moorings further up the river, the board said.",
]


def story(head: str = "", meta: str = "") -> str:
    """A story page whose dates sit where each test puts them: in <head>, or under the headline."""
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>New pontoon for the rowing club</title>
<meta property="og:type" content="article">{head}</head><body><article><h1>New pontoon for the rowing club</h1>
<div class="byline">By Maren Oyelaran {meta}</div><div class="story">{paragraphs}</div></article></body></html>"""


def published(html: str, url: str = NO_DATE_URL) -> tuple[datetime | None, str | None]:
    record = extract_page(html, url)
    assert record is not None
    return record["published_at"], record["provenance"].get("published_at")


@pytest.mark.parametrize(
    ("head", "meta"),
    [
        ("", '<time datetime="14:54">14:54</time>'),
        ("", '<time datetime="Monday">Monday</time>'),
        ('<meta property="article:published_time" content="May 26">', ""),
        ('<meta property="article:published_time" content="2024">', ""),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "Monday 14:54"}</script>', ""),
    ],
)
def test_a_text_without_a_full_date_is_no_date(head, meta):
    assert published(story(head, meta)) == (None, None)


def test_a_time_of_day_does_not_hide_the_printed_date_after_it():
    html = story(meta='<time datetime="14:54">14:54</time> <span class="date">May 26, 2024</span>')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=timezone.utc), "visible-text")


def test_a_date_after_the_fetch_is_a_typo_and_the_next_signal_speaks():
    head = '<meta property="article:published_time" content="2204-05-26T09:30:00Z">'
    assert published(story(head), DATED_URL) == (datetime(2024, 5, 26, tzinfo=timezone.utc), "url")
    assert published(story(head)) == (None, None)
    future_url = DATED_URL.replace("/2024/", f"/{datetime.now(timezone.utc).year + 1}/")
    assert published(story(), future_url) == (None, None)


def test_a_full_rfc_822_date_is_read():
    head = '<meta property="article:published_time" content="Sun, 26 May 2024 14:54:00 GMT">'
    assert published(story(head)) == (datetime(2024, 5, 26, 14, 54, tzinfo=timezone.utc), "meta:article:published_time")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-05-26T14:54:00+02:00", datetime(2024, 5, 26, 12, 54, tzinfo=timezone.utc)),
        ("2024-05-26", datetime(2024, 5, 26, tzinfo=timezone.utc)),
        ("Sunday, May 26 2024", datetime(2024, 5, 26, tzinfo=timezone.utc)),
        ("26 May 2024 14:54", datetime(2024, 5, 26, 14, 54, tzinfo=timezone.utc)),
        ("14:54", None),
        ("Monday", None),
        ("May 26", None),
        ("May 2024", None),
        ("2024", None),
        ("1994-12-31", None),
        ("yesterday", None),
    ],
)
def test_parse_datetime_needs_year_month_and_day(text, value):
    assert parse_datetime(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("Sun, 26 May 2024 14:54:00 CEST", datetime(2024, 5, 26, 12, 54, tzinfo=timezone.utc)),
    ("May 26, 2024 5:12 PM EDT", datetime(2024, 5, 26, 21, 12, tzinfo=timezone.utc)),
    ("2024-05-26 14:54 IST", datetime(2024, 5, 26, 14, 54, tzinfo=timezone.utc)),  # India or Ireland: read as UTC
])
def test_a_printed_zone_abbreviation_places_the_time_without_a_warning(text, value, recwarn):
    assert parse_datetime(text) == value
    assert not recwarn.list  # dateutil warns of zones it cannot place; extraction's output stays clean


def test_parse_datetime_allows_clock_slack_but_not_the_future():
    soon = datetime.now(timezone.utc) + timedelta(hours=12)
    assert parse_datetime(soon.isoformat()) == soon
    assert parse_datetime((soon + timedelta(days=30)).isoformat()) is None


@pytest.mark.parametrize("text", ["2024-05-26T14:54:00+25:00", "Sun, 26 May 2024 14:54:00 +2500", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
@pytest.mark.parametrize("where", ["jsonld", "meta", "time", "printed"])
def test_a_time_with_an_impossible_offset_or_beyond_the_calendar_is_no_date_and_fails_no_page(text, where):
    """An offset of a day or more cannot be converted to UTC, nor can year 1 east of Greenwich:
    the page is still a story, dated at most by the day a text prints (htmldate, searching the
    page, meets the same texts)."""
    head = {
        "jsonld": f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{text}", "dateModified": "{text}"}}</script>',
        "meta": f'<meta property="article:published_time" content="{text}"><meta property="article:modified_time" content="{text}">',
    }.get(where, "")
    meta = {"time": f'<time itemprop="datePublished" datetime="{text}">{text}</time>', "printed": f'<span class="date">{text}</span>'}.get(where, "")
    html = story(head, meta)
    assert published(html)[0] in (None, datetime(2024, 5, 26, tzinfo=timezone.utc))
    assert published(html, DATED_URL)[0] == datetime(2024, 5, 26, tzinfo=timezone.utc)


def test_a_year_in_the_text_is_not_the_first_of_january():
    """htmldate's last resort reads "in 2019" (BODY) or a copyright line as 1 January: not a date."""
    html = story().replace("</article>", "</article><p class='small'>© 2019 Tidewater Press</p>")
    assert published(html) == (None, None)


def test_a_first_of_the_month_printed_in_full_is_kept():
    """Printed at the foot of the story, beyond the headline's reach: htmldate finds it."""
    long_paragraph = " ".join(BODY)
    html = story().replace("</div></article>", f"<p>{long_paragraph}</p><p>Filed on 1 March 2023 by the harbour desk.</p></div></article>")
    assert published(html) == (datetime(2023, 3, 1, tzinfo=timezone.utc), "htmldate")


def test_a_first_of_the_month_printed_in_figures_is_kept():
    """A German press release's "01.11.2023 11:35" under the story: htmldate finds it,
    and the check that it is no completed year reads figures as well as words."""
    html = story().replace('lang="en"', 'lang="de"').replace("</article>", '</article><p><span>Teilen:</span>\n    <em>\n    01.11.2023 11:35\n    </em>\n    </p>')
    assert published(html) == (datetime(2023, 11, 1, tzinfo=timezone.utc), "htmldate")


UTC = timezone.utc


@pytest.mark.parametrize(
    ("meta", "published_at", "updated_at"),
    [
        ("| Updated: May 27, 2024, 9:00 a.m. | Published: May 26, 2024, 8:30 a.m.", datetime(2024, 5, 26, tzinfo=UTC), datetime(2024, 5, 27, tzinfo=UTC)),
        ('<span>Aktualisiert 27.05.2024</span> <span>Veröffentlicht 26.05.2024</span>', datetime(2024, 5, 26, tzinfo=UTC), datetime(2024, 5, 27, tzinfo=UTC)),
        ('Updated <time datetime="2024-05-27T09:00:00Z">May 27</time> Published <time datetime="2024-05-26T08:30:00Z">May 26</time>',
         datetime(2024, 5, 26, 8, 30, tzinfo=UTC), datetime(2024, 5, 27, 9, 0, tzinfo=UTC)),
        ('<b>Updated:</b> <span>May 27, 2024</span>', None, datetime(2024, 5, 27, tzinfo=UTC)),
        ('<span>Aggiornato il 27 maggio 2024 alle 10:15</span> · <span>Pubblicato il 26 maggio 2024 alle 18:02</span>',
         datetime(2024, 5, 26, tzinfo=UTC), datetime(2024, 5, 27, tzinfo=UTC)),
    ],
    ids=["one-line", "german-spans", "time-elements", "update-only", "italian-articles"],
)
def test_a_printed_update_is_never_the_publication_date(meta, published_at, updated_at):
    """Datelines print the update first ("Updated … | Published …"); an unlabelled date is the publication's."""
    record = extract_page(story(meta=meta), DATED_URL.replace("/2024/05/26/", "/harbour/") if published_at is None else NO_DATE_URL)
    assert (record["published_at"], record["updated_at"]) == (published_at, updated_at)
    assert record["provenance"].get("updated_at") in ("visible-text", "time-near-headline")


@pytest.mark.parametrize("og_type", ["video.other", "article"])
def test_a_video_page_is_dated_by_its_upload_date_a_story_not_by_its_embedded_clip(og_type):
    """A video page declares a VideoObject, not an article: its uploadDate, with the time, is the
    publication. On a story page the VideoObject is an embedded clip, dated when the clip was."""
    video = '<script type="application/ld+json">{"@type": "VideoObject", "name": "New pontoon", "uploadDate": "2020-01-06T15:00Z"}</script>'
    html = story(video).replace('content="article"', f'content="{og_type}"')
    expected = (datetime(2020, 1, 6, 15, 0, tzinfo=UTC), "jsonld:uploadDate") if og_type.startswith("video") else (datetime(2024, 5, 26, tzinfo=UTC), "url")
    assert published(html, DATED_URL) == expected


def test_a_headline_ending_in_a_label_word_does_not_label_the_time_after_it():
    """<h1>Why the rules were modified</h1><time …>: the headline's words are its own."""
    html = story(meta='<time datetime="2024-05-26T09:30:00Z">26 May 2024</time>').replace(
        "<h1>New pontoon for the rowing club</h1>", "<h1>Why the pontoon plans were updated</h1>").replace('<div class="byline">By Maren Oyelaran ', '<div class="byline">')
    html = html.replace('<div class="byline">', "").replace("</div><div class=\"story\">", "<div class=\"story\">", 1)
    record = extract_page(html, NO_DATE_URL)
    assert (record["published_at"], record["updated_at"]) == (datetime(2024, 5, 26, 9, 30, tzinfo=UTC), None)


@pytest.mark.parametrize("first", ["Updated figures released on Tuesday show the pontoon cost rose in 2024.",
                                   "Published in 2019, the harbour plan first named the pontoon."])
def test_an_opening_sentence_starting_with_a_label_word_is_no_dateline(first):
    html = story().replace(f"<p>{BODY[0]}</p>", f"<p>{first}</p><p>{BODY[0]}</p>")
    assert extract_page(html, NO_DATE_URL)["text"].split("\n\n")[0] == first


def test_a_ticker_s_marked_time_is_not_the_story_s():
    """Tickers and teasers mark their stories' <time pubdate> too; the story's is the one after its headline."""
    html = story(meta='<time pubdate datetime="2024-05-26T09:30:00Z">26 May 2024</time>').replace(
        "<article>", '<article><div class="ticker"><a href="/harbour/bridge/">Bridge reopens</a> <time pubdate datetime="2024-05-27T07:00:00Z">27 May</time></div>')
    assert published(html) == (datetime(2024, 5, 26, 9, 30, tzinfo=UTC), "time:datePublished")


@pytest.mark.parametrize("printed", ["2024年05月26日", "2024年5月26日 17:16", "公開日：2024年5月26日"])
def test_a_chinese_or_japanese_date_under_the_headline_is_read(printed):
    html = story(meta=f'<span class="date">{printed}</span>').replace('lang="en"', 'lang="ja"')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


def test_a_chinese_kicker_naming_a_date_does_not_date_the_story():
    """Without spaces, a kicker recalling a day ("marking the flood of 8 March 2011") is one "word"."""
    html = story().replace("<h1>", '<p class="kicker">纪念2011年3月8日青溪洪水十二周年</p><h1>').replace('lang="en"', 'lang="zh"')
    assert published(html, DATED_URL) == (datetime(2024, 5, 26, tzinfo=UTC), "url")


@pytest.mark.parametrize("printed", [
    "<span>更新日：2024年05月28日</span> <span>公開日：2024年05月26日</span>",
    "<span>最后更新：2024年05月28日</span> <span>发布时间：2024年05月26日</span>",  # Chinese labels run on without a space
    "<span>更新于2024年05月28日</span> <span>发布于2024年05月26日</span>",
    "<span>2024年05月28日 更新</span> <span>2024年05月26日 公開</span>",  # Japanese may label after the date
])
def test_a_chinese_or_japanese_update_printed_before_the_publication_is_no_publication_date(printed):
    html = story(meta=printed).replace('lang="en"', 'lang="ja"')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


def test_a_time_marked_with_hatom_s_class_in_a_list_of_other_posts_is_not_the_story_s():
    """WordPress marks every post's time with the class "published", a trending strip's too."""
    html = story(meta='<span class="date">May 26, 2024</span>').replace(
        "<article>", '<div class="trending-posts"><a href="/harbour/bridge/">Bridge reopens</a>'
        ' <time class="entry-date published" datetime="2024-05-20T07:00:00Z">20 May</time></div><article>')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


@pytest.mark.parametrize(("lang", "text", "day"), [
    ("fr", "05/03/2024", datetime(2024, 3, 5, tzinfo=UTC)), ("en-GB", "05/03/2024", datetime(2024, 3, 5, tzinfo=UTC)),
    ("en", "05/03/2024", datetime(2024, 5, 3, tzinfo=UTC)), ("en-US", "05/03/2024", datetime(2024, 5, 3, tzinfo=UTC)),
    ("de", "2024/03/05", datetime(2024, 3, 5, tzinfo=UTC)),  # year first is never day first
])
def test_a_numeric_meta_date_is_read_day_first_but_in_american_english(lang, text, day):
    html = story(f'<meta name="date" content="{text}">').replace('lang="en"', f'lang="{lang}"')
    assert published(html) == (day, "meta:date")


@pytest.mark.parametrize(("lang", "day"), [("en-US", datetime(2024, 5, 3, tzinfo=UTC)), ("de", datetime(2024, 3, 5, tzinfo=UTC))])
def test_a_numeric_printed_date_is_read_as_the_page_s_language_writes_it(lang, day):
    """"Published 05/03/2024" under the headline: May 3 on an American page, 5 March elsewhere."""
    html = story(meta="| Published 05/03/2024 2:15 PM").replace('lang="en"', f'lang="{lang}"')
    assert published(html) == (day, "visible-text")


def test_a_french_dateline_gives_both_dates_and_leaves_the_text():
    html = story(meta="").replace('<div class="byline">By Maren Oyelaran </div>', "<p>Publié le 20/05/2024 à 07h15 Modifié le 21/05/2024 à 09h40</p>")
    record = extract_page(html.replace('lang="en"', 'lang="fr"'), NO_DATE_URL)
    assert (record["published_at"], record["updated_at"]) == (datetime(2024, 5, 20, tzinfo=UTC), datetime(2024, 5, 21, tzinfo=UTC))
    assert record["text"].split("\n\n") == BODY


def test_a_reading_time_beside_the_date_is_no_story_text():
    html = story(meta="").replace('<div class="byline">By Maren Oyelaran </div>', "<p>6 min read · May 26, 2024</p>")
    record = extract_page(html, NO_DATE_URL)
    assert (record["published_at"], record["text"].split("\n\n")) == (datetime(2024, 5, 26, tzinfo=UTC), BODY)


def test_a_standfirst_between_headline_and_dateline_does_not_hide_the_dates():
    html = story(meta="").replace('<div class="byline">By Maren Oyelaran </div>',
                                  '<p class="dek">A floating pontoon for the club before the regatta.</p>'
                                  '<div class="dates"><span>Published May 20, 2024</span> <span>Updated May 21, 2024</span></div>')
    record = extract_page(html, NO_DATE_URL)
    assert (record["published_at"], record["updated_at"]) == (datetime(2024, 5, 20, tzinfo=UTC), datetime(2024, 5, 21, tzinfo=UTC))


@pytest.mark.parametrize("printed", ["2024-05", "2024.05", "2024/05", "2024-05 12:30", "2024 11:20", "05/2024"])
def test_a_month_alone_in_a_date_element_is_no_date_whatever_day_extraction_runs(printed):
    """htmldate read a text opening with a year through dateutil, which completes what it leaves out
    from today: "2024-05" was the 28th on the 28th, "2024.05" today's date in 2024. With no other date
    on the page, that made-up day was the record's, and re-extracting the page on another day changed it."""
    assert published(story(meta=f'<span class="date">{printed}</span>')) == (None, None)


@pytest.mark.parametrize(("head", "meta"), [
    ('<meta name="citation_publication_date" content="2024/05/01">', ""),
    ('<meta name="dc.date.created" content="2024-05-01">', ""),
    ("", '<abbr class="published" title="2024-05-01T10:00:00">Wednesday morning</abbr>'),
])
def test_a_first_of_the_month_stated_in_full_in_an_attribute_is_kept(head, meta):
    assert published(story(head, meta)) == (datetime(2024, 5, 1, tzinfo=timezone.utc), "htmldate")


def test_htmldate_reads_whole_dates_only_for_us_even_beside_other_threads_calling_it():
    """trafilatura (and plain trafilatura in the benchmark) call htmldate too, and keep its plain reading."""
    page = story(meta='<span class="date">2024 11:20</span>')

    def ours(_):
        return published(page)

    def others(_):
        return htmldate_extractors.dateutil_parse("2024 11:20", fuzzy=False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: ours(n) if n % 2 else others(n), range(40)))
    assert {result for n, result in enumerate(results) if n % 2} == {(None, None)}
    assert {result for n, result in enumerate(results) if not n % 2} == {dateutil_parser.parse("2024 11:20", fuzzy=False)}


@pytest.mark.parametrize("box", [
    '<aside class="related"><a href="/old">Earlier: slipway floods again</a> <time datetime="2023-11-02">Nov 2, 2023</time></aside>',
    '<figure><img src="pontoon.jpg" alt=""><figcaption>March 3, 2021</figcaption></figure>',
    "<p>The club was founded in 1921.</p>",
])
def test_past_a_short_first_paragraph_only_a_dateline_dates_the_story(box):
    """A teaser's or a caption's date after the lede is theirs, and a sentence ends the search: the URL's date speaks."""
    html = story().replace(f"<p>{BODY[0]}</p>", f"<p>{BODY[0]}</p>{box}")
    assert published(html, DATED_URL) == (datetime(2024, 5, 26, tzinfo=UTC), "url")


def test_a_date_printed_just_above_the_headline_dates_the_story():
    html = story().replace("<h1>New pontoon", '<div class="header-content"><span class="date">Thứ hai, 26/5/2024, 08:00 (GMT+7)</span></div><h1>New pontoon')
    assert published(html.replace('lang="en"', 'lang="vi"')) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


@pytest.mark.parametrize(("time", "signal"), [
    ('<time datetime="01.05.2024 10:29">1. Mai 2024</time>', "time-near-headline"),
    ('<time itemprop="datePublished" datetime="01.05.2024 10:29">1. Mai 2024</time>', "time:datePublished"),
])
def test_a_time_element_s_numeric_datetime_is_read_day_first_on_a_german_page(time, signal):
    html = story(meta=time).replace('lang="en"', 'lang="de-AT"')
    assert published(html) == (datetime(2024, 5, 1, 10, 29, tzinfo=UTC), signal)


def test_a_date_in_a_short_story_paragraph_is_the_story_s_not_its_publication():
    """'Minutes of the meeting, 8 March 2024.' is a sentence of the story: the URL's date speaks."""
    html = story().replace(f"<p>{BODY[1]}</p>", f"<p>Minutes of the harbour board meeting, 20 May 2024.</p><p>{BODY[1]}</p>")
    assert published(html, DATED_URL) == (datetime(2024, 5, 26, tzinfo=UTC), "url")


def test_a_date_a_footnote_mentions_is_no_publication_date():
    """With no date declared, printed or in the URL, htmldate's search of the page must not read
    the date a note under the story cites: the record has no date rather than a wrong one."""
    notes = '<section class="footnotes"><ol><li>Minutes of the harbour board meeting, 20 May 2024.</li></ol></section>'
    html = story().replace("</div></article>", f"</div>{notes}</article>")
    assert published(html) == (None, None)


def test_a_date_after_a_byline_on_one_line_is_read():
    """'Autor: Jan Kowalski · 26 maja 2024': the byline's "Jan" is no January."""
    html = story().replace('<div class="byline">By Maren Oyelaran </div>', '<p class="meta">Autor: Jan Kowalski · 26 maja 2024, 08:15</p>')
    html = html.replace('lang="en"', 'lang="pl"')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


def test_a_date_under_a_headline_printed_as_h2_is_read():
    """Templates without an <h1> print the headline as <h2>: the one repeating the declared title
    is the headline, and the date printed under it is the story's."""
    html = story('<meta property="og:title" content="New pontoon for the rowing club">', "<span>2024.05.26 14:05</span>")
    html = html.replace("<h1>New pontoon for the rowing club</h1>", "<h2>Harbour</h2><h2>New pontoon for the rowing club</h2>")
    html = html.replace('<div class="byline">By Maren Oyelaran', '<div class="info">')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


def test_a_site_name_printed_as_h2_is_no_headline_to_date_the_story_by():
    """Without an <h1>, the site's name in an <h2> (repeating <title>'s affix) is not the
    headline, and the header's "today" beside it is not the story's date."""
    html = story(meta="May 26, 2024").replace('<div class="byline">By Maren Oyelaran ', '<div class="byline">')
    html = html.replace("<title>New pontoon for the rowing club</title>", "<title>New pontoon for the rowing club | Tidewater Evening Star</title>")
    html = html.replace("<body><article><h1>New pontoon for the rowing club</h1>",
                        '<body><div class="top"><h2 class="site-title">Tidewater Evening Star</h2><div class="today">Friday, May 31, 2024</div></div>'
                        "<article><h2>New pontoon for the rowing club</h2>")
    record = extract_page(html, NO_DATE_URL)
    assert record["title"] == "New pontoon for the rowing club"
    assert (record["published_at"], record["provenance"]["published_at"]) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


def test_the_record_keeps_the_offset_the_page_states_so_its_day_is_the_page_s():
    """20:53 in New York on the 15th is the 16th in UTC: the record says the 15th, the instant is the same."""
    value, signal = published(story('<meta property="article:published_time" content="2024-05-15T20:53:24-04:00">'))
    assert (value.isoformat(), signal) == ("2024-05-15T20:53:24-04:00", "meta:article:published_time")
    assert value == datetime(2024, 5, 16, 0, 53, 24, tzinfo=UTC)


def test_a_date_in_the_story_s_own_header_is_found_whatever_its_class_says():
    """The last resort skips the site's header and menus, but not the header that holds the headline
    (WordPress's <header class="entry-header">), where blogs print the date, here above the kicker."""
    html = story().replace('<h1>New pontoon for the rowing club</h1>\n<div class="byline">By Maren Oyelaran </div>',
                           '<header class="entry-header"><div class="entry-meta">Geschrieben am 26. Mai 2024 von Maren</div>'
                           '<div class="kicker">Harbour</div><h1>New pontoon for the rowing club</h1></header>')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "htmldate")


def test_a_page_without_head_or_date_is_searched_without_error():
    """lxml roots such a page at its first element: the story's header is still found in htmldate's copy."""
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    html = f"<!-- saved page --><html><body><article><h1>New pontoon for the rowing club</h1>{paragraphs}</article></body></html>"
    assert published(html) == (None, None)


def test_a_date_in_a_box_whose_name_ends_in_footer_is_read_and_the_site_header_is_not():
    """Blogs print the post's day in <div class="post-footer"> under the post: a name that ends in
    "footer" is part of the story; one that starts with "site-header" is the site's, with today."""
    html = story().replace("<body>", '<body><div class="site-header">Monday, 27 May 2024 · Tidewater Weekly</div>').replace(
        "</article>", '<div class="post-footer">Posted by Maren on Sunday, 26 May 2024</div></article>').replace(
        '<div class="byline">By Maren Oyelaran </div>', "")
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "htmldate")


def test_a_kicker_and_a_dateline_kept_as_the_story_s_first_blocks_date_it():
    """A template printing a one-word kicker and the date as paragraphs under the headline: both
    open the extracted story; the kicker is read past and the date line, in German, is the date."""
    html = story().replace('lang="en"', 'lang="de"').replace(
        '<div class="byline">By Maren Oyelaran </div>', "<p>Hafen</p><p>26. Mai 2024</p>")
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


def test_a_spanish_dateline_after_the_standfirst_dates_the_story():
    """Past a standfirst only a dateline may follow: one that names its month in Spanish is one too."""
    standfirst = "El club de remo tendrá un pontón flotante antes de la regata de verano, decidió el puerto."
    html = story().replace('lang="en"', 'lang="es"').replace(
        '<div class="byline">By Maren Oyelaran </div>', f'<p class="bajada">{standfirst}</p><div class="fecha">26 de mayo de 2024</div>')
    assert published(html) == (datetime(2024, 5, 26, tzinfo=UTC), "visible-text")


@pytest.mark.parametrize(("printed", "value", "signal"), [
    ("6 November 2023", datetime(2023, 11, 6, 14, 25, tzinfo=UTC), "meta:article:published_time"),
    ("3 November 2023", datetime(2023, 11, 3, 10, 25, tzinfo=UTC), "jsonld:datePublished"),
    ("9 November 2023", datetime(2023, 11, 3, 10, 25, tzinfo=UTC), "jsonld:datePublished"),  # printed matches none: JSON-LD first
])
def test_when_declarations_disagree_the_one_printed_under_the_headline_wins(printed, value, signal):
    """A republished story keeps its first date in JSON-LD and declares the new one in its meta tags."""
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-11-03T10:25:00+00:00"}</script>'
            '<meta property="article:published_time" content="2023-11-06T14:25:00+00:00">')
    assert published(story(head=head, meta=f"· {printed}")) == (value, signal)


def test_an_embedded_post_s_date_is_not_the_story_s():
    """An undated story quoting a post: the embed prints when the post was posted."""
    tweet = ('<blockquote class="twitter-tweet"><p lang="en">New early boat from the east quay!</p>&mdash; Harbour Board (@harbourboard)'
             ' <a href="https://twitter.com/harbourboard/status/1">July 20, 2023</a></blockquote>')
    html = story().replace("</div></article>", f"{tweet}</div></article>")
    assert published(html) == (None, None)


def test_a_byline_between_the_standfirst_and_the_dateline_is_read_past():
    """Headline, standfirst, "Por <a>Name</a>", then "Publicado el 17 nov 2025": the byline's box does
    not end the search, which would leave the date to the site header's "today"."""
    standfirst = "El club de remo tendrá un pontón flotante antes de la regata de verano, decidió el puerto."
    html = story().replace('lang="en"', 'lang="es"').replace("<body>", '<body><div class="cabecera">Martes, 18 de noviembre de 2025</div>').replace(
        '<div class="byline">By Maren Oyelaran </div>',
        f'<h2 class="entradilla">{standfirst}</h2><div class="firma"><span class="autor">Por <a href="/autor/maren">Maren Oyelaran</a></span>'
        '<span class="fecha">Publicado el 17 nov 2025, 13:42</span></div>')
    assert published(html) == (datetime(2025, 11, 17, tzinfo=UTC), "visible-text")


@pytest.mark.parametrize("sentence", ["The vote was held on 8 March 2026.", "Minutes of the board meeting, 20 May 2024."])
def test_a_short_sentence_with_a_date_opening_the_story_is_no_dateline(sentence):
    html = story().replace('<div class="story">', f'<div class="story"><p>{sentence}</p>')
    assert published(html, DATED_URL) == (datetime(2024, 5, 26, tzinfo=UTC), "url")


def test_a_month_in_figures_is_no_first_of_the_month():
    """"Erschienen in Heft 05/2019": htmldate completes it to 1 May; only a day in figures states a 1st."""
    html = story().replace("</article>", '</article><p class="issue">Erschienen in Heft 05/2019</p>')
    assert published(html) == (None, None)


@pytest.mark.parametrize("printed", ["2024-02-30", "31.04.2024", "2024/02/31 10:01", "05/2024", "2024-05", "01/2024", "2024-01-32", "1 min read · 05/2024"])
def test_a_printed_date_without_a_real_day_is_no_date_not_another_day(printed):
    """htmldate's parser reads an impossible day as the 1st and completes a month alone with a day
    of its own: under the headline that day passed for the one printed, before the URL's."""
    assert published(story(meta=f'<span class="date">{printed}</span>'), DATED_URL) == (datetime(2024, 5, 26, tzinfo=UTC), "url")


@pytest.mark.parametrize("box", [
    '<div class="td-header-wrap">Monday, 27 May 2024</div>',  # a theme's header, its prefix before "header"
    '<div class="post-related"><a href="/older">Older crossing news</a> 20 May 2024</div>',  # hyphenated box names
    '<div class="article-sidebar"><span>20 May 2024</span> Harbour board minutes</div>',
])
def test_the_site_s_header_and_hyphen_named_boxes_are_furniture(box):
    html = story().replace("</article>", f"</article>{box}")
    assert published(html) == (None, None)


JSONLD_UTC = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-27T03:40:17Z", "dateModified": "2024-05-27T05:02:44Z"}</script>'


@pytest.mark.parametrize(("meta", "zone"), [
    ('<time datetime="2024-05-26T21:40:17-06:00">May 26, 9:40 p.m.</time>', timezone(timedelta(hours=-6))),
    ('<time datetime="2024-05-26 21:40:17">May 26, 9:40 p.m.</time>', timezone(timedelta(hours=-6))),  # floating: off by 6 h to the second
    ('<time datetime="2024-05-27T09:10:17+05:30">May 27, 9:10 a.m.</time>', timezone(timedelta(hours=5, minutes=30))),
])
def test_a_time_declared_in_utc_takes_the_zone_the_page_states_for_the_same_instant(meta, zone):
    """The evening of the 26th in the page's own zone is the 27th in UTC: the record keeps the page's day."""
    value, signal = published(story(JSONLD_UTC, meta))
    assert (value, value.utcoffset(), signal) == (datetime(2024, 5, 27, 3, 40, 17, tzinfo=UTC), zone.utcoffset(None), "jsonld:datePublished")


@pytest.mark.parametrize("meta", [
    '<time datetime="2024-05-26T21:40:18-06:00">May 26</time>',  # another instant
    '<time datetime="2024-05-26 21:40:17.5">May 26</time>',  # not whole quarter hours off
    '<time datetime="2024-05-26 03:40:17">May 26</time>',  # a day off: no zone is 24 hours from UTC
])
def test_a_time_that_is_not_the_same_instant_gives_no_zone(meta):
    value, _ = published(story(JSONLD_UTC, meta))
    assert value.utcoffset() == timedelta(0)


def test_a_floating_time_without_seconds_gives_no_zone():
    """A round "21:00" six hours before "03:00:00Z" may be any other time the page mentions."""
    head = JSONLD_UTC.replace("03:40:17Z", "03:00:00Z")
    value, _ = published(story(head, '<time datetime="2024-05-26 21:00">May 26</time>'))
    assert value.utcoffset() == timedelta(0)


def test_a_date_without_a_time_of_day_takes_no_zone():
    """Midnight UTC from a date alone says nothing of the page's zone: the day stays the one stated."""
    head = '<meta property="article:published_time" content="2024-05-27">'
    value, _ = published(story(head, '<time datetime="2024-05-26T19:00:00-05:00">May 26</time>'))
    assert (value.date(), value.utcoffset()) == (datetime(2024, 5, 27).date(), timedelta(0))


def test_the_update_too_takes_the_zone_the_page_states_for_it():
    html = story(JSONLD_UTC, '<time datetime="2024-05-26T23:02:44-06:00">Updated May 26, 11:02 p.m.</time>')
    record = extract_page(html, NO_DATE_URL)
    assert record["updated_at"] == datetime(2024, 5, 27, 5, 2, 44, tzinfo=UTC)
    assert record["updated_at"].utcoffset() == timedelta(hours=-6)
    assert record["published_at"].utcoffset() == timedelta(0)  # the page states the publication's zone nowhere


@pytest.mark.parametrize(("lang", "opening", "day"), [
    ("de", "27.1.2024 - ", datetime(2024, 1, 27, tzinfo=UTC)),
    ("de", "Kiel, 14. Mai 2024 – ", datetime(2024, 5, 14, tzinfo=UTC)),
    ("de", "01.02.2024 ", datetime(2024, 2, 1, tzinfo=UTC)),  # a date in figures opening the lede, no dash
    ("en", "May 14, 2024 — ", datetime(2024, 5, 14, tzinfo=UTC)),
])
def test_a_dateline_run_into_the_lede_dates_a_page_that_states_no_other_date(lang, opening, day):
    """Press releases and small papers print the date at the opening of the lede, after a byline paragraph."""
    html = story().replace('lang="en"', f'lang="{lang}"').replace(f"<p>{BODY[0]}</p>", f"<p>By Maren Oyelaran</p><p>{opening}{BODY[0]}</p>")
    assert published(html) == (day, "dateline")


@pytest.mark.parametrize("paragraphs", [
    [*BODY[:3], "27.1.2024 - " + BODY[3]],  # past the story's opening paragraphs: a date the story is about
    [BODY[0], "Harbour board members voted on 27.1.2024 - " + BODY[1], *BODY[2:]],  # a sentence, not a dateline
])
def test_a_date_later_in_the_story_or_inside_a_sentence_is_no_dateline(paragraphs):
    html = story()
    for old, new in zip(BODY, paragraphs):
        html = html.replace(f"<p>{old}</p>", f"<p>{new}</p>")
    assert published(html.replace('lang="en"', 'lang="de"')) == (None, None)
