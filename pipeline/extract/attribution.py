"""Who the story comes from, read off the lines reprints and wire copy carry.

Syndicating sites name the original publisher in a closing line ("Courtesy/Source: X",
"This article originally appeared on X", "Reprinted with permission from X", and the same
in German, French and Spanish: "Quelle: X", "zuerst bei X erschienen", "publié dans X") and wire
copy opens with a dateline ("CITY (AP) —"). No library recognises these, so the
patterns live here. The line is removed from the text; a dateline only loses its prefix.
A "Source:" line that cites figures ("Source: U.S. Census Bureau, 2020 estimates") is
not a credit: it stays in the text and names no publisher.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.extract.blocks import ROW, Block
from pipeline.extract.calendar import MONTH_NAMES, WEEKDAY_NAMES

# A publisher's name ends at sentence punctuation or at the clause that usually follows it
# ("... on X and is republished here with permission", "... in X, a partner site"). A dot
# after a single letter or a company abbreviation, or inside a domain, is part of the name
# ("U.S. News", "Acme Inc.", "harbourwire.com").
_INNER_DOT = r"(?:(?:(?<=\b\w)|(?<=\bInc)|(?<=\bCo)|(?<=\bCorp)|(?<=\bLtd)|(?<=\bSt)|(?<=\bJr))\.|\.(?=\w))"
_NAME = rf"(?P<name>(?:[^.,;:()\[\]|]|{_INNER_DOT})+?)"
_NAME_END = rf"(?:(?=\s*(?:$|[,;:()\[\]|]|\s(?:and|under|with|on\s+(?:\w+\s+)?\d)\b))|(?!{_INNER_DOT})(?=\s*\.))"
# Lines that open with the participle ("First published in X", "Zuerst erschienen bei X") are
# credits only when the name ends them (a date aside): "First published in X, the study
# followed 4,000 patients" is a sentence of the story.
_LINE_END = r"(?:\s+on\s+(?:\w+\s+)?\d[\w ,]*)?[\s.)]*$"

# "Source: X" and "Courtesy: X": a bare label, used for text and for figures alike; "Source"
# in the languages the corpus shows most.
_LABEL_LINE = re.compile(
    rf"^\(?\s*(?:courtesy\s*/\s*source|courtesy|source|quelle|fuente|fonte|bron|источник|źródło|kaynak|πηγή|المصدر|מקור|来源|來源|出典|출처)"
    rf"\s*[:：\-–—]\s*{_NAME}{_NAME_END}", re.I
)
# Lines that say in words that the story itself was published elsewhere first. German puts
# the verb after the name ("Dieser Artikel ist zuerst bei X erschienen").
_REPUBLICATION_NOTES = [
    re.compile(
        rf"^\(?\s*(?:this|the)\s+(?:article|story|post|piece|report|column|essay|interview|version)\b[^.]{{0,40}}?"
        rf"\b(?:originally|first)\s+(?:appeared|(?:was\s+)?(?:published|posted|ran))\s+(?:on|in|at|by)\s+(?:the\s+website\s+of\s+)?{_NAME}{_NAME_END}",
        re.I,
    ),
    re.compile(rf"^\(?\s*(?:originally\s+|first\s+)?(?:published|appeared)\s+(?:originally\s+)?(?:on|in|by)\s+{_NAME}{_LINE_END}", re.I),
    re.compile(rf"^\(?\s*(?:reprinted|republished|reproduced)\s+(?:here\s+)?with\s+(?:the\s+)?(?:kind\s+)?permission\s+(?:from|of)\s+{_NAME}{_NAME_END}", re.I),
    # "This article is republished from X under a Creative Commons license."; "A version of this
    # story first appeared in X."
    re.compile(
        rf"^\(?\s*(?:this|the)\s+(?:article|story|post|piece|report|column|essay)\s+(?:is|was|has\s+been)\s+(?:republished|reprinted|reproduced)"
        rf"\s+(?:here\s+)?from\s+{_NAME}{_NAME_END}",
        re.I,
    ),
    re.compile(
        rf"^\(?\s*an?\s+(?:earlier\s+|longer\s+|shorter\s+|different\s+)?version\s+of\s+this\s+(?:article|story|post|piece|report)\s+"
        rf"(?:originally\s+|first\s+)?(?:appeared|(?:was\s+)?(?:published|posted|ran))\s+(?:on|in|at|by)\s+{_NAME}{_NAME_END}",
        re.I,
    ),
    re.compile(
        rf"^\(?\s*(?:(?:dieser|der)\s+(?:artikel|beitrag|text|bericht|kommentar|gastbeitrag)\s+(?:ist|wurde)\s+)?(?:zuerst|ursprünglich|erstmals)"
        rf"\s+(?:bei|in|im|auf)\s+{_NAME}\s+(?:erschienen|veröffentlicht){_LINE_END}",
        re.I,
    ),
    re.compile(rf"^\(?\s*(?:zuerst|ursprünglich|erstmals)\s+(?:erschienen|veröffentlicht)\s+(?:bei|in|im|auf)\s+{_NAME}{_LINE_END}", re.I),
    re.compile(
        rf"^\(?\s*(?:(?:cet|cette)\s+(?:article|tribune|chronique|enquête)\s+a\s+été\s+|article\s+)?"
        rf"(?:(?:initialement|originellement|d['’]abord)\s+(?:publiée?|paru)|(?:publiée?|paru)\s+(?:initialement|originellement|d['’]abord))"
        rf"\s+(?:dans|sur|par)\s+{_NAME}{_LINE_END}",
        re.I,
    ),
    re.compile(
        rf"^\(?\s*(?:(?:este|esta)\s+(?:artículo|nota|columna|texto)\s+(?:fue\s+)?)?(?:publicad[oa]|aparecid[oa])\s+(?:originalmente|inicialmente|primero)"
        rf"\s+(?:en|por)\s+{_NAME}{_LINE_END}",
        re.I,
    ),
]
# Words the credit lines looked for outside the extracted text contain, lower-cased: a cheap
# test first. Kept beside the patterns so that they change together. A bare "Published by X"
# is read only among the story's closing lines: outside them it is a footer's legal line.
CREDIT_WORDS = (
    "courtesy", "source:", "source :", "quelle:", "fuente:", "fonte:", "bron:", "источник", "źródło", "kaynak", "πηγή", "المصدر",
    "מקור", "来源", "來源", "出典", "출처", "originally", "first appeared",
    "first published", "first posted", "first ran", "reprinted", "republished", "reproduced", "version of this", "erschienen",
    "veröffentlicht", "publié", "paru", "publicad", "aparecid",
)


def credit_words_in(text: str, words: tuple[str, ...] = CREDIT_WORDS) -> tuple[str, ...]:
    """The CREDIT_WORDS (or a subset of them) that text holds. Substring tests on the lower-cased
    text: a regex of them is slower (measured). A page's own words are the only ones worth
    testing on each of its text nodes."""
    lower = text.lower()
    return tuple(word for word in words if word in lower)

# A label line credits a publisher when it names one and at most says what it is ("Source:
# Harbour Wire", "Courtesy: X, a partner site"); it cites data when it also says what was
# taken: figures, a year, a survey ("Source: U.S. Census Bureau, 2020 estimates").
_DATA_CITATION = re.compile(
    r"\b(?:\d[\d,.%]*|data(?:sets?|base)?|figures|statistic(?:s|al)|estimates?|surveys?|census|polls?|polling|analysis"
    r"|calculations?|projections?|records|stud(?:y|ies)"
    r"|daten|statistik(?:en)?|umfragen?|erhebung|studie|datos|estadísticas?|encuesta|estudio|données|statistiques?|sondage|enquête|étude"
    r"|dati|statistiche|sondaggio|gegevens|onderzoek)\b",
    re.I,
)

# What a credit's "name" may turn out to be that names no publisher: a date ("on 3 May 2024",
# "im März 2023", "en marzo de 2020"), a language ("zuerst auf Englisch erschienen"), or the
# site's own pages ("in unserer Printausgabe", "dans notre édition", "im vergangenen Jahr").
_NOT_A_PUBLISHER = re.compile(
    rf"^[\d\s./-]+$|\b(?:{MONTH_NAMES})\b\.?(?:\s+de)?\s+\d|\d\.?\s*(?:{MONTH_NAMES})\b|\b\d{{4}}\b"
    r"|^(?:unser\w*|dies\w*|vergangen\w*|letzt\w*|notre|nos|nuestr[oa]s?|our|this|last|englisch|deutsch|französisch|spanisch"
    r"|english|german|french|spanish|inglés|español|francés|alemán|anglais|allemand|espagnol|français)\b",
    re.I,
)

# Closing lines are short; a long paragraph that merely mentions a source is body text.
_MAX_LINE_WORDS = 40
# Credit lines close the story: only its last few blocks are looked at. A republication
# note may also open it, as an editor's note above the first paragraph.
_CLOSING_BLOCKS = 3

# Wire agencies print an abbreviation in the dateline; the attribution names the agency.
WIRE_AGENCIES = {
    "AP": "Associated Press",
    "AFP": "Agence France-Presse",
    "Reuters": "Reuters",
    "UPI": "United Press International",
    "dpa": "dpa",
    "Bloomberg": "Bloomberg",
    "EFE": "EFE",
    "Europa Press": "Europa Press",
    "ANSA": "ANSA",
    "APA": "APA",
    "ANP": "ANP",
    "KNA": "KNA",
    "epd": "epd",
    "SDA": "Keystone-SDA",
    "Keystone-SDA": "Keystone-SDA",
    "ATS": "Keystone-ATS",
    "PA": "PA Media",
    "CP": "The Canadian Press",
    "AAP": "Australian Associated Press",
    "Kyodo": "Kyodo",
    "Yonhap": "Yonhap",
    "Xinhua": "Xinhua",
    "TASS": "TASS",
    "NTB": "NTB",
    "TT": "TT",
    "Ritzau": "Ritzau",
    "Business Wire": "Business Wire",
    "GLOBE NEWSWIRE": "GlobeNewswire",
    "PRNewswire": "PR Newswire",
}
_KNOWN_WIRES = {abbreviation.casefold(): name for abbreviation, name in WIRE_AGENCIES.items()}
# Abbreviations that also name other things ("the American Psychological Association (APA)", "Crohn's
# disease (CP)"): a wire only as printed, after a city in capitals.
_AMBIGUOUS_WIRES = {"AP", "APA", "ANP", "ATS", "CP", "PA", "SDA", "TT", "KNA", "NTB", "AAP"}
# A city in ordinary case: one to three capitalised words ("Paris", "Sevilla, 3 mar", "Bad Homburg").
_PLAIN_CITY = re.compile(r"^(?:[^\W\d_][^\W_]*['’.-]?\s?){1,3}(?:,.*)?$")
# "CITY (AP) —", "Paris (AFP) -", "Hannover (dpa/lni) -", "Sevilla, 3 mar (EFE).-", "(Reuters) -",
# "(ANSA) - ROMA, 05 MAR -": a known agency (a regional service after its slash) may follow any
# city or stand alone; any other name in parentheses needs an upper-case city before it.
# Press releases: "CITY, Country--(BUSINESS WIRE)--" and "CITY, March 9, 2026 /PRNewswire/ --".
_DATELINE = re.compile(
    r"^(?:(?P<city>[^\W\d_][\w.'’ -]{0,40}?(?:,\s*[\w.'’ ]{1,30}){0,3})\s*(?:--)?)?"
    r"(?:\((?P<wire>[^\W\d_][\w.&'’/ -]{0,40}?)\)|(?<=\s)/(?P<release_wire>PRNewswire)/)\.?\s*[—–-]{1,2}\s*"
    r"(?:[A-ZÀ-Þ][A-ZÀ-Þ'’ ]{1,30},\s*\d{1,2}\s+[A-ZÀ-Þ]{3,}\.?\s*[—–-]{1,2}\s*)?",
    re.UNICODE,
)


@dataclass(frozen=True)
class Attribution:
    publisher: str
    signal: str  # "closing-line" or "dateline": how it was found, for provenance


# Where the credit gives the publisher's address after its name ("… in Fieldline at https://…",
# "… at fieldline.org"): the address is not part of the name, "Knowledge at Wharton" is.
_AT_ADDRESS = re.compile(r"\s+at\s+(?:https?\b|www\.|[\w-]+\.[a-z]{2,}\b).*$", re.I)


def _publisher(match: re.Match | None) -> str | None:
    """The name a pattern matched, when it looks like one: two letters at least, and not a
    date, a language or the site's own pages (_NOT_A_PUBLISHER)."""
    if match is None:
        return None
    name = match.group("name").strip(" \"'“”„‘’‚«»‹›*_").removeprefix("the ")  # "appeared in the Canyon Journal"
    name = _AT_ADDRESS.sub("", name)
    return name if sum(char.isalpha() for char in name) >= 2 and not _NOT_A_PUBLISHER.search(name) else None


# What a correction says a story appeared in or was published in: no publisher.
_NOT_A_MEDIUM = re.compile(r"^(?:print|error|part|full|advance|draft|an?\s+(?:earlier|different|edited)|edited)\b", re.I)


def _names_a_publisher(name: str) -> bool:
    """A republication note's name is no correction's words: "appeared in print", "was published in
    error". Lower-case names are publishers too ("heise online", "der Süddeutschen Zeitung")."""
    return not _NOT_A_MEDIUM.match(name)


def _republication_publisher(line: str) -> str | None:
    if len(line.split()) > _MAX_LINE_WORDS:
        return None
    names = (_publisher(pattern.search(line)) for pattern in _REPUBLICATION_NOTES)
    return next((name for name in names if name and _names_a_publisher(name)), None)


def _credit_publisher(line: str) -> str | None:
    """The publisher a closing line credits: a republication note, or a label line that cites no data."""
    if len(line.split()) > _MAX_LINE_WORDS:
        return None
    if match := _LABEL_LINE.search(line):
        return None if _DATA_CITATION.search(line) else _publisher(match)
    return _republication_publisher(line)


def split_attribution(blocks: list[Block]) -> tuple[list[Block], Attribution | None]:
    """Remove attribution lines from the body; return what is left and the publisher.

    Credit lines are looked for among the last few blocks (and a republication note in the
    first): a "Source:" line in the middle of a story credits a chart or a quote, not the
    story. A closing line wins over a dateline when both are present: a reprint of wire copy
    names the site it took the story from, which is the nearer origin.
    """
    found: Attribution | None = None
    kept: list[Block] = []
    closing = len(blocks) - _CLOSING_BLOCKS
    for index, block in enumerate(blocks):
        credit = _credit_publisher if index >= closing else _opening_publisher if index == 0 else None
        if credit is _credit_publisher and index and blocks[index - 1].kind == ROW:
            credit = _republication_publisher  # "Source: X" under a table credits the table's figures, not the story
        if credit is not None:
            block, publisher = _without_credit_line(block, credit)
            found = found or (Attribution(publisher, "closing-line") if publisher else None)
        if block is not None:
            kept.append(block)
    if kept and (agency := _dateline_agency(kept[0].text)):
        rest = kept[0].text[agency[1]:].strip()
        kept[0:1] = [replace(kept[0], text=rest)] if rest else []  # a dateline printed as its own paragraph goes whole
        found = found or Attribution(agency[0], "dateline")
    return kept, found


# A news portal's header line: the time, then the source ("2026-03-10 15:22:08 来源：新华社").
_TIMESTAMP = re.compile(r"^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+")


def _opening_publisher(line: str) -> str | None:
    """The publisher an opening line credits: a republication note, or a portal's time and source."""
    if stamp := _TIMESTAMP.match(line):
        return _credit_publisher(line[stamp.end() :])
    return _republication_publisher(line)


def _without_credit_line(block: Block, credit: Callable[[str], str | None]) -> tuple[Block | None, str | None]:
    """(the block without its credit lines or None when nothing is left, the first publisher
    credited). A paragraph's lines are read one by one: "Source: X<br>Photo: Y" credits X."""
    kept, publishers = [], []
    for line in block.text.split("\n"):
        if publisher := credit(line):
            publishers.append(publisher)
        else:
            kept.append(line)
    if not publishers:
        return block, None
    return (replace(block, text="\n".join(kept)) if kept else None), publishers[0]


def _dateline_agency(paragraph: str) -> tuple[str, int] | None:
    """(agency, where the sentence starts) when the paragraph opens with a wire dateline."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    wire, city = (match.group("wire") or match.group("release_wire")).strip(), match.group("city")
    place = (city or "").split(",")[0].strip()
    capitals = bool(place) and place == place.upper()
    agency = wire.split("/")[0].strip()
    if known := _KNOWN_WIRES.get(agency.casefold()):
        if agency in _AMBIGUOUS_WIRES or agency.upper() in _AMBIGUOUS_WIRES:
            return (known, match.end()) if agency in _AMBIGUOUS_WIRES and (capitals or not city) else None
        plain_city = not city or capitals or all(word[:1].isupper() for word in place.split()) and _PLAIN_CITY.match(place)
        return (known, match.end()) if plain_city else None
    if capitals and len(wire.split()) <= 5 and not _DATE_IN_PARENTHESES.match(wire):  # "WASHINGTON (Aug. 13) --" prints a date
        return wire, match.end()
    return None


# "(Aug. 13)", "(Monday)": a date where the wire would stand ("(13 August)" is none: a wire opens
# with a letter); "(CBS4)", "(FOX 5 DC)" are stations
_DATE_IN_PARENTHESES = re.compile(rf"^(?:(?:{WEEKDAY_NAMES})\b|(?:{MONTH_NAMES})\.?\s*\d)", re.I)
# What an agency's site adds to its short name: "Yonhap News Agency", "AP News", "Anadolu Agency"
_AGENCY_NAME_WORDS = {"news", "agency", "press", "wire", "service", "services", "international", "english", "online", "newswire"}


def is_own_wire(attribution: Attribution, site_names: list[str]) -> bool:
    """Whether a dateline's agency is the site's own, by the short name it signs with: "(Yonhap)" on
    the site of "Yonhap News Agency". Whole words only, and only the words an agency's name adds:
    "(AP)" on capradio.example and "(Bloomberg)" on a licensee's "Bloomberg Línea" are reprints."""
    if attribution.signal != "dateline":
        return False
    signs = {attribution.publisher.casefold()} | {short for short, full in _KNOWN_WIRES.items() if full == attribution.publisher}
    return any(words[: len(wire)] == wire and set(words[len(wire):]) <= _AGENCY_NAME_WORDS
               for words in (name.casefold().split() for name in site_names) for wire in (sign.split() for sign in signs))


def find_attribution_line(lines: list[str]) -> Attribution | None:
    """The first attribution line among page text that extraction did not keep."""
    for line in lines:
        if publisher := _credit_publisher(" ".join(line.split())):
            return Attribution(publisher, "closing-line")
    return None
