"""Attribution lines and wire datelines: which publisher they name, and what stays in the text."""

from __future__ import annotations

import pytest

from pipeline.extract.attribution import split_attribution
from pipeline.extract.blocks import PARAGRAPH, Block

BODY = Block(PARAGRAPH, "The council voted on Friday to extend the ferry contract by one year.")


@pytest.mark.parametrize(
    ("line", "publisher"),
    [
        ("Courtesy/Source: Politico", "Politico"),
        ("Courtesy / Source: The Meridian Ledger.", "The Meridian Ledger"),
        ("Source: Harbour Wire", "Harbour Wire"),
        ("Courtesy: Valley Ag Report", "Valley Ag Report"),
        ("This article originally appeared on The Lantern and is republished under a Creative Commons license.", "The Lantern"),
        ("This story was originally published by Kestrel News.", "Kestrel News"),
        ("(This article first appeared in Harbor Weekly.)", "Harbor Weekly"),
        ("This piece was first published on the website of Field Notes Daily.", "Field Notes Daily"),
        ("Originally published on Northwind Review on May 3, 2024.", "Northwind Review"),
        ("Reprinted with permission from The Civic Quarterly, a nonprofit newsroom.", "The Civic Quarterly"),
        ("Republished with permission of Ridge Line Media.", "Ridge Line Media"),
    ],
)
def test_closing_line_names_publisher_and_is_removed(line, publisher):
    kept, attribution = split_attribution([BODY, Block(PARAGRAPH, line)])
    assert kept == [BODY]
    assert attribution.publisher == publisher


@pytest.mark.parametrize(
    "line",
    [
        "The source said the talks had failed.",
        "Sources: none of the three agencies would comment.",
        "The report originally appeared to show a drop in crime, but a later count corrected it, officials said on Monday "
        "after a long meeting with the mayor and the police chief about how the figures were gathered in the first place.",
    ],
)
def test_ordinary_sentences_are_not_attribution(line):
    kept, attribution = split_attribution([BODY, Block(PARAGRAPH, line)])
    assert attribution is None
    assert len(kept) == 2


@pytest.mark.parametrize(
    ("first", "publisher", "rest"),
    [
        ("WASHINGTON (AP) — The Senate voted on Tuesday.", "Associated Press", "The Senate voted on Tuesday."),
        ("SAN JUAN, Puerto Rico (AP) — Power returned overnight.", "Associated Press", "Power returned overnight."),
        ("LONDON, Jan 29 (Reuters) - Shares fell in early trade.", "Reuters", "Shares fell in early trade."),
        ("(Reuters) - Shares fell in early trade.", "Reuters", "Shares fell in early trade."),
        ("PARIS (AFP) – Rail workers walked out.", "Agence France-Presse", "Rail workers walked out."),
    ],
)
def test_wire_dateline_keeps_the_sentence(first, publisher, rest):
    kept, attribution = split_attribution([Block(PARAGRAPH, first), BODY])
    assert kept == [Block(PARAGRAPH, rest), BODY]
    assert attribution.publisher == publisher
    assert attribution.signal == "dateline"


def test_closing_line_wins_over_dateline():
    kept, attribution = split_attribution(
        [Block(PARAGRAPH, "WASHINGTON (AP) — The Senate voted."), BODY, Block(PARAGRAPH, "Courtesy/Source: Capitol Daily")]
    )
    assert attribution.publisher == "Capitol Daily"
    assert kept[0].text == "The Senate voted."
