"""The story's header lines that trafilatura keeps as the first paragraphs: the headline again,
the byline and the dateline ("Von Martina Roesler", "Updated 6 March 2026 · Published 5 March").

They are metadata, read into their own columns; in the text they would open every story of a
site with the same kind of line and count as words of the story. Only the first few blocks are
looked at, and only short ones: the same words later in the story are the story's.
"""

from __future__ import annotations

from pipeline.extract.blocks import HEADING, Block, normalised_text
from pipeline.extract.bylines import byline_from_text
from pipeline.extract.dates import is_dateline

_HEADER_BLOCKS = 3
_MAX_HEADER_WORDS = 20


def _is_header_line(block: Block, title: str | None, people: list[str], site_names: list[str]) -> bool:
    text = normalised_text(block.text)
    if title and (text == normalised_text(title) or block.kind == HEADING and normalised_text(title) in text):
        return True
    if len(block.text.split()) > _MAX_HEADER_WORDS:
        return False
    return bool(people) and byline_from_text(block.text, site_names).people == people or is_dateline(block.text)


def drop_header_lines(blocks: list[Block], title: str | None, people: list[str], site_names: list[str]) -> list[Block]:
    """The blocks without the leading headline, byline and dateline lines."""
    start = 0
    while start < min(len(blocks), _HEADER_BLOCKS) and _is_header_line(blocks[start], title, people, site_names):
        start += 1
    return blocks[start:]
