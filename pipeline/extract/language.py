"""The page's language as an ISO 639-1 code: declared by the page, else detected.

Detection uses py3langid (the detector trafilatura itself uses when installed); its
model loads on first use, so pages that declare their language never pay for it.
"""

from __future__ import annotations

import re

from pipeline.extract.signals import PageSignals

# Short texts are guessed poorly; below this, an undeclared language stays unknown.
_MIN_DETECT_CHARS = 40
_CODE = re.compile(r"[a-z]{2}")


def code(value: str | None) -> str | None:
    """ISO 639-1 code from a declared tag such as "en-US", "de_DE" or "pt-br"."""
    if not value or not isinstance(value, str):
        return None
    primary = re.split(r"[-_]", value.strip())[0].lower()
    return primary if _CODE.fullmatch(primary) else None


def declared(signals: PageSignals) -> tuple[str | None, str | None]:
    in_language = signals.article.get("inLanguage")
    for signal, value in (
        ("html:lang", signals.html_lang),
        ("meta:content-language", signals.meta.get("content-language")),
        ("meta:og:locale", signals.meta.get("og:locale")),
        ("jsonld:inLanguage", in_language if isinstance(in_language, str) else None),
    ):
        if found := code(value):
            return found, signal
    return None, None


def detect(text: str) -> str | None:
    if len(text) < _MIN_DETECT_CHARS:
        return None
    import py3langid  # imported here: loading its model takes half a second

    found, _score = py3langid.classify(text)
    return found
