"""The dashboard's figures for a range of days (the admin page and ``GET /api/stats``).

Days are the site's days: ``start`` and ``end`` are dates in the current time
zone (``TIME_ZONE`` unless activated otherwise), both included, and a session
belongs to the day it started on. Every figure is an aggregate of indexed
session columns or of the timeline table, never of a chunk, and carries the
link to the admin session list filtered to the sessions it counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connections
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, StrIndex, Substr, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from django_session_replay.models import DASHBOARD_VITALS, PAGE_ERRORS, ReplaySession, TimelineEntry
from django_session_replay.timeline import find
from django_session_replay.timeline.paths import path_of
from django_session_replay.timeline.plugins import CONSOLE_ERRORS
from django_session_replay.timeline.telemetry import p75

Kind = TimelineEntry.Kind
DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP = 10  # rows of each top list
VITALS = DASHBOARD_VITALS  # the Core Web Vitals


class RangeError(ValueError):
    """A range the figures are not computed for (the message says why)."""


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The first instant of ``start`` and of the day after ``end``, in the current zone."""
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return first, after


def date_range(start: dt.date | None = None, end: dt.date | None = None) -> DateRange:
    """The range asked for: ``end`` defaults to today, ``start`` to 30 days up to
    ``end``. Raises RangeError for start after end, more than MAX_DAYS days or
    a date whose day cannot be stored."""
    if end is None:
        end = timezone.localdate()
    if start is None:
        try:
            start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:
            raise RangeError("end is too early") from None
    if start > end:
        raise RangeError("start must not be after end")
    picked = DateRange(start, end)
    if picked.days > MAX_DAYS:
        raise RangeError(f"the range must not be longer than {MAX_DAYS} days")
    try:  # the instants around the first and last day, in UTC too
        for instant in picked.bounds():
            instant.astimezone(dt.timezone.utc)
    except OverflowError:
        raise RangeError("the dates must be between the years 1 and 9999") from None
    return picked


# -- what the figures are ------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    date: dt.date
    sessions: int
    url: str


@dataclass(frozen=True)
class Figure:
    """A number and the list of the sessions it counts."""

    count: int
    url: str


@dataclass(frozen=True)
class Row:
    """One line of a top list: ``count`` things (views, errors, clicks, sessions)
    in ``sessions`` sessions, the ones ``url`` lists."""

    label: str
    count: int
    sessions: int
    url: str


@dataclass(frozen=True)
class VitalsRow:
    path: str
    lcp: float | None  # ms
    inp: float | None  # ms
    cls: float | None  # unitless
    samples: int
    url: str  # the sessions that visited the page


@dataclass
class Stats:
    start: dt.date
    end: dt.date
    timezone: str
    sessions: Figure
    days: list[Day]
    active_now: Figure
    median_duration_ms: int | None
    with_errors: Figure
    error_share: float | None  # of the range's sessions, 0 to 1
    top_pages: list[Row] = field(default_factory=list)
    error_pages: list[Row] = field(default_factory=list)
    rage_clicks: list[Row] = field(default_factory=list)
    browsers: list[Row] = field(default_factory=list)
    operating_systems: list[Row] = field(default_factory=list)
    devices: list[Row] = field(default_factory=list)
    vitals: list[VitalsRow] = field(default_factory=list)
    console_errors: list[Row] = field(default_factory=list)
    failed_requests: list[Row] = field(default_factory=list)


# -- SQL pieces ----------------------------------------------------------------------


class Percentile75(Aggregate):
    """PostgreSQL's nearest-rank 75th percentile (percentile_disc), as
    telemetry.p75 computes it in Python elsewhere."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(0.75) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field: Any = FloatField()


# -- links ---------------------------------------------------------------------------


class Links:
    """Admin changelist URLs, with the range's ``created__gte``/``created__lt``
    (the list's date filter) and the list's own filter parameters."""

    def __init__(self, picked: DateRange) -> None:
        try:
            self.base: str | None = reverse("admin:django_session_replay_replaysession_changelist")
        except NoReverseMatch:  # a site without the admin: the figures have no links
            self.base = None
        first, after = picked.bounds()
        self.range = {"created__gte": str(first), "created__lt": str(after)}

    def to(self, **params: str) -> str:
        """The range's sessions that ``params`` filter."""
        return self.anywhere(**self.range, **params)

    def anywhere(self, **params: str) -> str:
        if self.base is None:
            return ""
        return f"{self.base}?{urlencode(params)}" if params else self.base

    def day(self, day: dt.date) -> str:
        return self.anywhere(**Links(DateRange(day, day)).range)


# -- the figures ---------------------------------------------------------------------


def compute(picked: DateRange, top: int = TOP, using: str = "default") -> Stats:
    first, after = picked.bounds()
    links = Links(picked)
    sessions = ReplaySession.objects.using(using).filter(created__gte=first, created__lt=after)
    timeline = TimelineEntry.objects.using(using).filter(
        session__created__gte=first, session__created__lt=after
    )
    days, total = per_day(sessions, picked, links)
    errors = sessions.filter(find.errors()).count()
    agents = by_agent(sessions, links, top)
    return Stats(
        start=picked.start,
        end=picked.end,
        timezone=str(timezone.get_current_timezone_name()),
        sessions=Figure(total, links.to()),
        days=days,
        active_now=Figure(
            ReplaySession.objects.using(using).active().count(), links.anywhere(status="active")
        ),
        median_duration_ms=median_duration(sessions, total),
        with_errors=Figure(errors, links.to(has_errors="true")),
        error_share=errors / total if total else None,
        top_pages=top_pages(timeline, links, top),
        error_pages=error_pages(timeline, links, top),
        rage_clicks=labelled(
            timeline.filter(kind=Kind.RAGE_CLICK), links, top, signal="rage_click"
        ),
        browsers=agents["browser"],
        operating_systems=agents["os"],
        devices=agents["device"],
        vitals=vitals(timeline, links, top, using),
        console_errors=labelled(
            timeline.filter(kind=Kind.CONSOLE, level__in=sorted(CONSOLE_ERRORS)),
            links,
            top,
            has_errors="true",
        ),
        failed_requests=failed_requests(timeline, links, top),
    )


def per_day(
    sessions: QuerySet[ReplaySession], picked: DateRange, links: Links
) -> tuple[list[Day], int]:
    zone = timezone.get_current_timezone()
    counted = (
        sessions.annotate(day=TruncDate("created", tzinfo=zone))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_day: dict[dt.date, int] = {row["day"]: row["n"] for row in counted}
    days = []
    for offset in range(picked.days):
        day = picked.start + dt.timedelta(days=offset)
        days.append(Day(day, by_day.get(day, 0), links.day(day)))
    return days, sum(by_day.values())


def median_duration(sessions: QuerySet[ReplaySession], total: int) -> int | None:
    if not total:
        return None
    low, high = (total - 1) // 2, total // 2
    middle = list(
        sessions.order_by("duration_ms").values_list("duration_ms", flat=True)[low : high + 1]
    )
    return round(sum(middle) / len(middle))


# The user-agent columns counted, and the list's filter parameter of each.
AGENT_COLUMNS = {"browser": "browser", "os": "os", "device": "device__exact"}


def by_agent(sessions: QuerySet[ReplaySession], links: Links, top: int) -> dict[str, list[Row]]:
    """Sessions by browser, by OS and by device: one scan grouped by the three
    (a few hundred combinations at most), added up here by each."""
    counted = sessions.values(*AGENT_COLUMNS).annotate(n=Count("pk")).order_by()
    sums: dict[str, dict[Any, int]] = {column: defaultdict(int) for column in AGENT_COLUMNS}
    for row in counted:
        for column in AGENT_COLUMNS:
            sums[column][row[column]] += row["n"]
    found = {}
    for column, parameter in AGENT_COLUMNS.items():
        ranked = sorted(sums[column].items(), key=lambda item: (-item[1], item[0] or ""))[:top]
        found[column] = [
            Row(value or "", n, n, links.to(**{parameter: value})) for value, n in ranked
        ]
    return found


def top_pages(timeline: QuerySet[TimelineEntry], links: Links, top: int) -> list[Row]:
    views = (
        timeline.filter(kind=Kind.PAGE_VIEW)
        .values("path")
        .annotate(n=Count("*"), sessions=Count("session_id", distinct=True))
        .order_by("-n", "path")[: top + 1]
    )
    return [
        Row(row["path"], row["n"], row["sessions"], links.to(visited=row["path"]))
        for row in known(views, top)
    ]


def known(rows: Any, top: int, key: str = "path") -> list[dict[str, Any]]:
    """The first ``top`` rows with a path (a row without a URL has none)."""
    return [row for row in rows if row[key] is not None][:top]


def error_pages(timeline: QuerySet[TimelineEntry], links: Links, top: int) -> list[Row]:
    """Errors by the page they happened on: the page view of the same session,
    window and page number (a single-page-app navigation keeps its load's
    number: the last of them at or before the error, else the first).

    A JS or console error is stored with that page's path (Telemetry); a
    failed request holds its own, and a row stored before migration 0012 none:
    theirs is looked up in the page views' index, which holds their paths."""
    views = TimelineEntry.objects.using(timeline.db).filter(
        kind=Kind.PAGE_VIEW,
        session_id=OuterRef("session_id"),
        window=OuterRef("window"),
        page=OuterRef("page"),
    )
    before = views.filter(ts__lte=OuterRef("ts")).order_by("-ts", "-id").values("path")[:1]
    first = views.order_by("ts", "id").values("path")[:1]
    on_page = Q(kind__in=[Kind.JS_ERROR, Kind.CONSOLE], path__isnull=False)
    counted = (
        timeline.filter(PAGE_ERRORS, page__gt=0)
        .annotate(
            on=Case(
                When(on_page, then=F("path")),
                default=Coalesce(Subquery(before), Subquery(first)),  # None: no page view
            )
        )
        .values("on")
        .annotate(n=Count("*"), sessions=Count("session_id", distinct=True))
        .order_by("-n", "on")[: top + 1]
    )
    return [
        Row(row["on"], row["n"], row["sessions"], links.to(visited=row["on"], has_errors="true"))
        for row in known(counted, top, "on")
    ]


def labelled(timeline: QuerySet[TimelineEntry], links: Links, top: int, **params: str) -> list[Row]:
    """Rows counted by label (partial indexes on label), each linked by its words (``q``)."""
    counted = (
        timeline.values("label")
        .annotate(n=Count("*"), sessions=Count("session_id", distinct=True))
        .order_by("-n", "label")[:top]
    )
    return [
        Row(row["label"], row["n"], row["sessions"], links.to(**params, **_q(row["label"])))
        for row in counted
    ]


def _q(text: str) -> dict[str, str]:
    return {"q": text} if text.strip() else {}


def failed_requests(timeline: QuerySet[TimelineEntry], links: Links, top: int) -> list[Row]:
    """Failed requests by method and URL path (no query string). The method is
    the label's first word (the Telemetry processor's label starts with it):
    read from the index with the path, where ``detail`` would take a read of
    each row."""
    first_word = Substr("label", 1, StrIndex("label", Value(" ")) - 1)
    counted = (
        timeline.filter(kind=Kind.NETWORK, level="error")
        .annotate(method=Case(When(label__contains=" ", then=first_word), default=Value("")))
        .values("method", "path")
        .annotate(n=Count("*"), sessions=Count("session_id", distinct=True))
        .order_by("-n", "method", "path")[: top + 1]
    )
    rows = []
    for row in known(counted, top):
        endpoint = f"{row['method'] or 'GET'} {row['path']}"
        rows.append(
            Row(endpoint, row["n"], row["sessions"], links.to(has_errors="true", q=endpoint))
        )
    return rows


def vitals(
    timeline: QuerySet[TimelineEntry], links: Links, top: int, using: str
) -> list[VitalsRow]:
    """LCP, INP and CLS p75 of each page (the vital's own URL), the pages with
    the most samples first: a query a vital, each on its partial index."""
    pages: dict[str, dict[str, Any]] = {}
    postgresql = connections[using].vendor == "postgresql"
    for name in VITALS:
        rows = timeline.filter(kind=Kind.WEB_VITAL, detail__name=name)
        found: list[tuple[str | None, int, float | None]]
        if postgresql:
            grouped = rows.values("path").annotate(n=Count("*"), p=Percentile75("value"))
            found = [(row["path"], row["n"], row["p"]) for row in grouped.order_by()]
        else:  # no percentile aggregate: the values, by page
            values: dict[str | None, list[float]] = defaultdict(list)
            counts: dict[str | None, int] = defaultdict(int)
            for path, number in rows.values_list("path", "value"):
                counts[path] += 1
                if number is not None:
                    values[path].append(number)
            found = [(path, n, p75(values[path])) for path, n in counts.items()]
        for path, n, p in found:
            if path is None:  # a vital without its page's URL
                continue
            page = pages.setdefault(path, {"path": path, "n": 0})
            page["n"] += n
            page[name] = p
    chosen = sorted(pages.values(), key=lambda page: (-page["n"], page["path"]))[:top]
    return [
        VitalsRow(
            path=page["path"],
            lcp=page.get("LCP"),
            inp=page.get("INP"),
            cls=page.get("CLS"),
            samples=page["n"],
            url=links.to(visited=page["path"]),
        )
        for page in chosen
    ]


__all__ = ["DateRange", "RangeError", "Stats", "compute", "date_range", "path_of"]
