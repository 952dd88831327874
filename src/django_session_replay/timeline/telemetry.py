"""Built-in processor: the browser telemetry of committed batches (console
warnings and errors, JS errors, failed or slow requests, web vitals, identify
calls, page leaves) and its moments (clicks, field focus, custom events, gaps)
as timeline entries and session columns."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from django_session_replay.conf import conf
from django_session_replay.ingest import visitors
from django_session_replay.ingest.pipeline import Processor, StoredBatch
from django_session_replay.models import ReplaySession, TimelineEntry

from .moments import facts
from .paths import row_path, row_value
from .plugins import CONSOLE_ERRORS, Fact
from .scan import TIMELINE_TYPES, events_of
from .search import entry_text

SCANNED = TIMELINE_TYPES  # plugin and custom events
# Rows one batch may add: counters count past it, rows stop (a page that
# fails a request in a loop must not fill the timeline table).
MAX_ROWS_PER_BATCH = 500
# Rows stored with the path of the page they happened on (the dashboard's errors by page).
ON_PAGE = frozenset({TimelineEntry.Kind.JS_ERROR, TimelineEntry.Kind.CONSOLE})
P75_COLUMNS = {"LCP": "lcp_p75", "CLS": "cls_p75", "INP": "inp_p75"}


@dataclass
class Tally:
    """What one group of batches changes on one session."""

    console_errors: int = 0
    js_errors: int = 0
    failed_requests: int = 0
    visible_ms: int = 0
    dead_clicks: int = 0
    thrashing: int = 0
    vitals: set[str] = field(default_factory=set)
    identity: Fact | None = None  # the latest identify

    def add(self, fact: Fact) -> None:
        if fact.kind == "console" and fact.level in CONSOLE_ERRORS:
            self.console_errors += 1
        elif fact.kind == "js_error":
            self.js_errors += 1
        elif fact.kind == "network" and fact.detail["failed"]:
            self.failed_requests += 1
        elif fact.kind == "web_vital" and fact.detail["name"] in P75_COLUMNS:
            self.vitals.add(fact.detail["name"])
        elif fact.kind == "dead_click":
            self.dead_clicks += 1
        elif fact.kind == "thrashing":
            self.thrashing += 1
        elif fact.kind == "page_leave":
            self.visible_ms += min(fact.detail["visibleMs"], conf.MAX_DURATION * 1000)
        elif fact.kind == "identify" and (self.identity is None or fact.ts >= self.identity.ts):
            self.identity = fact


class Telemetry(Processor):
    """Each kept plugin event and custom event (page views aside: PageViews
    keeps those) becomes a TimelineEntry (its ``page``: the page view it
    happened in, numbered as PageViews numbers them, which runs first), and
    the session's counters, web-vital p75s, identity and visible time change
    with F() expressions, so concurrent groups add up.

    Only plugin and custom events are decoded (timeline/scan.py); a batch
    without a kept one makes no query. Best effort, like every processor
    (see PageViews)."""

    def process(self, stored: Sequence[StoredBatch]) -> None:
        found: dict[tuple[UUID, str], list[Fact]] = {}
        batches: dict[tuple[UUID, str], int] = {}
        for item in stored:
            kept = list(facts(events_of(item, SCANNED)))
            if kept:
                found.setdefault((item.session_id, item.window), []).extend(kept)
                batches[item.session_id, item.window] = (
                    batches.get((item.session_id, item.window), 0) + 1
                )
        if not found:
            return
        rows: list[TimelineEntry] = []
        tallies: dict[UUID, Tally] = {}
        numbers = PageNumbers.read_all(
            {key: [fact.ts for fact in kept] for key, kept in found.items()}
        )
        for (session_id, window), kept in found.items():
            tally = tallies.setdefault(session_id, Tally())
            pages = numbers[session_id, window]
            for index, fact in enumerate(kept):
                tally.add(fact)
                if index < MAX_ROWS_PER_BATCH * batches[session_id, window]:
                    page, path = pages.at(fact.ts)
                    rows.append(entry(session_id, window, page, fact, path))
        with transaction.atomic():
            TimelineEntry.objects.bulk_create(rows)
            for session_id, tally in tallies.items():
                update_session(session_id, tally)


def entry(
    session_id: UUID, window: str, page: int, fact: Fact, page_path: str | None = None
) -> TimelineEntry:
    """The row of ``fact``; a JS or console error's path is its page's (``page_path``)."""
    path = page_path if fact.kind in ON_PAGE else row_path(fact.kind, fact.detail)
    return TimelineEntry(
        session_id=session_id,
        window=window,
        page=page,
        ts=fact.ts,
        kind=fact.kind,
        label=fact.label,
        level=fact.level,
        detail=fact.detail,
        text=entry_text(fact.label, fact.detail),
        path=path,
        value=row_value(fact.kind, fact.detail),
    )


class PageNumbers:
    """The page number of a moment of one window: that of the last page view
    at or before it (0 before the first), and that view's path."""

    RECENT = 50  # views read per window, newest first; more only when its moments span more

    def __init__(self, newest: list[View], first: int) -> None:
        """From the window's views up to its last moment, newest first."""
        held = sorted(newest)
        start = max((i for i, view in enumerate(held) if view.ts <= first), default=0)
        held = held[start:]
        self.moments = [view.ts for view in held]
        self.pages = [view.page for view in held]
        self.paths = [view.path for view in held]

    @classmethod
    def read(cls, session_id: UUID, window: str, moments: list[int]) -> PageNumbers:
        return cls.read_all({(session_id, window): moments})[session_id, window]

    @classmethod
    def read_all(cls, moments: dict[tuple[UUID, str], list[int]]) -> dict[Key, PageNumbers]:
        """The page numbers of each window's moments, in one query for all the
        windows of a pipeline run (a run holds batches of some hundred
        sessions): each window's RECENT newest views up to its last moment,
        which reach back past its first moment but when a window's moments
        span more views than that (then it reads them all)."""
        spans = {key: (min(ts), max(ts)) for key, ts in moments.items() if ts}
        newest: dict[Key, list[View]] = {key: [] for key in spans}
        if spans:
            match = Q()
            for (session_id, window), (_, last) in spans.items():
                match |= Q(session_id=session_id, window=window, ts__lte=last)
            ranked = (
                TimelineEntry.objects.filter(match, kind=TimelineEntry.Kind.PAGE_VIEW)
                .annotate(rank=Window(RowNumber(), partition_by=[F("session_id"), F("window")],
                                      order_by=[F("ts").desc(), F("id").desc()]))
                .filter(rank__lte=cls.RECENT)
            )  # fmt: skip
            for session_id, window, ts, row, page, path in ranked.values_list(
                "session_id", "window", "ts", "id", "page", "path"
            ):
                newest[session_id, window].append(View(ts, row, page, path))
        for key, views in newest.items():
            first, last = spans[key]
            if len(views) == cls.RECENT and min(views).ts > first:  # more views than that
                views[:] = all_views(key, first, last)
        return {key: cls(newest[key], spans[key][0]) for key in spans}

    def of(self, ts: int) -> int:
        return self.at(ts)[0]

    def at(self, ts: int) -> tuple[int, str | None]:
        """The page number and path of the moment ``ts``."""
        index = bisect.bisect_right(self.moments, ts)
        return (self.pages[index - 1], self.paths[index - 1]) if index else (0, None)


class View(NamedTuple):
    """A page view as PageNumbers reads it; ordered by time, then by row."""

    ts: int
    row: int
    page: int
    path: str | None


Key = tuple[UUID, str]  # a session's window


def all_views(key: Key, first: int, last: int) -> list[View]:
    """The window's views from the last one at or before ``first`` to ``last``."""
    session_id, window = key
    views = TimelineEntry.objects.filter(
        session_id=session_id, window=window, kind=TimelineEntry.Kind.PAGE_VIEW, ts__lte=last
    ).order_by("-ts", "-id")
    fields = ("ts", "id", "page", "path")
    return [
        *(View(*row) for row in views.filter(ts__gt=first).values_list(*fields)),
        *(View(*row) for row in views.filter(ts__lte=first)[:1].values_list(*fields)),
    ]


def p75(values: list[float]) -> float | None:
    """The nearest-rank 75th percentile: the smallest value at least 75 % of
    the values are not above."""
    if not values:
        return None
    ranked = sorted(values)
    return ranked[math.ceil(0.75 * len(ranked)) - 1]


def update_session(session_id: UUID, tally: Tally) -> None:
    changes: dict[str, Any] = {}
    for column, count in [
        ("console_error_count", tally.console_errors),
        ("js_error_count", tally.js_errors),
        ("failed_request_count", tally.failed_requests),
        ("visible_ms", tally.visible_ms),
        ("dead_click_count", tally.dead_clicks),
        ("thrashing_count", tally.thrashing),
    ]:
        if count:
            changes[column] = F(column) + count
    if tally.identity is not None:
        changes["identity"] = tally.identity.detail["id"]
        changes["identity_traits"] = tally.identity.detail["traits"]
    if tally.vitals:
        values: dict[str, list[float]] = {name: [] for name in tally.vitals}
        held = TimelineEntry.objects.filter(
            session_id=session_id, kind=TimelineEntry.Kind.WEB_VITAL
        )
        for detail in held.values_list("detail", flat=True):
            if isinstance(detail, dict) and detail.get("name") in values:
                values[detail["name"]].append(float(detail["value"]))
        for name, measured in values.items():
            changes[P75_COLUMNS[name]] = p75(measured)
    if changes:
        ReplaySession.objects.filter(pk=session_id).update(**changes)
    if tally.visible_ms:
        visitor = ReplaySession.objects.filter(pk=session_id).values_list("visitor_id", flat=True)
        for visitor_id in visitor:
            visitors.page_time(visitor_id, tally.visible_ms)
