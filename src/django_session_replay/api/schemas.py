"""Shapes of the HTTP API's answers (OpenAPI comes from these)."""

from datetime import datetime
from uuid import UUID

from ninja import Schema


class SessionOut(Schema):
    id: UUID
    status: str
    created: datetime
    last_activity: datetime
    ended: datetime | None
    user_id: int | None
    username: str | None
    visitor_id: str
    entry_url: str
    user_agent: str
    screen: list[int] | None
    viewport: list[int] | None
    page_count: int
    event_count: int
    byte_count: int
    duration_ms: int


class SessionDetailOut(SessionOut):
    replay_url: str
    events_url: str
    windows: list[str]


class IngestOut(Schema):
    sid: UUID
    acked: list[int]


class ErrorOut(Schema):
    code: str
    msg: str
    acked: list[int] = []
