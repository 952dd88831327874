"""When a recording session may go on: decided here and nowhere else.

A session goes on while it has not ended, has had activity within IDLE_TIMEOUT
and is younger than MAX_DURATION; a batch is refused (session_full) when it
would take the session past MAX_SESSION_EVENTS or MAX_SESSION_BYTES. The
queryset filters (models.py), resume (ingest/sessions.py), the caps
(ingest/store.py), closing idle sessions and what the recorder is told
(recorder.py) all use these functions.

Whether a session is *active* (someone is there now: the list's status, its
filter, the API's ``active``, live viewing) is a shorter, separate window,
ACTIVE_WINDOW: a connected recorder touches its session's last activity while
it pings (ingest/presence.py), so a quiet open tab stays active and a closed
one turns inactive within ACTIVE_WINDOW, though it may still resume.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from .conf import conf
from .wire.codes import Code, ProtocolError

if TYPE_CHECKING:
    from .models import ReplaySession
    from .wire.frames import Batch


def idle_cutoff(now: datetime | None = None) -> datetime:
    """Sessions whose last activity is older than this are idle."""
    return (now or timezone.now()) - timedelta(seconds=conf.IDLE_TIMEOUT)


def duration_cutoff(now: datetime | None = None) -> datetime:
    """Sessions started before this are at their maximum duration."""
    return (now or timezone.now()) - timedelta(seconds=conf.MAX_DURATION)


def active_cutoff(now: datetime | None = None) -> datetime:
    """Sessions whose last activity is older than this are no longer active."""
    return (now or timezone.now()) - timedelta(seconds=conf.ACTIVE_WINDOW)


def is_active(session: ReplaySession, now: datetime | None = None) -> bool:
    """Recording now: not ended, activity within ACTIVE_WINDOW, below MAX_DURATION."""
    now = now or timezone.now()
    return (
        session.ended is None
        and session.last_activity >= active_cutoff(now)
        and session.created >= duration_cutoff(now)
    )


def may_continue(session: ReplaySession, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.ended is None
        and session.last_activity >= idle_cutoff(now)
        and session.created >= duration_cutoff(now)
    )


def refusal(session: ReplaySession, batch: Batch) -> ProtocolError | None:
    """Why the session may not take this batch, or None when it may."""
    if session.event_count + batch.event_count > conf.MAX_SESSION_EVENTS:
        return ProtocolError(Code.SESSION_FULL, "the session holds the most events allowed")
    if session.byte_count + batch.raw_bytes > conf.MAX_SESSION_BYTES:
        return ProtocolError(Code.SESSION_FULL, "the session holds the most bytes allowed")
    if session.created < duration_cutoff():
        return ProtocolError(Code.SESSION_FULL, "the session is at its maximum duration")
    return None


def token_max_age() -> int:
    """Seconds a resume token is honoured: no session outlives MAX_DURATION."""
    return conf.MAX_DURATION


def recorder_rules() -> dict[str, int]:
    """The same rules for the recorder, which decides locally whether its
    stored token is still worth offering (recorder.py renders these)."""
    return {"idleTimeoutMs": conf.IDLE_TIMEOUT * 1000, "maxDurationMs": conf.MAX_DURATION * 1000}
