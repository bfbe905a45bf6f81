"""A story body split into chunks between ads, joined again before extraction.

Some templates print the body as several boxes of one class, with a full-width ad or a
video between them (`<div class="article__body">` paragraphs, ad, `<div class="article__body">`
paragraphs, …). trafilatura takes the first element its body patterns match, so it keeps the
first chunk and loses the rest of the story: half of it or more.

Chunks are boxes of one tag and class that sit at the same place under their nearest common
ancestor (the same chain of tags and classes, a few levels deep); two of them at least hold a
paragraph's worth of text as their own children, and a short one (the closing line) belongs too.
The chunks are joined into the first, with whatever little stands between them (a subheading, an
ad slot) in its place, so the story reads in order; a box between them named for another part of
the page (a teaser, a sidebar) or made of page chrome (<aside>, <nav>, <form>) stays out.

Not joined, as not one story's body:
- boxes named for comments, related stories, teasers, menus, lists, cards or tabs, or under a
  common ancestor named for other stories or comments;
- more than eight boxes of a class: a list's items, a live blog's posts;
- stories one after the other: boxes each in its own <article>, or each under its own headline,
  a common ancestor with several <h1>, a byline or a date between two boxes;
- boxes with more than a subheading's words between them, or text loose between them, which
  would have no place in the joined body.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from lxml.html import HtmlElement

from pipeline.extract.blocks import count_words
from pipeline.extract.bylines import BYLINE_BOX_NAMES
from pipeline.extract.signals import REGEX_NS

_BOXES = {"div", "section", "article"}
_MIN_CHUNK_WORDS = 30  # in the box's own paragraphs
_MAX_CHUNKS = 8
_MAX_WORDS_BETWEEN = 20  # per gap: a subheading, an ad's label, a video's caption
_MAX_DEPTH = 3  # levels from the chunks up to their common ancestor
# Words in a class or id that name other parts of the page, as whole words ("has-sidebar" on a
# layout wrapper names no sidebar box, "article-body--listicle" no list)
_OTHER_STORIES = r"comments?|related|teasers?|recirc\w*|promos?|more"
_OTHER_STORIES_BOX = re.compile(rf"(?:^|[\s_-])(?:{_OTHER_STORIES})(?:$|[\s_-])", re.I)
_NOT_THE_STORY = re.compile(rf"(?:^|[\s_-])(?:{_OTHER_STORIES}|sidebar|footer|header|aside|nav\w*|menus?|list|cards?|tabs?|hid(?:e|den))(?:$|[\s_-])", re.I)
_OUTSIDE_TAGS = {"aside", "nav", "form", "footer", "header"}
# What opens another story between two boxes: its byline or its date
_STORY_START = f".//time | .//*[@itemprop='author' or re:test(concat(@class, ' ', @id), '{BYLINE_BOX_NAMES}|dateline', 'i')]"


def join_split_body(tree: HtmlElement) -> None:
    """Join, in place, each set of body chunks into its first chunk."""
    headlines = tree.xpath("//h1")
    for chunks in _chunk_sets(tree, headlines):
        _join(chunks)


def _chunk_sets(tree: HtmlElement, headlines: list[HtmlElement]) -> list[list[HtmlElement]]:
    own_words: dict[HtmlElement, int] = defaultdict(int)  # insertion order is document order
    for paragraph in tree.iter("p"):
        box = paragraph.getparent()
        if box is not None and box.tag in _BOXES and (box.get("class") or "").strip():
            own_words[box] += count_words(paragraph.text_content())
    by_class = defaultdict(list)
    for box in own_words:
        by_class[(box.tag, " ".join(box.get("class").split()))].append(box)
    # two boxes of a class that hold paragraphs make it a split body; its short boxes (a closing line) belong too
    return [chunks for chunks in by_class.values()
            if len(chunks) <= _MAX_CHUNKS and sum(own_words[box] >= _MIN_CHUNK_WORDS for box in chunks) > 1
            and _split_story(chunks, headlines)]


def _common_ancestor(chunks: list[HtmlElement]) -> HtmlElement:
    shared = set(chunks[0].iterancestors()).intersection(*(chunk.iterancestors() for chunk in chunks[1:]))
    return next(ancestor for ancestor in chunks[0].iterancestors() if ancestor in shared)


def _boxes_below(element: HtmlElement, top: HtmlElement) -> list[HtmlElement]:
    """`element` and its ancestors below `top`."""
    boxes = []
    while element is not top:
        boxes.append(element)
        element = element.getparent()
    return boxes


def _names(box: HtmlElement) -> str:
    return f"{box.get('class', '')} {box.get('id', '')}"


def _split_story(chunks: list[HtmlElement], headlines: list[HtmlElement]) -> bool:
    """Whether the chunks are one story's body split up (see the module docstring); the cheap tests first."""
    if any(chunk in set(other.iterancestors()) for chunk in chunks for other in chunks):
        return False  # nested boxes of one class are one box
    top = _common_ancestor(chunks)
    paths = [_boxes_below(chunk, top) for chunk in chunks]
    if len(paths[0]) > _MAX_DEPTH or any([(box.tag, box.get("class")) for box in path] != [(box.tag, box.get("class")) for box in paths[0]]
                                         for path in paths):
        return False
    if any(box.tag == "article" for path in paths for box in path[1:]) or any(_under_own_headline(path) for path in paths):
        return False  # each in its own <article> or under its own headline: stories one after the other
    if _OTHER_STORIES_BOX.search(_names(top)) or any(_NOT_THE_STORY.search(_names(box)) for path in paths for box in path):
        return False
    if sum(top in set(headline.iterancestors()) for headline in headlines) > 1:
        return False
    return _little_between(top, chunks)


def _under_own_headline(path: list[HtmlElement]) -> bool:
    """Whether a box around the chunk (path[0]) holds an <h1> or <h2> outside it: the chunk's own
    story's headline. Subheadings inside the chunk are the story's."""
    chunk = path[0]
    return any(chunk not in set(heading.iterancestors()) for box in path[1:] for heading in box.iter("h1", "h2"))


def _outside_the_story(element: HtmlElement) -> bool:
    """A box between the chunks that is another part of the page (a teaser, a sidebar): left where it is."""
    return not isinstance(element.tag, str) or element.tag in _OUTSIDE_TAGS or bool(_NOT_THE_STORY.search(_names(element)))


def _between(top: HtmlElement, chunks: list[HtmlElement]) -> Iterator[HtmlElement | str | None]:
    """In document order from the first chunk to the last: each element outside the chunks (the
    largest such, whole) that joins the story, each later chunk's children, None where a later
    chunk begins, and the text standing loose between them (a holder's text, an element's tail)."""
    later, holders = set(chunks[1:]), {ancestor for chunk in chunks for ancestor in chunk.iterancestors()}
    state = {"started": False, "done": False}

    def walk(node: HtmlElement) -> Iterator[HtmlElement | str | None]:
        if state["started"] and node is not top:
            yield node.text or ""
        for child in node:
            if child is chunks[0]:
                state["started"] = True
            elif child in later:
                yield None
                yield from child
                if child is chunks[-1]:
                    state["done"] = True
            elif child in holders:
                yield from walk(child)
            elif state["started"] and not _outside_the_story(child):
                yield child
            if state["done"]:
                return
            if state["started"]:
                yield child.tail or ""

    yield from walk(top)


def _little_between(top: HtmlElement, chunks: list[HtmlElement]) -> bool:
    """Whether only a subheading's words stand between each two chunks, in elements, and nothing
    opens another story there; read lazily, so that boxes far apart cost little."""
    later, words = set(chunks[1:]), 0
    for item in _between(top, chunks):
        if item is None:
            words = 0
        elif isinstance(item, str):
            if item.strip():
                return False  # loose text would have no place in the joined body
        elif item.getparent() not in later:
            if item.xpath(_STORY_START, namespaces=REGEX_NS):
                return False
            words += count_words(item.text_content())
            if words > _MAX_WORDS_BETWEEN:
                return False
    return True


def _join(chunks: list[HtmlElement]) -> None:
    first = chunks[0]
    for item in list(_between(_common_ancestor(chunks), chunks)):
        if item is not None and not isinstance(item, str):
            first.append(item)
    for chunk in chunks[1:]:
        if chunk.tail and chunk.tail.strip():
            chunk.tail = " " + chunk.tail  # drop_tree joins it to the text before: not glued to a word
        chunk.drop_tree()
