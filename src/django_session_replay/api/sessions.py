"""Session queries for staff: the list, one session, its events as NDJSON,
its timeline and its audit trail."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal
from uuid import UUID

from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query
from ninja.pagination import paginate

# What ninja.Query(...) calls; mypy knows ninja.Query only as an annotation.
from ninja.params.functions import Query as query_param

from django_session_replay.audit import read as audit
from django_session_replay.audit.record import record
from django_session_replay.insights import ask
from django_session_replay.models import AuditEntry, ReplaySession
from django_session_replay.storage import ndjson, reader, snapshots
from django_session_replay.timeline import find, search
from django_session_replay.timeline import read as timeline
from django_session_replay.wire.frames import ID_PATTERN

from .filters import SessionFilters
from .pagination import BoundedLimitOffset
from .router import api
from .schemas import AskOut, AuditEntryOut, SessionDetailOut, SessionOut, TimelineEntryOut


@api.get("/sessions", response=list[SessionOut], url_name="sessions")
@paginate(BoundedLimitOffset)
def list_sessions(
    request: HttpRequest, filters: Query[SessionFilters], response: HttpResponse
) -> Any:
    if filters.ask is not None:  # the question read, the other parameters winning
        answer = ask.applied(filters)
        filters = answer.filters
        response[ask.HEADER] = json.dumps(answer.as_json(), separators=(",", ":"))
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
    for column in ("browser", "os", "device"):
        if getattr(filters, column):
            sessions = sessions.filter(**{f"{column}__iexact": getattr(filters, column)})
    if filters.min_duration is not None:
        sessions = sessions.filter(duration_ms__gte=round(filters.min_duration * 1000))
    if filters.has_errors is not None:
        sessions = find.with_errors(sessions, filters.has_errors)
    if filters.visited:
        sessions = find.visited(sessions, filters.visited)
    if filters.event:
        sessions = find.with_event(sessions, filters.event)
    if filters.signal:
        sessions = find.with_signal(sessions, filters.signal)
    if filters.q:
        sessions = search.sessions_matching(sessions, filters.q)
    # A queryset, so the paginator slices it in the database; SessionOut's
    # resolvers turn each row of the page into its answer.
    return sessions


# Before /sessions/{session_id}, which would take "ask" for an id.
@api.get("/sessions/ask", response=AskOut, url_name="ask")
def ask_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    """The filters ``GET /sessions`` applies for the same parameters, what they
    find in words and the question's words that were not understood."""
    return ask.applied(filters).as_json()


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
    start: Literal["first", "last_snapshot"] = query_param(  # noqa: B008
        "first",
        description="Where each window's events begin: `first`, its first event "
        "(the default); `last_snapshot`, its last full snapshot (rrweb type 2), "
        "with the Meta event (type 4) just before it, which a player joining an "
        "active session needs to show the page as it is now. A window without a "
        "full snapshot is read whole.",
    ),
) -> Any:
    session = get_object_or_404(ReplaySession, pk=session_id)
    record(AuditEntry.Action.EVENTS, session.pk, request.user, request.META.get("REMOTE_ADDR"))
    read = snapshots.iter_events_from_last_snapshot if start == "last_snapshot" else None
    pieces = ndjson.pieces(session.pk, window, read)
    content: Iterator[bytes] | AsyncIterator[bytes] = (
        ndjson.pull_async(pieces) if isinstance(request, ASGIRequest) else pieces
    )
    response = StreamingHttpResponse(content, content_type="application/x-ndjson")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@api.get("/sessions/{session_id}/timeline", response=list[TimelineEntryOut], url_name="timeline")
def session_timeline(
    request: HttpRequest,
    session_id: UUID,
    window: str | None = query_param(None, pattern=ID_PATTERN),  # noqa: B008
) -> Any:
    """The session's timeline in time order, at most timeline.MAX_ENTRIES rows
    (not audited: it shows what happened, not the recording)."""
    if not ReplaySession.objects.filter(pk=session_id).exists():
        raise Http404("No such session")
    return timeline.entries(session_id, window)


@api.get("/sessions/{session_id}/audit", response=list[AuditEntryOut], url_name="audit")
@paginate(BoundedLimitOffset)
def session_audit(request: HttpRequest, session_id: UUID) -> Any:
    entries = audit.entries(session_id)
    # Entries outlive a purged session, so they are listed while any is left.
    if not entries.exists() and not ReplaySession.objects.filter(pk=session_id).exists():
        raise Http404("No such session")
    return entries
