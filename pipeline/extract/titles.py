"""Headlines without the site's name, section or date around them.

Publishers append or prepend their name to <title> and og:title ("… | Example Times",
"EXAMPLE - …", "…：Example Digital"). A segment is only cut when it names the site
(site name, publisher, host), the section, a date or a byline: headlines legitimately
contain " - " and ":" too.
"""

from __future__ import annotations

import html
import re

# separators publishers put between headline and site name; CJK sites leave out the spaces
_SEPARATOR = re.compile(r"\s+[|\-–—·•*»/:]\s+|\s*[|｜ㅣ：]\s*|\s+::\s+")
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door)\s+\S", re.I)
_DATE_SEGMENT = re.compile(r"^[\d\s./-]{6,}$")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff]")


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _names_key(names: list[str]) -> list[str]:
    return [key for key in (_key(name) for name in names if name) if len(key) >= 2]


def _is_affix(segment: str, name_keys: list[str]) -> bool:
    segment = segment.strip()
    if _BYLINE.match(segment) or _DATE_SEGMENT.match(segment):
        return True
    key = _key(segment)
    if len(key) < 2:
        return not segment.strip()
    return any(key == name or (len(key) >= 2 and (key in name or name in key) and len(key) <= len(name) + 4) for name in name_keys)


def clean_text(title: str) -> str:
    """Entities decoded (JSON-LD often carries them), invisible characters dropped, spaces collapsed."""
    return " ".join(_INVISIBLE.sub("", html.unescape(title)).split())


def strip_site_affixes(title: str, names: list[str]) -> str:
    """Drop leading and trailing segments that name the site, a section, a date or a byline."""
    name_keys = _names_key(names)
    parts = _SEPARATOR.split(title)
    if len(parts) < 2 or not name_keys:
        return title
    separators = _SEPARATOR.findall(title)
    start, end = 0, len(parts)
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
