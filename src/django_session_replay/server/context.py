"""The context cookie and the recorded request it marks.

The welcome frame carries ``ctx``, ``"<sid>:<win>"`` signed with
``Signer(salt=SALT)``; the recorder keeps it in the ``CONTEXT_COOKIE`` cookie, so
every request of that browser tells which session and window it belongs to. The
cookie is only ever read through ``Signer.unsign``: a bad signature is a request
that is not recorded.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.signing import BadSignature, Signer

from django_session_replay.wire.frames import WINDOW_ID

if TYPE_CHECKING:
    from django.http import HttpRequest

SALT = "django_session_replay.context"


def sign(session_id: UUID | str, window: str) -> str:
    return Signer(salt=SALT).sign(f"{session_id}:{window}")


def unsign(value: str) -> tuple[UUID, str] | None:
    """The session id and window the cookie names, or None when it is not ours."""
    try:
        text = Signer(salt=SALT).unsign(value)
    except BadSignature:
        return None
    sid, _, window = text.partition(":")
    try:
        session_id = UUID(sid)
    except ValueError:
        return None
    return (session_id, window) if WINDOW_ID.fullmatch(window) else None


@dataclass
class Recorded:
    """One request of a recorded browser, while it is handled."""

    session_id: UUID
    window: str
    window_start: int | None  # ms since the epoch: the window's first event, if any
    page: int  # the window's latest page view number (1 before any)
    request: HttpRequest
    started: float  # time.perf_counter()
    ts: int  # ms since the epoch
    sql_count: int = 0
    sql_seconds: float = 0.0
    exception: dict[str, Any] | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    linked: set[tuple[int, str]] = field(default_factory=set)  # (content type id, pk)


current: contextvars.ContextVar[Recorded | None] = contextvars.ContextVar(
    "django_session_replay_request", default=None
)


def recorded() -> Recorded | None:
    """The recorded request being handled in this context, if any."""
    return current.get()
