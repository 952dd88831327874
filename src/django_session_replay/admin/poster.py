"""The replay page's poster frame: the window's first full snapshot as static
HTML (poster/), which the page frames while the player loads, as a video's
poster image stands in until it plays."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from django_session_replay.audit.record import record
from django_session_replay.models import AuditEntry, ReplaySession
from django_session_replay.poster import html
from django_session_replay.poster.snapshot import Viewport, first_snapshot, first_viewport
from django_session_replay.storage import reader

from .csp import poster_policy

URL_NAME = "django_session_replay_replaysession_poster"
# What the page sizes the poster by when neither the hello nor a Meta event
# gave a viewport: the bench's and most laptops' window.
DEFAULT_VIEWPORT = Viewport(width=1366, height=768)


def poster_response(request: HttpRequest, session: ReplaySession) -> HttpResponse:
    """200 with the HTML; 204 (the frame stays blank) when the window has no
    full snapshot in its first events."""
    started = time.perf_counter()
    windows = reader.windows(session.pk)
    window = request.GET.get("window")
    if window not in windows:
        window = windows[0] if windows else None
    snapshot = first_snapshot(session.pk, window) if window else None
    read = time.perf_counter()
    if snapshot is None:
        response = HttpResponse(status=204)
    else:
        # The poster shows the recording: it is audited as a read of its events.
        record(AuditEntry.Action.EVENTS, session.pk, request.user, request.META.get("REMOTE_ADDR"))
        body = html.to_html(snapshot.node)
        # A lone surrogate (JSON allows "\ud800") has no UTF-8: shown as "?".
        response = HttpResponse(
            body.encode("utf-8", "replace"), content_type="text/html; charset=utf-8"
        )
    # Where the poster's time goes (the bench reads it, as browsers' devtools do).
    rendered = time.perf_counter()
    response["Server-Timing"] = (
        f"read;dur={(read - started) * 1000:.1f}, html;dur={(rendered - read) * 1000:.1f}"
    )
    response["Content-Security-Policy"] = poster_policy(session.entry_url)
    # Set here, so XFrameOptionsMiddleware (DENY by default) leaves it.
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


def poster_context(session: ReplaySession, window: str | None) -> dict[str, Any]:
    """What the replay page's template needs: the poster's URL, and the size it
    lays the page out at (the recorded viewport) for the page to scale it."""
    if window is None:
        return {"poster": None}
    if session.viewport_width and session.viewport_height:
        viewport = Viewport(width=session.viewport_width, height=session.viewport_height)
    else:
        viewport = first_viewport(session.pk, window) or DEFAULT_VIEWPORT
    url = reverse(f"admin:{URL_NAME}", args=[session.pk])
    return {
        "poster": {
            "url": f"{url}?{urlencode({'window': window})}",
            "width": viewport.width,
            "height": viewport.height,
        }
    }
