"""Tracking parameters: the part of a listed URL that says where a click came from, not which page.

Feeds and newsletters append them (`?utm_source=rss`); left in, one page is fetched and stored
once per spelling. courlan knows the names; its list also holds short names that sites use for
the story's own id (`?cid=`, `?eid=`, `?uid=`), which are kept: dropping them would fetch, or
merge, another page.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan.clean import TRACKERS_RE

_ID_NAMES = {"cid", "eid", "uid"}


def is_tracker(name: str) -> bool:
    """A query parameter's name that tracks the click."""
    name = name.lower()
    return name not in _ID_NAMES and bool(TRACKERS_RE.search(name))


def query_pairs(query: str) -> list[str]:
    """The query's "name=value" pairs as written (no re-encoding)."""
    return [pair for pair in query.split("&") if pair]


def without_trackers(url: str) -> str:
    """The URL without its tracking parameters; the very same string when it has none, so that
    a site's own spelling of its query is fetched as listed."""
    parts = urlsplit(url)
    pairs = query_pairs(parts.query)
    kept = [pair for pair in pairs if not is_tracker(pair.split("=", 1)[0])]
    return url if len(kept) == len(pairs) else urlunsplit(parts._replace(query="&".join(kept)))
