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

from pipeline.extract.blocks import Block

# A double-quoted JS/JSON string literal long enough to hold a story. An escape outside such a
# literal (a \" in a single-quoted JS string) is consumed by the first branch, so it starts no
# literal; the possessive quantifier never backtracks. Scanning stays linear in the script's size.
_LONG_STRING = re.compile(r'\\.|"((?:[^"\\\n]|\\.){500,}+)"')
# Paragraph markup, raw or \u003c-escaped inside the literal.
_PARAGRAPHS = re.compile(r"(?:<|\\u003c)(?:p|br)\b", re.I)
_MIN_PARAGRAPH_TAGS = 3
# JSON-LD declares, it does not render: its articleBody is declared_body.py's business.
_RENDERING_SCRIPTS = '//script[not(@src)][not(@type="application/ld+json")]/text()'


def _decoded(literal: str) -> str | None:
    try:
        return json.loads(f'"{literal}"')
    except ValueError:  # a JS escape JSON does not know (\x3c, \'): not a payload we can read
        return None


def script_story_html(tree: HtmlElement) -> str | None:
    """The longest HTML string with paragraphs in the page's inline scripts, if any (compared
    decoded: \u003c escapes make a literal six times as long per tag)."""
    best = ""
    for script in tree.xpath(_RENDERING_SCRIPTS):
        for match in _LONG_STRING.finditer(script):
            literal = match.group(1)
            if literal is None or len(_PARAGRAPHS.findall(literal)) < _MIN_PARAGRAPH_TAGS:
                continue
            if (decoded := _decoded(literal)) and "<" in decoded and len(decoded) > len(best):
                best = decoded
    return best or None


def script_body(tree: HtmlElement, extract_blocks: Callable[[str], list[Block]]) -> list[Block]:
    """The story's blocks read from script data, empty when no script holds one.
    `extract_blocks` turns an HTML document into body blocks (trafilatura's reading, as for
    the page itself); whether they make a story is the page type's judgement, as for any page."""
    story = script_story_html(tree)
    return extract_blocks(f"<html><body><article>{story}</article></body></html>") if story else []
