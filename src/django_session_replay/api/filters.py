"""Query parameters of the session list, validated before any query runs."""

from datetime import datetime, timezone
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

MAX_DURATION = 10**9  # seconds, far past any session (min_duration)


class SessionFilters(Schema):
    active: bool | None = None
    user_id: int | None = Field(None, ge=0, le=2**63 - 1)
    username: str | None = Field(None, max_length=150)
    url: str | None = Field(None, max_length=2048)
    started_after: datetime | None = None
    started_before: datetime | None = None
    # Issue 12: what happened in the session (the timeline and indexed columns).
    visited: str | None = Field(None, max_length=2048)
    event: str | None = Field(None, max_length=255)
    has_errors: bool | None = None
    browser: str | None = Field(None, max_length=64)
    os: str | None = Field(None, max_length=64)
    device: str | None = Field(None, max_length=16)
    min_duration: float | None = Field(None, ge=0, le=MAX_DURATION, allow_inf_nan=False)
    q: str | None = Field(None, max_length=200)
    # Issue 14: frustration signals (timeline/signals.py).
    signal: Literal["rage_click", "dead_click", "error_click", "thrashing", "quick_back"] | None = (
        None
    )
    # Issue 14: a question in plain words (insights/ask.py); the others win over it.
    ask: str | None = Field(None, max_length=300)

    @field_validator("username", "url", "visited", "event", "browser", "os", "device", "q", "ask")
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
