"""The HTTP API (django-ninja): session queries for staff, and the HTTP ingest door."""

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from django.core.exceptions import RequestDataTooBig
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import SessionAuth
from pydantic import field_validator

from . import ingest, ndjson, reader
from .conf import conf
from .models import ReplaySession
from .permissions import can_view
from .protocol import Code
from .schemas import ErrorOut, IngestOut, SessionDetailOut, SessionOut

logger = logging.getLogger(__name__)


class StaffWithViewPermission(SessionAuth):
    """Logged-in users (else 401) holding the app's view permission (else 403)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if not can_view(user):
            raise HttpError(403, "You need the session replay view permission.")
        return user


api = NinjaAPI(
    title="Session replay",
    version="1",
    urls_namespace="session_replay",
    auth=StaffWithViewPermission(),
)


class SessionFilters(Schema):
    active: bool | None = None
    user_id: int | None = Field(None, ge=0, le=2**63 - 1)
    username: str | None = Field(None, max_length=150)
    url: str | None = Field(None, max_length=2048)
    started_after: datetime | None = None
    started_before: datetime | None = None

    @field_validator("username", "url")
    @classmethod
    def no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain NUL")
        return value

    @field_validator("started_after", "started_before")
    @classmethod
    def in_utc_range(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        try:
            return value.astimezone(timezone.utc)
        except OverflowError:
            raise ValueError("is outside the years 1 to 9999 in UTC") from None


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
    window: str | None = Query(None, pattern=r"^[A-Za-z0-9_-]{1,64}$"),  # noqa: B008
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


@api.post(
    "/ingest",
    auth=None,
    url_name="ingest",
    response={
        200: IngestOut,
        400: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/msgpack": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def ingest_endpoint(request: HttpRequest) -> Any:
    """The HTTP door (navigator.sendBeacon on page hide): see docs/protocol.md."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    too_long = len(length) > 18  # also keeps int() clear of its digit limit
    if (
        not (length.isascii() and length.isdigit())
        or too_long
        or int(length) > conf.MAX_FRAME_BYTES
    ):
        return refused(Code.FRAME_TOO_LARGE, f"body over {conf.MAX_FRAME_BYTES} bytes", [])
    try:
        body = request.body
    except RequestDataTooBig:
        return refused(Code.FRAME_TOO_LARGE, "body too large", [])
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    try:
        result = ingest.ingest_http(body, origin)
    except Exception:
        # e.g. the database is down: the recorder keeps the batches and re-sends them
        logger.exception("session replay HTTP ingest failed")
        return refused(Code.SERVER_ERROR, "the batches could not be stored", [])
    if result.error is not None:
        return refused(result.error.code, result.error.msg, result.acked)
    return {"sid": result.session_id, "acked": result.acked}


def refused(code: Code, msg: str, acked: list[int]) -> HttpResponse:
    return JsonResponse({"code": code.text, "msg": msg, "acked": acked}, status=code.http_status)
