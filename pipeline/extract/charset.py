"""Bytes from a WARC record to an HTML string.

Bytes that decode as UTF-8 are UTF-8: multi-byte UTF-8 sequences practically never occur
by chance in legacy encodings, while servers often declare a default charset that the
page does not use. Otherwise the declared charset (HTTP header, then <meta charset>)
is used, and failing that trafilatura's detector (charset_normalizer) guesses.
"""

from __future__ import annotations

import codecs
import re

from trafilatura.utils import decode_file

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)


# WHATWG Encoding Standard: pages labelled latin-1 or ASCII are decoded as windows-1252.
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def _known(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(codec, codec)


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Charsets the response names, HTTP header first (it overrides <meta> per HTML5)."""
    names = []
    if content_type and (match := _HEADER_CHARSET.search(content_type)):
        names.append(match.group(1))
    if match := _META_CHARSET.search(body[:4096]):
        names.append(match.group(1).decode("ascii", "ignore"))
    return [codec for name in names if (codec := _known(name))]


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page as UTF-8 if it is valid UTF-8, else its declared charset, else a detected one."""
    for codec in ["utf-8", *declared_charsets(body, content_type)]:
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    return decode_file(body)
