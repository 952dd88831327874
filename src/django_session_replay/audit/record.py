"""Writing an audit entry: one INSERT, and never the reason a page fails."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from uuid import UUID

from django_session_replay.models import AuditEntry

logger = logging.getLogger(__name__)

# How much of an address is kept: the network, enough to tell an office from a
# foreign country, not enough to single out one machine.
IPV4_PREFIX = 24
IPV6_PREFIX = 48


def network(address: str | None) -> str | None:
    """``address`` cut to its /24 (IPv4) or /48 (IPv6); None when it is no IP."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack server's view of an IPv4 client
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def record(action: str, session_id: UUID, user: Any, address: str | None) -> None:
    """Store one entry; a failed write is logged, the caller carries on (an
    audit outage must not lock staff out of replays)."""
    authenticated = user is not None and user.is_authenticated
    try:
        AuditEntry.objects.create(
            session_id=session_id,
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "",
            action=action,
            address=network(address),
        )
    except Exception:
        logger.exception("session replay audit entry not stored (%s %s)", action, session_id)
