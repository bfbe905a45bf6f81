"""trafilatura's output tree as a flat list of blocks (paragraph, heading, list item, quote, table row).

Blocks are the unit every later step works on: attribution lines, repeated captions
and learned boilerplate are removed as whole blocks, and both `text` and `markdown`
are rendered from what is left, so the two never disagree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml import etree
from trafilatura.settings import INLINE_FORMATTABLE

# Chinese and Japanese are written without spaces: each Han or kana character counts as a
# word, so that length thresholds mean the same in every language.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Thai, Lao, Myanmar and Khmer leave no space between words either, and their words are
# several letters long: a run of their letters counts a word per four.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")
_LETTERS_PER_WORD = 4
_HAS_WORD = re.compile(r"\w")
_WORD = re.compile(r"\w+")

PARAGRAPH, HEADING, ITEM, QUOTE, ROW = "paragraph", "heading", "item", "quote", "row"


@dataclass(frozen=True)
class Block:
    kind: str
    text: str
    level: int = 0  # heading level (1-6); 1 for an ordered list item; 1 for a table's first row
    cells: tuple[str, ...] = ()  # a table row's cells; `text` joins them with " | "


def count_words(text: str) -> int:
    """Whitespace-separated words, plus one per Han or kana character and one per four Thai,
    Lao, Myanmar or Khmer letters."""
    cjk = len(_CJK.findall(text))
    rest = _CJK.sub(" ", text) if cjk else text
    unspaced = _UNSPACED.findall(rest)
    if unspaced:
        rest = _UNSPACED.sub(" ", rest)
    return cjk + sum(-(-len(run) // _LETTERS_PER_WORD) for run in unspaced) + sum(1 for token in rest.split() if _HAS_WORD.search(token))


_LINE_BREAK = "\0"  # stands for trafilatura's <lb/> (a <br>); no text node can hold NUL


def normalised_text(text: str) -> str:
    """Text compared up to case, Unicode form and spacing: equal for copies of one paragraph."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def words_key(text: str) -> str:
    """Only the words, lower-cased, between single spaces: equal for two wordings that differ
    in punctuation alone."""
    return " ".join(_WORD.findall(text.casefold()))


def _pieces(element: etree._Element):
    """The element's text in order, _LINE_BREAK for each <lb/>: itertext glues the lines
    around a <br> into one word ("…, FL" + "June 10 …" -> "FLJune")."""
    if element.text:
        yield element.text
    for child in element:
        if child.tag == "lb":
            yield _LINE_BREAK
        elif child.tag in INLINE_FORMATTABLE:  # trafilatura's elements inside a line of text (hi, ref, del, code)
            yield from _pieces(child)
        else:  # a block inside a block (a list item's link and summary paragraph): apart, not glued
            yield " "
            yield from _pieces(child)
            yield " "
        if child.tail:
            yield child.tail


def _flat_text(element: etree._Element, line_break: str = " ") -> str:
    """The element's text, whitespace collapsed; the lines a <br> separates joined by `line_break`:
    a newline in paragraphs and quotes (an address's, a poem's or a tour list's lines), a space in
    headings, list items and table cells, which are one line each."""
    return _joined_lines("".join(_pieces(element)), line_break)


# Characters that print nothing and split a word for search and dedup: soft hyphens ("Vladi\xadmir"),
# zero-width spaces, direction marks, word joiners and byte-order marks (a paragraph of a lone BOM).
# Not the zero-width (non-)joiners, which spell Persian, Indic scripts and emoji.
INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u2060\ufeff]")


def _collapsed(text: str) -> str:
    return " ".join(INVISIBLE.sub("", text).split())


def _joined_lines(text: str, line_break: str) -> str:
    lines = (_collapsed(line) for line in text.split(_LINE_BREAK))
    return line_break.join(line for line in lines if line)


# An empty line (<br><br>): how pages without <p> tags separate their paragraphs.
_EMPTY_LINE = re.compile(f"{_LINE_BREAK}\\s*{_LINE_BREAK}")


def _paragraphs(element: etree._Element) -> list[str]:
    """An element's text, split where an empty line separates paragraphs: a <div> body whose
    paragraphs are text between <br><br> (inside a <p>, trafilatura keeps one line break of two)."""
    parts = (_joined_lines(part, "\n") for part in _EMPTY_LINE.split("".join(_pieces(element))))
    return [part for part in parts if part]


def _heading_level(element: etree._Element) -> int:
    rend = element.get("rend", "")
    return int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2


def _blocks_of(element: etree._Element, kind: str | None = None):
    tag = element.tag
    if tag == "list":
        ordered = int(element.get("rend") == "ol")
        for item in element.iterchildren("item"):
            if text := _flat_text(item):
                yield Block(ITEM, text, ordered)
    elif tag == "quote" and len(element) and all(child.tag in ("p", "list", "quote") for child in element):
        yield from _quote_text(element.text)
        for child in element:
            yield from _blocks_of(child, QUOTE)
            yield from _quote_text(child.tail)
    elif tag == "table":
        first = 1
        for row in element.iter("row"):
            cells = tuple(_flat_text(cell) for cell in row.iterchildren("cell"))
            if any(cells):
                yield Block(ROW, " | ".join(cells), first, cells)
                first = 0
    elif tag == "head":
        if text := _flat_text(element):
            yield Block(HEADING, text, _heading_level(element))
    else:
        kind = kind or (QUOTE if tag == "quote" else PARAGRAPH)
        for text in _paragraphs(element):
            yield Block(kind, text)


def _loose_text(text: str | None):
    """trafilatura leaves text between elements as the body's text or a child's tail."""
    if text and (flat := _collapsed(text)):
        yield Block(PARAGRAPH, flat)


_MIN_QUOTE_SENTENCE_WORDS = 6
_CREDIT_DASH = re.compile(r"^[—–―-]")


def _quote_text(text: str | None):
    """A quote's own text beside its paragraphs: a sentence of the quote, not the credit under a
    pull quote or an embedded post ("— Uwe Schubert, coach", "— Harbour Office (@harbour) May 3")."""
    if text and count_words(flat := _collapsed(text)) >= _MIN_QUOTE_SENTENCE_WORDS and not _CREDIT_DASH.match(flat):
        yield Block(QUOTE, flat)


def body_blocks(body: etree._Element | None) -> list[Block]:
    if body is None:
        return []
    blocks = list(_loose_text(body.text))
    for child in body:
        blocks += _blocks_of(child)
        blocks += _loose_text(child.tail)
    return blocks


def render_text(blocks: list[Block]) -> str:
    """Plain text: one block per paragraph, a blank line between paragraphs."""
    return "\n\n".join(block.text for block in blocks)


# Markdown's inline syntax (emphasis, code, links, HTML, entities, GFM tables and strikethrough),
# and what makes a line start a heading, list, rule or setext underline, or an ordered list.
_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]<>&|~])")
_LEADING_MARKER = re.compile(r"^[#+=-]")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])")
_CLOSING_HASHES = re.compile(r"(?<=\s)(#+)$")  # "## Vote for #": a heading's optional closing sequence


def _escaped(line: str) -> str:
    """The line as Markdown that renders as the line itself: "*sic*" is no emphasis, "<b>" no
    tag, "- June 10" no list item, "---" no rule."""
    line = _INLINE_SYNTAX.sub(r"\\\1", line)
    return _ORDERED_MARKER.sub(r"\1\\\2", _LEADING_MARKER.sub(r"\\\g<0>", line))


def _literal_lines(text: str) -> list[str]:
    """The text's lines, escaped, each but the last ending in a hard break: rendered, every line
    stays a line of text (a soft break would join them)."""
    lines = [_escaped(line) for line in text.split("\n")]
    return [line + "\\" for line in lines[:-1]] + lines[-1:]


def _markdown_line(block: Block) -> str:
    if block.kind == HEADING:
        text = _CLOSING_HASHES.sub(r"\\\1", _escaped(block.text))
        return f"{'#' * block.level} {text}"
    if block.kind == ITEM:
        return f"{'1.' if block.level else '-'} {_escaped(block.text)}"
    if block.kind == QUOTE:
        return "\n".join(f"> {line}" for line in _literal_lines(block.text))
    return "\n".join(_literal_lines(block.text))


def _markdown_row(cells: tuple[str, ...], width: int) -> str:
    padded = [_escaped(cell) for cell in cells] + [""] * (width - len(cells))
    return f"| {' | '.join(padded)} |"


def _markdown_table(rows: list[Block]) -> str:
    """A GFM table: the first row is the header, as wide as the widest row (GFM drops the cells
    of a row beyond the header's width)."""
    width = max(len(row.cells) for row in rows)
    separator = f"|{' --- |' * width}"
    return "\n".join([_markdown_row(rows[0].cells, width), separator, *(_markdown_row(row.cells, width) for row in rows[1:])])


def _runs(blocks: list[Block]) -> list[list[Block]]:
    """Consecutive list items together, the rows of one table together, every other block alone."""
    runs: list[list[Block]] = []
    for block in blocks:
        previous = runs[-1][-1] if runs else None
        continues = previous is not None and previous.kind == block.kind and (
            block.kind == ITEM or (block.kind == ROW and not block.level)
        )
        if continues:
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


def render_markdown(blocks: list[Block]) -> str:
    """Markdown: headings, lists, quotes and tables kept; a blank line between paragraphs."""
    return "\n\n".join(
        _markdown_table(run) if run[0].kind == ROW else "\n".join(_markdown_line(block) for block in run) for run in _runs(blocks)
    )
