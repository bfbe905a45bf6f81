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


def drop_repeated_captions(blocks: list[Block]) -> list[Block]:
    """The body without paragraphs that echo a quote printed in full elsewhere in the story.
    Not headings: a subheading quoting the section below it is the story's structure."""
    texts = [block.text for block in blocks]
    normals = [_normal(text) for text in texts]
    kept = []
    for index, block in enumerate(blocks):
        quotes = _quotes(block.text) if block.kind in (PARAGRAPH, QUOTE) else []
        if quotes and any(
            _is_echo(block.text, quotes, other, normals[other_index])
            for other_index, other in enumerate(texts)
            if other_index != index
        ):
            continue
        kept.append(block)
    return kept


def drop_pull_quotes(blocks: list[Block]) -> list[Block]:
    """The body without quote blocks whose words a longer block prints in full: a pull quote set
    in large type beside the paragraph it comes from ("<blockquote class="pull-quote">"), with or
    without quotation marks. Run last, on what is left of the story, so that one copy stays. A quote
    the story does not repeat (a statement, a post) is its own, and so is one printed twice alike."""
    padded = [f" {_normal(block.text)} " for block in blocks]

    def echoed(index: int) -> bool:
        quote = padded[index]
        return len(quote.split()) >= _MIN_QUOTE_WORDS and any(quote in other and quote != other for other in padded)

    return [block for index, block in enumerate(blocks) if block.kind != QUOTE or not echoed(index)]
