"""A story the page ships only as data for its scripts.

Single-page-app templates (Next.js, React Query, Nuxt) may render the story in the browser
from an HTML string embedded in a script (`"contentHtml":"<p>…"`), leaving the served page
without it: trafilatura then finds no body and the page would give no record. When a page
that declares itself an article (JSON-LD or og:type) yields no story text, the longest
string literal in its inline scripts that holds paragraph markup is read as the story.

No library reads these payloads: their shapes are per framework and per site, while "a long
JSON string holding paragraphs" is what they have in common.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from lxml.html import HtmlElement

from pipeline.extract.blocks import Block, count_words

# A double-quoted JS/JSON string literal long enough to hold a story.
_LONG_STRING = re.compile(r'"((?:[^"\\\n]|\\.){500,})"')
# Paragraph markup, raw or \u003c-escaped inside the literal.
_PARAGRAPHS = re.compile(r"(?:<|\\u003c)(?:p|br)\b", re.I)
_MIN_PARAGRAPH_TAGS = 3


def _decoded(literal: str) -> str | None:
    try:
        return json.loads(f'"{literal}"')
    except ValueError:  # a JS escape JSON does not know (\x3c, \'): not a payload we can read
        return None


def script_story_html(tree: HtmlElement) -> str | None:
    """The longest HTML string with paragraphs in the page's inline scripts, if any."""
    best = None
    for script in tree.xpath("//script[not(@src)]/text()"):
        for match in _LONG_STRING.finditer(script):
            literal = match.group(1)
            if len(_PARAGRAPHS.findall(literal)) < _MIN_PARAGRAPH_TAGS or (best and len(literal) <= len(best)):
                continue
            if (decoded := _decoded(literal)) and "<" in decoded:
                best = decoded
    return best


def script_body(tree: HtmlElement, extract_blocks: Callable[[str], list[Block]], min_words: int) -> list[Block] | None:
    """The story's blocks read from script data, or None when no script holds a story of
    `min_words` words. `extract_blocks` turns an HTML document into body blocks (trafilatura's
    reading, as for the page itself)."""
    story = script_story_html(tree)
    if story is None:
        return None
    blocks = extract_blocks(f"<html><body><article>{story}</article></body></html>")
    return blocks if sum(count_words(block.text) for block in blocks) >= min_words else None
