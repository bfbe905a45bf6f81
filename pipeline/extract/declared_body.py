"""The rest of a story the page prints only in part, from its JSON-LD `articleBody`.

Metered and lazy-loading templates print a teaser or the first screens and fetch the rest by
script, while their JSON-LD declares the whole story for search engines (Google's guidance
for paywalled content asks for exactly that). When the declared body holds what was
extracted and is much longer, the printed page was the shortened one:

- the declared text after the last extracted paragraph is appended, so the printed
  paragraphs keep their structure;
- when the extracted text's end cannot be found in it, the declared body replaces it.

The declared body is split into paragraphs at its line breaks, without the lines a CMS leaves
for its own markup ("+++dropcap"); many publishers declare it as one line, which then stays one
paragraph. A declared body with HTML markup is not used.
"""

from __future__ import annotations

import html
import re

from pipeline.extract.blocks import PARAGRAPH, Block

_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"<(?:p|br|div|a|span|strong|em)\b", re.I)
_LONGER = 1.5  # the declared body has at least this many times the extracted words
_HOLDS = 0.95  # share of the extracted word 4-grams the declared body must contain
_END_WORDS = 6  # words of the last extracted paragraph looked up in the declared body


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 0))}


def _is_text(line: str) -> bool:
    """Not a CMS's markup line ("+++dropcap", a lone "."): two words, or one word alone."""
    words = _WORD.findall(line)
    return len(words) >= 2 or (len(words) == 1 and words[0] == line)


def _paragraphs(text: str) -> list[Block]:
    return [Block(PARAGRAPH, " ".join(line.split())) for line in text.splitlines() if _is_text(line.strip())]


def _rest_after(declared: str, last_paragraph: str) -> str | None:
    """The declared text after the last extracted paragraph's closing words, None if not found."""
    words = _WORD.findall(last_paragraph)[-_END_WORDS:]
    if len(words) < _END_WORDS:
        return None
    ends = list(re.finditer(r"\W+".join(map(re.escape, words)) + r"[^\w\s]*", declared, re.I))  # with its closing punctuation
    return declared[ends[-1].end() :] if ends else None


def completed_body(blocks: list[Block], article: dict) -> list[Block] | None:
    """The story's blocks completed from the declared body, or None when that does not apply."""
    declared = article.get("articleBody")
    if not isinstance(declared, str) or not blocks or _MARKUP.search(declared):
        return None
    declared = html.unescape(declared)
    extracted = " ".join(block.text for block in blocks)
    if len(_WORD.findall(declared)) < _LONGER * len(_WORD.findall(extracted)):
        return None
    shingles = _shingles(extracted)
    if not shingles or len(shingles & _shingles(declared)) < _HOLDS * len(shingles):
        return None
    rest = _rest_after(declared, blocks[-1].text)
    return blocks + _paragraphs(rest) if rest is not None else _paragraphs(declared)
