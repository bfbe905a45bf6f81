"""Consent walls and other dialogs laid over the story: removed before extraction.

European sites print a cookie-consent dialog ("We and our 842 partners store and access
information on your device…") in the served HTML, often before the story's <article>;
trafilatura then reads its paragraphs as the story's opening. Such a dialog says what it is in
its markup (role="dialog", aria-modal, a consent or cookie class); one that holds the headline
is the page itself, not an overlay, and stays.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from pipeline.extract.blocks import count_words
from pipeline.extract.pagetype import MIN_ARTICLE_WORDS

# A dialog sits near the top of <body>, where scripts and templates put overlays: looking only
# four levels down keeps this pass at a tenth of what searching every element costs, on every
# page. contains() rather than a regular expression, for the same reason ("ookie", "onsent":
# Cookie and cookie, Consent and consent).
_OVERLAY = (
    "[@role='dialog' or @role='alertdialog' or @aria-modal='true' or contains(concat(@class, ' ', @id), 'ookie')"
    " or contains(concat(@class, ' ', @id), 'onsent') or contains(concat(@class, ' ', @id), 'gdpr')]"
)
_OVERLAYS = " | ".join("/html/body" + "/*" * depth + _OVERLAY for depth in range(1, 5))
_MARKED = re.compile(r"(?:^|[\s_-])(?:cookie|consent|gdpr)", re.I)


def _is_overlay(element: HtmlElement) -> bool:
    if element.get("role") in ("dialog", "alertdialog") or element.get("aria-modal") == "true":
        return True
    return bool(_MARKED.search(f"{element.get('class', '')} {element.get('id', '')}"))


def leaves_a_story(tree: HtmlElement, box: HtmlElement) -> bool:
    """Whether the page keeps a story's worth of paragraphs without `box`: if not, the box is the page.
    Counting stops at a story's worth: a page of thousands of boxes (forms, dialogs) would
    otherwise count all its paragraphs' words again for each, for minutes."""
    inside, words = set(box.iter("p")), 0
    for paragraph in tree.iter("p"):
        if paragraph not in inside:
            words += count_words(paragraph.text_content())
            if words >= MIN_ARTICLE_WORDS:
                return True
    return False


def drop_overlays(tree: HtmlElement, headline: HtmlElement | None) -> None:
    """Remove, in place, the dialogs and consent boxes that do not hold the headline.

    The class test is a prefix of a class name ("consent-wall", "fc-consent-root", not
    "rookie-report"), and a box is kept when removing it would leave no story's worth of
    paragraphs: then it is the page, whatever its name says ("cookie-recipe-body", a theme's
    "cookie-banner-visible" wrapper, a story shown in a dialog)."""
    story = {headline, *headline.iterancestors()} if headline is not None else set()
    for overlay in [element for element in tree.xpath(_OVERLAYS) if _is_overlay(element)]:
        if overlay in story or overlay.getparent() is None or any(ancestor in story for ancestor in overlay.iterancestors("article")):
            continue  # the page itself, or a box inside the story's article (a quote about consent)
        if not leaves_a_story(tree, overlay):
            continue
        if overlay.tail and not overlay.tail[:1].isspace():
            overlay.tail = " " + overlay.tail  # drop_tree joins the tail to the text before: keep the words apart
        overlay.drop_tree()
