"""``ReplayContextFilter``: log records made during a recorded request carry
``replay_session_id`` and ``replay_url`` (the admin replay page at that moment);
its WARNING and above also go onto the session's timeline (docs/server.md)."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import NoReverseMatch, reverse

# Configured before the apps are loaded (django.setup() sets up LOGGING first):
# nothing imported here may import a model.
from .privacy.patterns import scrub_text
from .server import context

REPLAY_URL_NAME = "admin:django_session_replay_replaysession_replay"
MAX_LOGS = 100  # timeline rows one request may add
MAX_LABEL = 200


def log_row(record: logging.LogRecord) -> dict[str, Any]:
    """What a ``log`` timeline row keeps of a record (server/record.py writes it)."""
    return {
        "ts": int(record.created * 1000),
        "message": scrub_text(record.getMessage()[:MAX_LABEL]),
        "level": record.levelname.lower(),
        "detail": {"logger": record.name},
    }


def replay_url(recorded: context.Recorded, at_ms: int) -> str:
    """The replay page of the request's session and window, ``t`` ms into the window."""
    try:
        path = reverse(REPLAY_URL_NAME, args=[recorded.session_id])
    except NoReverseMatch:  # the admin is not mounted
        return ""
    start = recorded.window_start if recorded.window_start is not None else recorded.ts
    offset = max(0, at_ms - start)
    url = recorded.request.build_absolute_uri(path)
    return f"{url}?window={recorded.window}&t={offset}"


class ReplayContextFilter(logging.Filter):
    """Attach it to handlers (a handler's filter sees the records of every logger
    that reaches it); it never drops a record. Outside a recorded request both
    attributes are "", so a format string naming them always works."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "replay_session_id"):  # another handler stamped it already
            return True
        recorded = context.recorded()
        if recorded is None:
            record.replay_session_id = ""
            record.replay_url = ""
            return True
        at_ms = int(record.created * 1000)
        record.replay_session_id = str(recorded.session_id)
        try:
            record.replay_url = replay_url(recorded, at_ms)
        except Exception:  # a request whose host is not allowed, say
            record.replay_url = ""
        if record.levelno >= logging.WARNING and len(recorded.logs) < MAX_LOGS:
            recorded.logs.append(log_row(record))
        return True
