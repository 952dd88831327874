"""A session as one HTML file to keep or hand on: ``GET /sessions/{id}/export.html``
(django_session_replay/export.py builds it)."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import UUID

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja.errors import HttpError

from django_session_replay import export
from django_session_replay.audit.record import record
from django_session_replay.models import AuditEntry, ReplaySession
from django_session_replay.storage import ndjson

from .router import api

LIMIT_MIB = export.MAX_EXPORT_BYTES // export.MIB


@api.get(
    "/sessions/{session_id}/export.html",
    url_name="export",
    openapi_extra={
        "responses": {
            200: {
                "description": "One HTML file (an attachment) holding the player, its styles "
                "and every window's events, which replays the session opened from disk, "
                "offline. Streamed.",
                "content": {"text/html": {"schema": {"type": "string"}}},
            },
            404: {"description": "No such session"},
            413: {"description": f"More than {LIMIT_MIB} MiB of recorded events"},
            503: {"description": "The frontend bundles are not built"},
        }
    },
)
def session_export(request: HttpRequest, session_id: UUID) -> Any:
    session = get_object_or_404(ReplaySession, pk=session_id)
    try:
        bundles = export.bundles()
    except export.BundlesMissing as missing:
        raise HttpError(
            503,
            f"The player bundles are not built ({missing}): run `npm run build` in the "
            "frontend/ directory (an installed package ships them).",
        ) from None
    try:
        export.check_size(session)
    except export.TooLarge as large:
        raise HttpError(
            413,
            f"This session holds {large.size / export.MIB:.1f} MiB of recorded events; an "
            f"export holds at most {export.MAX_EXPORT_BYTES / export.MIB:g} MiB. Replay it "
            "in the admin instead.",
        ) from None
    record(AuditEntry.Action.EXPORT, session.pk, request.user, request.META.get("REMOTE_ADDR"))
    pieces = export.pieces(session, bundles)
    content: Iterator[bytes] | AsyncIterator[bytes] = (
        ndjson.pull_async(pieces) if isinstance(request, ASGIRequest) else pieces
    )
    response = StreamingHttpResponse(content, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(session.pk)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser show it rather than save it: the same policy as the file's own.
    response["Content-Security-Policy"] = export.content_security_policy(bundles)
    return response
