"""Canonical forms the dedup layers compare: URLs, bodies and publisher names.

Bodies are normalised column-wise with pyarrow's RE2 kernels rather than per-document
Python regexes: at 10k documents a second per core the Python loop alone would blow the
budget (measured: ~200 µs per document for re.findall versus ~40 µs for the whole
vectorised pass).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.urls import is_tracker

# Paragraphs that are about the article rather than part of it: a byline, a photo or
# image credit, a copyright line. They differ between copies of one story, so the exact
# layer ignores them. Anchored per paragraph (RE2 multi-line mode), at most a short line.
_CREDIT_LINES = (
    r"(?im)^[ \t]*(?:by[ \t]+[^\n]{1,80}"
    r"|(?:photo|image|picture|video|graphic|credit|photograph)s?[ \t]*(?:credit)?[ \t]*[:/|][^\n]{0,120}"
    r"|(?:copyright|©|\(c\))[^\n]{0,120})[ \t]*$"
)
# A dateline opening the body ("LONDON, March 3 —", "KYIV (Reuters) -"); extraction already
# removes wire datelines it recognises, this catches the plain-city ones.
_DATELINE = r"\A\s*\p{Lu}[\p{Lu} .'’-]{1,40}(?:,[^\n()—–-]{1,30})?\s*(?:\([^)\n]{1,40}\))?\s*[—–-]{1,2}\s+"
# Case, punctuation and digits do not make a different story: "3 March 2024" and
# "March 3rd" are the same date written two ways.
_NOT_LETTERS = r"[^\p{L}\s]+"


def body_words(texts: pa.Array | pa.ChunkedArray) -> pa.ListArray:
    """Each body as its list of normalised words (lower case, letters only), nulls as empty."""
    texts = pc.fill_null(texts, "")
    texts = pc.replace_substring_regex(texts, _CREDIT_LINES, "")
    texts = pc.replace_substring_regex(texts, _DATELINE, "")  # after: a byline may precede it
    texts = pc.replace_substring_regex(pc.utf8_lower(texts), _NOT_LETTERS, " ")
    # RE2's \s is ASCII whitespace, so every other character is gone by now and the
    # faster ASCII split is exact.
    words = pc.ascii_split_whitespace(pc.utf8_trim_whitespace(texts))
    return words.combine_chunks() if isinstance(words, pa.ChunkedArray) else words


def normalised_bodies(words: pa.ListArray) -> pa.Array:
    """The exact layer's canonical text: the normalised words joined by single spaces."""
    return pc.binary_join(words, " ")


_AMP_PATH = re.compile(r"(?:/amp/?|\.amp)$")


def url_key(url: str | None) -> str | None:
    """One key for every spelling of a URL: without tracking parameters (pipeline.urls), the
    rest of the query decoded, sorted and encoded again; courlan normalises host, port and path;
    on top, scheme, fragment, user info, www./amp./m. hosts, AMP paths and trailing slashes are
    variants of the same page. Not courlan's strict mode: it keeps only the query parameters it
    knows (id, p, page…), and ?story=1 and ?story=2 are two stories."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        normal = urlsplit(courlan.normalize_url(urlunsplit(parts._replace(query="", fragment="")), trailing_slash=False))
    except ValueError:
        return None
    host = normal.netloc.rpartition("@")[2]  # with a port other than the scheme's default, and IPv6 brackets
    for prefix in ("www.", "amp.", "m."):
        host = host.removeprefix(prefix)
    path = _AMP_PATH.sub("", normal.path).rstrip("/")
    pairs = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
             if not is_tracker(name) and name.lower() not in ("amp", "outputtype")]
    query = urlencode(sorted(pairs))
    return f"{host}{path}" + (f"?{query}" if query else "")


_NAME_NOISE = re.compile(r"^the\s+|\.(?:com|org|net|news|co\.uk|co|uk|example|test)$|[^\w]+|_", re.I)


def publisher_key(name: str | None) -> str | None:
    """'The Daily Planet', 'dailyplanet.com' and 'Daily-Planet' are one publisher."""
    if not name:
        return None
    key = name.strip().lower()
    previous = None
    while previous != key:
        previous, key = key, _NAME_NOISE.sub("", key)
    return key or None


def host_publisher_key(url: str | None) -> str | None:
    """The publisher a URL's host names: www.dailyplanet.example -> dailyplanet."""
    if not url:
        return None
    domain = courlan.extract_domain(url) or urlsplit(url).hostname or ""
    return publisher_key(domain.split(".")[0])
