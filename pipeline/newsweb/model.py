"""The story model: every page, sitemap, feed and manifest entry of the fixture web comes from here.

A `Story` is the text as its publisher wrote it; an `Article` is one page carrying a story
on one site (the original, or a reprint with its edits); a `Trouble` is a page listed in
discovery that misbehaves on purpose. Rendering and the manifest both read `build_web()`,
so what the server shows and what the tests expect cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from . import handwritten as hw
from .prose import Facts, Writer
from .sites import SITES

UTC = timezone.utc
FIRST_DAY = date(2024, 5, 20)
DAYS = [FIRST_DAY + timedelta(days=i) for i in range(7)]  # 2024-05-20 .. 2024-05-26
SEED_DAY = date(2022, 1, 29)

CAPITOL, COURIER, METRO, HARBOR = "capitol_ledger", "daily_courier", "metro_wire", "harbor_gazette"
WIRE = "Continental News Wire"
UNSERVED = "The Prairie Sentinel"

REPORTERS = {
    CAPITOL: ["Marisol Vantongeren", "Theo Brackley", "Priya Ashdown", "Gideon Moraes-Lund", "Hattie Quennell", "Rafael Ostrander"],
    COURIER: ["Nadia Korsgaard"],
    METRO: ["Ines Bramwell", "Colm Ferrity"],
    HARBOR: ["Ruth Ellery-Pask", "Dominic Sayle", "Wendell Obi"],
}

# Own (generic) stories per site and day at scale 1, beyond the named cases below.
GENERIC_PER_DAY = {
    CAPITOL: [1, 1, 0, 1, 1, 1, 3],
    COURIER: [1, 0, 0, 1, 0, 1, 0],
    METRO: [1, 0, 0, 1, 0, 1, 1],
    HARBOR: [2, 4, 3, 0, 1, 7, 2],
}


@dataclass(frozen=True)
class Story:
    """A story as its publisher wrote it. `key` identifies the cluster of pages carrying it."""

    key: str
    publisher: str  # display name of the original publisher, served or not
    headline: str
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]
    section: str
    published_at: datetime


@dataclass(frozen=True)
class Article:
    """One article page. `paragraphs` is the body as the page prints it, minus attribution."""

    source: str
    path: str
    story: Story
    title: str
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]
    posted_at: datetime  # when this site put it up: drives its sitemap, feed and archive dates
    published_at: datetime  # the article's own date as the page states it
    date_only: bool = False  # the page states a day, not a time
    attribution: str | None = None  # publisher the page names as the origin
    case: str | None = None  # which fixture case this page exists for
    dateline: str | None = None  # wire copy: printed as "CITY (Wire) — " before the first paragraph
    listed_path: str | None = None  # discovery lists this path, which redirects to `path`
    flaky: bool = False  # answers 500, then 200 on the retry
    canonical: tuple[str, str] | None = None  # (source, path) the page names as canonical, if not itself
    original: tuple[str, str] | None = None  # (source, path) of the original the page links to
    numeric_date: bool = False  # prints its date as 24/05/2024 instead of the site's usual words

    @property
    def crawl_day(self) -> date:
        return self.posted_at.date()

    @property
    def printed_paragraphs(self) -> tuple[str, ...]:
        """The body as the page prints it: wire copy gets its dateline back."""
        if not self.dateline:
            return self.paragraphs
        return (f"{self.dateline} ({self.attribution}) \u2014 {self.paragraphs[0]}", *self.paragraphs[1:])

    @property
    def is_original(self) -> bool:
        return SITES[self.source].name == self.story.publisher


@dataclass(frozen=True)
class Trouble:
    """A page listed in discovery that is not an article: 404, robots-disallowed, PDF, empty, too large."""

    source: str
    kind: str
    path: str
    posted_at: datetime
    title: str


@dataclass(frozen=True)
class Web:
    articles: tuple[Article, ...]
    troubles: tuple[Trouble, ...]

    def on(self, source: str) -> list[Article]:
        """A site's articles, oldest first."""
        return sorted((a for a in self.articles if a.source == source), key=lambda a: (a.posted_at, a.path))


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), UTC)


def slugify(text: str, limit: int = 72) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("\u2019", "").replace("'", "")).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


class _Builder:
    """Writes the web day by day; every named case is spelled out in build_web()."""

    def __init__(self, scale: int):
        self.scale = scale
        self.writer = Writer("wirelake-newsweb")
        self.articles: list[Article] = []
        self.troubles: list[Trouble] = []
        self._paths: set[str] = set()
        self._ids = {COURIER: 48210, METRO: 730400}
        self._keys = 0
        self._byline = 0
        self.last_facts = None  # facts of the last generated story, for follow-ups and datelines

    def _path(self, source: str, title: str, posted: datetime) -> str:
        slug = slugify(title)
        if source in self._ids:  # numbered sites: the id alone makes the path unique
            self._ids[source] += 1
            number = self._ids[source]
            return f"/news/{slug}-{number}" if source == COURIER else f"/stories/{number}/{slug}/"
        pattern = f"/{posted:%Y/%m/%d}/{{}}.html" if source == CAPITOL else "/article/{}.html"
        path, n = pattern.format(slug), 1
        while path in self._paths:
            n += 1
            path = pattern.format(f"{slug}-{n}")
        self._paths.add(path)
        return path

    def _authors(self, source: str) -> tuple[str, ...]:
        pool = REPORTERS[source]
        self._byline += 1
        first = pool[self._byline % len(pool)]
        if source == CAPITOL and self._byline % 4 == 0:
            return first, pool[(self._byline + 1) % len(pool)]
        return (first,)

    def story(self, publisher_source: str | None, published: datetime, *, headline: str | None = None,
              paragraphs: tuple[str, ...] | list[str] = (), authors: tuple[str, ...] = (), section: str = "News",
              publisher: str | None = None, facts: Facts | None = None) -> Story:
        """A new story; generated unless its text is given."""
        if headline is None:
            generated = self.writer.story(facts)
            headline, paragraphs, section = generated.headline, tuple(generated.paragraphs), generated.section
            self.last_facts = generated.facts
        self._keys += 1
        return Story(
            key=f"story-{self._keys:04d}",
            publisher=publisher or SITES[publisher_source].name,
            headline=headline,
            authors=authors or self._authors(publisher_source),
            paragraphs=tuple(paragraphs),
            section=section,
            published_at=published,
        )

    def publish(self, source: str, story: Story, posted: datetime | None = None, **page) -> Article:
        """Put a story on a site as its original (or own) article."""
        posted = posted or story.published_at
        article = Article(
            source=source, path=self._path(source, page.get("title", story.headline), posted), story=story,
            title=story.headline, authors=story.authors, paragraphs=story.paragraphs,
            posted_at=posted, published_at=posted,
        )
        if source == COURIER:  # the portal prints only a day, never a time
            article = replace(article, published_at=at(posted.date(), 0), date_only=True)
        article = replace(article, **page)
        self.articles.append(article)
        return article

    def reprint(self, source: str, original: Article | Story, posted: datetime, **page) -> Article:
        """A syndicated copy; the caller passes the case's edits (title, paragraphs, ...)."""
        story = original.story if isinstance(original, Article) else original
        if source == COURIER:
            # Like the seed site: no byline, and the story's own date printed as a day.
            own = dict(authors=(), published_at=at(story.published_at.date(), 0), date_only=True)
        else:
            own = dict(authors=story.authors, published_at=posted)
        if isinstance(original, Article):
            own["original"] = (original.source, original.path)
        own["attribution"] = story.publisher
        own.update(page)
        return self.publish(source, story, posted, **own)

    def generic(self, source: str, posted: datetime, **page) -> Article:
        return self.publish(source, self.story(source, posted), **page)

    def trouble(self, kind: str, posted: datetime, title: str, path: str | None = None) -> Trouble:
        trouble = Trouble(CAPITOL, kind, path or f"/{posted:%Y/%m/%d}/{slugify(title)}.html", posted, title)
        self.troubles.append(trouble)
        return trouble

    def fill(self) -> None:
        """The generic stories of every site and day, `scale` times over, at mid-day times."""
        for source, counts in GENERIC_PER_DAY.items():
            for day, count in zip(DAYS, counts):
                for n in range(count * self.scale):
                    minutes = 9 * 60 + 15 + (n * 37) % (8 * 60)
                    self.generic(source, at(day, minutes // 60, minutes % 60))


@lru_cache(maxsize=4)
def build_web(scale: int = 1) -> Web:
    """The whole fixture web; deterministic for a given scale (and cached: it is immutable)."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    b = _Builder(scale)
    d = DAYS

    # The seed pair: a 2022 original reprinted 28 months later, like the seed page.
    seed = b.publish(CAPITOL, b.story(CAPITOL, at(SEED_DAY, 15, 30), headline=hw.SEED_HEADLINE,
                                      paragraphs=hw.SEED_PARAGRAPHS, authors=hw.SEED_AUTHORS, section="Politics"),
                     case="seed original")
    b.reprint(COURIER, seed, at(d[6], 10, 5), case="seed reprint, years apart")

    # Capitol Ledger originals with named reprint cases.
    c1 = b.generic(CAPITOL, at(d[0], 13, 10))
    b.reprint(COURIER, c1, at(d[1], 8, 45), case="exact reprint")
    b.reprint(METRO, c1, at(d[1], 11, 20), case="exact reprint, other template")
    c3 = b.generic(CAPITOL, at(d[1], 12, 0))
    c3_facts = b.last_facts
    c4 = b.generic(CAPITOL, at(d[1], 16, 25))
    b.reprint(COURIER, c4, at(d[2], 9, 30), case="edited headline",
              title=f"{c4.title.rstrip('.')}, officials say")
    b.generic(CAPITOL, at(d[2], 0, 0, 0), case="window boundary 00:00:00Z")
    c6 = b.generic(CAPITOL, at(d[2], 11, 45), flaky=True, case="500 then 200")
    c7 = b.generic(CAPITOL, at(d[2], 14, 5))
    b.reprint(COURIER, c7, at(d[2], 19, 40), case="trimmed lead", paragraphs=c7.paragraphs[1:])
    b.publish(CAPITOL, b.story(CAPITOL, at(d[2], 15, 50), headline=hw.BRIDGE_CAPITOL_HEADLINE,
                               paragraphs=hw.BRIDGE_CAPITOL_PARAGRAPHS, authors=hw.BRIDGE_CAPITOL_AUTHORS,
                               section="Local"), case="same event, different story")
    c8 = b.story(CAPITOL, at(d[3], 10, 35))
    old_path = f"/{d[3]:%Y/%m/%d}/{slugify('draft ' + c8.headline)}.html"
    b.publish(CAPITOL, c8, listed_path=old_path, case="redirect chain 301 302")
    b.generic(CAPITOL, at(d[3], 23, 59, 59), case="window boundary 23:59:59Z")
    c10 = b.generic(CAPITOL, at(d[3], 13, 15))
    b.reprint(METRO, c10, at(d[4], 12, 0), case="different date format, canonical to original",
              numeric_date=True, canonical=(c10.source, c10.path))
    follow_up = b.story(CAPITOL, at(d[4], 11, 5), facts=c3_facts)
    # The follow-up repeats two background paragraphs of the earlier story, as papers do.
    follow_up = replace(follow_up, paragraphs=follow_up.paragraphs[:2] + c3.paragraphs[2:4] + follow_up.paragraphs[4:])
    b.publish(CAPITOL, follow_up, case="follow-up repeating background")
    c12 = b.generic(CAPITOL, at(d[4], 15, 20))
    b.reprint(COURIER, c12, at(d[4], 18, 0), case="truncated tail",
              paragraphs=c12.paragraphs[: (len(c12.paragraphs) + 1) // 2 + 1])
    c14 = b.generic(CAPITOL, at(d[5], 12, 40))
    b.reprint(COURIER, c14, at(d[5], 16, 10), case="editor's note added", paragraphs=(hw.EDITOR_NOTE, *c14.paragraphs))
    c16 = b.generic(CAPITOL, at(d[6], 9, 55))
    b.reprint(METRO, c16, at(d[6], 14, 30), case="edited headline and trimmed lead",
              title=f"{c16.title.rstrip('.')}: what comes next", paragraphs=c16.paragraphs[1:])

    # Syndicated stories whose original is not on this web.
    prairie = b.story(None, at(d[0] - timedelta(days=1), 14, 0), publisher=UNSERVED,
                      authors=("Halvard Brisk",))
    b.reprint(COURIER, prairie, at(d[3], 9, 10), case="reprint of an unserved original")
    wire = b.story(None, at(d[2], 11, 0), publisher=WIRE, authors=("Amos Treadgold",))
    dateline = b.last_facts.slots["city"].upper()
    b.publish(HARBOR, wire, at(d[2], 11, 40), attribution=WIRE, dateline=dateline, case="wire story")
    b.publish(METRO, wire, at(d[2], 13, 10), attribution=WIRE, dateline=dateline, case="wire story")

    # Hard negatives.
    b.publish(HARBOR, b.story(HARBOR, at(d[2], 8, 20), headline=hw.BRIDGE_HARBOR_HEADLINE,
                              paragraphs=hw.BRIDGE_HARBOR_PARAGRAPHS, authors=hw.BRIDGE_HARBOR_AUTHORS,
                              section="Local"), case="same event, different story")
    for n, (title, author, paragraphs) in enumerate(hw.BRIEFS):
        b.publish(HARBOR, b.story(HARBOR, at(d[4], 7, 30 + 5 * n), headline=title, paragraphs=paragraphs,
                                  authors=(author,), section="Briefs"), case="short brief, shared template only")
    quoted = [c6, c7, c12, c14]
    roundup = [hw.ROUNDUP_INTRO]
    for source_article in quoted:
        roundup += [f"From \u201c{source_article.title}\u201d:", source_article.paragraphs[2]]
    roundup.append(hw.ROUNDUP_OUTRO)
    b.publish(METRO, b.story(METRO, at(d[6], 16, 0), headline=hw.ROUNDUP_HEADLINE, paragraphs=roundup,
                             authors=hw.ROUNDUP_AUTHORS, section="Opinion"), case="roundup quoting several stories")
    b.generic(METRO, at(d[3], 0, 0, 0), case="window boundary 00:00:00Z")

    # Trouble pages, one per day, each listed in the Capitol Ledger's sitemaps and feed.
    b.trouble("private", at(d[0], 10, 0), "Draft: committee seating chart",
              path=f"/private/{d[0]:%Y/%m/%d}/draft-committee-seating-chart.html")
    b.trouble("not_found", at(d[1], 10, 30), "Budget hearing postponed again")
    b.trouble("not_html", at(d[4], 14, 0), "Full text of the transit audit")
    b.trouble("empty", at(d[5], 9, 0), "Live updates: statehouse session")
    b.trouble("too_large", at(d[6], 11, 0), "Every public comment on the water plan")

    b.fill()
    return Web(tuple(b.articles), tuple(b.troubles))
