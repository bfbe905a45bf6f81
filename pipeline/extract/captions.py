"""Photo captions and pull quotes that repeat a quote from the body.

Reprint templates often print the lead photo's caption as an ordinary paragraph, and a
caption usually repeats the story's strongest quote, so trafilatura keeps it as body
text. Such a paragraph is recognised by the quote it shares with another paragraph of
the same article, and by its photo credit or by being little more than that quote.
"""

from __future__ import annotations

import re

from pipeline.extract.blocks import PARAGRAPH, QUOTE, Block

_QUOTE = re.compile(r"[“\"«„‘]([^”\"»“]{20,}?)[”\"»“’]")
_MIN_QUOTE_WORDS = 5
# "– Jane Roe, Example Press Photo", "(Photo: ...)", "Photo by ...", "/ Agency"
_CREDIT = re.compile(
    r"(?:\s[–—-]\s+[^–—]{2,120}$)|\b(?:photo|photograph|image|picture|credit)s?\b\s*(?:by|:|via)|\(\s*(?:photo|image|credit)\b",
    re.I,
)
# a paragraph made mostly of the repeated quote reads as a caption or a pull quote
_MOSTLY_QUOTE = 0.5


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _quotes(paragraph: str) -> list[str]:
    normals = (_normal(quote) for quote in _QUOTE.findall(paragraph))
    return [quote for quote in normals if len(quote.split()) >= _MIN_QUOTE_WORDS]


def _is_echo(paragraph: str, quotes: list[str], other: str, other_normal: str) -> bool:
    quote = next((quote for quote in quotes if quote in other_normal), None)
    if quote is None:
        return False
    if _CREDIT.search(paragraph) and not _CREDIT.search(other):
        return True
    words, other_words = len(_normal(paragraph).split()), len(other_normal.split())
    return words < other_words and len(quote.split()) >= _MOSTLY_QUOTE * words


def _is_pull_quote(block: Block, normal: str, others: list[str]) -> bool:
    """A quote block whose words the story prints in full in another block: set in large type
    beside the paragraph it comes from ("<blockquote class="pull-quote">"), with or without
    quotation marks. A quote the story does not repeat (a statement, a post) is its own, and so
    is one printed twice alike: which copy would be the echo?"""
    return block.kind == QUOTE and len(normal.split()) >= _MIN_QUOTE_WORDS and any(normal in other and normal != other for other in others)


def drop_repeated_captions(blocks: list[Block]) -> list[Block]:
    """The body without paragraphs and pull quotes that echo a quote printed in full elsewhere in
    the story. Not headings: a subheading quoting the section below it is the story's structure."""
    texts = [block.text for block in blocks]
    normals = [_normal(text) for text in texts]
    kept = []
    for index, block in enumerate(blocks):
        others = [normal for other_index, normal in enumerate(normals) if other_index != index]
        if _is_pull_quote(block, normals[index], others):
            continue
        quotes = _quotes(block.text) if block.kind in (PARAGRAPH, QUOTE) else []
        if quotes and any(
            _is_echo(block.text, quotes, other, normals[other_index])
            for other_index, other in enumerate(texts)
            if other_index != index
        ):
            continue
        kept.append(block)
    return kept
