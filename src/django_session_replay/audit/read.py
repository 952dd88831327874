"""Reading the audit trail of one session, newest first."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from django_session_replay.models import AuditEntry

WATCHED_BY = 5  # viewers listed on the replay page
ADMIN_ENTRIES = 20  # entries on the session's admin page


def entries(session_id: UUID) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(session_id=session_id).order_by("-created", "-id")


def watched_by(session_id: UUID, limit: int = WATCHED_BY) -> list[AuditEntry]:
    """The last ``limit`` replay and live views (API reads are the player's own
    fetches or scripts, not someone watching)."""
    views = entries(session_id).filter(
        action__in=[AuditEntry.Action.REPLAY, AuditEntry.Action.LIVE]
    )
    return list(views[:limit])


def expired(days: int) -> QuerySet[AuditEntry]:
    """Entries older than ``days`` days; none when ``days`` is 0 (kept forever)."""
    if days == 0:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(created__lt=timezone.now() - timedelta(days=days))
