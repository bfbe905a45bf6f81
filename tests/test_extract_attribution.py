"""Attribution lines and wire datelines: which publisher they name, and what stays in the text."""

from __future__ import annotations

import pytest

from pipeline.extract import extract_page
from pipeline.extract.attribution import split_attribution
from pipeline.extract.blocks import PARAGRAPH, ROW, Block

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
        ("First published in The Lantern.", "The Lantern"),
        ("This article is republished from The Lantern under a Creative Commons license.", "The Lantern"),
        ("A version of this story first appeared in the Canyon State Ledger.", "Canyon State Ledger"),
        # the same in the languages the corpus shows most
        ("(Quelle: Harbour Wire)", "Harbour Wire"),
        ("Dieser Artikel ist zuerst bei „Kestrel Kapital“ erschienen.", "Kestrel Kapital"),
        ("Der Beitrag wurde ursprünglich im Nordwind-Magazin veröffentlicht.", "Nordwind-Magazin"),
        ("Zuerst erschienen auf Feldnotizen.de", "Feldnotizen.de"),
        ("Cet article a été initialement publié dans La Gazette du Port.", "La Gazette du Port"),
        ("Article publié initialement sur Le Phare.", "Le Phare"),
        ("Fuente: Diario del Puerto", "Diario del Puerto"),
        ("Источник: «Волжская неделя»", "Волжская неделя"),
        ("来源：岭南港报", "岭南港报"),
        ("Courtesy: Studio Lanterna", "Studio Lanterna"),  # "studio" is a data word in Italian, a name here
        ("Este artículo fue publicado originalmente en Crónica del Valle.", "Crónica del Valle"),
        # the publisher's address after its name is not part of it
        ("This article originally appeared in Fieldline at https://fieldline.example/2026/03/soil.", "Fieldline"),
        ("This story was first published by Fieldline at fieldline.example.", "Fieldline"),
        ("This article first appeared in Knowledge at Wharton.", "Knowledge at Wharton"),
        ("Originally published on harbourwire.example.", "harbourwire.example"),
        ("Zuerst erschienen bei dpa.", "dpa"),
        ("Zuerst erschienen bei heise online.", "heise online"),
        ("This article first appeared in iNews.", "iNews"),
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
        "First published on 3 May 2024, updated on 5 May.",
        "Originally published on May 3, 2024.",
        "Publié par Jeanne Morel le 3 mai.",  # a byline, not a republication
        "Der Artikel ist zuerst am Montag erschienen.",
        # a language, a date or the site's own pages is no publisher
        "Dieser Artikel ist zuerst auf Englisch erschienen.",
        "Este artículo fue publicado originalmente en inglés.",
        "Dieser Artikel ist zuerst in unserer Printausgabe erschienen.",
        "Der Bericht wurde erstmals im vergangenen Jahr veröffentlicht.",
        "Zuerst veröffentlicht im März 2023.",
        "Publicado originalmente en marzo de 2020.",
        "Article initialement paru dans notre édition du 3 mai.",
        # corrections: no publisher, and the note stays for the reader
        "An earlier version of this story appeared in print with the wrong sailing times.",
        "This story was published in error before it had been fully edited.",
        # a story's sentence that opens like a credit
        "First published in The Harbour Journal of Medicine, the study followed 4,000 ferry crews for ten years.",
        "D'abord publiée sur Twitter, la vidéo a été vue des milliers de fois.",
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
        # known agencies after a city in any case, regional services, Spanish and Italian styles
        ("KIEL (dpa) - Die Fähre fährt wieder.", "dpa", "Die Fähre fährt wieder."),
        ("Marseille (AFP) - Les marins ont voté.", "Agence France-Presse", "Les marins ont voté."),
        ("Hannover (dpa/lni) - Der Landtag tagt.", "dpa", "Der Landtag tagt."),
        ("Cádiz, 3 mar (EFE).- El puerto reabre.", "EFE", "El puerto reabre."),
        ("(ANSA) - GENOVA, 05 MAR - Il porto riapre.", "ANSA", "Il porto riapre."),
        # press releases
        ("LOWFIELD, England--(BUSINESS WIRE)--Harbour Lines today announced two new routes.", "Business Wire",
         "Harbour Lines today announced two new routes."),
        ("LOWFIELD, England, March 9, 2026 /PRNewswire/ -- Harbour Lines today announced two new routes.", "PR Newswire",
         "Harbour Lines today announced two new routes."),
        # any other name needs the upper-case city of a dateline
        ("KIEL (Hafenbote) - Die Fähre fährt wieder.", "Hafenbote", "Die Fähre fährt wieder."),
    ],
)
def test_wire_dateline_keeps_the_sentence(first, publisher, rest):
    kept, attribution = split_attribution([Block(PARAGRAPH, first), BODY])
    assert kept == [Block(PARAGRAPH, rest), BODY]
    assert attribution.publisher == publisher
    assert attribution.signal == "dateline"


@pytest.mark.parametrize("first", [
    "Kiel (Hafenbote) - Die Fähre fährt wieder.",  # an unknown name after a city in ordinary case
    "The harbour master (left) - smiling - opened the pier.",
    "Die Polizei (Symbolbild) – ermittelt weiter.",
    # a sentence naming something by an agency's letters
    "The American Psychological Association (APA) — the largest body of its kind — said the study was sound.",
    "Patients with Crohn's disease (CP) - a chronic condition - were enrolled in the harbour town's trial.",
    "Washington (AP) — the ambiguous letters need a city in capitals.",
])
def test_parentheses_at_the_start_of_a_story_are_not_a_dateline_without_a_wire_or_a_city_in_capitals(first):
    kept, attribution = split_attribution([Block(PARAGRAPH, first), BODY])
    assert (kept, attribution) == ([Block(PARAGRAPH, first), BODY], None)


@pytest.mark.parametrize("date", ["Aug. 13", "Monday"])
def test_a_date_in_parentheses_after_the_city_is_no_wire(date):
    first = Block(PARAGRAPH, f"WASHINGTON ({date}) -- The Senate voted on the harbour bill late on Tuesday.")
    assert split_attribution([first, BODY]) == ([first, BODY], None)


def test_a_station_s_call_sign_with_digits_is_a_wire():
    kept, attribution = split_attribution([Block(PARAGRAPH, "MIAMI (WTVX4) -- The harbour bridge reopened on Tuesday."), BODY])
    assert attribution.publisher == "WTVX4" and kept[0].text == "The harbour bridge reopened on Tuesday."


@pytest.mark.parametrize(("wire", "site_name", "attribution"), [
    ("Tidewater", "Tidewater Wire Service", None), ("AP", "AP News", None),
    # the short name inside another name, or beside a licensee's own word: a credit
    ("Tidewater", "Capital Tidewater", "Tidewater"), ("Tidewater", "Tidewater Línea", "Tidewater"),
])
def test_a_dateline_signed_with_the_site_s_own_short_name_is_no_reprint(wire, site_name, attribution):
    """"(Tidewater)" on the site of "Tidewater Wire Service" is its own story, "(AP)" on "AP News" too."""
    body = f"<p>SEOUL, Aug. 20 ({wire}) -- The harbour authority opened a second terminal on Tuesday.</p>" + "".join(
        f"<p>{text}</p>" for text in STORY)
    html = story_page(body).replace("</head>", f'<meta property="og:site_name" content="{site_name}"></head>')
    assert extract_page(html, "https://en.harbourwire.example/news/terminal")["attribution"] == attribution


def test_a_dateline_printed_as_its_own_paragraph_leaves_no_empty_block():
    kept, attribution = split_attribution([Block(PARAGRAPH, "WASHINGTON (AP) —"), BODY])
    assert kept == [BODY] and attribution.publisher == "Associated Press"


def test_a_source_line_under_a_table_credits_its_figures_not_the_story():
    table = [Block(ROW, "Ward | Votes", True, ["Ward", "Votes"]), Block(ROW, "Quayside | 1,204", False, ["Quayside", "1,204"])]
    blocks = [BODY, *table, Block(PARAGRAPH, "Source: Lowfield Borough Council")]
    assert split_attribution(blocks) == (blocks, None)


def test_closing_line_wins_over_dateline():
    kept, attribution = split_attribution(
        [Block(PARAGRAPH, "WASHINGTON (AP) — The Senate voted."), BODY, Block(PARAGRAPH, "Courtesy/Source: Capitol Daily")]
    )
    assert attribution.publisher == "Capitol Daily"
    assert kept[0].text == "The Senate voted."


def paragraphs(*texts: str) -> list[Block]:
    return [Block(PARAGRAPH, text) for text in texts]


STORY = [
    "The county will open two cooling centres this summer, the health board said on Thursday.",
    "The centres will stay open until ten in the evening on days when the forecast passes thirty degrees.",
    "Volunteers from the rowing club and the library will staff the centre on the quay at weekends.",
    "The board said it would review the hours in September once it has counted the visits.",
]


@pytest.mark.parametrize(
    ("line", "publisher"),
    [
        ("Courtesy/Source: U.S. News & World Report", "U.S. News & World Report"),
        ("This article originally appeared on U.S. News & World Report.", "U.S. News & World Report"),
        ("Source: Acme Media Inc.", "Acme Media Inc."),
        ("Source: harbourwire.com", "harbourwire.com"),
        ("Courtesy: The Meridian Ledger, a partner site", "The Meridian Ledger"),
    ],
)
def test_names_keep_their_inner_dots(line, publisher):
    kept, attribution = split_attribution(paragraphs(*STORY, line))
    assert attribution.publisher == publisher
    assert kept == paragraphs(*STORY)


@pytest.mark.parametrize(
    "line",
    [
        "Source: U.S. Census Bureau, 2020 estimates.",
        "Source: Bureau of Labor Statistics",
        "Source: Reuters/Ipsos poll of 1,004 adults",
        "Source: county health board data",
        "Quelle: Statistisches Landesamt, Daten für 2023",
        "Fuente: encuesta del ayuntamiento",
        "Source: U",
        "Courtesy: A.",
    ],
)
def test_data_sources_and_initials_are_not_credits(line):
    """A label line that says what was taken (figures, a year, a survey) cites data, not the story's publisher."""
    kept, attribution = split_attribution(paragraphs(*STORY, line))
    assert attribution is None
    assert kept == paragraphs(*STORY, line)


def test_a_credit_on_one_line_of_a_paragraph_is_read_and_removed_alone():
    """Reprint sites put the credit and the next note in one <p>, split by a <br>."""
    closing = Block(PARAGRAPH, "Source: Harbour Wire\nThe council will vote on the contract next week.")
    kept, attribution = split_attribution([BODY, closing])
    assert attribution.publisher == "Harbour Wire"
    assert kept == [BODY, Block(PARAGRAPH, "The council will vote on the contract next week.")]
    kept, attribution = split_attribution([BODY, Block(PARAGRAPH, "Courtesy: Harbour Wire\nSource: Kestrel News")])
    assert attribution.publisher == "Harbour Wire" and kept == [BODY]  # the first credit; nothing left of the block


def test_a_credit_looking_line_mid_story_stays_in_the_text():
    """Only the story's last blocks close it; mid-story, "Source:" labels a chart or a quote."""
    blocks = paragraphs(STORY[0], "Source: Harbour Wire", *STORY[1:], "Source: U.S. Census Bureau, 2020 estimates.")
    kept, attribution = split_attribution(blocks)
    assert attribution is None and kept == blocks


def test_a_republication_note_may_open_the_story_but_a_label_may_not():
    kept, attribution = split_attribution(paragraphs("This story was originally published by Kestrel News.", *STORY))
    assert attribution.publisher == "Kestrel News" and kept == paragraphs(*STORY)
    kept, attribution = split_attribution(paragraphs("Source: Harbour Wire", *STORY))
    assert attribution is None and len(kept) == 5


def test_a_portal_s_time_and_source_line_may_open_the_story():
    """Chinese news portals print the time and the source under the headline: "来源：新华社" is
    the original publisher, and the line is no story text; the editor credited at the end is neither."""
    kept, attribution = split_attribution(paragraphs("2026-03-10 15:22:08 来源：新华社", *STORY))
    assert attribution.publisher == "新华社" and kept == paragraphs(*STORY)
    record = extract_page(f"""<html lang="zh-CN"><head><title>杭温高铁年底开通</title></head><body><article><h1>杭温高铁年底开通</h1>
        {"".join(f"<p>{text}</p>" for text in [*STORY, "【责任编辑：王磊】"])}</article></body></html>""", "https://portal.example/2026/03/10/rail.html")
    assert record["text"].split("\n\n") == STORY and record["authors"] == []


def test_a_dateline_counts_only_in_the_first_block():
    blocks = paragraphs(STORY[0], "WASHINGTON (AP) — The Senate voted on Tuesday.", *STORY[1:])
    kept, attribution = split_attribution(blocks)
    assert attribution is None and kept == blocks


def story_page(body: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Cooling centres open for the summer</title>
<meta property="og:type" content="article"></head><body><article><h1>Cooling centres open for the summer</h1>
<div class="story">{body}</div></article></body></html>"""


def test_census_figures_mid_story_are_text_and_the_closing_credit_is_the_attribution():
    body = (f"<p>{STORY[0]}</p><p>{STORY[1]}</p><p>Source: U.S. Census Bureau, 2020 estimates.</p>"
            f"<p>{STORY[2]}</p><p>{STORY[3]}</p><p>Courtesy/Source: The Meridian Ledger</p>")
    record = extract_page(story_page(body), "https://tidewater.example/health/cooling-centres/")
    assert record["attribution"] == "The Meridian Ledger"
    assert "Source: U.S. Census Bureau, 2020 estimates." in record["text"]
    assert "Meridian" not in record["text"]


def test_a_photo_credit_in_a_figure_is_not_the_attribution():
    body = ("<figure><img src='/img/quay.jpg' alt=''><figcaption>Source: Harbour Wire</figcaption></figure>"
            + "".join(f"<p>{text}</p>" for text in STORY))
    record = extract_page(story_page(body), "https://tidewater.example/health/cooling-centres/")
    assert record["attribution"] is None


@pytest.mark.parametrize(
    ("closing", "attribution"),
    [
        # the site crediting its own newsroom, by host or by name, case and punctuation aside
        ("<p>Quelle: tidewater.example</p>", None),
        ("<p>Source: TIDE-WATER</p>", None),
        # a publisher whose name merely contains the site's is another publisher
        ("<p>Source: The Tidewater Quarterly</p>", "The Tidewater Quarterly"),
    ],
)
def test_a_credit_to_the_site_itself_is_no_attribution(closing, attribution):
    body = "".join(f"<p>{text}</p>" for text in STORY) + closing
    record = extract_page(story_page(body), "https://tidewater.example/health/cooling-centres/")
    assert record["attribution"] == attribution
    assert "Source:" not in record["text"] and "Quelle:" not in record["text"]


def test_a_credit_line_outside_the_extracted_text_in_any_case_and_language():
    """trafilatura drops a link-only credit box below the story; the page is still searched for it."""
    body = "".join(f"<p>{text}</p>" for text in STORY)
    html = story_page(body).replace("</article>", '</article><div class="credit"><a href="https://kestrel.example/">'
                                    "ZUERST ERSCHIENEN BEI Kestrel Kapital</a></div>")
    record = extract_page(html, "https://tidewater.example/health/cooling-centres/")
    assert record["attribution"] == "Kestrel Kapital" and "Kestrel" not in record["text"]


def test_a_publisher_s_legal_line_outside_the_story_is_no_attribution():
    body = "".join(f"<p>{text}</p>" for text in STORY)
    html = story_page(body).replace("</article>", "</article><footer><p>Published by Tidewater Media Holdings Ltd</p></footer>")
    assert extract_page(html, "https://tidewater.example/health/cooling-centres/")["attribution"] is None
