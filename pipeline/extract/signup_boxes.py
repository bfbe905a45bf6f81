"""Newsletter sign-up boxes set between a story's paragraphs: removed before extraction.

A box that asks for an e-mail address (`<input type="email">`, or a field named for one) is
the site's, whatever its class says ("c-signup", "nl-box", "inline-promo"): its pitch ("Get
the day's top news in your inbox") and its small print ("By signing up you agree…") would
otherwise read as story paragraphs. The box is the largest element around the form that is
still short; the story around it, or a page that is one big form (ASP.NET wraps whole pages in
a <form>), is far longer and stays.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from pipeline.extract.blocks import count_words

_EMAIL_FIELDS = "//form[.//input[@type='email' or contains(translate(@name, 'EMAIL', 'email'), 'mail')]]"
_MAX_BOX_WORDS = 60  # a pitch, a field, a button and the small print


def drop_signup_boxes(tree: HtmlElement, headline: HtmlElement | None) -> None:
    """Remove, in place, each short box around a form asking for an e-mail address."""
    story = {headline, *headline.iterancestors()} if headline is not None else set()
    for form in tree.xpath(_EMAIL_FIELDS):
        if form in story or count_words(form.text_content()) > _MAX_BOX_WORDS:
            continue
        box = form
        while (parent := box.getparent()) is not None and parent not in story and parent.tag != "body" and count_words(parent.text_content()) <= _MAX_BOX_WORDS:
            box = parent
        if box.getparent() is not None:
            box.drop_tree()
