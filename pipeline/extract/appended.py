"""Other stories printed in full below the story: the next article of an "infinite scroll".

Some sites append the next story to the page (a second `<article>` with its own `<h1>`,
byline and body) so readers keep scrolling. trafilatura reads it as more of the same story,
and a date, byline or credit line in it could pass for this story's. When the page's
headline stands inside an `<article>`, every other `<article>` holding an `<h1>` of its own
is another story and is removed before anything reads the body. Teasers without an `<h1>`
stay: they are the listing checks' business (pagetype.py).
"""

from __future__ import annotations

from lxml.html import HtmlElement

_OWN_HEADLINE = "descendant::h1[not(ancestor::nav) and not(ancestor::footer)]"


def drop_appended_stories(tree: HtmlElement, headline: HtmlElement | None) -> None:
    """Remove, in place, the `<article>` elements that print another story than `headline`'s.

    The story is the headline's nearest `<article>`: a feed wrapping every story in an outer
    `<article>` still has its other stories removed. What the story holds stays."""
    story = next(headline.iterancestors("article"), None) if headline is not None else None
    if story is None:
        return  # the page does not mark its story as an <article>: nothing to tell other stories by
    around = {story, *story.iterancestors("article")}
    for article in list(tree.iter("article")):
        if article in around or story in article.iterancestors("article"):
            continue  # the story, its wrappers or what it holds
        if article.xpath(_OWN_HEADLINE):
            if article.tail and not article.tail[:1].isspace():
                article.tail = " " + article.tail  # drop_tree joins the tail to the text before: keep the words apart
            article.drop_tree()
