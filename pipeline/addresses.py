"""Which IP addresses a crawl may reach: one answer for the registry check and the crawler.

Sitemaps, feeds and redirects can point anywhere; a crawler that followed them to a private
address could be made to fetch an internal service or a cloud's metadata endpoint. The
standard library's `is_global` already excludes private, loopback, link-local, reserved,
unspecified and shared (100.64.0.0/10, carrier NAT, where some clouds serve instance
metadata) ranges; multicast and the IPv4 address an IPv6 form carries are judged here.
"""

from __future__ import annotations

import ipaddress

# IPv6 forms that carry an IPv4 address in their last 32 bits: NAT64's well-known prefix
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public(address: str) -> bool:
    """Whether an IP address (v4 or v6, in its canonical text) may be crawled by default."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not ip.is_multicast
