"""Reading a session's timeline: what the replay page and the API show."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Max, Min, Q

from django_session_replay.models import Batch, TimelineEntry

# A replay page lists this many page views at most (a long single-page-app
# session can navigate thousands of times).
MAX_PAGE_VIEWS = 500
# The timeline endpoint answers this many entries at most, the first by time.
MAX_ENTRIES = 10_000
# Markers on the replay page's timeline: at most this many, the first by time.
MAX_MARKERS = 300
MARKED = Q(
    kind__in=[
        TimelineEntry.Kind.RAGE_CLICK,
        TimelineEntry.Kind.DEAD_CLICK,
        TimelineEntry.Kind.ERROR_CLICK,
        TimelineEntry.Kind.THRASHING,
        TimelineEntry.Kind.QUICK_BACK,
        TimelineEntry.Kind.JS_ERROR,
        TimelineEntry.Kind.SERVER_EXCEPTION,
    ]
) | Q(kind__in=[TimelineEntry.Kind.CONSOLE, TimelineEntry.Kind.NETWORK], level="error")


@dataclass(frozen=True)
class PageViewRow:
    window: str
    page: int
    ts: int  # ms since the epoch
    offset_ms: int  # since the window's first event: where the player seeks
    title: str
    url: str
    referrer: str
    nav: str


def window_starts(session_id: UUID, window: str | None) -> dict[str, int]:
    """The timestamp of the first stored event of each window (only ``window``'s
    unless it is None): the player's time 0. Batch rows outlive compaction."""
    batches = Batch.objects.filter(session_id=session_id)
    if window is not None:
        batches = batches.filter(window=window)
    starts = batches.values("window").annotate(start=Min("first_timestamp"))
    return {row["window"]: row["start"] for row in starts}


def entries(session_id: UUID, window: str | None, limit: int = MAX_ENTRIES) -> list[TimelineEntry]:
    """The session's timeline by time, of one window or of all."""
    rows = TimelineEntry.objects.filter(session_id=session_id).order_by("ts", "id")
    if window is not None:
        rows = rows.filter(window=window)
    return list(rows.only("ts", "kind", "window", "label", "level", "detail")[:limit])


def page_views(
    session_id: UUID, window: str | None, limit: int = MAX_PAGE_VIEWS
) -> list[PageViewRow]:
    """The session's page views by time, of one window or of all."""
    entries = TimelineEntry.objects.filter(
        session_id=session_id, kind=TimelineEntry.Kind.PAGE_VIEW
    ).order_by("ts", "id")
    if window is not None:
        entries = entries.filter(window=window)
    rows = list(entries[:limit])
    if not rows:
        return []
    starts = window_starts(session_id, window)
    return [
        PageViewRow(
            window=row.window,
            page=row.page,
            ts=row.ts,
            offset_ms=max(0, row.ts - starts.get(row.window, row.ts)),
            title=row.label,
            url=str(row.detail.get("url", "")),
            referrer=str(row.detail.get("referrer", "")),
            nav=str(row.detail.get("nav", "")),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Marker:
    ts: int
    kind: str
    kind_label: str
    label: str
    level: str
    offset_ms: int  # since the window's first event, as the player counts
    position: float  # 0 to 100: where on the window's length, in per cent


def markers(session_id: UUID, window: str, limit: int = MAX_MARKERS) -> list[Marker]:
    """The window's frustration signals and errors, placed along its recorded
    length (first to last stored event) for the replay page's marker bar."""
    rows = list(
        TimelineEntry.objects.filter(MARKED, session_id=session_id, window=window)
        .order_by("ts", "id")
        .only("ts", "kind", "label", "level")[:limit]
    )
    if not rows:
        return []
    span = Batch.objects.filter(session_id=session_id, window=window).aggregate(
        start=Min("first_timestamp"), end=Max("last_timestamp")
    )
    start = span["start"] if span["start"] is not None else rows[0].ts
    length = max(1, (span["end"] if span["end"] is not None else rows[-1].ts) - start)
    kinds = dict(TimelineEntry.Kind.choices)
    return [
        Marker(
            ts=row.ts,
            kind=row.kind,
            kind_label=str(kinds.get(row.kind, row.kind)),
            label=row.label,
            level=row.level,
            offset_ms=max(0, row.ts - start),
            position=round(min(100.0, max(0.0, (row.ts - start) * 100 / length)), 2),
        )
        for row in rows
    ]
