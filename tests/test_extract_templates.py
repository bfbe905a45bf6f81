"""Per-site template learning: boilerplate recurring across a site's stories is removed, story
text never is, and what a batch learns is kept in the store for the next one."""

from __future__ import annotations

import pytest

from pipeline.extract import SiteTemplate, extract_pages, load_template, save_template
from pipeline.extract.blocks import PARAGRAPH, Block
from pipeline.layout import site_template_key
from pipeline.store import StoreError, open_store

SITE = "https://lantern.example"
APPEAL = "Support local reporting: become a Lantern member for less than the price of a coffee each week."
TIP_LINE = "Have a tip about this story? Write to the Lantern newsroom at tips@lantern.example, we read everything."

TOWNS = ["Ashford Quay", "Bellmoor", "Cinder Falls", "Dunmarrow", "Eastvale", "Fennick Cross", "Glasswater"]
TOPICS = [
    ("library", "extend the opening hours of the central library to nine in the evening"),
    ("bridge", "close the old swing bridge for six weeks of repairs to its gears"),
    ("market", "move the Saturday market from the square to the riverside car park"),
    ("school", "merge the two primary schools on the north side into one campus"),
    ("buses", "add a night bus between the station and the hospital on weekends"),
    ("parks", "plant four hundred trees along the ring road before the autumn"),
    ("harbour", "dredge the inner harbour so that the ferry can dock at low tide"),
]


def story_paragraphs(n: int) -> list[str]:
    town = TOWNS[n % len(TOWNS)]
    topic, action = TOPICS[n % len(TOPICS)]
    return [
        f"Councillors in {town} voted on Tuesday to {action}, ending a debate that had run through three meetings.",
        f"Supporters of the {topic} plan said residents had asked for the change for years and that the cost was modest.",
        f"Opponents in {town} warned that the {topic} budget was already stretched and asked for a review in spring.",
        f"The {town} clerk said the decision on the {topic} would be published in full on the council website this week.",
    ]


def page(n: int, paragraphs: list[str], extra: list[str] = ()) -> tuple[str, str]:
    body = "".join(f"<p>{text}</p>" for text in [*paragraphs[:2], APPEAL, *paragraphs[2:], *extra, TIP_LINE])
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{TOWNS[n % len(TOWNS)]} decides on the {TOPICS[n % len(TOPICS)][0]} - The Lantern</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="The Lantern"></head>
<body><header><a href="/">The Lantern</a></header>
<article><h1>{TOWNS[n % len(TOWNS)]} decides on the {TOPICS[n % len(TOPICS)][0]}</h1>
<div class="story-body">{body}</div></article><footer>The Lantern</footer></body></html>"""
    return f"{SITE}/news/story-{n}/", html


def paragraphs_of(record: dict) -> list[str]:
    return record["text"].split("\n\n")


def test_boilerplate_recurring_across_stories_is_removed():
    records = extract_pages([page(n, story_paragraphs(n)) for n in range(5)])
    for n, record in enumerate(records):
        assert paragraphs_of(record) == story_paragraphs(n)


def test_a_single_page_keeps_its_boilerplate_without_a_template():
    (record,) = extract_pages([page(0, story_paragraphs(0))])
    assert APPEAL in record["text"] and TIP_LINE in record["text"]


def test_paragraph_shared_by_two_different_articles_is_kept():
    shared = "“We will not let the town stand still while the money sits in a drawer,” the mayor said after the vote."
    pages = [page(n, story_paragraphs(n), extra=[shared] if n in (1, 2) else []) for n in range(5)]
    records = extract_pages(pages)
    assert shared in paragraphs_of(records[1]) and shared in paragraphs_of(records[2])
    assert APPEAL not in records[1]["text"]


def test_copies_of_one_story_keep_the_story():
    """Three pages of one story (an update adds a line) count as one story, not three."""
    copies = [page(10 + k, story_paragraphs(0), extra=[f"Updated at {9 + k} a.m. with the final vote count."] if k else [])
              for k in range(3)]
    others = [page(n, story_paragraphs(n)) for n in (1, 2)]
    records = extract_pages(copies + others)
    for record in records[:3]:
        assert paragraphs_of(record)[:4] == story_paragraphs(0)
    # the appeal is under three different stories: boilerplate; the story's own paragraphs are not
    assert all(APPEAL not in record["text"] for record in records)


def test_templates_are_learned_per_site():
    lantern = [page(n, story_paragraphs(n)) for n in range(4)]
    url, html = page(5, story_paragraphs(5))
    other_site = ("https://beacon.example/news/story-5/", html)
    records = extract_pages([*lantern, other_site])
    assert APPEAL not in records[0]["text"]
    assert APPEAL in records[-1]["text"]


def test_template_kept_in_the_store_cleans_a_later_small_batch(store_uri):
    store = open_store(store_uri)
    extract_pages([page(n, story_paragraphs(n)) for n in range(4)], store=store)
    assert store.exists(site_template_key("lantern.example"))

    (record,) = extract_pages([page(6, story_paragraphs(6))], store=store)
    assert paragraphs_of(record) == story_paragraphs(6)
    template = load_template(store, "lantern.example")
    assert template.stories == 5


def test_template_round_trips_through_json():
    template = SiteTemplate("lantern.example")
    template.learn([[*(Block(PARAGRAPH, text) for text in story_paragraphs(n)), Block(PARAGRAPH, APPEAL)] for n in range(4)])
    again = SiteTemplate.from_json(template.to_json(), "test")
    assert again == template
    assert len(again.boilerplate()) == 1


def test_unknown_site_has_an_empty_template(tmp_path):
    template = load_template(open_store(str(tmp_path)), "never-seen.example")
    assert template.stories == 0 and template.boilerplate() == set()


def test_a_corrupt_template_is_a_one_line_error_naming_the_object(tmp_path):
    store = open_store(str(tmp_path))
    store.put_bytes(site_template_key("lantern.example"), b"{not json")
    with pytest.raises(StoreError, match=r"templates/site=lantern\.example/template\.json: not a site template"):
        load_template(store, "lantern.example")
    save_template(store, SiteTemplate("lantern.example"))
    assert load_template(store, "lantern.example").stories == 0
