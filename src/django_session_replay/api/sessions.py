"""Session queries for staff: the list, one session, its events as NDJSON."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import UUID

from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query
from ninja.pagination import paginate

# What ninja.Query(...) calls; mypy knows ninja.Query only as an annotation.
from ninja.params.functions import Query as query_param

from django_session_replay.audit import read as audit
from django_session_replay.audit.record import record
from django_session_replay.models import AuditEntry, ReplaySession
from django_session_replay.storage import ndjson, reader
from django_session_replay.timeline import read as timeline
from django_session_replay.wire.frames import ID_PATTERN

from .filters import SessionFilters
from .pagination import BoundedLimitOffset
from .router import api
from .schemas import AuditEntryOut, SessionDetailOut, SessionOut


@api.get("/sessions", response=list[SessionOut], url_name="sessions")
@paginate(BoundedLimitOffset)
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
    # A queryset, so the paginator slices it in the database; SessionOut's
    # resolvers turn each row of the page into its answer.
    return sessions


@api.get("/sessions/{session_id}", response=SessionDetailOut, url_name="session")
def get_session(request: HttpRequest, session_id: UUID) -> Any:
    session = get_object_or_404(ReplaySession.objects.select_related("user"), pk=session_id)
    replay = reverse("admin:django_session_replay_replaysession_replay", args=[session.pk])
    events = reverse("session_replay:events", args=[session.pk])
    # Read by SessionDetailOut next to the row's own fields.
    session.replay_url = request.build_absolute_uri(replay)  # type: ignore[attr-defined]
    session.events_url = request.build_absolute_uri(events)  # type: ignore[attr-defined]
    session.windows = reader.windows(session.pk)  # type: ignore[attr-defined]
    session.page_views = timeline.page_views(session.pk, None)  # type: ignore[attr-defined]
    return session


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
    record(AuditEntry.Action.EVENTS, session.pk, request.user, request.META.get("REMOTE_ADDR"))
    pieces = ndjson.pieces(session.pk, window)
    content: Iterator[bytes] | AsyncIterator[bytes] = (
        ndjson.pull_async(pieces) if isinstance(request, ASGIRequest) else pieces
    )
    response = StreamingHttpResponse(content, content_type="application/x-ndjson")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@api.get("/sessions/{session_id}/audit", response=list[AuditEntryOut], url_name="audit")
@paginate(BoundedLimitOffset)
def session_audit(request: HttpRequest, session_id: UUID) -> Any:
    entries = audit.entries(session_id)
    # Entries outlive a purged session, so they are listed while any is left.
    if not entries.exists() and not ReplaySession.objects.filter(pk=session_id).exists():
        raise Http404("No such session")
    return entries
