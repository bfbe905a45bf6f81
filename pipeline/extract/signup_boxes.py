"""Newsletter sign-up boxes set between a story's paragraphs: removed before extraction.

A box that asks for an e-mail address (`<input type="email">`, or a field named for one) is
the site's, whatever its class says ("c-signup", "nl-box", "inline-promo"): its pitch ("Get
the day's top news in your inbox") and its small print ("By signing up you agree…") would
otherwise read as story paragraphs. The box is the largest element around the form that is
still short, holds no paragraph longer than a pitch but the box's own invitation and small
print, and is not the story's container (its <article>, or a <div> named as its body,
"article-body", "entry-content"): a brief beside an alert form stays, and so does a page left
without a story's worth of paragraphs. A page that is one big form (ASP.NET wraps whole pages
in a <form>) is far longer and stays whole too."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from pipeline.extract.blocks import count_words
from pipeline.extract.furniture import is_signup_promo
from pipeline.extract.overlays import leaves_a_story

_EMAIL_FIELDS = "//form[.//input[@type='email' or contains(translate(@name, 'EMAIL', 'email'), 'mail')]]"
_MAX_BOX_WORDS = 90  # a pitch, a field, a button, the small print and the form's messages ("Thanks for signing up!")
_MAX_PITCH_WORDS = 15  # a paragraph as long is a story's (a brief's), not the box's pitch
_SMALL_PRINT = re.compile(r"\b(?:privacy\s+(?:policy|notice|statement)|terms\s+of\s+(?:use|service)|recaptcha|unsubscribe|never\s+share)\b", re.I)
_STORY_TAGS = {"article", "main", "body"}
# the story's body by its usual names ("article-body", "entry-content", "story__text"); a sign-up box's
# own parts are named alike ("c-inlineSignup__content"), so only whole names of these shapes count
_STORY_CLASS = re.compile(r"(?:^|\s)(?:article|story|entry|post)[-_]{1,2}(?:body|content|text)(?:$|\s)|(?:^|\s)article-?body(?:$|\s)", re.I)


def _holds_story(element: HtmlElement) -> bool:
    return element.tag in _STORY_TAGS or bool(_STORY_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"))


def _short_box(element: HtmlElement) -> bool:
    """Short enough for a sign-up box, and without a story's paragraph: a pitch is a line, and a
    longer paragraph outside the form only the box's invitation or small print ("By signing up you
    agree…", "This site is protected by reCAPTCHA…", "We will never share your email")."""
    return count_words(element.text_content()) <= _MAX_BOX_WORDS and all(
        count_words(text := paragraph.text_content()) < _MAX_PITCH_WORDS or is_signup_promo(text) or _SMALL_PRINT.search(text)
        for paragraph in element.xpath(".//p[not(ancestor::form)]"))


def drop_signup_boxes(tree: HtmlElement, headline: HtmlElement | None) -> None:
    """Remove, in place, each short box around a form asking for an e-mail address."""
    story = {headline, *headline.iterancestors()} if headline is not None else set()
    for form in tree.xpath(_EMAIL_FIELDS):
        if form in story or count_words(form.text_content()) > _MAX_BOX_WORDS:
            continue
        box = form
        while (parent := box.getparent()) is not None and parent not in story and not _holds_story(parent) and _short_box(parent):
            box = parent
        if box.getparent() is not None and leaves_a_story(tree, box):
            box.drop_tree()
