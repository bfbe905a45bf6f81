"""The layers' canonical forms and similarity estimates on invented text."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from pipeline.dedup.clusters import _Components, _link_band_group, near
from pipeline.dedup.fingerprints import MIN_SHINGLES, fingerprint_texts, similarity
from pipeline.dedup.text import publisher_key, url_key
from pipeline.urls import without_trackers

WORDS = (
    "council harbour river budget school mayor vote plan bridge water energy farmers market storm rescue museum "
    "library train station tax report police court judge hospital nurses union strike festival music award "
    "science study climate wind solar coast island ferry mountain trail park road repair quietly early late"
).split()


def paragraphs(seed: int, count: int = 8, length: int = 45) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "." for _ in range(count)]


def body(paras: list[str]) -> str:
    return "\n\n".join(paras)


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.planet.example/news/story-1/",
        "http://planet.example/news/story-1?utm_source=feed&utm_medium=rss",
        "https://planet.example/news/story-1#comments",
        "https://amp.planet.example/news/story-1",
        "https://planet.example/news/story-1/amp/",
        "https://planet.example/news/story-1?fbclid=IwAR0x&gclid=abc",
        "https://editor@planet.example:443/news/story-1",
    ],
)
def test_url_variants_share_one_key(variant):
    assert url_key(variant) == url_key("https://planet.example/news/story-1") == "planet.example/news/story-1"


def test_url_key_keeps_what_identifies_the_page():
    assert url_key("https://planet.example/story?id=3") != url_key("https://planet.example/story?id=4")
    assert url_key("https://planet.example/a") != url_key("https://bugle.example/a")
    assert url_key("https://planet.example:8080/a") != url_key("https://planet.example/a")  # another server
    # parameters courlan's strict mode does not know name the story too (old CMSs, news_view.html?idx=…),
    # and names that start like a tracker's are no tracker
    for name in ("story", "idx", "articleId", "sid", "no", "cid", "eid", "game", "gallery", "refid", "keyword"):
        assert url_key(f"https://planet.example/view?{name}=3") != url_key(f"https://planet.example/view?{name}=4"), name
    assert url_key("https://planet.example/view?idx=3&utm_source=rss") == "planet.example/view?idx=3"


def test_url_key_reads_the_query_as_its_values():
    key = url_key
    assert key("https://planet.example/a?b=2&a=1") == key("https://planet.example/a?a=1&b=2")
    assert key("https://planet.example/a?q=%c3%a9") == key("https://planet.example/a?q=%C3%A9") == key("https://planet.example/a?q=é")
    assert key("https://planet.example/a?q=a+b") == key("https://planet.example/a?q=a%20b") != key("https://planet.example/a?q=a%2Bb")


def test_listed_urls_lose_their_tracking_parameters_and_nothing_else():
    assert without_trackers("https://planet.example/a?idx=3&utm_source=rss&fbclid=x") == "https://planet.example/a?idx=3"
    assert without_trackers("https://planet.example/a?utm_medium=email") == "https://planet.example/a"
    for untouched in ("https://planet.example/a?q=a+b&cid=7", "https://planet.example/a?b=2&a=1#top", "https://planet.example/match?game=12"):
        assert without_trackers(untouched) == untouched  # the site's own spelling, unsorted and unencoded


def test_publisher_names_normalise():
    assert publisher_key("The Daily Planet") == publisher_key("dailyplanet.com") == publisher_key("Daily-Planet") == "dailyplanet"


def test_exact_hash_ignores_case_punctuation_digits_bylines_and_datelines():
    paras = paragraphs(1)
    plain = body(paras)
    dressed = body(["By Ana Lopez", "SPRINGFIELD, March 3 — " + paras[0].upper()] + [p.replace(".", "!") for p in paras[1:]] + ["Photo: Staff"])
    other = body(paras[:-1])
    fingerprints = fingerprint_texts(pa.array([plain, dressed, other]))
    assert fingerprints.exact[0] == fingerprints.exact[1] != fingerprints.exact[2]


def test_short_bodies_take_part_in_no_content_layer():
    fingerprints = fingerprint_texts(pa.array(["Subscribe to our newsletter for the latest headlines.", None]))
    assert fingerprints.exact == [None, None]
    assert not fingerprints.indexable().any()
    assert (fingerprints.sizes < MIN_SHINGLES).all()


def test_estimates_track_true_overlap():
    paras = paragraphs(2, count=10)
    original, truncated = body(paras), body(paras[:5])
    unrelated = body(paragraphs(3, count=10))
    f = fingerprint_texts(pa.array([original, truncated, unrelated]))
    jaccard, containment = similarity(f.signatures[0], f.sizes[0], f.signatures[1], f.sizes[1])
    true_jaccard = f.sizes[1] / f.sizes[0]  # the truncated body's shingles are a subset
    assert abs(jaccard - true_jaccard) < 0.12
    assert containment > 0.85
    assert near(f.signatures[0], f.sizes[0], f.signatures[1], f.sizes[1])
    assert not near(f.signatures[0], f.sizes[0], f.signatures[2], f.sizes[2])


def test_shared_background_paragraphs_stay_apart():
    story, follow_up = paragraphs(4), paragraphs(5)
    follow_up[-2:] = story[-2:]  # a follow-up repeating two background paragraphs
    f = fingerprint_texts(pa.array([body(story), body(follow_up)]))
    assert not near(f.signatures[0], f.sizes[0], f.signatures[1], f.sizes[1])


def test_signatures_are_deterministic_across_batches():
    texts = [body(paragraphs(seed)) for seed in range(6)]
    together = fingerprint_texts(pa.array(texts))
    alone = [fingerprint_texts(pa.array([text])) for text in texts]
    assert np.array_equal(together.signatures, np.concatenate([f.signatures for f in alone]))


def test_a_large_band_group_links_exactly_the_verified_pairs():
    """The vectorised pass over one big band group (as if every body shared a band) gives the
    components that verifying every pair gives: 3 stories in 6 versions each, 40 others."""
    texts = []
    for seed in range(3):
        story = paragraphs(100 + seed, count=10)
        texts += [body(story), body(story[1:]), body(story[:6]), body(paragraphs(200 + seed, count=1) + story),
                  body(story[2:]), body(story[:8])]
    texts += [body(paragraphs(300 + seed)) for seed in range(40)]
    f = fingerprint_texts(pa.array(texts))
    fast = _Components(len(texts))
    _link_band_group(fast, np.arange(len(texts)), f.signatures, f.sizes)
    every_pair = _Components(len(texts))
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if near(f.signatures[i], f.sizes[i], f.signatures[j], f.sizes[j]):
                every_pair.union(i, j)
    assert grouping(fast, len(texts)) == grouping(every_pair, len(texts))
    assert sorted(map(len, grouping(fast, len(texts))), reverse=True)[:4] == [6, 6, 6, 1]


def grouping(uf: _Components, n: int) -> set[frozenset[int]]:
    return {frozenset(i for i in range(n) if uf.find(i) == uf.find(k)) for k in range(n)}
