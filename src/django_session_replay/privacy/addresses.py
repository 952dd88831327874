"""The visitor's address: which one to believe, and how much of it to keep.

The address is the connection's peer (the WebSocket scope's ``client``, an
HTTP request's ``REMOTE_ADDR``), unless that peer is one of
``TRUSTED_PROXIES``: then ``X-Forwarded-For`` is read from the right, past
every trusted proxy, and its first untrusted entry is the visitor. A header
from an untrusted peer is never read (anyone can send one).

``IP_ADDRESSES`` decides what a session keeps: ``"truncate"`` (the default)
the network, IPv4 /24 and IPv6 /48, enough to tell an office from a foreign
country, not enough to single out one machine; ``"full"`` the address;
``"none"`` nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django_session_replay.conf import conf

IPV4_PREFIX = 24
IPV6_PREFIX = 48

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse(address: str | None) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # a dual-stack server's view of an IPv4 client
    return ip


def network(address: str | None) -> str | None:
    """``address`` cut to its /24 (IPv4) or /48 (IPv6); None when it is no IP."""
    ip = parse(address)
    if ip is None:
        return None
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted(ip: IPAddress) -> bool:
    return any(
        ip.version == net.version and ip in net for net in _networks(tuple(conf.TRUSTED_PROXIES))
    )


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The visitor's address as a string, or None when there is no readable one."""
    ip = parse(peer)
    if ip is None or not forwarded_for or not trusted(ip):
        return None if ip is None else str(ip)
    for entry in reversed(forwarded_for.split(",")):
        hop = parse(entry)
        if hop is None:  # garbage (or "unknown"): nothing left of it can be believed
            return str(ip)
        if not trusted(hop):
            return str(hop)
        ip = hop
    return str(ip)  # every hop was a proxy: the leftmost one is as far as we can see


def stored(address: str | None) -> str | None:
    """What a session keeps of ``address``, as ``IP_ADDRESSES`` says."""
    mode = conf.IP_ADDRESSES
    if mode == "none":
        return None
    if mode == "full":
        ip = parse(address)
        return None if ip is None else str(ip)
    return network(address)
