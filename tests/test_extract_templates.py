"""Per-site template learning: boilerplate recurring across a site's stories is removed, story
text never is, and what a batch learns is kept in the store for the next one."""

from __future__ import annotations

import pytest

from pipeline.extract import SiteTemplate, extract_pages, load_template, save_template
from pipeline.extract.templates import SKETCH_SIZE, fingerprint
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
    assert template.story_count == 5


def test_template_round_trips_through_json():
    template = SiteTemplate("lantern.example")
    template.learn([[*(Block(PARAGRAPH, text) for text in story_paragraphs(n)), Block(PARAGRAPH, APPEAL)] for n in range(4)])
    again = SiteTemplate.from_json(template.to_json(), "test")
    assert again == template
    assert len(again.boilerplate()) == 1


def test_unknown_site_has_an_empty_template(tmp_path):
    template = load_template(open_store(str(tmp_path)), "never-seen.example")
    assert template.story_count == 0 and template.boilerplate() == set()


def test_a_corrupt_template_is_a_one_line_error_naming_the_object(tmp_path):
    store = open_store(str(tmp_path))
    store.put_bytes(site_template_key("lantern.example"), b"{not json")
    with pytest.raises(StoreError, match=r"templates/site=lantern\.example/template\.json: not a site template"):
        load_template(store, "lantern.example")
    store.delete(site_template_key("lantern.example"))
    save_template(store, SiteTemplate("lantern.example"))
    assert load_template(store, "lantern.example").story_count == 0


def test_re_extracting_a_partition_gives_identical_records(store_uri):
    """Retries and backfills extract a partition again: what it taught the template must not count twice."""
    store = open_store(store_uri)
    for stories in (range(2), range(2, 7)):
        partition = [page(n, story_paragraphs(n)) for n in stories]
        first = extract_pages(partition, store=store)
        assert extract_pages(partition, store=store) == first
        assert extract_pages(partition, store=store) == first
        assert all(set(story_paragraphs(n)) <= set(paragraphs_of(record)) for n, record in zip(stories, first))
    assert load_template(store, "lantern.example").story_count == 7


def test_a_story_listed_at_new_urls_on_three_days_is_not_boilerplate(store_uri):
    """One story at a new URL each day (a re-listing) is one story, not three."""
    store = open_store(store_uri)
    for day in range(3):
        url, html = page(0, story_paragraphs(0))
        story = (f"{SITE}/day-{day}/story-0/", html)
        records = extract_pages([story, page(day + 1, story_paragraphs(day + 1))], store=store)
        assert set(story_paragraphs(0)) <= set(paragraphs_of(records[0]))
    # the appeal was under four different stories by now: it is boilerplate, the story is not
    assert paragraphs_of(records[0]) == story_paragraphs(0)


def blocks_of(n: int, extra: tuple[str, ...] = ()) -> list[Block]:
    return [Block(PARAGRAPH, text) for text in [*story_paragraphs(n), APPEAL, *extra]]


def test_learning_is_idempotent_and_order_independent():
    once, twice, reversed_order = SiteTemplate("lantern.example"), SiteTemplate("lantern.example"), SiteTemplate("lantern.example")
    pages = [blocks_of(n) for n in range(5)]
    once.learn(pages)
    twice.learn(pages[:3])
    twice.learn(pages)
    for blocks in reversed(pages):
        reversed_order.learn([blocks])
    assert once == twice == reversed_order
    assert once.story_count == 5


def test_templates_saved_in_parallel_keep_both_halves(tmp_path):
    """Two partitions of one site extracted at once: both load, both learn, both save."""
    store = open_store(str(tmp_path))
    first, second = load_template(store, "lantern.example"), load_template(store, "lantern.example")
    first.learn([blocks_of(n) for n in range(2)])
    second.learn([blocks_of(n) for n in range(2, 4)])
    save_template(store, first)
    save_template(store, second)
    stored = load_template(store, "lantern.example")
    assert stored.story_count == 4
    both = SiteTemplate("lantern.example")
    both.learn([blocks_of(n) for n in range(4)])
    assert stored == both and len(stored.boilerplate()) == 1


def test_a_page_of_nothing_but_boilerplate_keeps_its_blocks():
    template = SiteTemplate("lantern.example")
    template.learn([blocks_of(n, extra=(TIP_LINE,)) for n in range(4)])
    furniture = [Block(PARAGRAPH, APPEAL), Block(PARAGRAPH, TIP_LINE)]
    assert template.strip(furniture) == furniture
    assert template.strip([*furniture, Block(PARAGRAPH, "Own line.")]) == [Block(PARAGRAPH, "Own line.")]


def test_an_article_stripped_to_a_fragment_is_not_a_record():
    """Judged after stripping by the rule any page is judged by: too few words for an article."""
    stub = page(20, ["The harbour office is closed on Monday for the holiday."])
    records = extract_pages([*(page(n, story_paragraphs(n)) for n in range(4)), stub])
    assert records[4] is None
    (alone,) = extract_pages([stub])
    assert alone is not None  # alone, its appeal and tip line are not known to be boilerplate


def test_a_large_site_keeps_a_bounded_template():
    """Story sets are sketches: exact for a few hundred stories, estimated beyond, never unbounded."""
    template = SiteTemplate("big.example")
    template.learn([[Block(PARAGRAPH, f"Story number {word} of the big site's archive."), Block(PARAGRAPH, APPEAL),
                     *([Block(PARAGRAPH, TIP_LINE)] if n % 20 == 0 else [])]
                    for n, word in enumerate(chr(97 + i % 26) + chr(97 + i // 26 % 26) + chr(97 + i // 676) for i in range(3000))])
    assert 0.85 * 3000 < template.story_count < 1.15 * 3000
    assert all(len(ids) <= SKETCH_SIZE for ids in template.seen_under.values())
    assert fingerprint(APPEAL) in template.boilerplate()  # in every story
    assert fingerprint(TIP_LINE) not in template.boilerplate()  # in one story of twenty: under a tenth


def test_a_template_of_the_old_counting_format_is_relearned(tmp_path):
    store = open_store(str(tmp_path))
    store.put_bytes(site_template_key("lantern.example"), b'{"format": 1, "site": "lantern.example", "stories": 9, "counts": {}}')
    assert load_template(store, "lantern.example") == SiteTemplate("lantern.example")


def test_numbers_are_ignored_in_short_lines_only():
    assert fingerprint("Updated 3 hours ago") == fingerprint("updated  12 hours ago")
    assert fingerprint("Staff will return with detailed contracts within 18 months, and construction could start.") != \
        fingerprint("Staff will return with detailed contracts within 20 months, and construction could start.")
