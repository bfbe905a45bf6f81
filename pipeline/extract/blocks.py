"""trafilatura's output tree as a flat list of blocks (paragraph, heading, list item, quote).

Blocks are the unit every later step works on: attribution lines, repeated captions
and learned boilerplate are removed as whole blocks, and both `text` and `markdown`
are rendered from what is left, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

PARAGRAPH, HEADING, ITEM, QUOTE, ROW = "paragraph", "heading", "item", "quote", "row"


@dataclass(frozen=True)
class Block:
    kind: str
    text: str


def _flat_text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _blocks_of(element: etree._Element, kind: str | None = None):
    tag = element.tag
    if tag == "list":
        for item in element.iterchildren("item"):
            yield from _blocks_of(item, ITEM)
    elif tag == "quote" and len(element) and all(child.tag in ("p", "list", "quote") for child in element):
        for child in element:
            yield from _blocks_of(child, QUOTE)
    elif tag == "table":
        for row in element.iter("row"):
            cells = [_flat_text(cell) for cell in row.iterchildren("cell")]
            if any(cells):
                yield Block(ROW, " | ".join(cells))
    elif text := _flat_text(element):
        yield Block(kind or {"head": HEADING, "quote": QUOTE}.get(tag, PARAGRAPH), text)


def body_blocks(body: etree._Element | None) -> list[Block]:
    if body is None:
        return []
    return [block for child in body for block in _blocks_of(child)]


def render_text(blocks: list[Block]) -> str:
    """Plain text: one block per paragraph, a blank line between paragraphs."""
    return "\n\n".join(block.text for block in blocks)
