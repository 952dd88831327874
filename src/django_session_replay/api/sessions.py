"""Session queries for staff: the list, one session, its events as NDJSON."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import UUID

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query
from ninja.pagination import LimitOffsetPagination, paginate

# What ninja.Query(...) calls; mypy knows ninja.Query only as an annotation.
from ninja.params.functions import Query as query_param

from django_session_replay.models import ReplaySession
from django_session_replay.storage import ndjson, reader
from django_session_replay.wire.frames import ID_PATTERN

from .filters import SessionFilters
from .router import api
from .schemas import SessionDetailOut, SessionOut


def session_out(session: ReplaySession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "status": session.status,
        "created": session.created,
        "last_activity": session.last_activity,
        "ended": session.ended,
        "user_id": session.user_id,
        "username": session.user.get_username() if session.user else None,
        "visitor_id": session.visitor_id,
        "entry_url": session.entry_url,
        "user_agent": session.user_agent,
        "screen": _pair(session.screen_width, session.screen_height),
        "viewport": _pair(session.viewport_width, session.viewport_height),
        "page_count": session.page_count,
        "event_count": session.event_count,
        "byte_count": session.byte_count,
        "duration_ms": session.duration_ms,
    }


def _pair(width: int | None, height: int | None) -> list[int] | None:
    return None if width is None or height is None else [width, height]


@api.get("/sessions", response=list[SessionOut], url_name="sessions")
@paginate(LimitOffsetPagination)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    sessions = ReplaySession.objects.select_related("user").order_by("-created")
    if filters.active is True:
        sessions = sessions.active()
    elif filters.active is False:
        sessions = sessions.inactive()
    if filters.user_id is not None:
        sessions = sessions.filter(user_id=filters.user_id)
    if filters.username:
        sessions = sessions.filter(user__username=filters.username)
    if filters.url:
        sessions = sessions.filter(entry_url__icontains=filters.url)
    if filters.started_after:
        sessions = sessions.filter(created__gte=filters.started_after)
    if filters.started_before:
        sessions = sessions.filter(created__lt=filters.started_before)
    return [session_out(session) for session in sessions]


@api.get("/sessions/{session_id}", response=SessionDetailOut, url_name="session")
def get_session(request: HttpRequest, session_id: UUID) -> Any:
    session = get_object_or_404(ReplaySession.objects.select_related("user"), pk=session_id)
    replay = reverse("admin:django_session_replay_replaysession_replay", args=[session.pk])
    events = reverse("session_replay:events", args=[session.pk])
    return {
        **session_out(session),
        "replay_url": request.build_absolute_uri(replay),
        "events_url": request.build_absolute_uri(events),
        "windows": reader.windows(session.pk),
    }


@api.get(
    "/sessions/{session_id}/events",
    url_name="events",
    openapi_extra={
        "responses": {
            200: {
                "description": "The session's rrweb events in playback order, one JSON "
                "object per line, streamed.",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            },
            404: {"description": "No such session"},
        }
    },
)
def session_events(
    request: HttpRequest,
    session_id: UUID,
    window: str | None = query_param(None, pattern=ID_PATTERN),  # noqa: B008
) -> Any:
    session = get_object_or_404(ReplaySession, pk=session_id)
    pieces = ndjson.pieces(session.pk, window)
    content: Iterator[bytes] | AsyncIterator[bytes] = (
        ndjson.pull_async(pieces) if isinstance(request, ASGIRequest) else pieces
    )
    response = StreamingHttpResponse(content, content_type="application/x-ndjson")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
