"""Shapes of the HTTP API's answers (OpenAPI comes from these)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from django_session_replay.models import NOTE_MAX_LENGTH, NOTE_MAX_TS
from django_session_replay.wire.frames import WINDOW_ID


class SessionOut(Schema):
    """One session, read from a ReplaySession row (the resolvers below give the
    fields that are not columns), so a page of the list converts only its own rows."""

    id: UUID
    status: str
    created: datetime
    last_activity: datetime
    ended: datetime | None
    user_id: int | None
    username: str | None
    visitor_id: str
    entry_url: str
    entry_title: str
    referrer: str
    user_agent: str
    screen: list[int] | None
    viewport: list[int] | None
    page_count: int
    event_count: int
    byte_count: int
    duration_ms: int
    # Parsed from user_agent; the address as IP_ADDRESSES keeps it.
    browser: str
    os: str
    device: str
    ip_address: str | None
    identity: str
    identity_traits: dict[str, Any]
    # Browser telemetry (the Telemetry processor): counts, web-vital p75s
    # (ms; CLS unitless) and the visible time of the session's page views.
    console_error_count: int
    js_error_count: int
    failed_request_count: int
    lcp_p75: float | None
    cls_p75: float | None
    inp_p75: float | None
    visible_ms: int

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.status)

    @staticmethod
    def resolve_username(obj: Any) -> str | None:
        return str(obj.user.get_username()) if obj.user else None

    @staticmethod
    def resolve_screen(obj: Any) -> list[int] | None:
        return _pair(obj.screen_width, obj.screen_height)

    @staticmethod
    def resolve_viewport(obj: Any) -> list[int] | None:
        return _pair(obj.viewport_width, obj.viewport_height)


def _pair(width: int | None, height: int | None) -> list[int] | None:
    return None if width is None or height is None else [width, height]


class PageViewOut(Schema):
    """A page load or single-page-app navigation (the timeline's page_view rows)."""

    window: str
    page: int
    ts: int
    offset_ms: int
    title: str
    url: str
    referrer: str
    nav: str


class TimelineEntryOut(Schema):
    """One moment of the session (TimelineEntry): ``ts`` in ms since the epoch."""

    ts: int
    kind: str
    window: str
    label: str
    level: str
    detail: dict[str, Any]


class SessionDetailOut(SessionOut):
    replay_url: str
    events_url: str
    windows: list[str]
    page_views: list[PageViewOut]


class AuditEntryOut(Schema):
    """Who read the session, how, when, and from which network (AuditEntry)."""

    username: str
    action: str
    time: datetime
    address: str | None

    @staticmethod
    def resolve_time(obj: Any) -> datetime:
        return obj.created  # type: ignore[no-any-return]


class IngestOut(Schema):
    sid: UUID
    acked: list[int]


class ErrorOut(Schema):
    code: str
    msg: str
    acked: list[int] = []


class AskOut(Schema):
    """A question read into the list's filters (insights/ask.py)."""

    filters: dict[str, Any]
    description: str
    understood: list[str]
    unparsed: list[str]
    notes: list[str]
    backend: str


class NoteIn(Schema):
    """A note on a moment of a session (Note): ``ts`` on the recording's clock, ms
    since the epoch like the timeline's; ``window`` the tab it is about (blank:
    the session as a whole); ``text`` at most NOTE_MAX_LENGTH characters, not blank."""

    # strict: 12.5, "12" and true are refused, not read as an integer.
    ts: int = Field(..., ge=0, le=NOTE_MAX_TS, strict=True)
    window: str = Field("", pattern=f"^(?:{WINDOW_ID.pattern})?$")
    text: str = Field(..., min_length=1, max_length=NOTE_MAX_LENGTH)

    @field_validator("text")
    @classmethod
    def written(cls, value: str) -> str:
        # PostgreSQL stores no NUL. (A lone surrogate, which a JSON "\ud800" escape
        # can carry, pydantic refuses itself.)
        if "\x00" in value:
            raise ValueError("must not contain NUL")
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class NoteOut(Schema):
    """A note (Note); ``author`` the username of who wrote it (None once that
    user is deleted)."""

    id: int
    ts: int
    window: str
    text: str
    author: str | None
    created: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return str(obj.author.get_username()) if obj.author else None
