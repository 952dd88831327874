"""A connected recorder that has nothing to send still counts as activity.

A session is Active while its last activity is within ACTIVE_WINDOW
(lifecycle.is_active), and only a stored batch moves last_activity. A tab left
open on a quiet page sends no batch for minutes, only a ``ping`` every third of
SOCKET_IDLE_TIMEOUT, so its socket touches the session on a ping
(transports/websocket.py), at most every TOUCH_SECONDS: one small UPDATE per
socket per half minute, never one per frame.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.utils import timezone

from django_session_replay.models import ReplaySession

# A socket touches its session at most this often (a batch counts as a touch).
# A quiet recorder's session therefore goes untouched for less than one ping
# interval plus this; E023 keeps ACTIVE_WINDOW above that.
TOUCH_SECONDS = 30


def longest_untouched(socket_idle_timeout: int) -> int:
    """Seconds a connected, quiet recorder's session may go without a touch: a
    ping every third of SOCKET_IDLE_TIMEOUT (recorder.py), one touching it at
    most every TOUCH_SECONDS."""
    return socket_idle_timeout // 3 + TOUCH_SECONDS


def touch(session_id: UUID, now: datetime | None = None) -> bool:
    """Move the session's last activity to now; an ended session, or one a batch
    touched later already, is left alone. Whether a row changed."""
    now = now or timezone.now()
    sessions = ReplaySession.objects.filter(
        pk=session_id, ended__isnull=True, last_activity__lt=now
    )
    return bool(sessions.update(last_activity=now))
