"""The dashboard's figures as JSON (insights/stats.py)."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema
from pydantic import model_validator

from django_session_replay.insights import stats

from .router import api


class StatsParams(Schema):
    """``start`` and ``end``: days (YYYY-MM-DD) in the site's time zone, both
    included; by default the 30 days up to today."""

    start: dt.date | None = None
    end: dt.date | None = None

    @model_validator(mode="after")
    def a_range(self) -> "StatsParams":
        stats.date_range(self.start, self.end)  # RangeError is a ValueError: a 422
        return self


class CountOut(Schema):
    count: int
    url: str


class DayOut(Schema):
    date: dt.date
    sessions: int
    url: str


class RowOut(Schema):
    label: str
    count: int
    sessions: int
    url: str


class VitalsOut(Schema):
    path: str
    lcp: float | None
    inp: float | None
    cls: float | None
    samples: int
    url: str


class StatsOut(Schema):
    """Each ``url`` is the admin session list filtered to the sessions counted."""

    start: dt.date
    end: dt.date
    timezone: str
    sessions: CountOut
    days: list[DayOut]
    active_now: CountOut
    median_duration_ms: int | None
    with_errors: CountOut
    error_share: float | None
    top_pages: list[RowOut]
    error_pages: list[RowOut]
    rage_clicks: list[RowOut]
    browsers: list[RowOut]
    operating_systems: list[RowOut]
    devices: list[RowOut]
    vitals: list[VitalsOut]
    console_errors: list[RowOut]
    failed_requests: list[RowOut]


@api.get("/stats", response=StatsOut, url_name="stats")
def get_stats(request: HttpRequest, params: Query[StatsParams]) -> Any:
    return stats.compute(stats.date_range(params.start, params.end))
