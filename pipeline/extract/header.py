"""The story's header lines that trafilatura keeps as the first paragraphs: the headline again
(with a kicker above it), the byline and the dateline ("Von Martina Roesler", "March 9, 2026",
"Updated 6 March 2026 · Published 5 March"), also under a standfirst; and the signature Korean sites print as the
story's last paragraph ("김민준 기자 minjun@example.kr").

They are metadata, read into their own columns; in the text they would open every story of a
site with the same kind of line and count as words of the story. Only the first few blocks and
the last are looked at, and only short ones: the same words elsewhere in the story are the story's.
"""

from __future__ import annotations

from pipeline.extract.blocks import HEADING, Block, normalised_text
from pipeline.extract.bylines import SIGNATURE, byline_from_text
from pipeline.extract.dates import MAX_STANDFIRST_WORDS, is_dateline

_HEADER_BLOCKS = 3
_MAX_HEADER_WORDS = 20
_MAX_KICKER_WORDS = 5


def _is_title(block: Block, title: str | None) -> bool:
    text = normalised_text(block.text)
    return bool(title) and (text == normalised_text(title) or block.kind == HEADING and normalised_text(title) in text)


def _is_header_line(block: Block, title: str | None, people: list[str], site_names: list[str]) -> bool:
    if _is_title(block, title):
        return True
    if len(block.text.split()) > _MAX_HEADER_WORDS:
        return False
    return bool(people) and byline_from_text(block.text, site_names).people == people or is_dateline(block.text)


def drop_header_lines(blocks: list[Block], title: str | None, people: list[str], site_names: list[str]) -> list[Block]:
    """The blocks without the leading headline, byline and dateline lines; a kicker printed
    above the headline ("Politics", "Obituaries") goes with the headline."""
    for index, block in enumerate(blocks[:_HEADER_BLOCKS]):
        if _is_title(block, title) and all(len(before.text.split()) <= _MAX_KICKER_WORDS for before in blocks[:index]):
            blocks = blocks[index + 1 :]
            break
    blocks = blocks[_header_lines_at(blocks, 0, title, people, site_names) :]
    # a standfirst may come first: the byline and dateline under it go, the standfirst stays
    if blocks and len(blocks[0].text.split()) <= MAX_STANDFIRST_WORDS and (end := _header_lines_at(blocks, 1, title, people, site_names)) > 1:
        blocks = [blocks[0], *blocks[end:]]
    return blocks


def _header_lines_at(blocks: list[Block], start: int, title: str | None, people: list[str], site_names: list[str]) -> int:
    """Where the run of header lines from `start` on ends (`start` when there is none)."""
    end = start
    while end < min(len(blocks), start + _HEADER_BLOCKS) and _is_header_line(blocks[end], title, people, site_names):
        end += 1
    return end


def drop_closing_signature(blocks: list[Block]) -> list[Block]:
    """The blocks without a last paragraph that signs the story (a story is never left empty).
    Other closing credits ("Von Ana Ferreira") stay: in Western templates they are rare and
    cannot be told from the story's last line as safely."""
    return blocks[:-1] if len(blocks) > 1 and SIGNATURE.match(" ".join(blocks[-1].text.split())) else blocks
