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
the page (a teaser, a sidebar) stays out. Boxes named for comments, related stories or teasers are
not the story's, boxes each in its own <article> and a common ancestor with several <h1> are
stories one after the other: none is joined. Nor are chunks with more than a subheading's words
between them, which is a different part of the page.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml.html import HtmlElement

from pipeline.extract.blocks import count_words

_BOXES = {"div", "section", "article"}
_MIN_CHUNK_WORDS = 30  # in the box's own paragraphs
_MAX_CHUNKS = 8  # a story split by its ads; dozens of boxes of one class are a list's items or a live blog's posts
_MAX_WORDS_BETWEEN = 20  # per gap: a subheading, an ad's label, a video's caption
_MAX_DEPTH = 3  # levels from the chunks up to their common ancestor
# Words in a class or id that name other parts of the page, whole words of it ("has-sidebar" names
# a layout, "article-body--listicle" no list): other stories and comments wherever they stand; page
# chrome and boxes shown one at a time (tabs, hidden panels) when they are the chunks' own boxes.
_OTHER_STORIES = r"comments?|related|teasers?|recirc\w*|promos?|more"
_OTHER_STORIES_BOX = re.compile(rf"(?:^|[\s_-])(?:{_OTHER_STORIES})(?:$|[\s_-])", re.I)
_NOT_THE_STORY = re.compile(rf"(?:^|[\s_-])(?:{_OTHER_STORIES}|sidebar|footer|header|aside|nav\w*|menus?|list|cards?|tabs?|hid(?:e|den))(?:$|[\s_-])", re.I)
_OUTSIDE_TAGS = {"aside", "nav", "form", "footer", "header"}


def join_split_body(tree: HtmlElement) -> None:
    """Join, in place, each set of body chunks into its first chunk."""
    for chunks in _chunk_sets(tree):
        _join(chunks)


def _chunk_sets(tree: HtmlElement) -> list[list[HtmlElement]]:
    own_words: dict[HtmlElement, int] = defaultdict(int)  # insertion order is document order
    for paragraph in tree.iter("p"):
        box = paragraph.getparent()
        if box is not None and box.tag in _BOXES and (box.get("class") or "").strip():
            own_words[box] += count_words(paragraph.text_content())
    by_class = defaultdict(list)
    for box in own_words:
        by_class[(box.tag, box.get("class"))].append(box)
    # two boxes of a class that hold paragraphs make it a split body; its short boxes (a closing line) belong too
    return [chunks for chunks in by_class.values()
            if len(chunks) <= _MAX_CHUNKS and sum(own_words[box] >= _MIN_CHUNK_WORDS for box in chunks) > 1 and _split_story(chunks)]


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


def _split_story(chunks: list[HtmlElement]) -> bool:
    """Whether the chunks are one story's body split up (see the module docstring)."""
    if any(chunk in set(other.iterancestors()) for chunk in chunks for other in chunks):
        return False  # nested boxes of one class are one box
    if any((chunk.text or "").strip() for chunk in chunks[1:]):
        return False  # text outside the paragraphs would have no place in the first chunk
    top = _common_ancestor(chunks)
    paths = [[(box.tag, box.get("class")) for box in _boxes_below(chunk, top)] for chunk in chunks]
    if any(path != paths[0] for path in paths) or len(paths[0]) > _MAX_DEPTH:
        return False
    boxes = [box for chunk in chunks for box in _boxes_below(chunk, top)]
    if any(box.tag == "article" for box in boxes):
        return False  # each in its own <article>: stories one after the other (an infinite scroll)
    if _OTHER_STORIES_BOX.search(_names(top)) or any(_NOT_THE_STORY.search(_names(box)) for box in boxes):
        return False
    return len(top.xpath(".//h1")) <= 1 and all(count_words(" ".join(gap)) <= _MAX_WORDS_BETWEEN for gap in _gaps(top, chunks))


def _names(box: HtmlElement) -> str:
    return f"{box.get('class', '')} {box.get('id', '')}"


def _outside_the_story(element: HtmlElement) -> bool:
    """A box between the chunks that is another part of the page (a teaser, a sidebar): left where it is."""
    return not isinstance(element.tag, str) or element.tag in _OUTSIDE_TAGS or bool(_NOT_THE_STORY.search(_names(element)))


def _between(top: HtmlElement, chunks: list[HtmlElement]) -> list[HtmlElement | None]:
    """In document order from the first chunk to the last: each element outside the chunks (the
    largest such, whole), each later chunk's children, and None where a later chunk begins."""
    later, holders = set(chunks[1:]), {ancestor for chunk in chunks for ancestor in chunk.iterancestors()}
    items: list[HtmlElement | None] = []
    started = False

    def walk(node: HtmlElement) -> bool:
        nonlocal started
        for child in node:
            if child is chunks[0]:
                started = True
            elif child in later:
                items.append(None)
                items.extend(child)
                if child is chunks[-1]:
                    return True
            elif child in holders:
                if walk(child):
                    return True
            elif started and not _outside_the_story(child):
                items.append(child)
        return False

    walk(top)
    return items


def _gaps(top: HtmlElement, chunks: list[HtmlElement]) -> list[list[str]]:
    """The text between each two chunks."""
    gaps: list[list[str]] = [[]]
    for item in _between(top, chunks):
        if item is None:
            gaps.append([])
        elif item.getparent() not in chunks:
            gaps[-1].append(item.text_content())
    return gaps[:-1]


def _join(chunks: list[HtmlElement]) -> None:
    first = chunks[0]
    for item in _between(_common_ancestor(chunks), chunks):
        if item is not None:
            first.append(item)
    for chunk in chunks[1:]:
        chunk.drop_tree()  # its tail stays where it was
