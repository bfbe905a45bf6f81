"""Who wrote the story: people in one list, organisations (agencies, desks, the site) in another.

Bylines arrive as JSON-LD objects, as strings joining several names ("A and B"), or as
meta tags that sometimes hold a profile URL. Organisations are told apart by their
JSON-LD type, by naming the site itself, or by words people's names do not contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "NGO", "GovernmentOrganization", "EducationalOrganization"}

# Joiners between names in one byline string, in the languages the corpus shows most.
_JOINERS = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bog\b|\bet\b|\by\b|\be\b|\bi\b|\bva\b)\s+", re.I)
_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|autor(?:in)?|author|text|written by|reporting by)[:\s]+", re.I)
# "Elena Muster (emu)": the desk's initials after a name
_TRAILING_INITIALS = re.compile(r"\s*\([^)]{1,8}\)\s*$")
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
# Wire services and newsroom words: a byline containing one is an organisation.
_ORGANISATION_WORDS = re.compile(
    r"\b(?:AP|AFP|APA|ANP|ANSA|dpa|epd|EFE|KNA|SDA|Keystone-SDA|PA|UPI|TASS|Reuters|Xinhua|Bloomberg"
    r"|press|presse|prensa|news|nachrichten|redaktion|redaction|rédaction|redacción|redazione|newsroom|staff|desk"
    r"|agency|agence|agencia|agenzia|agentur(?:en)?|ajansı|media|team|wire|editors?|editorial|online)\b",
    re.I,
)
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,3})$", re.I)
# more than this many words is a sentence or a job description, not a name
_MAX_NAME_WORDS = 6


@dataclass
class Byline:
    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.people or self.organisations)

    def only_names_the_site(self, site_names: list[str]) -> bool:
        """The byline is the publisher itself: a CMS default, not who wrote the story."""
        return not self.people and all(is_site(name, site_names) for name in self.organisations)

    @property
    def people_joined(self) -> str | None:
        """The `author` column: the byline's people joined with '; '."""
        return "; ".join(self.people) or None


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _clean_name(name: str) -> str:
    name = _PREFIX.sub("", " ".join(name.split()))
    return _TRAILING_INITIALS.sub("", name).strip(" ,;|-–—")


def split_names(text: str) -> list[str]:
    """One printed byline string to its names ("A, B and C" -> [A, B, C])."""
    if _URL.search(text.strip()):
        return []
    names = [_clean_name(part) for part in _JOINERS.split(_PREFIX.sub("", text.strip()))]
    return [name for name in names if name and len(name.split()) <= _MAX_NAME_WORDS and not _EMAIL.fullmatch(name)]


def is_site(name: str, site_names: list[str]) -> bool:
    key = _key(name)
    return any(key and (key == site or key in site or site in key) for site in (_key(s) for s in site_names if s) if len(site) >= 3)


def is_organisation(name: str, site_names: list[str]) -> bool:
    if is_site(name, site_names):
        return True
    if _ORGANISATION_WORDS.search(name) or _DOMAIN.search(name):
        return True
    letters = re.sub(r"\W", "", name)
    return len(name.split()) == 1 and letters.isupper() and len(letters) <= 5  # "TPN", "SID": an agency's initials


def _jsonld_entries(value) -> list[tuple[str, bool]]:
    """(name, declared organisation) for each JSON-LD author entry."""
    entries = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            entries += [(name, False) for name in split_names(item)]
        elif isinstance(item, dict):
            types = item.get("@type", [])
            types = {types} if isinstance(types, str) else set(types)
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                given, family = item.get("givenName"), item.get("familyName")
                name = " ".join(part for part in (given, family) if isinstance(part, str))
            if name and name.strip():
                declared_org = bool(types & ORGANISATION_TYPES)
                entries += [(part, declared_org) for part in split_names(name)]
    return entries


def byline_from_jsonld(value, site_names: list[str]) -> Byline:
    byline = Byline()
    for name, declared_org in _jsonld_entries(value):
        target = byline.organisations if declared_org or is_organisation(name, site_names) else byline.people
        if name not in target:
            target.append(name)
    return byline


def byline_from_text(text: str | None, site_names: list[str]) -> Byline:
    byline = Byline()
    for name in split_names(text or ""):
        target = byline.organisations if is_organisation(name, site_names) else byline.people
        if name not in target:
            target.append(name)
    return byline


# Elements templates mark as the byline: rel/itemprop "author", classes or ids naming it.
_BYLINE_ELEMENTS = (
    "//body//*[@rel='author' or @itemprop='author' or re:test(concat(@class, ' ', @id), 'author|byline|verfasser|autor', 'i')]"
    "[not(ancestor::header[not(ancestor::article)]) and not(ancestor::nav) and not(ancestor::footer) and not(ancestor::aside)]"
)
_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}
_MAX_BYLINE_CHARS = 120
# A printed byline often runs on into the date line: cut it there.
_DATE_LINE = re.compile(
    r"\d|\b(?:stand|updated|published|posted|veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?|january|february|march|april|may|june|july|august"
    r"|september|october|november|december|januar|februar|märz|juni|juli|oktober|dezember"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
# "Kicker words von Jane Roe": the credit starts at the last "by"-word.
_CREDIT_WORD = re.compile(r"^.*\b(?:by|von|par|por|av|door)\s+", re.I)


def _looks_like_a_name(name: str) -> bool:
    """Desk initials ("amw") and kicker words ("capital") are lower case; names are not."""
    return any(ch.isupper() for ch in name) or not any(ch.isascii() and ch.isalpha() for ch in name)


def printed_byline(tree, headline, site_names: list[str]) -> Byline:
    """The byline as printed on the page: the first element marked as one, after the headline
    when there is a headline (an author box further down describes, it does not credit)."""
    candidates = tree.xpath(_BYLINE_ELEMENTS, namespaces=_REGEX_NS)
    if headline is not None and candidates:
        order = {element: index for index, element in enumerate(tree.iter())}
        start = order.get(headline, 0)
        candidates = sorted((e for e in candidates if order.get(e, -1) > start), key=order.get)
    for element in candidates:
        text = " ".join(element.text_content().split())
        if not text or len(text) > _MAX_BYLINE_CHARS:
            continue
        if cut := _DATE_LINE.search(text):
            text = text[: cut.start()]
        text = _CREDIT_WORD.sub("", text)
        byline = byline_from_text(text, site_names)
        byline.people = [name for name in byline.people if _looks_like_a_name(name)]
        if byline:
            return byline
    return Byline()
