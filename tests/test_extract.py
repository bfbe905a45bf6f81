"""extract_page / extract_pages on pages written for each rule (tests/pages/)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from trafilatura.utils import load_html

from pipeline.corpus import to_table
from pipeline.extract import decode_html, extract_page, extract_pages
from pipeline.extract.appended import drop_appended_stories
from pipeline.extract.blocks import HEADING, ITEM, PARAGRAPH, Block, count_words
from pipeline.extract.captions import drop_repeated_captions
from pipeline.extract.furniture import drop_page_furniture, is_picture_credit
from pipeline.extract.script_body import script_story_html
from pipeline.extract.split_body import join_split_body

PAGES = Path(__file__).parent / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


SEED_URL = "https://dostana.example/business/a-bridge-too-slow-council-ferry-plan/"


@pytest.fixture(scope="module")
def seed_record() -> dict:
    record = extract_page(page("reprint_courtesy.html"), SEED_URL)
    assert record is not None
    return record


def test_seed_reprint_keeps_only_the_story(seed_record):
    text = seed_record["text"]
    assert text.startswith("The harbour council on Friday rejected")
    assert text.endswith("could add another year of delay.")
    for boilerplate in ("Sunday, May 26, 2024", "AD", "Advertisement", "Home", "misses deadline...", "Ilse Brandvik",
                        "Courtesy", "Meridian", "Share", "newsletter", "Related posts", "Port fees", "All rights reserved"):
        assert boilerplate not in text, boilerplate
    # the caption repeated the first quote: the quote is left exactly once, in its paragraph
    assert text.count("We asked for a timetable and were handed a brochure") == 1


def test_seed_reprint_metadata(seed_record):
    assert seed_record["attribution"] == "The Meridian Ledger"
    assert seed_record["published_at"] == datetime(2022, 1, 29, tzinfo=timezone.utc)
    assert seed_record["title"] == "‘A bridge too slow’: council says ferry plan misses deadline again"
    assert seed_record["site_name"] == "Dostana Daily"
    assert seed_record["canonical_url"] == SEED_URL
    assert seed_record["language"] == "en"
    assert seed_record["url"] == SEED_URL


def test_text_is_paragraphs_separated_by_one_blank_line(seed_record):
    paragraphs = seed_record["text"].split("\n\n")
    assert len(paragraphs) == 7
    assert all(p.strip() == p and "\n" not in p for p in paragraphs)
    assert seed_record["word_count"] == len(seed_record["text"].split())


def test_word_count_counts_each_han_and_kana_character():
    assert count_words("促进航天 news, it’s 5.99 — ok") == 4 + 4
    assert count_words("ひらがな") == 4


def test_content_hash_is_sha256_of_normalised_text(seed_record):
    normalised = " ".join(seed_record["text"].casefold().split())
    assert seed_record["content_hash"] == hashlib.sha256(normalised.encode()).hexdigest()
    shouted = page("reprint_courtesy.html").replace("The harbour council on Friday", "THE HARBOUR   COUNCIL ON FRIDAY")
    assert extract_page(shouted, SEED_URL)["content_hash"] == seed_record["content_hash"]


def test_caption_printed_as_a_paragraph_is_dropped_and_original_appearance_is_attribution():
    record = extract_page(page("reprint_caption_paragraph.html"), "https://kettle.example/news/orchard-growers?utm_source=feed")
    text = record["text"]
    assert text.count("Every warm week in March is a week the buds are not ready for April") == 1
    assert "whose family has farmed apricots" in text
    assert "Lena Marsh" not in text and "originally appeared" not in text
    assert "Subscribe" not in text and "Share on" not in text and "inbox" not in text
    assert record["attribution"] == "Valley Ag Report"
    # printed under the headline; the top bar's "today" (April 10, 2024) is ignored
    assert record["published_at"] == datetime(2023, 3, 28, tzinfo=timezone.utc)
    assert record["canonical_url"] == "https://kettle.example/news/orchard-growers-brace-for-late-frost"
    assert record["author"] == "Tomas Reyna"


def test_wire_dateline_prefix_is_removed_and_names_the_agency():
    record = extract_page(page("wire_dateline.html"), "https://courier.example/nation/coastal-towns-tide")
    assert record["text"].startswith("Harbour masters along the northern coast spent Tuesday")
    assert "(AP)" not in record["text"] and "PORT ELLIS" not in record["text"]
    assert record["attribution"] == "Associated Press"
    # JSON-LD datePublished with its offset, converted to UTC
    assert record["published_at"] == datetime(2023, 3, 22, 4, 40, tzinfo=timezone.utc)
    assert record["authors"] == ["Noor Halvorsen"]
    assert record["author_orgs"] == ["Associated Press"]
    assert record["author"] == "Noor Halvorsen"
    assert record["title"] == "Coastal towns count the cost of a record spring tide"


def test_attribution_outside_the_body_and_relative_canonical():
    url = "https://civic.example/culture/library-map-room-reopens/?ref=home"
    record = extract_page(page("reprinted_permission.html"), url)
    assert record["attribution"] == "The Civic Quarterly"
    assert "Reprinted" not in record["text"]
    assert record["canonical_url"] == "https://civic.example/culture/2021/09/14/library-map-room-reopens/"
    assert record["published_at"] == datetime(2021, 9, 14, tzinfo=timezone.utc)
    assert record["site_name"] == "civic.example"
    assert record["language"] == "en"


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("listing_front.html", "https://dostana.example/business/"),
        ("listing_front.html", "https://dostana.example/"),
        ("not_found.html", "https://dostana.example/business/missing-story/"),
    ],
)
def test_non_article_pages_are_none(name, url):
    assert extract_page(page(name), url) is None


@pytest.mark.parametrize("h1", ["Rescuers can't find missing kayaker off the east quay", "Divers couldn't find the missing ferry bell",
                                "Fortune 500 firms on the coast"])
def test_a_short_story_whose_headline_sounds_like_an_error_is_a_story(h1):
    html = f"""<html lang="en"><head><title>{h1} | Harbour Courier</title></head><body><article>
    <h1>{h1}</h1>{"".join(f"<p>{text}</p>" for text in STORY[:2])}</article></body></html>"""
    assert extract_page(html, "https://ferries.example/news/kayaker")["page_type"] == "article"


def test_an_error_page_that_apologises_only_in_its_h1_is_none():
    """A themed 404: the story template, a bare site name as title, the apology as headline."""
    teasers = "".join(f"<li><a href='/news/{n}'>{text}</a></li>" for n, text in enumerate(STORY))
    html = f"""<html lang="en"><head><title>Oops! | Harbour Courier</title><meta property="og:type" content="article"></head><body>
    <article><h1>Sorry, we can't find the page you were looking for</h1><p>Try the search, or one of these stories:</p>
    <ul>{teasers}</ul></article></body></html>"""
    assert extract_page(html, "https://ferries.example/news/early-crossings") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://ferries.example/article/3834/1",  # page 1 of story 3834, not a date archive
        "https://ferries.example/news/news_view.html?idx=8576&page=1&bc=03",  # the listing's page number carried along
        "https://ferries.example/bbs/board.php?bo_table=news&wr_id=8576&page=3",  # a Korean CMS's story
        "https://ferries.example/?p=4821",  # WordPress's plain permalink, on the root
    ],
)
def test_story_urls_that_look_like_listings_still_give_articles(url):
    assert extract_page(_undeclared_story(), url)["page_type"] == "article"


@pytest.mark.parametrize("url", ["https://ferries.example/2024/05/26/", "https://ferries.example/news/?page=2",
                                 "https://ferries.example/news/list.html?bc=03&page=2", "https://ferries.example/board?board_id=123&page=2",
                                 "https://ferries.example/news?page=2&limit=100", "https://ferries.example/?utm_source=feed"])
def test_listing_urls_give_no_article(url):
    """A page that declares nothing and sits at an archive's or a pager's URL is a listing."""
    assert extract_page(_undeclared_story(), url) is None


def _undeclared_story() -> str:
    return f"""<html lang="en"><head><title>Ferry adds early crossings</title></head><body>
    <h1>Ferry adds early crossings</h1>{"".join(f"<p>{text}</p>" for text in STORY)}</body></html>"""


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>", "<html><head><title>x</title></head><body><p> </p></body></html>"])
def test_empty_pages_are_none(html):
    assert extract_page(html, "https://dostana.example/empty/") is None


@pytest.mark.parametrize(("html", "url", "error", "message"), [
    (None, SEED_URL, TypeError, f"html must be str or bytes, got NoneType (url {SEED_URL})"),
    ("<html></html>", "/business/ferry-plan/", ValueError, "url must be an absolute http(s) or file URL, got '/business/ferry-plan/'"),
    ("<html></html>", "", ValueError, "url must be an absolute http(s) or file URL, got ''"),
    (SEED_URL, "<html><body><p>swapped</p></body></html>", ValueError, "url must be an absolute http(s) or file URL, got '<html><body><p>swapped</p></body></html>'"),
])
def test_arguments_that_are_no_page_are_named_not_silently_none(html, url, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        extract_page(html, url)
    with pytest.raises(error, match=f"^{re.escape('pages[1]: ' + message)}$"):
        extract_pages([(SEED_URL, "<html></html>"), (url, html)])


@pytest.mark.parametrize("url", ["https://[::1/business/ferry-plan/", "http://[dostana.example]/ferry/"])
def test_a_url_whose_host_urllib_cannot_split_is_named_as_no_page_url(url):
    message = f"url must be an absolute http(s) or file URL, got {url!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        extract_page("<html></html>", url)
    with pytest.raises(ValueError, match=f"^{re.escape('pages[1]: ' + message)}$"):
        extract_pages([(SEED_URL, "<html></html>"), (url, "<html></html>")])


def test_pages_must_be_pairs_and_bytes_are_decoded_as_a_warc_body_is():
    with pytest.raises(TypeError, match=r"^pages must be \(url, html\) pairs, got 'abc'$"):
        extract_pages("abc")
    with pytest.raises(TypeError, match=r"^pages\[0\] must be a \(url, html\) pair, got \('https://x.example/',\)$"):
        extract_pages([("https://x.example/",)])
    html = page("reprint_courtesy.html")
    assert extract_page(html.encode("cp1252", errors="replace"), SEED_URL)["title"] == extract_page(html, SEED_URL)["title"]


def test_extract_pages_keeps_order():
    pages = [
        ("https://dostana.example/", page("listing_front.html")),
        (SEED_URL, page("reprint_courtesy.html")),
        ("https://dostana.example/empty/", ""),
    ]
    records = extract_pages(pages)
    assert [r is not None for r in records] == [False, True, False]
    assert records[1]["url"] == SEED_URL


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Café – naïve".encode("cp1252"), "text/html; charset=windows-1252", "Café – naïve"),
        # HTML5: a latin-1 label means windows-1252 (the dash is 0x96)
        ("Café – naïve".encode("cp1252"), "text/html; charset=ISO-8859-1", "Café – naïve"),
        ('<meta charset="koi8-r"><p>Привет</p>'.encode("koi8-r"), "text/html", '<meta charset="koi8-r"><p>Привет</p>'),
        ("<p>Grüße</p>".encode("utf-8"), None, "<p>Grüße</p>"),
        # valid UTF-8 wins over a server default that the page does not use
        ("<p>Grüße 😀</p>".encode("utf-8"), "text/html; charset=ascii", "<p>Grüße 😀</p>"),
        ("<p>Grüße</p>".encode("utf-8"), "text/html; charset=no-such-charset", "<p>Grüße</p>"),
    ],
)
def test_decode_html(body, content_type, expected):
    assert decode_html(body, content_type) == expected


def test_records_fit_the_corpus_schema(seed_record):
    """Every key a record carries is a corpus column, and the values convert to its types."""
    records = [seed_record, extract_page(page("wire_dateline.html"), "https://courier.example/nation/coastal-towns-tide")]
    table = to_table(records)
    assert table.num_rows == 2
    row = table.to_pylist()[1]
    assert row["authors"] == ["Noor Halvorsen"] and row["author_orgs"] == ["Associated Press"]
    assert dict(row["provenance"])["published_at"] == "jsonld:datePublished"


def test_a_subheading_quoting_its_section_is_not_taken_for_a_caption():
    blocks = [
        Block(HEADING, "‘The ferry is the island’s only road to the hospital’: residents"),
        Block(PARAGRAPH, "Residents told the council that “the ferry is the island’s only road to the hospital” and asked for a night boat."),
        Block(PARAGRAPH, "“The ferry is the island’s only road to the hospital,” said a nurse. – Photo by Ilse Brandvik"),
    ]
    assert drop_repeated_captions(blocks) == blocks[:2]


STORY = [
    "The island's ferry company added two early crossings on weekdays, the first leaving the harbour at half past five.",
    "Commuters had asked for an earlier boat for years; most shifts on the mainland start before the old first sailing arrived.",
    "The company said the timetable would be reviewed in the autumn, once it knows how many people take the early boats.",
    "Tickets for the new sailings are sold at the harbour office and online, at the usual fares for islanders and visitors.",
]
FERRY_URL = "https://ferries.example/news/early-crossings"


def ferry_page(body: str) -> str:
    """The ferry story's page: its headline, then `body`, in an <article>."""
    return f"""<html lang="en"><head><title>Ferry adds early crossings</title></head><body><article>
    <h1>Ferry adds early crossings</h1>{body}</article></body></html>"""


def paragraphs_of(html: str) -> list[str]:
    return extract_page(html, FERRY_URL)["text"].split("\n\n")


HEADLINES = ["Ferry adds early crossings", "Council backs night boat study", "Harbour office opens on Sundays", "New pier lights for winter"]
RIVER = "".join(f'<li><a href="/news/{n}">{h}</a><p>{STORY[n]}</p></li>' for n, h in enumerate(HEADLINES))
LINK_LIST = "".join(f'<li><a href="/news/{n}">{h}</a> 9:{n}5 a.m.</li>' for n, h in enumerate(HEADLINES))


@pytest.mark.parametrize("front", [RIVER, LINK_LIST])
def test_a_front_saved_to_a_file_is_a_listing(front):
    """Without a URL to go by, the page's structure tells a front from a story: teasers each led by
    a list item's link, or text that is mostly what its links say."""
    html = f"""<html lang="en"><head><title>Latest news | Ferry Times</title><meta property="og:type" content="website"></head>
    <body><main><h1>Latest news</h1><ul>{front}</ul></main></body></html>"""
    assert extract_page(html, "file:///tmp/front.html") is None


def test_a_section_front_read_as_its_lead_story_s_summary_is_a_listing():
    """trafilatura may keep only the lead story's summary of a section front; the page's teasers,
    each a linked headline over a line, still show it is a front."""
    lead = f'<div class="lead"><h2><a href="/business/early-crossings">{HEADLINES[0]}</a></h2><p>{" ".join(STORY[:3])}</p></div>'
    teasers = "".join(f'<div class="teaser"><h2><a href="/business/{n}">{h}</a></h2><time>9 May 2024</time><p>Summary {n}.</p></div>'
                      for n, h in enumerate(HEADLINES[1:]))
    html = f"""<html lang="en"><head><title>Business | Ferry Times</title><meta property="og:type" content="website"></head>
    <body><h1>Business</h1>{lead}{teasers}</body></html>"""
    assert extract_page(html, "file:///tmp/business.html") is None


def test_a_consent_dialog_before_the_story_is_no_story_text():
    dialog = ('<div class="consent-wall" role="dialog"><h2>We value your privacy</h2><p>We and our 842 partners store and access information'
              ' on your device, such as cookies, and process personal data, such as unique identifiers and standard information sent by a'
              ' device, for personalised advertising and content, advertising and content measurement, audience research and services'
              ' development.</p><p>With your permission we and our partners may use precise geolocation data and identification through'
              " device scanning. You may click to consent to our and our partners' processing as described above.</p>"
              '<button>Accept all</button></div>')
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title></head><body>{dialog}<article>
    <h1>Ferry adds early crossings</h1>{"".join(f"<p>{text}</p>" for text in STORY)}</article></body></html>"""
    assert paragraphs_of(html) == STORY


@pytest.mark.parametrize("wrapper", ['<div class="cookie-recipe-body">', '<div class="column rookie-report">', '<div role="dialog">',
                                     '<div id="js-consent-content" class="article-body">'])
def test_a_story_in_a_box_named_like_a_dialog_stays(wrapper):
    """A recipe for cookies, a rookie's column, or a template that shows the story in a dialog:
    a box holding most of the page's words is the page."""
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title></head><body><header><h1>Ferry adds early crossings</h1></header>
    {wrapper}{"".join(f"<p>{text}</p>" for text in STORY)}</div></body></html>"""
    assert paragraphs_of(html) == STORY


def test_thai_words_are_counted_without_spaces():
    """Thai leaves no space between words: a story of three long paragraphs is no fragment."""
    paragraphs = [
        "กรุงเทพมหานครเตรียมเปิดให้บริการเรือโดยสารไฟฟ้าในคลองแสนแสบเพิ่มอีกสิบลำภายในเดือนหน้า เพื่อรองรับผู้โดยสารที่เพิ่มขึ้นในช่วงเช้า",
        "ผู้บริหารระบุว่าเรือไฟฟ้าช่วยลดเสียงดังและมลพิษทางอากาศให้กับชุมชนริมคลอง และประหยัดค่าเชื้อเพลิงได้มาก",
        "ค่าโดยสารยังคงเท่าเดิม และจะมีการขยายเวลาให้บริการในช่วงเย็นวันศุกร์ไปจนถึงสามทุ่มตั้งแต่เดือนหน้าเป็นต้นไป",
    ]
    html = f"""<html lang="th"><head><title>เรือไฟฟ้า</title></head><body><article><h1>เรือไฟฟ้า</h1>
    {"".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)}</article></body></html>"""
    record = extract_page(html, "https://news.example/th/boats")
    assert record is not None and record["word_count"] > 60


def test_stories_made_of_list_items_and_links_stay_articles():
    """A listicle's <li><a>name</a>: description</li> items are no teasers in a story, and an A-Z
    index or a menu of one-word links says nothing about the text (whole words count, not letters)."""
    shows = "".join(f'<li><a href="https://podcasts.example/{n}">Harbour Hour {n}</a>: {STORY[n % len(STORY)]}</li>' for n in range(10))
    listicle = f"""<html lang="en"><head><title>Ten podcasts about ferries</title></head><body><h1>Ten podcasts about ferries</h1>
    <p>{STORY[0]}</p><ul>{shows}</ul></body></html>"""
    assert extract_page(listicle, "file:///tmp/podcasts.html")["page_type"] == "article"
    index = "".join(f'<li><a href="/topics/{c}">{c}</a></li>' for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    menu = "".join(f'<a href="/{word}">{word}</a> ' for word in ("Men", "Art", "Us", "Port", "Ferry", "Town"))
    brief = f"""<html lang="en"><head><title>Ferry adds early crossings</title></head><body><nav>{menu}</nav>
    <h1>Ferry adds early crossings</h1><p>{STORY[0]} {STORY[1]}</p><ul class="az">{index}</ul></body></html>"""
    assert extract_page(brief, "file:///tmp/brief.html")["page_type"] == "article"


def test_embed_notices_and_picture_credits_are_not_story_text():
    notice = '<div class="embed-consent"><p>Your privacy settings block content from 1 other provider (videos, charts, posts).</p></div>'
    credits = ["Kai Lund/AFP via Getty Images", "Foto: Peter M. Müller/dpa", "Photo: Ilse Brandvik<br>AFP", "Getty Images"]
    story = "".join(f"<p>{text}</p>{notice}<p>{credit}</p>" for text, credit in zip(STORY, credits))
    html = ferry_page(story)
    text = extract_page(html, "https://ferries.example/news/early-crossings")["text"]
    assert text.split("\n\n") == STORY


@pytest.mark.parametrize("header", [
    '<p class="autor">Von Ana Ferreira</p>',
    '<div class="info"><span>Aggiornato il 06 marzo 2026 alle 10:15</span> · <span>Pubblicato il 05 marzo 2026 alle 18:02</span></div>',
    '<p class="kicker">Ferry adds early crossings</p>',
    '<p class="date">March 9, 2026</p>',
    '<p class="is-last-update">5 marzo 2026 (modifica il 6 marzo 2026 | 10:12)</p>',
], ids=["byline", "dateline", "headline-again", "bare-date", "date-then-update"])
def test_the_story_s_header_lines_are_not_its_first_paragraphs(header):
    """trafilatura keeps a byline, a dateline or the headline printed as a paragraph; they have their columns."""
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title><script type="application/ld+json">
    {{"@type": "NewsArticle", "headline": "Ferry adds early crossings", "author": {{"@type": "Person", "name": "Ana Ferreira"}}}}</script>
    </head><body><main><article><h1>Ferry adds early crossings</h1>{header}{"".join(f"<p>{text}</p>" for text in STORY)}</article></main></body></html>"""
    assert paragraphs_of(html) == STORY


def test_a_byline_and_dateline_under_a_standfirst_leave_the_text_and_the_standfirst_stays():
    standfirst = "Commuters get two early boats on weekdays from May."
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title><script type="application/ld+json">
    {{"@type": "NewsArticle", "headline": "Ferry adds early crossings", "author": {{"@type": "Person", "name": "Ana Ferreira"}}}}</script>
    </head><body><main><article><h1>Ferry adds early crossings</h1><p class="dek">{standfirst}</p><p>By Ana Ferreira</p><p>March 9, 2026</p>
    {"".join(f"<p>{text}</p>" for text in STORY)}</article></main></body></html>"""
    assert paragraphs_of(html) == [standfirst, *STORY]


def test_a_kicker_above_the_headline_goes_with_it():
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title></head><body><main><article>
    <div class="kicker"><p>Transport</p></div><div class="title"><p>Ferry adds early crossings</p></div>
    {"".join(f"<p>{text}</p>" for text in STORY)}</article></main></body></html>"""
    assert paragraphs_of(html) == STORY


def test_a_byline_or_date_sentence_later_in_the_story_stays():
    later = ["Published 5 March 2026, the timetable surprised commuters.", "Von Ana Ferreira"]
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title><script type="application/ld+json">
    {{"@type": "NewsArticle", "headline": "Ferry adds early crossings", "author": {{"@type": "Person", "name": "Ana Ferreira"}}}}</script>
    </head><body><main><article><h1>Ferry adds early crossings</h1>{"".join(f"<p>{text}</p>" for text in STORY + later)}</article></main></body></html>"""
    assert paragraphs_of(html) == STORY + later


def _scrolling_page(next_story: str) -> str:
    return f"""<html lang="en"><head><title>Ferry adds early crossings</title>
    <meta property="og:title" content="Ferry adds early crossings"></head><body><main>
    <article class="story"><h1>Ferry adds early crossings</h1><p class="byline">By Ana Ferreira</p>
    {"".join(f"<p>{text}</p>" for text in STORY)}</article>
    <div class="next-up">{next_story}</div></main></body></html>"""


APPENDED_STORY = """<article class="story"><h1>Council backs night boat study</h1>
    <p class="byline">By Piet Janssen</p><time datetime="2019-03-02T08:00:00Z">2 March 2019</time>
    <p>The council voted to pay for a study of a night boat between the island and the mainland port.</p>
    <p>Night workers at the hospital had written to every councillor asking for a sailing after midnight.</p>
    <p>The study will count how many people travel late and what a crew for the night would cost the company.</p>
    <p>A first count last winter found about forty people a night waiting at the mainland port after the last boat.</p>
    <p>Most of them were nurses, cleaners and kitchen staff whose shifts end after the restaurants close.</p>
    <p>The ferry company said it had no crew to spare but would take part in the study and share its ticket data.</p>
    <p>Islanders at the meeting asked whether a smaller boat could run the night crossing at a lower cost.</p>
    <p>The council expects the study in the spring and will decide on a trial sailing before the summer timetable.</p>
    <p>Until then a taxi boat runs on Fridays and Saturdays, booked by phone at least an hour before the crossing.</p>
    <p>The opposition said the study only delays a decision the island has been waiting on for ten years.</p></article>"""


def test_the_next_story_appended_below_is_not_part_of_this_one():
    """Infinite-scroll pages print the next story in full in a second <article> with its own <h1>."""
    record = extract_page(_scrolling_page(APPENDED_STORY), "https://ferries.example/news/early-crossings")
    assert record["text"].split("\n\n") == STORY
    assert record["authors"] == ["Ana Ferreira"]
    assert record["published_at"] is None  # the next story's date is not this one's


def test_stories_in_a_feed_wrapper_article_are_told_apart_and_text_around_them_keeps_its_spaces():
    """A feed wraps every story in an outer <article>; the next story is still another story."""
    html = _scrolling_page(APPENDED_STORY).replace("<main>", '<main><article class="feed">').replace("</main>", "</article></main>")
    html = html.replace('<div class="next-up">', '<div class="next-up">More from the island').replace("</article></div>", "</article>below</div>")
    tree = load_html(html)
    drop_appended_stories(tree, tree.xpath("//h1")[0])
    assert [" ".join(h1.text_content().split()) for h1 in tree.xpath("//h1")] == ["Ferry adds early crossings"]
    assert "More from the island below" in " ".join(tree.xpath("//div[@class='next-up']")[0].text_content().split())


@pytest.mark.parametrize("story_container", ["article", "div"])
def test_only_other_articles_with_their_own_headline_are_removed_as_appended_stories(story_container):
    """A teaser <article> (no <h1>) stays for the listing checks; a page that does not mark its
    story as an <article> has nothing to tell other stories by, so nothing is removed."""
    teaser = '<article class="teaser"><h2><a href="/news/pier-lights">New pier lights for winter</a></h2></article>'
    html = _scrolling_page(teaser + APPENDED_STORY).replace('<article class="story"><h1>Ferry', f'<{story_container} class="story"><h1>Ferry', 1)
    html = html.replace(f"{STORY[-1]}</p></article>", f"{STORY[-1]}</p></{story_container}>", 1)
    tree = load_html(html)
    drop_appended_stories(tree, tree.xpath("//h1")[0])
    remaining = [" ".join(element.text_content().split()) for element in tree.xpath("//h1 | //h2")]
    appended_kept = story_container == "div"
    assert remaining == ["Ferry adds early crossings", "New pier lights for winter"] + ["Council backs night boat study"] * appended_kept


def _script_rendered_page(og_type: str, story: list[str]) -> str:
    """A single-page-app template: the served body is an empty mount point, the story an escaped
    HTML string in the state the browser renders it from."""
    story_html = "".join(f"<p>{text}</p>" for text in story).replace("<", "\\u003c").replace(">", "\\u003e")
    state = '{"article":{"id":"A2019","teaser":"<p>short</p>","contentHtml":"' + story_html + '"}}'
    return f"""<html lang="en"><head><title>Ferry adds early crossings | Ferries Daily</title>
    <meta property="og:type" content="{og_type}"><meta property="og:title" content="Ferry adds early crossings"></head>
    <body><div id="root"></div><script>window.__STATE__ = window.__STATE__ || []; window.__STATE__.push({state});</script></body></html>"""


def test_a_story_shipped_only_as_script_data_is_read_from_it():
    record = extract_page(_script_rendered_page("article", STORY), "https://ferries.example/news/early-crossings")
    assert record["text"].split("\n\n") == STORY
    assert record["provenance"]["text"] == "script:html-string"
    assert record["title"] == "Ferry adds early crossings"


def test_the_story_is_the_longest_script_string_once_decoded():
    """A teaser list in \\u003c-escaped markup is longer as script text than the story in plain
    tags, but shorter once decoded: the decoded length tells the story."""
    paragraphs = [*STORY, "Islanders who work night shifts on the mainland will still have to wait for the first boat."]
    teasers = "".join(["\\u003cp\\u003eFerry news\\u003c/p\\u003e"] * 24)
    story = "".join(f"<p>{text}</p>" for text in paragraphs)
    assert len(teasers) > len(story) > 500  # both long enough to hold a story
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title><meta property="og:type" content="article">
    </head><body><div id="root"></div><script>window.__STATE__ = {{"teasers":"{teasers}","body":"{story}"}};</script></body></html>"""
    assert paragraphs_of(html) == paragraphs


def test_json_ld_is_not_read_as_a_rendered_story():
    """A declared body is declared_body.py's business (its rules leave live blogs alone), not script data's."""
    updates = "".join(f"<p>{text}</p>" for text in STORY) * 2
    script = f'{{"@type": "LiveBlogPosting", "headline": "Ferry strike live", "articleBody": "{updates}"}}'
    assert script_story_html(load_html(f'<html><head><script type="application/ld+json">{script}</script></head><body></body></html>')) is None
    assert script_story_html(load_html(f"<html><head><script>window.__STATE__ = {script};</script></head><body></body></html>")) == updates


@pytest.mark.parametrize("og_type, story", [("website", STORY), ("article", STORY[:1])])
def test_script_data_is_no_story_on_pages_not_declaring_one_or_too_short(og_type, story):
    """Only a declared article is looked for in its scripts, and a fragment there is no story either."""
    assert extract_page(_script_rendered_page(og_type, story), "https://ferries.example/news/early-crossings") is None


@pytest.mark.parametrize("line", ["Advertisement", "Anzeige", "READ MORE: Council backs night boat study", "Lesen Sie auch: Neue Buslinie zum Hafen startet im Mai",
                                  "À lire aussi : le port rouvre", "Les også: Ny ferge til øya", "Related: Harbour office opens on Sundays",
                                  "Leia também: Balsa ganha horário extra", "Baca juga: Kapal feri tambah jadwal pagi",
                                  "Read next: Harbour office opens on Sundays", "MORE : Council backs night boat study",
                                  "Don't miss: The island's best walks", "Читайте также: Паром получит новый рейс",
                                  "اقرأ أيضا: العبارة تضيف رحلة صباحية", "ये भी पढ़ें: नौका सेवा का नया समय", "関連記事：フェリーに早朝便",
                                  "Story continues below advertisement", "SCROLL TO CONTINUE WITH CONTENT", "Article continues below",
                                  "Skip Advertisement"])
def test_read_more_links_between_paragraphs_are_not_story_text(line):
    body = "".join(f"<p>{text}</p>" + (f"<p><a href='/news/other'>{line}</a></p>" if i == 1 else "") for i, text in enumerate(STORY))
    html = ferry_page(body)
    assert paragraphs_of(html) == STORY


@pytest.mark.parametrize("sentence", ["Related to the timetable change, the harbour office will open an hour earlier on weekdays from May.",
                                      "Related-party contracts with the ferry company rose 5% last year, the filing shows.",
                                      "More than 300 passengers took the early crossing in its first week, the operator said.",
                                      "Story continues tomorrow with the second part of our series on the island's boats.",
                                      "The harbour office's weekly newsletter, which 4,000 islanders subscribe to, will report the figures.",
                                      "Islanders who signed up for email alerts about delays got the message an hour late, the company said.",
                                      "Fake ferry tickets arrive in your inbox from addresses that look like the operator's, police warned.",
                                      "Residents who sign up for the county's flood alerts will get a text and an email when the river rises.",
                                      "Hackers tricked thousands into signing up for fake delivery alerts, the police said.",
                                      "Gmail will now sort newsletters and promotional updates in your inbox into a separate tab.",
                                      "Der Newsletter des Verbands, den 4000 Mitglieder abonnieren, erscheint nun wöchentlich.",
                                      "Im gefälschten Newsletter heißt es, alle Kunden müssten sich erneut anmelden.",
                                      "Le telefonate registrate e le email sequestrate sono agli atti."])
def test_sentences_that_look_like_page_furniture_stay(sentence):
    """Read-more labels, ad labels and sign-up promos have look-alikes among a story's sentences."""
    html = ferry_page("".join(f"<p>{text}</p>" for text in [*STORY, sentence]))
    assert paragraphs_of(html) == [*STORY, sentence]


@pytest.mark.parametrize("promo", ["Sign up for our free weekly ferry newsletter here.", "Get the latest island news in your inbox.",
                                   "For the latest news, make sure you sign up to one of our newsletters.", "Newsletter: Harbour inside",
                                   "Follow us on social media. Sign up for our daily push alerts here.", "Sign up (it's quick and free) or sign in now.",
                                   "Sie mögen den Tag kompakt? Dann sind Sie beim Hafen-Newsletter richtig – hier entlang.",
                                   "Inscrivez-vous à notre newsletter quotidienne.",

                                   "By signing up you agree to our Terms of Use and Privacy Policy."])
def test_newsletter_and_alert_promos_between_or_after_paragraphs_are_not_story_text(promo):
    body = "".join(f"<p>{text}</p>" + (f"<p>{promo}</p>" if i == 1 else "") for i, text in enumerate(STORY))
    html = ferry_page(body)
    assert paragraphs_of(html) == STORY


@pytest.mark.parametrize("notice", [
    "Thank you for visiting ferry.example. You are using a browser version with limited support for CSS. To obtain the best"
    " experience, we recommend you use a more up to date browser. In the meantime, we are displaying the site without styles.",
    "Please enable JavaScript to view the comments.", "Bitte JavaScript aktivieren, um die Karte zu sehen.",
    "You are using an outdated browser. Please upgrade your browser to improve your experience and security.",
    "Your browser does not support the video tag.",
])
def test_a_notice_about_the_readers_browser_is_not_story_text(notice):
    html = ferry_page("".join(f"<p>{text}</p>" for text in [notice, *STORY]))
    assert paragraphs_of(html) == STORY


@pytest.mark.parametrize("sentence", [
    "If your browser is out of date, the ferry company's booking form refuses the payment, passengers said.",
    "The new booking site was written in JavaScript and cost the harbour office 40,000 pounds.",
    "From May, your browser will warn you before the site you are visiting can read anything you copy, the company said.",
    "In the browser's safest mode, in which JavaScript is disabled on every site, the attack failed, the researchers found.",
    "The council advised its staff to turn on JavaScript only for the harbour office's own intranet sites.",
    "Security researchers said anyone using the ferry company's app should update your browser immediately, as the bug is exploited.",
    "If you're using a browser based on Chromium, such as Edge or Brave, the patch arrives on Tuesday, the researchers said.",
    "Officials say you need to enable JavaScript on the harbour office's payment portal, which many older islanders find confusing.",
    "'Please update your browser,' the fake pop-up reads, before it asks for the islanders' card numbers.",
])
def test_a_story_sentence_about_browsers_stays(sentence):
    html = ferry_page("".join(f"<p>{text}</p>" for text in [*STORY, sentence]))
    assert paragraphs_of(html) == [*STORY, sentence]


SIGNUP_FORM = '<form action="/subscribe"><input type="email" name="addr" placeholder="Your address"><button>Go</button></form>'


@pytest.mark.parametrize("box", [
    '<div class="c-signup"><h3>Get daily island news</h3><p>The top harbour stories, every morning before the first boat.</p>'
    f"{SIGNUP_FORM}<p><small>By continuing you agree to our Terms of Use and Privacy Policy.</small></p></div>",
    # longer small print outside the form
    '<div class="c-signup"><h3>The Morning Brief</h3><p>The top harbour stories, every weekday.</p>'
    f"{SIGNUP_FORM}<p>This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.</p></div>",
    # the form's states printed beside it, each shown by script after a click; its lines as headings
    f'<div class="nl"><div class="nl-ready"><h3>Harbour Daily</h3><h4>The crossings, the weather and the fish prices, before eight.</h4>{SIGNUP_FORM}'
    '<p>I agree that the Island Post may send me the Harbour Daily newsletter and tell me about its events and offers.</p>'
    '<a href="/newsletters">See all our newsletters</a></div>'
    '<div class="nl-check">Please tick the box to confirm that you would like to receive it.</div>'
    '<div class="nl-done"><h3>Thanks for signing up!</h3><h4>Look out for the first issue in your inbox tomorrow morning, before the first boat.</h4></div>'
    '<div class="nl-failed"><h3>Sorry!</h3><h4>Something went wrong with your request.</h4></div></div>',
])
def test_a_signup_box_asking_for_an_email_address_is_not_story_text(box):
    """Whatever the box's class: its pitch, small print and the form's messages are the site's."""
    body = "".join(f"<p>{text}</p>" + (box if i == 1 else "") for i, text in enumerate(STORY))
    html = ferry_page(body)
    assert paragraphs_of(html) == STORY


def test_thousands_of_signup_boxes_and_dialogs_are_weighed_without_recounting_the_page(monkeypatch):
    """Whether a page keeps a story without a box stops counting at a story's worth of words: counting
    every paragraph again for each of 3,000 boxes took a minute (here: half a million counts for 1,000)."""
    from pipeline.extract import overlays

    counted = []
    monkeypatch.setattr(overlays, "count_words", lambda text: counted.append(text) or count_words(text))
    boxes = 500 * f'<div class="c-signup"><p>The top harbour stories.</p>{SIGNUP_FORM}</div><div role="dialog"><p>We use cookies.</p></div>'
    html = ferry_page("".join(f"<p>{text}</p>" for text in STORY)).replace("<article>", f"{boxes}<article>")
    assert paragraphs_of(html) == STORY
    assert len(counted) < 50 * 1000


def test_a_brief_beside_an_alert_form_keeps_its_story():
    """The story's body holds thirty words and the form: the body is the story's container, not the box."""
    brief = "The ferry to the island is cancelled this afternoon after a fault in the ramp, the operator said. Boats resume tomorrow."
    html = f"""<html lang="en"><head><title>Ferry cancelled</title><meta property="og:type" content="article"></head><body><article>
    <header><h1>Ferry to the island cancelled this afternoon</h1></header><div class="article-body"><p>{brief}</p>
    <div class="alert-signup"><form><label>Get breaking news alerts by email</label><input type="email" name="em"><button>Sign up</button></form></div>
    </div></article></body></html>"""
    text = extract_page(html, "https://ferries.example/news/ferry-cancelled")["text"]
    assert text.endswith(brief) and "alerts" not in text


def test_a_brief_in_an_unnamed_box_with_an_alert_form_keeps_its_story():
    """No story class to stop at, and under the box's word limit: its paragraphs are a story's, not a pitch."""
    brief = ["The ferry to the island is cancelled this afternoon after a fault in the ramp, the operator said.",
             "Boats are expected to resume tomorrow at six, and tickets will be refunded at the harbour office."]
    paragraphs = "".join(f"<p>{text}</p>" for text in brief)
    html = f"""<html lang="en"><head><title>Ferry cancelled</title><meta property="og:type" content="article"></head><body>
    <h1>Ferry to the island cancelled this afternoon</h1><div class="content">{paragraphs}<form><input type="email" name="email">
    <button>Get alerts</button></form></div><div class="bottom"><p>Lowfield Ferries News is published by the Lowfield Harbour Trust,
    a charity that runs the island's ferry and its harbour office.</p></div></body></html>"""
    text = extract_page(html, "https://ferries.example/news/ferry-cancelled")["text"]
    assert text.split("\n\n")[:2] == brief


def test_a_page_wrapped_in_one_form_keeps_its_story():
    """ASP.NET pages put everything inside one <form>, with the newsletter field somewhere in it."""
    body = "".join(f"<p>{text}</p>" for text in STORY)
    html = f"""<html lang="en"><head><title>Ferry adds early crossings</title></head><body><form id="aspnetForm"><article>
    <h1>Ferry adds early crossings</h1>{body}</article><div class="footer-box"><input type="email" name="ctl00$email"></div></form></body></html>"""
    assert paragraphs_of(html) == STORY


SECOND_HALF = [
    "The harbour master said the pier lights would be replaced before the early boats start running in the dark months.",
    "Islanders without a car can leave bicycles at the harbour office free of charge from the first day of the new timetable.",
]


def split_body(first: list[str], between: str, second: list[str]) -> str:
    """The story's paragraphs in two boxes of one class, each in its grid cell, `between` them."""
    def chunk(paragraphs):
        return '<div class="grid"><div class="article__body">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></div>"
    return ferry_page(f'<div class="article__chunks">{chunk(first)}{between}{chunk(second)}</div>')


@pytest.mark.parametrize("between", ['<div class="full-bleed-ad"><span>Advertisement</span></div>', "<h2>Lights and bicycles</h2>"])
def test_a_body_split_in_two_by_an_ad_or_a_subheading_is_read_whole_and_in_order(between):
    """trafilatura keeps the first box its body patterns match: without the join, half the story."""
    text = extract_page(split_body(STORY, between, SECOND_HALF), FERRY_URL)["text"]
    assert text.split("\n\n")[0] == STORY[0] and text.endswith(SECOND_HALF[-1])
    assert [p for p in text.split("\n\n") if p in STORY + SECOND_HALF] == STORY + SECOND_HALF
    if "<h2>" in between:
        assert text.index(STORY[-1]) < text.index("Lights and bicycles") < text.index(SECOND_HALF[0])


def test_subheadings_inside_the_chunks_of_a_split_body_do_not_stop_the_join():
    html = split_body(STORY, "<div class='ad'></div>", SECOND_HALF).replace(
        '<div class="article__body"><p>' + SECOND_HALF[0], '<div class="article__body"><h2>Lights and bicycles</h2><p>' + SECOND_HALF[0])
    assert extract_page(html, FERRY_URL)["text"].split("\n\n") == [*STORY, "Lights and bicycles", *SECOND_HALF]


def test_a_teaser_between_the_halves_of_a_split_body_stays_out_of_the_story():
    teaser = ('<div class="inline-recirc-2"><h4>More from the Island Post</h4><a href="/news/bins">Bin collections move to'
              " fortnightly</a></div>")
    text = extract_page(split_body(STORY, teaser, SECOND_HALF), FERRY_URL)["text"]
    assert text.split("\n\n") == STORY + SECOND_HALF


def test_a_short_closing_box_of_a_split_body_is_joined_too():
    closing = '<div class="grid"><div class="article__body"><p>The council meets again on December 9.</p></div></div>'
    html = split_body(STORY, "<div class='ad'></div>", SECOND_HALF).replace("</div></article>", f"{closing}</div></article>")
    assert extract_page(html, FERRY_URL)["text"].split("\n\n") == [*STORY, *SECOND_HALF, "The council meets again on December 9."]


@pytest.mark.parametrize("page", [
    # more than a subheading's words between them, in a box of no name: another part of the page
    split_body(STORY, "<div class='x9'><p>Lowfield Ferries News is published by the Lowfield Harbour Trust, a charity that runs the"
               " island's ferry, its harbour office and the summer boat to the bird reserve.</p></div>", SECOND_HALF),
    # each in its own <article>: the next story of an infinite scroll
    ferry_page('<div class="stream"><article class="story"><div class="article-body">' + "".join(f"<p>{p}</p>" for p in STORY)
               + '</div></article><article class="story"><h2>Redline cuts three evening bus routes</h2><div class="article-body">'
               + "".join(f"<p>{p}</p>" for p in SECOND_HALF) + "</div></article></div>"),
    # stories one after the other without <article>: each box under its own headline and byline
    ferry_page('<main><div class="story"><div class="story-body">' + "".join(f"<p>{p}</p>" for p in STORY)
               + '</div></div><div class="story"><h2>School board picks new chair</h2><p class="byline">By Ann Lee</p><div class="story-body">'
               + "".join(f"<p>{p}</p>" for p in SECOND_HALF) + "</div></div></main>"),
    # text standing loose between them would have no place in the joined body
    split_body(STORY, "Read on below", SECOND_HALF),
])
def test_boxes_of_one_class_that_are_not_one_story_are_not_joined(page):
    tree = load_html(page)
    join_split_body(tree)
    assert len(tree.xpath('//div[contains(@class, "body")]')) == 2


def test_a_pull_quote_stays_when_the_paragraph_repeating_it_is_furniture():
    """The read-more line quoting the statement goes; the statement itself, as a quote, stays."""
    quote = "We are not going to close a single ferry route this year"
    body = "".join(f"<p>{text}</p>" for text in STORY) + f"<blockquote><p>{quote}</p></blockquote><p>READ MORE: Operator says “{quote}”</p>"
    html = ferry_page(body)
    assert quote in extract_page(html, "https://ferries.example/news/early-crossings")["text"]


@pytest.mark.parametrize("marks", [("“", "”"), ("", "")])
def test_a_pull_quote_repeating_the_story_s_words_is_printed_once(marks):
    quote = "Commuters had asked for an earlier boat for years"
    pull = f'<blockquote class="pull-quote"><p>{marks[0]}{quote}{marks[1]}</p></blockquote>'
    statement = "<blockquote><p>We will run the early boats all year if islanders use them, the operator said in a statement.</p></blockquote>"
    body = "".join(f"<p>{text}</p>" + (pull if i == 1 else "") for i, text in enumerate(STORY)) + statement
    html = ferry_page(body)
    text = extract_page(html, "https://ferries.example/news/early-crossings")["text"]
    assert text.count(quote) == 1 and "if islanders use them" in text


@pytest.mark.parametrize("credit", ["Kai Lund/AFP via Getty Images", "NOEL CELIS/AFP via Getty Images", "Foto: Peter M. Müller/dpa",
                                    "Photo: Dmitri Azarov, Kommersant", "(Image: Ilse Brandvik)", "Getty Images", "Ilse Brandvik via Shutterstock"])
def test_picture_credits(credit):
    assert is_picture_credit(credit)


@pytest.mark.parametrize("line", ["Image: a map of the new crossings", "Photos: see the gallery below for the winners",
                                  "Shares in Getty Images", "The company licensed the pictures from Getty Images.",
                                  "Photo: the agency distributed pictures of the first crossing. They show a full deck."])
def test_lines_about_pictures_are_not_credits(line):
    assert not is_picture_credit(line)


def test_what_stories_repeat_by_design_stays():
    quote = Block(PARAGRAPH, "“We waited ten years for this boat,” said a nurse who crosses every morning.")
    twice = [quote, Block(PARAGRAPH, STORY[0]), quote]
    interview = [block for text in STORY[:3] for block in (Block(PARAGRAPH, text), Block(PARAGRAPH, "No."))]
    refrain = [block for text in STORY[:3] for block in (Block(PARAGRAPH, text), Block(PARAGRAPH, "And the ferry sails at five"))]
    roundup = [block for product in ("Alder", "Birch", "Cedar")
               for block in (Block(HEADING, product), Block(HEADING, "Pros"), Block(ITEM, "Fill: synthetic"), Block(HEADING, "Photo: Ilse Brandvik"))]
    # a meal plan lists the same portions each day: a long line repeated with quantities in it is data
    plan = [block for day in ("Monday", "Tuesday", "Wednesday")
            for block in (Block(HEADING, day), Block(PARAGRAPH, "Portions for the day: 1 green, 1 red, 1 yellow and 2 teaspoons of oil."))]
    # a song whose chorus comes between short verses: without it no text is left
    chorus = Block(PARAGRAPH, "Row the boat to the island, row it home across the bay before the evening tide")
    song = [Block(PARAGRAPH, "The gulls are calling early"), chorus, Block(PARAGRAPH, "The harbour lights are low"), chorus, chorus]
    for blocks in (twice, interview, refrain, roundup, plan, song):
        assert drop_page_furniture(blocks) == blocks


REST_OF_STORY = [
    "Harbour staff will sell tickets for the early boats from Monday, and the company expects the first weeks to sell out.",
    "The council welcomed the change but said it would keep asking for a night boat, which nurses on the island have requested.",
    "A spokesperson for the company said a night crossing was being studied but would need a second crew on the island.",
    "Fishermen at the north quay said the early boats would also let them reach the mainland market before the morning auction.",
    "The old first sailing will keep running, so the timetable has three morning boats in the hour after the harbour opens.",
    "Islanders who want a night boat have started a petition, which the council will discuss at its meeting next month.",
]
URL_EARLY = "https://ferries.example/news/early"


def _declared_page(printed: list[str], declared: str, kind: str = "NewsArticle") -> str:
    jsonld = json.dumps({"@type": kind, "headline": "Ferry adds early crossings", "articleBody": declared})
    paragraphs = "".join(f"<p>{text}</p>" for text in printed)
    return f"""<html lang="en"><head><script type="application/ld+json">{jsonld}</script></head><body><article>
    <h1>Ferry adds early crossings</h1>{paragraphs}<div class="more" data-src="/api/rest-of-story"></div></article></body></html>"""


def test_a_page_printing_no_story_keeps_the_paragraphs_of_its_declared_body():
    """Rendered by script: trafilatura's fallback reads the JSON-LD articleBody on one line; its paragraphs come back."""
    record = extract_page(_declared_page([], "\n\n".join(STORY)), URL_EARLY)
    assert record["text"].split("\n\n") == STORY
    assert record["provenance"]["text"] == "jsonld:articleBody"


def test_a_story_printed_in_part_is_completed_from_its_declared_body():
    # a metered template prints the first paragraphs; the JSON-LD declares the whole story on one line
    record = extract_page(_declared_page(STORY[:2], " ".join(STORY[:2] + REST_OF_STORY)), URL_EARLY)
    assert record["text"].split("\n\n") == [*STORY[:2], " ".join(REST_OF_STORY)]
    assert record["provenance"]["text"] == "jsonld:articleBody"


def test_the_rest_starts_where_the_printed_part_first_ends():
    # a pull quote repeats the printed part's closing words further down the declared story
    pull_quote = "“Most shifts on the mainland start before the old first sailing arrived”"
    declared = [*STORY[:2], *REST_OF_STORY[:3], pull_quote, *REST_OF_STORY[3:]]
    record = extract_page(_declared_page(STORY[:2], "\n".join(declared)), URL_EARLY)
    assert record["text"].split("\n\n") == [*STORY[:2], *REST_OF_STORY]  # the pull quote itself goes as a repeated caption


def test_a_declared_body_in_paragraphs_replaces_a_printed_part_it_cannot_place():
    # the printed part ends in a share button's label; the declaration has CMS markup lines
    declared = "\n\n".join(["+++dropcap", STORY[0], ".", *STORY[1:], *REST_OF_STORY])
    record = extract_page(_declared_page([*STORY, "Share"], declared), URL_EARLY)
    assert record["text"].split("\n\n") == [*STORY, *REST_OF_STORY]


@pytest.mark.parametrize(("printed", "declared", "kind"), [
    (STORY, STORY[0], "NewsArticle"),  # a summary: shorter than what is printed
    (STORY, " ".join(STORY[2:] + REST_OF_STORY * 2), "NewsArticle"),  # longer, but not the printed story
    (STORY, " ".join([*STORY, "Read more: the ferry timetable for the winter."]), "NewsArticle"),  # a complete story with a tail
    ([" ".join(STORY)], "<p>" + " ".join(STORY + REST_OF_STORY) + "</p>", "NewsArticle"),  # HTML markup
    ([" ".join(STORY)], "&lt;p&gt;" + " ".join(STORY + REST_OF_STORY) + "&lt;/p&gt;", "NewsArticle"),  # escaped markup
    ([*STORY, "Share"], " ".join(STORY + REST_OF_STORY), "NewsArticle"),  # one line it cannot place: paragraphs would be lost
    (STORY[:2], " ".join(STORY[:2] + REST_OF_STORY), "LiveBlogPosting"),  # a live blog strings its entries together
    # a live blog printing its newest entries first: the declared text after the printed part repeats it
    ([" ".join(REST_OF_STORY[2:4]), " ".join(REST_OF_STORY[:2])], " ".join(STORY + REST_OF_STORY[4:] + REST_OF_STORY[:4]), "NewsArticle"),
])
def test_the_printed_story_stays_when_the_declared_body_is_not_its_longer_self(printed, declared, kind):
    record = extract_page(_declared_page(printed, declared, kind), URL_EARLY)
    assert record["text"].split("\n\n") == printed
    assert "text" not in record["provenance"]
