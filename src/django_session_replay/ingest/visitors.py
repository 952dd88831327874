"""Time on site: one Visitor row per visitor id, across its sessions. A new
session counts once (when it starts); the Telemetry processor adds each page
view's visible time. A purge leaves no Visitor row without sessions (``forget``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import F
from django.utils import timezone

from django_session_replay.models import ReplaySession, Visitor


def _add(visitor_id: str, when: datetime, sessions: int, visible_ms: int) -> None:
    if not visitor_id:
        return
    changes = {
        "last_seen": when,
        "session_count": F("session_count") + sessions,
        "visible_ms": F("visible_ms") + visible_ms,
    }
    if Visitor.objects.filter(pk=visitor_id).update(**changes):
        return
    _, created = Visitor.objects.get_or_create(
        pk=visitor_id,
        defaults={
            "first_seen": when,
            "last_seen": when,
            "session_count": sessions,
            "visible_ms": visible_ms,
        },
    )
    if not created:  # another thread made it first
        Visitor.objects.filter(pk=visitor_id).update(**changes)


def session_started(visitor_id: str, when: datetime) -> None:
    _add(visitor_id, when, 1, 0)


def page_time(visitor_id: str, visible_ms: int) -> None:
    _add(visitor_id, timezone.now(), 0, visible_ms)


def forget(visitor_ids: Iterable[str]) -> int:
    """Delete the Visitor rows of these ids that no session refers to any more
    (after a purge); the number deleted."""
    ids = sorted(set(visitor_ids) - {""})
    deleted = 0
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        kept = ReplaySession.objects.filter(visitor_id__in=chunk).values("visitor_id")
        count, _ = Visitor.objects.filter(pk__in=chunk).exclude(pk__in=kept).delete()
        deleted += count
    return deleted
