"""Who the story comes from, read off the lines reprints and wire copy carry.

Syndicating sites name the original publisher in a closing line ("Courtesy/Source: X",
"This article originally appeared on X", "Reprinted with permission from X") and wire
copy opens with a dateline ("CITY (AP) —"). No library recognises these, so the
patterns live here. The line is removed from the text; a dateline only loses its prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.extract.blocks import Block

# The publisher name ends at sentence punctuation or at the clause that usually follows it
# ("... on X and is republished here with permission", "... in X, a partner site").
_NAME = r"(?P<name>[^.,;:()\[\]|]+?)"
_NAME_END = r"(?=\s*(?:$|[.,;:()\[\]|]|\s(?:and|under|with|on\s+(?:\w+\s+)?\d)\b))"

_CLOSING_LINES = [
    re.compile(rf"^\(?\s*(?:courtesy\s*/\s*source|courtesy|source)\s*[:\-–—]\s*{_NAME}{_NAME_END}", re.I),
    re.compile(
        rf"^\(?\s*(?:this|the)\s+(?:article|story|post|piece|report|column|essay|interview|version)\b[^.]{{0,40}}?"
        rf"\b(?:originally|first)\s+(?:appeared|(?:was\s+)?(?:published|posted|ran))\s+(?:on|in|at|by)\s+(?:the\s+website\s+of\s+)?{_NAME}{_NAME_END}",
        re.I,
    ),
    re.compile(rf"^\(?\s*(?:originally\s+)?(?:published|appeared)\s+(?:originally\s+)?(?:on|in|by)\s+{_NAME}{_NAME_END}", re.I),
    re.compile(rf"^\(?\s*(?:reprinted|republished|reproduced)\s+(?:here\s+)?with\s+(?:the\s+)?(?:kind\s+)?permission\s+(?:from|of)\s+{_NAME}{_NAME_END}", re.I),
]

# Closing lines are short; a long paragraph that merely mentions a source is body text.
_MAX_LINE_WORDS = 40

# Wire agencies print an abbreviation in the dateline; the attribution names the agency.
WIRE_AGENCIES = {
    "AP": "Associated Press",
    "AFP": "Agence France-Presse",
    "Reuters": "Reuters",
    "UPI": "United Press International",
    "dpa": "dpa",
    "Bloomberg": "Bloomberg",
}
# "CITY (AP) —", "CITY, State (Agency Name) —", "(Reuters) -": a known agency may stand
# alone; any other name in parentheses needs an upper-case city before it.
_DATELINE = re.compile(
    r"^(?:(?P<city>[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,40}?(?:,\s*[\w.'’ ]{1,30})?)\s*)?"
    r"\((?P<wire>[A-Z][\w.&'’ -]{1,40}?)\)\s*[—–-]{1,2}\s*",
    re.UNICODE,
)


@dataclass(frozen=True)
class Attribution:
    publisher: str
    signal: str  # "closing-line" or "dateline": how it was found, for provenance


def _closing_line_publisher(line: str) -> str | None:
    if len(line.split()) > _MAX_LINE_WORDS:
        return None
    for pattern in _CLOSING_LINES:
        if match := pattern.search(line):
            name = match.group("name").strip(" \"'“”‘’*_")
            if name:
                return name
    return None


def split_attribution(blocks: list[Block]) -> tuple[list[Block], Attribution | None]:
    """Remove attribution lines from the body; return what is left and the publisher.

    A closing line wins over a dateline when both are present: a reprint of wire copy
    names the site it took the story from, which is the nearer origin.
    """
    found: Attribution | None = None
    kept: list[Block] = []
    for block in blocks:
        if publisher := _closing_line_publisher(block.text):
            found = found or Attribution(publisher, "closing-line")
            continue
        kept.append(block)
    if kept and (agency := _dateline_agency(kept[0].text)):
        kept[0] = replace(kept[0], text=kept[0].text[agency[1]:])
        found = found or Attribution(agency[0], "dateline")
    return kept, found


def _dateline_agency(paragraph: str) -> tuple[str, int] | None:
    """(agency, where the sentence starts) when the paragraph opens with a wire dateline."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    wire = match.group("wire").strip()
    if wire in WIRE_AGENCIES:
        return WIRE_AGENCIES[wire], match.end()
    if match.group("city") and len(wire.split()) <= 5:
        return wire, match.end()
    return None


def find_attribution_line(lines: list[str]) -> Attribution | None:
    """The first attribution line among page text that extraction did not keep."""
    for line in lines:
        if publisher := _closing_line_publisher(" ".join(line.split())):
            return Attribution(publisher, "closing-line")
    return None
