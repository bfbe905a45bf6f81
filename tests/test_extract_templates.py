"""Per-site template learning: boilerplate recurring across a site's stories is removed, story
text never is, and what a batch learns is kept in the store for the next one."""

from __future__ import annotations

import itertools
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline.extract import SiteTemplate, extract_pages, load_template, save_template
from pipeline.extract import templates
from pipeline.extract.templates import COMPACT_AFTER, SKETCH_SIZE, fingerprint
from pipeline.extract.blocks import PARAGRAPH, Block
from pipeline.layout import legacy_site_template_key, site_template_base_key, site_template_delta_key, site_template_prefix
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
    assert store.list(site_template_prefix("lantern.example"))

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
    old = b'{"format": 1, "site": "lantern.example", "stories": 9, "counts": {}}'
    store.put_bytes(legacy_site_template_key("lantern.example"), old)
    assert load_template(store, "lantern.example") == SiteTemplate("lantern.example")


def test_numbers_are_ignored_in_short_lines_only():
    assert fingerprint("Updated 3 hours ago") == fingerprint("updated  12 hours ago")
    assert fingerprint("Staff will return with detailed contracts within 18 months, and construction could start.") != \
        fingerprint("Staff will return with detailed contracts within 20 months, and construction could start.")


# --- saving: append-only deltas, compaction, concurrency -------------------------------------

HOST = "lantern.example"


def story_blocks(n: int) -> list[Block]:
    """Story n's page: its own numbered paragraphs (every n a different story) and the site's appeal."""
    return [*(Block(PARAGRAPH, f"Report {n}. {text}") for text in story_paragraphs(n)), Block(PARAGRAPH, APPEAL)]


def learned(stories) -> SiteTemplate:
    template = SiteTemplate(HOST)
    template.learn([story_blocks(n) for n in stories])
    return template


def load_learn(store, stories) -> SiteTemplate:
    """What extract_pages does for one site before saving: the stored template plus the batch."""
    template = load_template(store, HOST)
    template.learn([story_blocks(n) for n in stories])
    return template


def extract_and_save(store, stories) -> None:
    save_template(store, load_learn(store, stories))


def stored_objects(store) -> dict[str, bytes]:
    return {key: store.get_bytes(key) for key in store.list(site_template_prefix(HOST))}


def run_together(*calls) -> None:
    """Each call in its own thread; their errors are raised here."""
    with ThreadPoolExecutor(len(calls)) as pool:
        for future in [pool.submit(call) for call in calls]:
            future.result()


class WritersMeet:
    """A real store on which each thread's first write waits until every one of `writers` threads
    reaches its own: all racing saves have read the stored template before any of them writes.
    That is the interleaving in which rewriting one object keeps only the last writer's batch."""

    def __init__(self, store, writers: int):
        self.store = store
        self.barrier = threading.Barrier(writers, timeout=60)
        self.waited = threading.local()

    def __getattr__(self, name):
        return getattr(self.store, name)

    def _meet(self) -> None:
        if not getattr(self.waited, "done", False):
            self.waited.done = True
            self.barrier.wait()

    def put_bytes(self, key, data):
        self._meet()
        return self.store.put_bytes(key, data)

    def put_bytes_if_absent(self, key, data):
        self._meet()
        return self.store.put_bytes_if_absent(key, data)


class SavedBeforeReads:
    """A real store on which another extraction of the site saves a new batch just before each of
    the next `times` object reads: a load sees objects vanish between listing and reading them."""

    def __init__(self, store, times: int):
        self.store = store
        self.times = times
        self.batches = itertools.count(1000)

    def __getattr__(self, name):
        return getattr(self.store, name)

    def get_bytes(self, key):
        if self.times:
            self.times -= 1
            extract_and_save(self.store, [next(self.batches)])
        return self.store.get_bytes(key)


class SupersededBeforeWriting:
    """A real store on which, before this save's first write, other extractions of the site save
    until two compactions have passed over the generation it read (the first one's base already
    deleted by the second): a save stalled that long."""

    def __init__(self, store):
        self.store = store
        self.stalled = True
        self.batches = itertools.count(200)

    def __getattr__(self, name):
        return getattr(self.store, name)

    def put_bytes_if_absent(self, key, data):
        if self.stalled:
            self.stalled = False
            while site_template_base_key(HOST, 2) not in self.store.list(site_template_prefix(HOST)):
                extract_and_save(self.store, [next(self.batches)])
        return self.store.put_bytes_if_absent(key, data)


def test_two_saves_computed_from_one_loaded_state_both_survive(store_uri):
    store = open_store(store_uri)
    extract_and_save(store, range(2))
    first, second = load_learn(store, range(2, 4)), load_learn(store, range(4, 6))
    racing = WritersMeet(store, writers=2)
    run_together(lambda: save_template(racing, first), lambda: save_template(racing, second))
    assert load_template(store, HOST) == learned(range(6))


def test_threads_racing_saves_end_with_every_batch(store_uri, monkeypatch):
    """Small COMPACT_AFTER: compactions race the other threads' loads and saves too."""
    monkeypatch.setattr(templates, "COMPACT_AFTER", 3)
    store = open_store(store_uri)
    batches = [range(3 * k, 3 * k + 3) for k in range(12)]
    start = threading.Barrier(len(batches), timeout=60)

    def extract(stories):
        start.wait()
        extract_and_save(store, stories)

    run_together(*(lambda stories=stories: extract(stories) for stories in batches))
    assert load_template(store, HOST) == learned(range(36))


def test_compaction_keeps_everything_and_removes_the_deltas_it_includes(store_uri):
    store = open_store(store_uri)
    for n in range(COMPACT_AFTER - 1):
        extract_and_save(store, [n])
    keys = store.list(site_template_prefix(HOST))
    assert len(keys) == COMPACT_AFTER - 1 and all(key.startswith(f"{site_template_prefix(HOST)}deltas/") for key in keys)

    extract_and_save(store, [COMPACT_AFTER - 1])
    (base,) = store.list(site_template_prefix(HOST))
    assert base == site_template_base_key(HOST, 1)
    includes = json.loads(store.get_bytes(base))["includes"]
    assert set(keys) < set(includes) and len(includes) == COMPACT_AFTER  # the listed deltas and the compacting save's own
    assert load_template(store, HOST) == learned(range(COMPACT_AFTER))

    extract_and_save(store, [COMPACT_AFTER])
    assert len(store.list(site_template_prefix(HOST))) == 2
    assert load_template(store, HOST) == learned(range(COMPACT_AFTER + 1))


def test_a_compaction_that_loses_the_race_changes_nothing(store_uri):
    """Two saves compact the same listed state into generation 1: one lands, the other's own delta stays."""
    store = open_store(store_uri)
    for n in range(COMPACT_AFTER - 1):
        extract_and_save(store, [n])
    first, second = load_learn(store, [100]), load_learn(store, [101])
    racing = WritersMeet(store, writers=2)
    run_together(lambda: save_template(racing, first), lambda: save_template(racing, second))
    base, delta = store.list(site_template_prefix(HOST))
    assert base == site_template_base_key(HOST, 1)
    assert delta.startswith(f"{site_template_prefix(HOST)}deltas/") and delta not in json.loads(store.get_bytes(base))["includes"]
    assert load_template(store, HOST) == learned([*range(COMPACT_AFTER - 1), 100, 101])


def test_a_compaction_of_a_generation_superseded_meanwhile_changes_nothing(store_uri):
    """The stalled save's compaction can recreate generation 1 (deleted by generation 2's writer):
    it must not then delete its own delta, which generation 2 does not include."""
    store = open_store(store_uri)
    for n in range(COMPACT_AFTER - 1):
        extract_and_save(store, [n])
    stalled = SupersededBeforeWriting(store)
    save_template(stalled, load_learn(store, [100]))
    others = range(200, next(stalled.batches))
    assert len(others) > COMPACT_AFTER
    assert load_template(store, HOST) == learned([*range(COMPACT_AFTER - 1), 100, *others])
    assert site_template_base_key(HOST, 1) not in store.list(site_template_prefix(HOST))


def test_a_retried_save_is_a_no_op_even_racing_its_first_attempt(store_uri):
    store = open_store(store_uri)
    extract_and_save(store, range(2))
    attempt = load_learn(store, range(2, 4))
    racing = WritersMeet(store, writers=2)
    run_together(lambda: save_template(racing, attempt), lambda: save_template(racing, attempt))
    saved = stored_objects(store)
    assert len(saved) == 2  # the first batch's delta and one for the twin attempts

    save_template(store, attempt)
    extract_and_save(store, range(2, 4))  # the partition extracted again
    assert stored_objects(store) == saved
    assert load_template(store, HOST) == learned(range(4))


def test_an_old_single_object_template_is_read_and_kept_through_compaction(store_uri):
    store = open_store(store_uri)
    old = learned(range(3))
    legacy = {"format": 2, "site": HOST, "stories": old.stories, "seen_under": old.seen_under}
    store.put_bytes(legacy_site_template_key(HOST), json.dumps(legacy).encode())
    assert load_template(store, HOST) == old

    for n in range(3, 3 + COMPACT_AFTER):
        extract_and_save(store, [n])
    assert store.list(site_template_prefix(HOST)) == [site_template_base_key(HOST, 1)]
    assert load_template(store, HOST) == learned(range(3 + COMPACT_AFTER))


def test_a_load_racing_a_compaction_reads_again_and_misses_nothing(store_uri):
    store = open_store(store_uri)
    for n in range(COMPACT_AFTER - 1):
        extract_and_save(store, [n])
    racing = SavedBeforeReads(store, times=1)  # its save is the COMPACT_AFTER-th delta: it compacts
    assert load_template(racing, HOST) == learned([*range(COMPACT_AFTER - 1), 1000])
    assert store.list(site_template_prefix(HOST)) == [site_template_base_key(HOST, 1)]


def test_a_load_that_compactions_keep_interrupting_gives_up_in_one_line(store_uri, monkeypatch):
    monkeypatch.setattr(templates, "COMPACT_AFTER", 1)  # every save compacts: every listed base vanishes
    store = open_store(store_uri)
    extract_and_save(store, [0])
    racing = SavedBeforeReads(store, times=templates.READ_ATTEMPTS)
    with pytest.raises(StoreError) as error:
        load_template(racing, HOST)
    assert str(error.value).startswith(f"{store.url(site_template_prefix(HOST))}: compacted while being read")
    assert "\n" not in str(error.value)


def test_unknown_objects_beside_the_template_are_left_alone(tmp_path):
    store = open_store(str(tmp_path))
    store.put_bytes(f"{site_template_prefix(HOST)}notes.txt", b"written by hand")
    for n in range(COMPACT_AFTER):
        extract_and_save(store, [n])
    assert store.list(site_template_prefix(HOST)) == [site_template_base_key(HOST, 1), f"{site_template_prefix(HOST)}notes.txt"]


CORRUPT = {  # kind: (key, its bytes), a word of the reason
    "old single object": (lambda: (legacy_site_template_key(HOST), b"{not json"), "Expecting property name"),
    "delta": (lambda: (site_template_delta_key(HOST, "0" * 32), b"[1, 2]"), "object has no attribute"),
    "base": (lambda: (site_template_base_key(HOST, 1), b'{"format": 2}'), "'site'"),
    "base under another generation's name": (
        lambda: (site_template_base_key(HOST, 3), learned(range(2)).to_json(generation=2, includes=[])),
        "generation 2 under another name",
    ),
}


@pytest.mark.parametrize("kind", CORRUPT)
def test_a_corrupt_object_is_a_one_line_error_naming_it(store_uri, kind):
    written, reason = CORRUPT[kind]
    key, data = written()
    store = open_store(store_uri)
    store.put_bytes(key, data)
    with pytest.raises(StoreError) as error:
        load_template(store, HOST)
    assert re.fullmatch(rf"{re.escape(store.url(key))}: not a site template \(.*{re.escape(reason)}.*\); delete it and .* relearned", str(error.value))
    with pytest.raises(StoreError, match=re.escape(store.url(key))):
        extract_and_save(store, [0])  # a save never writes over what it cannot read
