"""Query parameters of the session list, validated before any query runs."""

from datetime import datetime, timezone

from ninja import Field, Schema
from pydantic import field_validator


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
