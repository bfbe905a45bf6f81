"""Page furniture that one page alone gives away: placeholders repeated down the story and
picture credits printed as paragraphs.

Template learning (templates.py) needs several pages of a site; these two kinds of block
are recognisable on a single page, so a site's first page is cleaned of them too.

- A paragraph or heading printed three or more times in one story is the page's, not the
  writer's: a consent placeholder in place of each embed ("External content not available"),
  an "Advertisement" label per ad slot, a live blog's label on every entry. Writers do not
  repeat a paragraph three times; twice happens (a pull quote, a summary), so two are kept.
  Table rows and list items may repeat as data ("Weight: 1 kg" in each product's spec list).
- A paragraph that is only a picture credit ("Photo: Jane Roe", "… /AFP via Getty Images")
  is a caption trafilatura kept as text. Only picture credits: a "Source: …" line may credit
  the story's original publisher, which attribution.py reads first.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.extract.blocks import HEADING, PARAGRAPH, Block

_REPEATED = 3
_PROSE = (PARAGRAPH, HEADING)
# No sentence punctuation, at most a short line: a credit names people and agencies, it does not state.
_PICTURE_CREDIT = re.compile(
    r"^\(?(?:photos?|fotos?|bild(?:er)?|images?|pictures?|credits?)\s*:\s*[^.!?]{1,80}\)?$"
    r"|^[^.!?]{0,80}\b(?:getty images|shutterstock|istock(?:photo)?|imago(?: images)?|picture[- ]alliance)\)?$",
    re.I,
)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def drop_page_furniture(blocks: list[Block]) -> list[Block]:
    """The story's blocks without paragraphs and headings printed three times or more and without
    picture credits."""
    counts = Counter(_key(block.text) for block in blocks if block.kind in _PROSE)
    return [
        block for block in blocks
        if block.kind not in _PROSE
        or counts[_key(block.text)] < _REPEATED and not (block.kind == PARAGRAPH and _PICTURE_CREDIT.match(block.text.strip()))
    ]
