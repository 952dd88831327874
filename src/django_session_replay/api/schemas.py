"""Shapes of the HTTP API's answers (OpenAPI comes from these)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema


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
