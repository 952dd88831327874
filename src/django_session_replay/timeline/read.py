"""Reading a session's timeline: what the replay page and the API show."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Min

from django_session_replay.models import Batch, TimelineEntry

# A replay page lists this many page views at most (a long single-page-app
# session can navigate thousands of times).
MAX_PAGE_VIEWS = 500


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
