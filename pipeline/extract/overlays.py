"""Consent walls and other dialogs laid over the story: removed before extraction.

European sites print a cookie-consent dialog ("We and our 842 partners store and access
information on your device…") in the served HTML, often before the story's <article>;
trafilatura then reads its paragraphs as the story's opening. Such a dialog says what it is in
its markup (role="dialog", aria-modal, a consent or cookie class); one that holds the headline
is the page itself, not an overlay, and stays.
"""

from __future__ import annotations

from lxml.html import HtmlElement

# A dialog sits near the top of <body>, where scripts and templates put overlays: looking only
# four levels down keeps this pass at a tenth of what searching every element costs, on every
# page. contains() rather than a regular expression, for the same reason ("ookie", "onsent":
# Cookie and cookie, Consent and consent).
_OVERLAY = (
    "[@role='dialog' or @role='alertdialog' or @aria-modal='true' or contains(concat(@class, ' ', @id), 'ookie')"
    " or contains(concat(@class, ' ', @id), 'onsent') or contains(concat(@class, ' ', @id), 'gdpr')]"
)
_OVERLAYS = " | ".join("/html/body" + "/*" * depth + _OVERLAY for depth in range(1, 5))


def drop_overlays(tree: HtmlElement, headline: HtmlElement | None) -> None:
    """Remove, in place, the dialogs and consent boxes that do not hold the headline."""
    story = {headline, *headline.iterancestors()} if headline is not None else set()
    for overlay in tree.xpath(_OVERLAYS):
        if overlay in story or overlay.getparent() is None or any(ancestor in story for ancestor in overlay.iterancestors("article")):
            continue  # the page itself, or a box inside the story's article (a quote about consent)
        if overlay.tail and not overlay.tail[:1].isspace():
            overlay.tail = " " + overlay.tail  # drop_tree joins the tail to the text before: keep the words apart
        overlay.drop_tree()
