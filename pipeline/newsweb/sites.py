"""The four fixture sites: which source name, publisher name and loopback address each has.

These must agree with the repository's sources.yaml (a test checks it): each site gets its
own loopback IP so the spiders see really different domains on one shared port.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PORT = 8765


@dataclass(frozen=True)
class Site:
    source: str
    name: str
    ip: str


SITES: dict[str, Site] = {
    site.source: site
    for site in (
        Site("capitol_ledger", "The Capitol Ledger", "127.0.0.11"),
        Site("daily_courier", "Daily Courier", "127.0.0.12"),
        Site("metro_wire", "Metro Wire Online", "127.0.0.13"),
        Site("harbor_gazette", "Harbor Gazette", "127.0.0.14"),
    )
}


def base_urls(port: int = DEFAULT_PORT) -> dict[str, str]:
    return {source: f"http://{site.ip}:{port}" for source, site in SITES.items()}
