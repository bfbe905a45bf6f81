"""The headline, chosen among the page's title signals by agreement, without the site's affixes.

A page states its headline up to seven times: JSON-LD `headline`, <meta name="headline">,
og:title, twitter:title, microdata's itemprop="headline", the printed <h1> and <title>.
Publishers append or prepend their name, section or a date to some of them ("… | Example
Times", "EXAMPLE - …", "…：Example Digital"), and newsroom systems let editors word each one
differently (a search headline, a social headline).

1. A segment is cut when it names the site (site name, publisher, host), the section, a
   date or a byline: headlines legitimately contain " - " and ":" too; so is a slogan after
   the site's name.
2. Segments that one signal adds around another signal's whole text are this page's affix,
   whatever they say (a section, the site's name spelled otherwise), when they are shorter
   than that text or contain the site's name: that signal states the shorter headline. A
   kicker's colon ("Kicker: headline") is not such a separator: whether the kicker belongs
   to the headline is the publisher's choice, left as each signal has it.
3. The printed <h1> wins when a declared title (JSON-LD, og, twitter) states it too: readers
   see it, and the agreement shows it is the headline rather than a logo or a section name.
   It wins too when only <title> states it (beside a site affix) and the declared title shares
   one word with it at most: that declared "headline" describes the page.
   Otherwise the first signal in order of trust, in the wording of the first signal that
   states it without affixes; the <h1>'s wording still wins where it is that title as printed:
   in typographic dashes and quotes, or in full where the declared one was cut short ("…", or
   mid-phrase). A few more words in the <h1> after a whole declared title are the publisher's choice.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from pipeline.extract.blocks import INVISIBLE
from pipeline.extract.calendar import MONTH_NAMES, WEEKDAY_NAMES

# separators publishers put between headline and site name; CJK sites leave out the spaces
_SEPARATOR = re.compile(r"\s+[|\-–—·•*»›/:]\s+|\s*[|｜ㅣ：]\s*|\s+(?:::|--)\s+")
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door)\s+\S", re.I)
_DATE_SEGMENT = re.compile(r"^[\d\s./-]{6,}$")
# "March 14, 2024", "14. März 2024", "Thursday, 14 March 2024": a date in words, with its year
_WORDED_DATE_SEGMENT = re.compile(
    rf"^(?:(?:{WEEKDAY_NAMES}),?\s+)?(?:\d{{1,2}}\.?\s+(?:{MONTH_NAMES})\.?|(?:{MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?)\s+\d{{4}}$", re.I,
)
PRINTED, PAGE_TITLE = "h1", "html:title"


def title_key(text: str) -> str:
    """What two wordings of one headline share: case, spacing and punctuation aside."""
    return re.sub(r"\W+", "", text.casefold())


def _names_key(names: list[str]) -> list[str]:
    return [key for key in (title_key(name) for name in names if name) if len(key) >= 2]


def _is_affix(segment: str, name_keys: list[str]) -> bool:
    segment = segment.strip()
    if _BYLINE.match(segment) or _DATE_SEGMENT.match(segment) or _WORDED_DATE_SEGMENT.match(segment):
        return True
    key = title_key(segment)
    if not key:  # decoration without a letter or digit ("☆☆☆☆☆", "»")
        return True
    if len(key) < 2:
        return not segment.strip()
    return any(key == name or (len(key) >= 2 and (key in name or name in key) and len(key) <= len(name) + 4) for name in name_keys)


def clean_text(title: str) -> str:
    """Entities decoded (JSON-LD often carries them), invisible characters dropped, spaces collapsed."""
    return " ".join(INVISIBLE.sub("", html.unescape(title)).split())


def strip_site_affixes(title: str, names: list[str]) -> str:
    """Drop leading and trailing segments that name the site, a section, a date or a byline."""
    name_keys = _names_key(names)
    parts = _SEPARATOR.split(title)
    if len(parts) < 2 or not name_keys:
        return title
    separators = _SEPARATOR.findall(title)
    start, end = 0, _before_slogan(parts, name_keys)
    while end - start > 1 and _is_affix(parts[end - 1], name_keys):
        end -= 1
    while end - start > 1 and _is_affix(parts[start], name_keys):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    pieces = [parts[start]]
    for index in range(start + 1, end):
        pieces += [separators[index - 1], parts[index]]
    return "".join(pieces).strip()


def _before_slogan(parts: list[str], name_keys: list[str]) -> int:
    """Where the site's name and its slogan start ("Headline : Example-Archive | Notes on a genre |
    Since 2005"): a middle segment that is the site's name, with two segments or more after it, none
    of them an affix itself (the site's name again, a date, a byline). One segment after the name
    may be the headline ("Politics | Example Post | Headline"); so may the rest where the site's
    name comes again ("Ferry row - Example - council votes again | Example Post", with "Example"
    the host's name)."""
    for index in range(1, len(parts) - 2):
        if title_key(parts[index]) in name_keys:
            return index if not any(_is_affix(part, name_keys) for part in parts[index + 1 :]) else len(parts)
    return len(parts)


def stated_keys(title: str, names: list[str]) -> set[str]:
    """The comparison keys of a title signal and of each headline it may state between its
    separators ("Council passes the budget | Lowfield Star" states "Council passes the budget");
    `names` are the site's names, which may be longer than the headline they sit beside."""
    return {key for key in map(title_key, [title, *_cores(title, _names_key(names))]) if key}


def _cores(title: str, name_keys: list[str]) -> list[str]:
    """Each text `title` holds between two separators (or its ends), longer than what it leaves
    out unless what it leaves out names the site.

    The length condition keeps a short section name or logo text from passing for the headline
    that the real headline would be an affix of.
    """
    starts = [0] + [match.end() for match in _SEPARATOR.finditer(title)]
    ends = [match.start() for match in _SEPARATOR.finditer(title)] + [len(title)]
    cores = []
    for start in starts:
        for end in ends:
            core = title[start:end].strip()
            if end <= start or (start, end) == (0, len(title)):
                continue
            left_out = title_key(title[:start] + title[end:])
            if len(core) > len(title) - len(core) or any(len(name) >= 3 and name in left_out for name in name_keys):
                cores.append(core)
    return cores


@dataclass
class _Candidate:
    signal: str
    text: str
    key: str
    states: str  # the key of the headline this signal states, its affixes aside


def choose_title(declared: list[tuple[str, str | None]], printed: str | None, page_title: str | None,
                 names: list[str]) -> tuple[str | None, str | None]:
    """(title, signal) from the declared (signal, text) pairs in order of trust, the printed <h1>
    and the <title>; `names` are the site's names and section. See the module docstring."""
    candidates, name_keys = [], _names_key(names)
    for signal, raw in [*declared, (PRINTED, printed), (PAGE_TITLE, page_title)]:
        # a signal that is only the site's name (or the section's) states no headline
        if raw and (key := title_key(text := strip_site_affixes(clean_text(raw), names))) and key not in name_keys:
            candidates.append(_Candidate(signal, text, key, key))
    if not candidates:
        return None, None
    keys = {candidate.key for candidate in candidates}
    for candidate in candidates:
        if shorter := [title_key(core) for core in _cores(candidate.text, name_keys) if title_key(core) in keys]:
            candidate.states = min(shorter, key=len)
    chosen = candidates[0].states
    declared_signals = {signal for signal, _ in declared}
    headline = next((c for c in candidates if c.signal == PRINTED), None)
    if headline and any(c.states == headline.states for c in candidates if c.signal in declared_signals):
        chosen = headline.states
    elif headline and _titled_apart_from_description(candidates, headline, page_title, name_keys):
        chosen = headline.states
    wording = next(c for c in candidates if c.key == chosen)
    if headline and wording.signal != PRINTED and _prints_in_full(headline.text, wording.text):
        return headline.text, PRINTED
    return _DANGLING_SEPARATOR.sub("", wording.text), wording.signal


# Dash and quote glyphs that social and search titles plain-type ("-" for "–", '"' for "“")
_GLYPHS = str.maketrans({"–": "-", "—": "-", "‑": "-", "‐": "-", "‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")
_MAX_WORDS_ADDED = 3  # a declared title cut short leaves out a few words, not a standfirst
# Words no headline ends with: a declared title ending in one was cut mid-phrase (an attribute
# broken at an inner quote: content="… califica a Biden de "incapacitado"")
_PHRASE_OPENERS = {
    "a", "an", "the", "of", "to", "for", "in", "on", "at", "by", "with", "and", "or", "de", "del", "la", "le", "el", "les", "los", "las",
    "en", "et", "y", "e", "da", "do", "di", "der", "die", "das", "den", "dem", "des", "und", "von", "zu", "im", "mit", "für", "auf",
}
_DANGLING_SEPARATOR = re.compile(r"\s+[|\-]$")  # "Headline -": not a dash that leaves the line open ("… goes to —")


def _titled_apart_from_description(candidates: list[_Candidate], headline: _Candidate, page_title: str | None, name_keys: list[str]) -> bool:
    """Whether the <h1> is the page's title and the first declared one describes the page (a wiki's
    JSON-LD "headline" is the subject's description: "constitutional monarchy in Oceania" for "New
    Zealand"): <title> states the <h1> beside a site affix, the <h1> is more than a word and not the
    site's name (a blog's or a paper's name in its <h1> and its <title>), and the declared title shares
    one word at most with it. Another wording of one story shares its names and key words."""
    if not any(c.signal == PAGE_TITLE and c.states == headline.states for c in candidates):
        return False
    if title_key(clean_text(page_title or "")) == headline.key or len(_words(headline.text)) < 2 or _is_affix(headline.text, name_keys):
        return False
    return len(set(_words(candidates[0].text)) & set(_words(headline.text))) <= 1


def _words(text: str) -> list[str]:
    """Case-folded word by word, so that they stay aligned with the text's own words ("İ", "ß")."""
    return [word.casefold() for word in re.findall(r"\w+", text)]


def _prints_in_full(printed: str, title: str) -> bool:
    """Whether the printed <h1> is the chosen declared title as readers see it: the same words in
    its typographic glyphs, or its whole where the declared one was cut short ("…", or mid-phrase
    before a few last words). Not where the declared one adds a tail to the <h1> ("… - fixtures, results &
    scorecards"): publishers differ on whether that is the headline (measured)."""
    if printed != title and printed.translate(_GLYPHS) == title.translate(_GLYPHS):
        return True
    printed_words = list(re.finditer(r"\w+", printed))
    shown, declared = [word[0].casefold() for word in printed_words], _words(_ELLIPSIS.sub("", title))
    if not declared or len(shown) <= len(declared) or shown[: len(declared)] != declared:
        return False
    if _ELLIPSIS.search(title):
        return True
    rest = printed[printed_words[len(declared) - 1].end() :]  # after the words the two share
    cut_mid_phrase = declared[-1] in _PHRASE_OPENERS
    return cut_mid_phrase and len(shown) - len(declared) <= _MAX_WORDS_ADDED and not re.match(r"^\s*[|•·»›:\-–—]", rest) and not re.search(r"\d", rest)
