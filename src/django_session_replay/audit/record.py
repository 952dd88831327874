"""Writing an audit entry: one INSERT, and never the reason a page fails."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django_session_replay.models import AuditEntry
from django_session_replay.privacy.addresses import network

logger = logging.getLogger(__name__)


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
