"""Who wrote the story: people in one list, organisations (agencies, desks, the site) in another.

Bylines arrive as JSON-LD objects, as strings joining several names ("A and B"), or as
meta tags that sometimes hold a profile URL. Organisations are told apart by their
JSON-LD type, by naming the site itself, or by words people's names do not contain.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from pipeline.extract.attribution import WIRE_AGENCIES
from pipeline.extract.calendar import MONTH_NAMES, WEEKDAY_NAMES
from pipeline.extract.signals import REGEX_NS, node_types

ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "NGO", "GovernmentOrganization", "EducationalOrganization"}

# Joiners between names in one byline string, in the languages the corpus shows most.
# Word joiners only in lower case and between names: "Con Coughlin", "Ja Morant" and "En Liang Khong"
# start with one.
_JOINER_WORDS = r"and|And|und|og|och|en|ja|et|y|e|i|va|with|mit|avec|con"
# "A, B, and C": the serial comma's "and" joins too
_JOINERS = re.compile(rf"\s*,\s+(?:(?:{_JOINER_WORDS})\s+)?|\s*&\s+|(?<=\S)\s+(?:{_JOINER_WORDS})\s+|\s*[;/|•·]\s*")
# Job titles, with their feminine and plural endings ("Korrespondentin", "redactora", "inviata").
_ROLE_WORDS = (
    r"(?:correspondent|reporter|writer|columnist|kolumnist|journalist|contributor|critic|photographer|analyst|producer|editor"
    r"|korrespondent|redakteur|volontär|correspondant|journaliste|rédacteur|rédactrice|periodista|corresponsal|redactor"
    r"|giornalista|inviat|corrispondente|(?-i:CEO|CFO|CTO|COO)|(?:co-?)?founder)(?:in|innen|en|e|a|o|s)?"
)
# A part of a byline beside a person's name that is the person's role ("Jane Roe, Staff Writer", "Anna
# Muster, Korrespondentin in Berlin"), kept only for the agency or site it names ("AP Technology Writer");
# and parts that are the page's furniture ("| 5 min read", "| Updated 3 hours ago"), never names.
_ROLE = re.compile(rf"\b{_ROLE_WORDS}\b", re.I)
_FURNITURE = re.compile(
    r"\d.*\b(?:min|mins|minutes?|minuten|minutos|minuti|hours?|stunden|ago|read)\b|\b(?:updated|published|lesezeit|reading time)\b"
    r"|^(?:fotos?|photos?|bilder?|images?|grafik|illustrations?|video)\s*:",
    re.I,
)
# Credit words before names; Russian, Hebrew, Arabic, Chinese, Turkish, Greek, Polish and Hungarian besides.
_OTHER_SCRIPTS_CREDIT = r"автор(?:ы)?|текст|מאת|كتب|作者|yazan|haber|του|της|tekst|szerző|लेखक"
# Credit words before names, shared by the prefix a name loses and the line a credit starts.
_CREDIT_WORDS = r"by|von|par|por|door|av|(?:written|story|words|posted|reported) by|(?:additional\s+)?reporting by"
_PREFIX = re.compile(
    rf"^(?:{_CREDIT_WORDS}|di|autor(?:in)?|author|text|interview|{_OTHER_SCRIPTS_CREDIT})[:：\s]+", re.I,
)
# Japanese, Korean and Chinese bylines put the desk before the name and "reporter" after it:
# "社会部 山田 花子 記者", "김민준 기자".
_CJK_DESK = re.compile(r"^\S+部\s+")
_CJK_REPORTER = re.compile(r"\s*(?:記者|记者|기자|特派員|特派员|編集委員)(?:\s.*)?$")
# "Williams Perdomo @wperdomod": the writer's social handle after the name
_HANDLE = re.compile(r"\s+@\w+$")
# "Elena Muster (emu)": the desk's initials after a name
_TRAILING_INITIALS = re.compile(r"\s*\([^)]{1,8}\)\s*$")
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)
# A web address after the name ("Jane Roe (https://roe.example/jane/)", "Jane Roe - http://roe.example");
# a host without its scheme names the organisation ("Example Wave (www.example.com)"), which is_organisation reads
_URL_AFTER_NAME = re.compile(r"\s*(?:[-–|]\s*)?\(?\bhttps?://[^\s)]+\)?", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
# Wire services (abbreviated or in full), and newsroom words: a byline containing one is an organisation.
_AGENCIES = "|".join(map(re.escape, sorted({*WIRE_AGENCIES, *WIRE_AGENCIES.values()}, key=len, reverse=True)))
_AGENCY = re.compile(rf"\b(?:{_AGENCIES})\b", re.I)
_ORGANISATION_WORDS = re.compile(
    rf"\b(?:{_AGENCIES}"
    r"|press|presse|prensa|news|nachrichten|redaktion|redaction|rédaction|redacción|redazione|redação|redacao|redaksi|newsroom|staff|desk|equipe"
    r"|agency|agencies|agence|agences|agencia|agencias|agenzia|agenzie|agentur(?:en)?|ajansı|media|team|wire|editors?|editorial|online"
    r"|gmbh|ag|kg|inc|llc|ltd|verlag"
    # a newspaper's name, as a reprint's byline credits it ("Jane Roe, Chicago Tribune"); not words that are
    # also surnames (Post, Herald, Ledger, Courier)
    r"|times|tribune|gazette|chronicle|telegraph|inquirer|examiner|journal|observer|sentinel|dispatch|magazine"
    r"|zeitung|tagblatt|rundschau|anzeiger)\b"
    r"|(?-i:^The\s(?!(?:Rev|Revd|Reverend|Hon|Honourable|Honorable|Right|Rt|Very)\b))",  # no person's name opens with an article but a
    # title of office ("The Rev. Jane Roe"): "The Fairhaven Post" is a paper
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
    name = _PREFIX.sub("", " ".join(name.split()).strip(" ~→»«")).removeprefix("the ")  # "Jane Roe and the Associated Press"
    name = _HANDLE.sub("", name)
    if _CJK_REPORTER.search(name):
        name = _CJK_DESK.sub("", _CJK_REPORTER.sub("", name))
    if name[:1] in "(（" and name[-1:] in ")）":
        name = name[1:-1].strip()  # a signature in brackets: "（佐々木 美穂）", "(Jane Roe)"
    return _TRAILING_INITIALS.sub("", name).strip(" ,;|-–—")


def split_names(text: str) -> list[str]:
    """One printed byline string to its names ("A, B and C" -> [A, B, C])."""
    if _URL.search(text.strip()):
        return []
    names = [_clean_name(part) for part in _JOINERS.split(_PREFIX.sub("", _URL_AFTER_NAME.sub("", text).strip()))]
    return [
        name for name in names
        if any(ch.isalpha() for ch in name) and len(name.split()) <= _MAX_NAME_WORDS and not _EMAIL.fullmatch(name)
        and not _FURNITURE.search(name)
    ]


def is_site(name: str, site_names: list[str]) -> bool:
    """The name is, holds or is held in one of the site's names (bylines say "Example Staff")."""
    key = _key(name)
    return any(key and (key == site or key in site or site in key) for site in (_key(s) for s in site_names if s) if len(site) >= 3)


def is_exactly_site(name: str, site_names: list[str]) -> bool:
    """The name is one of the site's names, punctuation and case aside ("F.A.Z." on faz.net):
    a credit to "The Example Quarterly" on example.com names another publisher."""
    return _key(name) in {_key(site) for site in site_names}


def is_organisation(name: str, site_names: list[str]) -> bool:
    if is_site(name, site_names):
        return True
    if _ORGANISATION_WORDS.search(name) or _DOMAIN.search(name):
        return True
    letters = re.sub(r"\W", "", name)
    return len(name.split()) == 1 and letters.isupper() and len(letters) <= 5  # "TPN", "SID": an agency's initials


def _flat(value) -> list:
    """JSON-LD author values nest lists in lists ([person, [person]]): one flat list."""
    if not isinstance(value, list):
        return [value]
    return [item for inner in value for item in _flat(inner)]


def _jsonld_strings(value) -> list[tuple[str, bool]]:
    """(byline string, declared an organisation) for each JSON-LD author entry; HTML entities
    decoded, as templates write them into JSON ("H&#233;ctor": its ";" would split the name)."""
    strings = []
    for item in _flat(value):
        if isinstance(item, str):
            strings.append((html.unescape(item), False))
        elif isinstance(item, dict):
            types = node_types(item)
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                given, family = item.get("givenName"), item.get("familyName")
                name = " ".join(part for part in (given, family) if isinstance(part, str))
            if name and name.strip():
                strings.append((html.unescape(name), bool(types & ORGANISATION_TYPES)))
    return strings


def _add_string(byline: Byline, text: str, site_names: list[str], declared_org: bool = False) -> None:
    """One byline string's names into `byline`.

    The site's own name after people in the same string ("Jane Roe, Example Times") is their
    employer, not a co-author; on its own, or as its own entry, the site is kept as an organisation.
    """
    names = [part for name in split_names(text) for part in _without_agency_suffix(name) if part.casefold() not in _PLACEHOLDERS]
    roles = [name for name in names if _ROLE.search(name)]
    people = [name for name in names if name not in roles and not declared_org and not is_organisation(name, site_names)]
    if (len(names) >= 3 and names[-1] in people and names[-3] in people and (names[-2] in roles or is_site(names[-2], site_names))
            and re.search(rf",\s*{re.escape(names[-1])}\W*$", text)):
        # "Jane Roe, Example News, New York" on Example News's site: a last part after the site's name or
        # a role, and a comma, is where she writes from; one joined by "and" is a co-author ("Jane Roe,
        # Example News and John Doe"), as is one after another paper or a wire ("Jane Roe, Reuters, John Doe")
        people.remove(names.pop())
    if people:  # a role beside a name describes that person; one standing alone is the credit ("Guardian staff reporter")
        names = [name for name in names if name not in roles or _AGENCY.search(name) or is_site(name, site_names)]
    for name in names:
        if name in people:
            target = byline.people
        elif people and is_site(name, site_names):
            continue
        else:
            target = byline.organisations
        if name not in target:
            target.append(name)


# Services whose name is written in lower case or as a word ("dpa", "Reuters"), not a surname.
_LOWER_CASE_SERVICES = {"dpa", "reuters"}
# What a CMS fills the author field with when nobody is credited: no author at all.
_PLACEHOLDERS = {
    "admin", "administrator", "publisher", "super user", "unknown", "anonymous", "anónimo", "anonym", "unbenannt", "webmaster", "guest",
    "no author", "none",
}


def _without_agency_suffix(name: str) -> list[str]:
    """A name and the wire service printed after it without a comma, as US papers run wire copy
    ("LENA HARTWELL Associated Press", "Lena Hartwell AP Technology Writer"): two names. The
    service must end the name or be followed by a job title only, and be written as services are
    (in capitals, or in words such as "Associated Press"): "Michael R. Bloomberg" and "Ana Paula
    Efe" are people."""
    agency = _AGENCY.search(name)
    if agency is None:
        return [name]
    person, rest = name[: agency.start()].strip(" ,;|/-–—"), name[agency.end() :].strip()
    written_as_service = agency[0].isupper() or " " in agency[0] or agency[0].casefold() in _LOWER_CASE_SERVICES
    if (not written_as_service or rest and not _ROLE.search(rest)
            or not 2 <= len(person.split()) <= 4 or not all(word[0].isupper() for word in person.split())):
        return [name]
    return [person, name[agency.start() :]]


def byline_from_jsonld(value, site_names: list[str]) -> Byline:
    byline = Byline()
    for text, declared_org in _jsonld_strings(value):
        _add_string(byline, text, site_names, declared_org)
    return byline


def byline_from_text(text: str | None, site_names: list[str]) -> Byline:
    byline = Byline()
    _add_string(byline, text or "", site_names)
    return byline


# Parts of a page a byline never sits in: navigation, site header and footer, sidebars, figures
# and captions (a credit there is the photographer's or the painter's), the site's copyright box
# ("copyright-area": "Designed by …"; not a syndicated story's "syndication-copyright" credit),
# buttons ("Follow the author") and form fields (a comment form's "author" field is labelled
# "Name:"; some CMSs wrap the whole page in a <form>).
_OUTSIDE_CHROME = (
    "[not(ancestor::header[not(ancestor::article)]) and not(ancestor::nav) and not(ancestor::footer) and not(ancestor::aside)"
    " and not(ancestor-or-self::label) and not(.//input or .//textarea or .//select)"
    " and not(ancestor-or-self::figure) and not(ancestor-or-self::figcaption) and not(ancestor-or-self::button)"
    # a picture's caption or credit by its class ("thumbcaption", "wp-caption-text", "video-credit"; a bare "caption" styles bylines too)
    " and not(ancestor-or-self::*[not(self::body)][re:test(concat(' ', @class, ' '), '\\s(?:[\\w-]*(?:thumb|image|img|photo|picture|figure|media|wp)"
    "[-_]?caption[\\w-]*|[\\w-]*caption[-_]text|[\\w-]*(?:video|photo|image|img|picture|media)[-_]?credits?|copyright(?:[-_][\\w-]*)?)\\s', 'i')])"
    " and not(re:test(@class, 'btn|button|follow', 'i'))"
    # readers' comments credit their commenters, not the story: a box named for them ("comments-area",
    # not a body's "showing-comments"); plural names only: a UK op-ed's "comment" section or a German
    # "Kommentar" is the story
    " and not(ancestor::*[re:test(concat(' ', @class, ' ', @id), '\\s(?:comments|kommentare|komentarze|comentarios|commentaires"
    "|commenti|yorumlar|reacties|reader-responses|reader-replies|comment-list|commentlist|disqus)(?:$|[\\s_-])', 'i')])"
    # ... and a commenter's name wherever the comment sits ("comment-author vcard", "comment-author-link", "commentAuthor")
    " and not(ancestor-or-self::*[re:test(@class, '(?:^|\\s)comment[-_]?author', 'i')])]"
)
# Elements templates mark as the byline: rel/itemprop "author", classes or ids naming it, and
# links to an author's profile page (/author/jane-roe, /autoren/…, /journalists/…).
# Words in a class or id that name the byline's box ("author-name", "c-byline", "firma" in Spanish)
BYLINE_BOX_NAMES = "author|byline|signature|verfasser|autor|firma"
_MARKED_BYLINES = (
    f"//body//*[@rel='author' or @itemprop='author' or re:test(concat(@class, ' ', @id), '{BYLINE_BOX_NAMES}', 'i')"
    " or self::a[re:test(@href, '/(?:authors?|autor(?:en|in|innen|es|i)?|auteurs?|autores?|journalist(?:s|en|er)?|reporters?)/[^/?#]', 'i')]]"
    + _OUTSIDE_CHROME
)
# Credit lines without markup: text that starts with a credit word or an author label, not
# inside a link (a teaser for another story credits that story).
_CREDIT_START = (
    rf"^\s*(?:{_CREDIT_WORDS}|autor(?:in|en)?(?:/autor(?:in)?)?|authors?|auteurs?|autore|autora|text(?=\s*:)"
    rf"|{_OTHER_SCRIPTS_CREDIT})(?:\s|:|：|$)"
)
# ... or after the date on one line, past a separator: "October 9, 2026 · by Ellie Porter"
_CREDIT_AFTER_SEPARATOR = r"[|·•]\s*(?:by|von|par|por|door|av)\s+(?P<credit>\S.*)$"
_CREDIT_TEXT = re.compile(f"{_CREDIT_START}|{_CREDIT_AFTER_SEPARATOR}", re.I)
_IS_CREDIT_LINE = "self::*[ancestor::body][not(ancestor::a)]" + _OUTSIDE_CHROME
_CREDITED_PART = re.compile(_CREDIT_AFTER_SEPARATOR, re.I)
_CREDIT_LABEL = re.compile(_CREDIT_START + r"\s*:?\s*$", re.I)
# Korean stories are signed in their last paragraph: "김민준 기자 minjun@example.kr".
_SIGNATURE = r"^[가-힣]{2,4} ?(?:기자|특파원)(?: [^ ]+@[^ ]+)?$"
SIGNATURE = re.compile(_SIGNATURE)
_SIGNATURE_LINES = f"//body//p[re:test(normalize-space(.), '{_SIGNATURE}')]" + _OUTSIDE_CHROME
# A story paragraph that is nothing but a bold name, first or last in the story: how many
# smaller sites credit their reporters.
_BOLD_PARAGRAPHS = "//body//p[count(*)=1][b or strong]" + _OUTSIDE_CHROME
# A blogger's user name ("gizzmo") is no capitalised name, but markup that says "author" vouches for it.
_USER_NAME = re.compile(r"[a-z][\w.-]{2,30}")
# ... unless it is the desk's or the CMS's account ("newsdesk", "redakcja", "wpadmin", "editor1")
_DESK_ACCOUNT = re.compile(r"desk|redak|redac|redaz|toimitus|admin|editor|sponsor|staff|team|news|press|web", re.I)
_MARKED_AS_AUTHOR = (
    "ancestor-or-self::*[@rel='author' or @itemprop='author' or re:test(@class, '(?:^|\\s)(?:fn|author|vcard|username)(?:\\s|$)')]"
    " | .//a[@rel='author']"
)
_DESK_SUFFIX = re.compile(rf"\s*\((?:[a-z]{{2,5}}|{_AGENCIES})\)\s*$")
_BOLD_CREDIT_WORDS = (1, 10)  # "Reuters", "Jane Roe", "Jane Roe, John Doe and Amy Cho", "Juan Carlos Rodríguez y María José Pérez"
_RUNNING_TEXT_WORDS = 12  # a paragraph of running text holds a sentence; a standfirst line or a name is shorter
# Credit lines for a picture, a source, an editor or a translator are not the story's byline.
_OTHER_CREDIT = re.compile(
    r"^\(?\s*(?:fotos?|photos?|bild(?:er)?|images?|pictures?|illustrations?|grafik|video|credits?|quelle|sources?|fuente|fonte|фото|снимк[аи]|zdjęci[ea]"
    r"|redaktion|editors?|edited by|editing by|bearbeitung|übersetzung|translation|translated by)\s*:",
    re.I,
)
# Who built the site, credited in its corner: "Powered by …", "Website designed by …", "Content Management by …";
# a story's own line may credit its design after the reporter ("Story by X. Designed by Y.")
_SITE_BUILDER = re.compile(
    r"^\W*(?:(?:web)?site\s+|theme\s+)?(?:designed|powered|developed|hosted|crafted|content\s+management|web\s*design)(?:\s+and\s+\w+)?\s+by\b", re.I,
)
# A credit line's next sentence crediting someone else's work ("Story by X. Photos by Y. Designed and developed by Z.")
_NEXT_CREDIT = re.compile(r"\.\s+(?=[A-Z]\w*(?:\s+(?:and\s+)?\w+)?\s+by\b)")
# Links to section, category and tag pages label the story, they do not credit it.
_SECTION_LINK = re.compile(r"/(?:categor(?:y|ies)|tags?|topics?|sections?|rubrik|ressort|themen?)/", re.I)
_BLOCKS = {"div", "p", "li", "ul", "ol", "dl", "dt", "dd", "address", "section", "h1", "h2", "h3", "h4", "h5", "h6", "br"}
_MAX_BYLINE_CHARS = 120
# A printed byline often runs on into the date line or a place ("By Jane Roe in Paris"): cut it there.
# Month and day names start a date only before a number or a month ("March 5", "Monday, March 5"):
# alone they are first names ("Jan Hoffmann", "May Chen", "June Park", "August Berg").
_CALENDAR_WORD = re.compile(rf"(?:{MONTH_NAMES}|{WEEKDAY_NAMES})", re.I)
_DATE_LINE = re.compile(
    r"(?<!\w)\d|(?<!\w)in\s|\b(?:stand|(?:last\s+)?(?:updated|modified)|published|posted|veröffentlicht|(?:zuletzt\s+)?aktualisiert|publié"
    r"|mis à jour|publicado|actualizado)\b"
    rf"|\b(?:{MONTH_NAMES})(?=\s*\d)"
    rf"|\b(?:{WEEKDAY_NAMES})\b(?=,?\s+(?:\d|(?:{MONTH_NAMES})\b))"
    # a preposition before the day, in lower case ("Matthieu Hy le 3 mai", "hace 3 horas"): capitalised,
    # "Le", "Do" and "Sun" are surnames ("Ana Le 3 de mayo", "Thanh Do, 12.03.2024", "Lena H. Sun 12 May")
    r"|(?<!\w)(?-i:le|am|on|el|il|op)\s+(?=\d)|(?<!\w)(?-i:hace|vor|il y a)\s",
    re.I,
)
# A second author's card continues the first's: "and John Doe".
_LEADING_JOINER = re.compile(rf"^\s*(?:{_JOINER_WORDS}|&)\s+")
# "Kicker words von Jane Roe": the credit starts after the first "by"-word or author label
# (a later "von" belongs to a name: "By Ursula von der Leyen").
_CREDIT_WORD = re.compile(
    rf"^.*?(?<!\w)(?:by|von|par|por|av|door|autor(?:in)?|author|auteur|autore|autora|text(?=\s*:)|{_OTHER_SCRIPTS_CREDIT})(?!\w)[\s:：;]*", re.I,
)
# Lower-case words a name may contain: nobiliary and family particles, alone or joined ("al-Amin", "d'Arcy").
_PARTICLES = {
    "van", "von", "de", "der", "den", "del", "della", "da", "das", "dos", "do", "du", "di", "la", "le", "los", "las", "y", "bin", "binti", "al", "el", "ter", "ten",
    "zu", "af",
}
_JOINED_PARTICLE = re.compile(r"^(?:al|el|d|l)['’-]\w", re.I)
# A credit word followed by a lower-case word and two more: a sentence ("By entering this store you agree …"),
# not a particle ("von der Leyen"), "the" ("by the Associated Press"), a wire ("epd und KNA") or a user name ("gizzmo");
# see also _NAME_FOLLOWS.
_SENTENCE_AFTER_BY = re.compile(rf"^(?!(?i:{'|'.join(sorted({*_PARTICLES, 'the'}))}|{_AGENCIES})\b)[a-z]\w*\s+\S+\s+\S+")
# "By staff writer Jane Roe", "by special correspondent Ana Ruiz", "Von unserem Korrespondenten Max Muster": the
# role before the name, after words in lower case
_LEADING_ROLE = re.compile(rf"^(?:[a-zäöü]+\s+){{0,2}}(?i:{_ROLE_WORDS})[,:]?\s+(?=[A-Z])")
# ... a credit still when a name follows: another credit word's ("…, story by Jane Roe") or a comma's at its end
# ("Par notre envoyé spécial à Kyiv, Jean Dupont")
_NAME_FOLLOWS = re.compile(rf"\b(?:{_CREDIT_WORDS})\s+[A-Z]|,\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{1,2}}\s*$")
# Job titles printed under a name ("Senior Correspondent", "Wirtschaftsredakteurin"): a role, not a
# person; German compounds end in the role word.
_ROLE_WORD = re.compile(rf"{_ROLE_WORDS}$", re.I)


# Words of an author box's links and labels ("More Posts", "Alle Beiträge", "Autorenseite von"), never of a name.
# Only words no name holds: "More" and "Mehr" are surnames and given names too.
_INTERFACE_WORDS = {
    "posts", "beiträge", "artikel", "articles", "stories", "profile", "profil", "autorenseite", "über", "anmelden", "login", "website",
}


_QUOTED_OR_TITLED = re.compile(r'["„“”«»]|\w:\s')


def _looks_like_a_name(name: str) -> bool:
    """Every word capitalised but the particles: desk initials ("amw"), kicker words ("capital"),
    phrases ("Themen bearbeiten") and job titles are not names. Scripts without case pass."""
    if name.rstrip().endswith((":", "：")):  # a label ("Update:", "Musik:", "प्रकाशित:") whose value follows
        return False
    if _QUOTED_OR_TITLED.search(name):  # a quoted phrase ("„Data Analytics“") or a title ("Star Trek: The Next Generation")
        return False
    if not any(ch.isalpha() and ch.lower() != ch.upper() for ch in name):
        return True
    if len(name.split()) == 1 and len(re.sub(r"\W", "", name)) <= 2:  # a leftover "Do", "le", "am"
        return False
    if _CALENDAR_WORD.fullmatch(name.strip()):  # a fixture list's bold "July" heading
        return False
    words = [word for word in name.split() if word[0].isalpha()]
    if any(_ROLE_WORD.search(word) for word in words) or any(word.casefold() in _INTERFACE_WORDS for word in words):
        return False
    return any(word[0].isupper() for word in words) and all(
        word[0].isupper() or word in _PARTICLES or _JOINED_PARTICLE.match(word) for word in words
    )


def _text(element) -> str:
    """The element's text, leaving out buttons and links to section pages. Pieces are joined with
    spaces (templates set "By", names and dates in adjacent elements), blocks with "; " (one block
    per author is a common layout)."""
    pieces = []

    def walk(node):
        if node.tag == "button" or (node.tag == "a" and _SECTION_LINK.search(node.get("href", ""))):
            return
        pieces.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                block = child.tag in _BLOCKS
                pieces.append("; " if block else "")
                walk(child)
                pieces.append("; " if block else "")
            pieces.append(child.tail or "")

    walk(element)
    text = " ".join(" ".join(pieces).replace("\xa0", " ").split())
    return re.sub(r"(?:\s*;\s*)+", "; ", text).strip("; ")


def _credit_line(element):
    """The element holding the whole credit, None for a sentence that merely starts with "by"/"von".

    A credit line opens with a capital ("By", "Von:"), or in a script without case ("كتب:", "作者："); a
    label alone ("<b>Author</b> Jane Roe") credits with its parent's text.
    """
    text = _text(element)
    if not text[:1].isupper() and text[:1].lower() != text[:1].upper():
        return None
    return element.getparent() if _CREDIT_LABEL.match(text) and element.getparent() is not None else element


def _is_story_edge(paragraph) -> bool:
    """A bold-only paragraph with the story's running text on one side only (a short standfirst
    may come before it), that reads as a credit: every part a name (or a wire, alone), no figures,
    colon or brackets past the desk's initials. A bold "Hintergrund" or "Quellen" is a section's heading."""
    bold = paragraph[0]
    text = _text(paragraph)
    if text != _text(bold) or not text:
        return False
    credit = _DESK_SUFFIX.sub("", text)  # "Tamsin Achterberg (dpa)", "Jane Roe (AP)"; not "Mehr Infos (PDF)"
    words = len(credit.split())
    if not _BOLD_CREDIT_WORDS[0] <= words <= _BOLD_CREDIT_WORDS[1] or re.search(r"[\d:()]", credit):
        return False
    if words == 1 and not _AGENCY.fullmatch(credit):  # one word credits only as a wire ("Reuters"), not as a heading
        return False
    parts = split_names(_CREDIT_WORD.sub("", credit))
    if not parts or not all(_looks_like_a_name(part) or is_organisation(part, []) for part in parts):
        return False
    before = any(_is_running_text(p) for p in paragraph.itersiblings("p", preceding=True))
    after = any(_is_running_text(p) for p in paragraph.itersiblings("p"))
    return before != after


def _is_running_text(paragraph) -> bool:
    return len(_text(paragraph).split()) >= _RUNNING_TEXT_WORDS


def _credit_line_elements(tree) -> list:
    """Elements with a text that opens with a credit (see _CREDIT_START), in page order. Each text is
    matched with Python's regex here: an EXSLT regex in the XPath calls back into Python for every
    text node of the page, which took a tenth of the extraction's time."""
    elements = {}
    for text in tree.xpath("//body//text()[normalize-space()]"):
        if _CREDIT_TEXT.search(text):
            element = text.getparent().getparent() if text.is_tail else text.getparent()
            if element is not None and element not in elements and element.xpath(_IS_CREDIT_LINE, namespaces=REGEX_NS):
                elements[element] = None
    return list(elements)


def _candidates(tree, headline) -> list:
    """Marked bylines, credit lines, bold name paragraphs and signatures after the headline, in page order."""
    found = tree.xpath(_MARKED_BYLINES, namespaces=REGEX_NS)
    found += [line for element in _credit_line_elements(tree) if (line := _credit_line(element)) is not None]
    found += [p for p in tree.xpath(_BOLD_PARAGRAPHS, namespaces=REGEX_NS) if _is_story_edge(p)]
    found += tree.xpath(_SIGNATURE_LINES, namespaces=REGEX_NS)
    order = {element: index for index, element in enumerate(tree.iter())}
    start = order.get(headline, -1) if headline is not None else -1
    return sorted({e for e in found if order.get(e, -1) > start}, key=order.get)


def printed_byline(tree, headline, site_names: list[str]) -> Byline:
    """The byline as printed on the page: the first credit after the headline (when there is
    a headline: an author box further down describes, it does not credit) that names people,
    else the first naming organisations only.

    One card per author continues the credit ("By Jane Roe" then "and John Doe"), and so does an
    organisation's card between two people's ("Jane Roe", "Example News", "Tom Ashby"); one after the
    last person's, or the site's own, ends it (the employer, then maybe where she writes from).
    """
    first_organisations, found, last, between = Byline(), None, None, []
    for element in _candidates(tree, headline):
        if found is not None and (_outermost(element) is last or last in element.iterancestors()):
            continue  # a link inside the card already read
        if found is not None and _outermost(element) is not last.getnext():
            break  # the credit ended; a later one (an author box) describes
        byline = _byline_of(element, site_names)
        if found is not None:
            if not byline or byline.only_names_the_site(site_names):
                break
            if not byline.people:  # an organisation's card, kept if a person's follows; a job title's is no organisation
                between += [name for name in byline.organisations if not _ROLE.search(name) and name not in found.organisations + between]
            if byline.people:
                found.people += [name for name in byline.people if name not in found.people]
                found.organisations += between
                between = []
            last = _outermost(element)
        elif byline.people:
            found, last = byline, _outermost(element)
        elif byline and not first_organisations:
            first_organisations = byline
    return found or first_organisations


def _outermost(element):
    """The element itself, or the parent it fills alone (<div class="card"><a>Jane Roe</a></div>)."""
    while (parent := element.getparent()) is not None and len(parent) == 1 and not (parent.text or "").strip():
        element = parent
    return element


def _reads_as_prose(credit: str, site_names: list[str]) -> bool:
    """Whether a line that opens with a credit word is prose, not a credit ("Von den umliegenden Höfen
    kaufte der Burgherr … Speck, Kaminwurzen und Hartbrot", "Von Einheimischen, Gästen und ganz viel
    Kühen"): one of its parts is longer than a name, or holds two words in lower case that are no
    name particles ("Jose de la Cruz") and names no organisation ("Detroit News wire services")."""
    for part in _JOINERS.split(credit):
        words = part.split()
        if len(words) > _MAX_NAME_WORDS:
            return True
        if sum(word[:1].islower() and word.casefold() not in _PARTICLES for word in words) >= 2 and not is_organisation(part, site_names):
            return True
    return False


def _byline_of(element, site_names: list[str]) -> Byline:
    text = _text(element)
    if not text or len(text) > _MAX_BYLINE_CHARS or _OTHER_CREDIT.match(text) or _SITE_BUILDER.search(text):
        return Byline()
    if credited := _CREDITED_PART.search(text):
        text = credited["credit"]
    text = _NEXT_CREDIT.split(text, maxsplit=1)[0]
    if cut := _DATE_LINE.search(text):
        text = text[: cut.start()]
    credit = _LEADING_ROLE.sub("", _LEADING_JOINER.sub("", _CREDIT_WORD.sub("", text)))
    if (_SENTENCE_AFTER_BY.match(credit) or _reads_as_prose(credit, site_names)) and not _NAME_FOLLOWS.search(credit):
        return Byline()  # "By entering this store you agree to …": a sentence, no credit
    byline = byline_from_text(credit, site_names)
    byline.people = [name for name in byline.people if _looks_like_a_name(name)]
    if not byline and _USER_NAME.fullmatch(credit.strip()) and element.xpath(_MARKED_AS_AUTHOR, namespaces=REGEX_NS):
        name = credit.strip()
        if name.casefold() not in _PLACEHOLDERS and not _DESK_ACCOUNT.search(name) and not is_site(name, site_names):
            byline.people = [name]
    return byline
