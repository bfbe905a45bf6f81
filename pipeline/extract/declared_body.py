"""The rest of a story the page prints only in part, from its JSON-LD `articleBody`.

Metered and lazy-loading templates print a teaser or the first screens and fetch the rest by
script, while their JSON-LD declares the whole story for search engines (Google's guidance
for paywalled content asks for exactly that). When the declared body holds what was
extracted and is much longer (twice the words, a hundred words more: a complete short story
whose declaration adds a "Read more" tail is left alone), the printed page was the shortened one:

- the declared text after the point where the extracted text ends is appended, so the
  printed paragraphs keep their structure, unless that text repeats what was printed (a
  live blog printing its newest entries first);
- when that point cannot be found, a declared body written in paragraphs replaces the
  printed part; one written as a single line is not used, as it would lose the paragraphs.

A page that prints no story at all (rendered by script) gets the declared body from
trafilatura's own fallback, flattened to one line: its paragraphs are restored from it.

Not used at all: live blogs (their declared body strings the entries together) and declared
bodies holding HTML markup, escaped or not.
"""

from __future__ import annotations

import html
import re

from pipeline.extract.blocks import PARAGRAPH, Block

_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"</?[a-z][a-z0-9]*[\s/>]", re.I)
_LONGER = 2  # the declared body has at least this many times the extracted words
_MORE_WORDS = 100  # and at least this many words more
_HOLDS = 0.95  # share of the extracted word 4-grams the declared body must contain
_REPEATS = 0.2  # share of the appended text's 4-grams that may repeat the printed text
_END_WORDS = 8  # closing words of the extracted text looked up in the declared body
_LIVE_BLOG = "LiveBlogPosting"


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 0))}


def _is_text(line: str) -> bool:
    """Not a CMS's markup line ("+++dropcap", a lone "."): two words, or one word alone."""
    words = _WORD.findall(line)
    return len(words) >= 2 or (len(words) == 1 and words[0] == line)


def _paragraphs(text: str) -> list[Block]:
    return [Block(PARAGRAPH, " ".join(line.split())) for line in text.splitlines() if _is_text(line.strip())]


def _rest_after(declared: str, extracted: str) -> str | None:
    """The declared text after the first place the extracted text's closing words stand (with
    their closing punctuation), None if they stand nowhere."""
    words = _WORD.findall(extracted)[-_END_WORDS:]
    end = re.search(r"\W+".join(map(re.escape, words)) + r"[^\w\s]*", declared, re.I)
    return declared[end.end() :] if end else None


def completed_body(blocks: list[Block], article: dict) -> list[Block] | None:
    """The story's blocks completed from the declared body, or None when that does not apply."""
    declared = article.get("articleBody")
    if not isinstance(declared, str) or not blocks or _LIVE_BLOG in str(article.get("@type")):
        return None
    declared = html.unescape(declared)
    extracted = " ".join(block.text for block in blocks)
    if len(blocks) == 1 and " ".join(extracted.split()) == " ".join(declared.split()) and len(paragraphs := _paragraphs(declared)) > 1:
        return paragraphs  # trafilatura's own fallback read the declared body, on one line
    extracted_words, declared_words = len(_WORD.findall(extracted)), len(_WORD.findall(declared))
    if declared_words < max(_LONGER * extracted_words, extracted_words + _MORE_WORDS) or _MARKUP.search(declared):
        return None
    shingles = _shingles(extracted)
    if not shingles or len(shingles & _shingles(declared)) < _HOLDS * len(shingles):
        return None
    rest = _rest_after(declared, extracted)
    if rest is not None:
        appended = _shingles(rest)
        return blocks + _paragraphs(rest) if len(appended & shingles) <= _REPEATS * len(appended) else None
    replacement = _paragraphs(declared)
    return replacement if len(replacement) > 1 else None
