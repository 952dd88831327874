"""Built-in processor: store the page views of committed batches as timeline entries."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db.models import Max

from django_session_replay.ingest.pipeline import Processor, StoredBatch
from django_session_replay.models import TimelineEntry

from .pages import PageView, page_views
from .paths import row_path
from .scan import CUSTOM, events_of
from .search import entry_text

CUSTOM_ONLY = frozenset({CUSTOM})


class PageViews(Processor):
    """Each page load and single-page-app navigation becomes a ``page_view`` row
    (label: the page title; detail: url, referrer, nav). ``page`` numbers the page
    loads of a window from 1; a navigation keeps its page's number.

    Best effort, like every processor: a batch is acknowledged before this runs,
    so a crash in between leaves its page views out (the replay itself is whole)."""

    def process(self, stored: Sequence[StoredBatch]) -> None:
        found: dict[tuple[UUID, str], list[PageView]] = {}
        for item in stored:
            views = list(page_views(events_of(item, CUSTOM_ONLY)))
            if views:
                found.setdefault((item.session_id, item.window), []).extend(views)
        rows: list[TimelineEntry] = []
        for (session_id, window), views in found.items():
            rows += entries(session_id, window, views)
        if rows:
            TimelineEntry.objects.bulk_create(rows)


def entries(session_id: UUID, window: str, views: list[PageView]) -> list[TimelineEntry]:
    held = TimelineEntry.objects.filter(
        session_id=session_id, window=window, kind=TimelineEntry.Kind.PAGE_VIEW
    )
    page: int = held.aggregate(top=Max("page"))["top"] or 0
    rows = []
    for view in views:
        # A navigation before any load (its load event was lost) opens page 1.
        page = page + 1 if view.is_load or page == 0 else page
        detail = {"url": view.url, "referrer": view.referrer, "nav": view.nav}
        rows.append(
            TimelineEntry(
                session_id=session_id,
                window=window,
                page=page,
                ts=view.ts,
                kind=TimelineEntry.Kind.PAGE_VIEW,
                label=view.title,
                detail=detail,
                text=entry_text(view.title, {"url": view.url}),
                path=row_path(TimelineEntry.Kind.PAGE_VIEW, detail),
            )
        )
    return rows
