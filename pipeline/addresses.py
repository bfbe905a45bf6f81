"""Which IP addresses a crawl may reach: one answer for the registry check and the crawler.

Sitemaps, feeds and redirects can point anywhere; a crawler that followed them to a private
address could be made to fetch an internal service or a cloud's metadata endpoint. The
standard library's `is_global` already excludes private, loopback, link-local, unspecified
and shared (100.64.0.0/10, carrier NAT, where some clouds serve instance metadata) ranges;
reserved (IPv6's ::/8, where IPv4-compatible forms such as ::7f00:1 live), multicast and the
IPv4 address an IPv6 form carries are judged here.
"""

from __future__ import annotations

import ipaddress

# IPv6 forms that carry an IPv4 address in their last 32 bits: NAT64's well-known prefix; its
# local-use prefix (RFC 8215) reaches only the operator's own network
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def is_public(address: str) -> bool:
    """Whether an IP address (v4 or v6, in its canonical text) may be crawled by default."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip in _LOCAL_NAT64:
            return False
        elif ip.sixtofour:  # 6to4 (2002::/16) carries an IPv4 address too
            ip = ip.sixtofour
    return ip.is_global and not ip.is_multicast and not ip.is_reserved  # IPv6's is_global lets reserved ::/8 through
