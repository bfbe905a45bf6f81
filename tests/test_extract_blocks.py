"""The markdown column: what trafilatura keeps of a story's structure, as valid CommonMark/GFM
(checked by rendering it with markdown-it-py, a real Markdown parser)."""

from __future__ import annotations

from lxml import html as lxml_html
from markdown_it import MarkdownIt

from pipeline.extract import extract_page

URL = "https://tidewater.example/politics/ward-results/"
LEAD = "The council published the ward results of the harbour vote on Tuesday evening after a long count in the hall."
CLOSE = "Turnout was higher than at the last election, officials said, and the count finished well before midnight."


def story(tables: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour vote: the ward results</title>
<meta property="og:type" content="article"></head><body><article><h1>Harbour vote: the ward results</h1>
<p>{LEAD}</p>{tables}<p>{CLOSE}</p></article></body></html>"""


RESULTS = """<table><thead><tr><th>Ward</th><th>Yes</th><th>No</th></tr></thead><tbody>
<tr><td>North | East</td><td>120</td><td>80</td></tr><tr><td>South</td><td>95</td></tr></tbody></table>"""
TURNOUT = """<table><tr><th>Year</th><th>Turnout</th></tr><tr><td>2019</td><td>41%</td></tr></table>"""


def rendered_tables(markdown: str) -> list[list[list[str]]]:
    """Each table Markdown renders, as rows of cell texts (header row first)."""
    document = lxml_html.fromstring(f"<div>{MarkdownIt('commonmark').enable('table').render(markdown)}</div>")
    return [[[cell.text_content() for cell in row.xpath("th|td")] for row in table.iter("tr")] for table in document.iter("table")]


def test_a_table_is_a_markdown_table_with_a_header_row():
    record = extract_page(story(RESULTS), URL)
    assert rendered_tables(record["markdown"]) == [[["Ward", "Yes", "No"], ["North | East", "120", "80"], ["South", "95", ""]]]
    assert record["markdown"].startswith(f"{LEAD}\n\n| Ward | Yes | No |\n| --- | --- | --- |\n")
    assert record["markdown"].endswith(f"|\n\n{CLOSE}")


def test_adjacent_tables_stay_two_tables():
    record = extract_page(story(RESULTS + TURNOUT), URL)
    tables = rendered_tables(record["markdown"])
    assert [table[0] for table in tables] == [["Ward", "Yes", "No"], ["Year", "Turnout"]]
    assert tables[1][1] == ["2019", "41%"]


TOUR = "<p><strong>Summer sailings:</strong><br>June 9 -- North Quay<br>June 10 -- South Pier</p>"
POEM = "<blockquote><p>The ferry sails at five,<br>the harbour lights go out</p></blockquote>"
ITEMS = "<ul><li>North Quay<br>from June 9</li><li>South Pier<br>from June 10</li><li><a href='/map'>Ferry map</a><p>Every quay on one page</p></li></ul>"


def test_lines_a_br_separates_stay_apart():
    """trafilatura turns <br> into <lb/>; its lines are never glued into one word ("QuayJune")."""
    record = extract_page(story(TOUR + POEM + ITEMS), URL)
    paragraphs = record["text"].split("\n\n")
    assert "Summer sailings:\nJune 9 -- North Quay\nJune 10 -- South Pier" in paragraphs
    assert "The ferry sails at five,\nthe harbour lights go out" in paragraphs
    assert "North Quay from June 9" in paragraphs  # a list item is one line
    document = lxml_html.fromstring(f"<div>{MarkdownIt('commonmark').render(record['markdown'])}</div>")
    [quote] = document.iter("blockquote")  # both lines inside the one quote, a line break between them
    assert [line.strip() for line in quote.text_content().split("\n") if line.strip()] == ["The ferry sails at five,", "the harbour lights go out"]
    # a list item's link and its paragraph are two parts, not one glued word ("mapEvery")
    assert [item.text_content() for item in document.iter("li")] == ["North Quay from June 9", "South Pier from June 10", "Ferry map Every quay on one page"]


def test_an_empty_line_between_br_separated_texts_is_a_paragraph_break():
    """Pages without <p> tags separate paragraphs by <br><br>: each is a paragraph of its own,
    in the text and in the markdown; a single <br> stays a line break inside one."""
    texts = [LEAD, "The count in the east ward took longest, as two boxes arrived late from the island.", CLOSE]
    body = f'<div class="story-content">{texts[0]}<br>\n<br>{texts[1]}<br><br>\n{texts[2]}<br>Officials: Ines Marlow</div>'
    html = story("").replace(f"<p>{LEAD}</p><p>{CLOSE}</p>", body)
    record = extract_page(html, URL)
    assert record["text"].split("\n\n") == [texts[0], texts[1], f"{texts[2]}\nOfficials: Ines Marlow"]
    document = lxml_html.fromstring(f"<div>{MarkdownIt('commonmark').render(record['markdown'])}</div>")
    assert len(document.xpath("//p")) == 3


SCORES = "<p>Final score<br>---<br>Home 3, Away 1</p><p>The single reads<br># 1 in the charts<br>- again<br>2. in the other chart</p>"
LITERALLY = "<p>The filing literally says &lt;b&gt;draft&lt;/b&gt; twice, *sic*, cites [1](http://x) and AT&amp;T &amp;copy; in_full.</p>"


def test_lines_that_look_like_markdown_stay_text():
    """A line of a paragraph that starts like a rule, heading or list is escaped, and every line
    ends in a hard break: rendered, the markdown shows the same lines as the text column."""
    record = extract_page(story(SCORES + LITERALLY), URL)
    assert "Final score\n---\nHome 3, Away 1" in record["text"].split("\n\n")
    document = lxml_html.fromstring(f"<div>{MarkdownIt('commonmark').enable('table').render(record['markdown'])}</div>")
    assert not document.xpath("//h1 | //h2 | //hr | //ul | //ol | //b | //em | //a")
    literally = "The filing literally says <b>draft</b> twice, *sic*, cites [1](http://x) and AT&T &copy; in_full."
    assert literally in record["text"] and literally in [p.text_content() for p in document.iter("p")]
    paragraphs = [[line.strip() for line in p.text_content().split("\n")] for p in document.iter("p")]
    assert ["Final score", "---", "Home 3, Away 1"] in paragraphs
    assert ["The single reads", "# 1 in the charts", "- again", "2. in the other chart"] in paragraphs


def test_a_heading_ending_in_hashes_keeps_them():
    """'## Vote for #' would read the last '#' as the heading's optional closing sequence."""
    record = extract_page(story("<h2>Why we still say #</h2><p>It is the sign the harbour office has used since it opened.</p>"), URL)
    document = lxml_html.fromstring(f"<div>{MarkdownIt('commonmark').render(record['markdown'])}</div>")
    assert [h.text_content() for h in document.iter("h2")] == ["Why we still say #"]


def test_invisible_characters_leave_the_text_and_joiners_stay():
    """A soft hyphen splits "Vladi­mir" for search and dedup; a paragraph of a lone byte-order mark is no paragraph.
    The zero-width non-joiner spells Persian words ("می‌خواهد"): it stays."""
    middle = "<p>Council leader Vla\u00addi\u00admir Brandt\u200b thanked the counters in the hall.</p><p>\ufeff</p><p>او می\u200cخواهد</p>"
    text = extract_page(story(middle), URL)["text"]
    assert text.split("\n\n") == [LEAD, "Council leader Vladimir Brandt thanked the counters in the hall.", "او می\u200cخواهد", CLOSE]


def test_a_quote_s_own_sentences_beside_its_paragraphs_are_kept_in_order():
    """A quote block may hold text of its own before and between its <p>s; a pull quote's short credit goes."""
    middle = ("<blockquote>The count took eleven hours in all, the returning officer wrote to the council."
              "<p>Every ballot was counted twice by hand.</p>Recounts were requested in two wards.<p>Both confirmed the result.</p>"
              "— Returning officer Ann Lowe, in a letter to the council on Friday</blockquote>")
    record = extract_page(story(middle), URL)
    assert record["text"].split("\n\n")[1:6] == ["The count took eleven hours in all, the returning officer wrote to the council.",
                                                 "Every ballot was counted twice by hand.", "Recounts were requested in two wards.",
                                                 "Both confirmed the result.", CLOSE]
    assert "> The count took eleven hours" in record["markdown"]
