"""Tracking parameters: the part of a listed URL that says where a click came from, not which page.

Feeds and newsletters append them (`?utm_source=rss`); left in, one page is fetched and stored
once per spelling. The names are ours, matched whole: courlan's pattern matches the start of any
name (`game`, `gallery` and `refid` pass for trackers) and includes short names that sites use
for the story's own id (`?cid=`, `?eid=`); dropping those would fetch, or merge, another page.

Also what a URL written by hand (a registry entry, `extract --url`) may not hold, checked before it is
fetched or written into a record.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

# Click ids of ad and social networks, newsletter and share tags, analytics suites' campaign tags
_TRACKER_NAMES = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "ysclid", "twclid", "ttclid", "igshid", "li_fat_id",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "ref", "ref_src", "referrer", "source", "cmpid", "ncid", "ocid", "icid",
    "xtor", "ito", "s_cid", "smid", "spm", "sr_share",
}
_TRACKER_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_", "oly_", "vero_")
# a DNS label as hosts spell them (letters, digits, hyphens inside; underscores, which some hosts use)
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)", re.I)


def is_tracker(name: str) -> bool:
    """A query parameter's name that tracks the click."""
    name = name.lower()
    return name in _TRACKER_NAMES or name.startswith(_TRACKER_PREFIXES)


def without_trackers(url: str) -> str:
    """The URL without its tracking parameters; the very same string when it has none, so that
    a site's own spelling of its query is fetched as listed."""
    parts = urlsplit(url)
    pairs = [pair for pair in parts.query.split("&") if pair]
    kept = [pair for pair in pairs if not is_tracker(pair.split("=", 1)[0])]
    return url if len(kept) == len(pairs) else urlunsplit(parts._replace(query="&".join(kept)))


def written_url_problem(url: str) -> str | None:
    """What no URL may hold as written, or None: whitespace (a pasted line break; Scrapy would
    send it, a record would keep it) or a port that is no number up to 65535 (Scrapy would only
    fail at start-up)."""
    if any(character.isspace() for character in url):
        return "URL contains whitespace"
    try:
        urlsplit(url).port  # noqa: B018 - reading it is the check
    except ValueError:
        return "bad port in URL"
    return None


def is_host(host: str) -> bool:
    """An IP address or a DNS name (IDNA for other scripts): not '-' nor 'exa_mple..com'."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        labels = host.removesuffix(".").encode("idna").decode("ascii").split(".")
    except UnicodeError:  # an empty or overlong label
        return False
    return all(_HOST_LABEL.fullmatch(label) for label in labels)
