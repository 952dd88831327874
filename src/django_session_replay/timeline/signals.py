"""Frustration signals found at ingest: the Signals processor.

Three are found here, from the timeline rows the Telemetry and PageViews
processors have just written (they run first, see PROCESSORS):

- **rage click**: RAGE_CLICK_COUNT clicks or more, each within
  RAGE_CLICK_WINDOW_MS and RAGE_CLICK_RADIUS_PX of the one before (PostHog's rule);
- **error click**: a click followed within ERROR_CLICK_WINDOW_MS by a JS error
  or a failed request;
- **quick back**: a page left within QUICK_BACK_MS for the page before it.

Two come from the recorder, which sees every mutation and mouse move as they
happen (the server would have to decode every batch whole for them): dead
clicks and a thrashing cursor, ``session-replay/signal@1`` plugin events that
the Telemetry processor stores and counts (timeline/moments.py).

A burst of clicks or a page sequence may be split across batches, so each
group reads its windows' rows a little before its own events, and a signal
already stored for the same moment is extended, never stored twice. Best
effort, like every processor: it runs after the ack.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q

from django_session_replay.conf import conf
from django_session_replay.ingest.pipeline import Processor, StoredBatch
from django_session_replay.models import ReplaySession, TimelineEntry

from .moments import CLICK
from .pages import TAG as PAGE_TAG
from .plugins import ERROR, NETWORK
from .scan import CUSTOM, PLUGIN, events_of
from .search import entry_text

Kind = TimelineEntry.Kind
LOOK_BACK_MS = 10_000  # how far before a group's events a burst of clicks is looked for
CLICK_OR_FAILURE = frozenset({CLICK, ERROR, NETWORK})
MAX_SIGNALS_PER_GROUP = 200  # per window: a page clicking itself in a loop stays bounded


@dataclass(frozen=True)
class Span:
    """The moments one group of batches covers in one window, and what it holds."""

    first: int
    last: int
    clicks_or_failures: bool  # a click, a JS error or a request: rage and error clicks
    page_views: bool  # quick backs


def holds(item: StoredBatch) -> tuple[bool, bool]:
    """Whether the batch has what a signal is made of (decoded once for the run,
    timeline/scan.py): a batch of mutations alone costs no query."""
    clicks_or_failures = page_views = False
    for event in events_of(item):
        data = event.get("data")
        if not isinstance(data, dict):
            continue
        if event["type"] == PLUGIN and data.get("plugin") in CLICK_OR_FAILURE:
            clicks_or_failures = True
        elif event["type"] == CUSTOM and data.get("tag") == PAGE_TAG:
            page_views = True
    return clicks_or_failures, page_views


class Signals(Processor):
    def process(self, stored: Sequence[StoredBatch]) -> None:
        spans: dict[tuple[UUID, str], Span] = {}
        for item in stored:
            clicks_or_failures, page_views = holds(item)
            if not clicks_or_failures and not page_views:
                continue
            low = min(item.batch.first_timestamp, item.batch.last_timestamp)
            high = max(item.batch.first_timestamp, item.batch.last_timestamp)
            held = spans.get((item.session_id, item.window))
            if held is not None:
                low, high = min(low, held.first), max(high, held.last)
                clicks_or_failures |= held.clicks_or_failures
                page_views |= held.page_views
            spans[item.session_id, item.window] = Span(low, high, clicks_or_failures, page_views)
        for (session_id, window), span in spans.items():
            find_signals(session_id, window, span)


def find_signals(session_id: UUID, window: str, span: Span) -> None:
    error_window = conf.ERROR_CLICK_WINDOW_MS
    rows = (
        []
        if not span.clicks_or_failures
        else list(
            TimelineEntry.objects.filter(
                Q(kind__in=[Kind.CLICK, Kind.JS_ERROR, Kind.RAGE_CLICK, Kind.ERROR_CLICK])
                | Q(kind=Kind.NETWORK, level="error"),
                session_id=session_id,
                window=window,
                ts__gte=span.first - max(LOOK_BACK_MS, error_window),
                ts__lte=span.last,
            ).order_by("ts", "id")
        )
    )
    new: list[TimelineEntry] = []
    changed: list[TimelineEntry] = []
    clicks = [row for row in rows if row.kind == Kind.CLICK]
    held_rage = [row for row in rows if row.kind == Kind.RAGE_CLICK]
    for burst in bursts(clicks):
        row = rage_row(session_id, window, burst, held_rage)
        (changed if row.pk else new).append(row)
    held_error_clicks = {row.ts for row in rows if row.kind == Kind.ERROR_CLICK}
    for failure in rows:
        if failure.kind not in (Kind.JS_ERROR, Kind.NETWORK) or failure.ts < span.first:
            continue
        before = [c for c in clicks if failure.ts - error_window <= c.ts <= failure.ts]
        if before and before[-1].ts not in held_error_clicks:
            held_error_clicks.add(before[-1].ts)
            new.append(error_click_row(before[-1], failure))
    if span.page_views:
        new += quick_backs(session_id, window, span)
    new = new[:MAX_SIGNALS_PER_GROUP]
    if not new and not changed:
        return
    with transaction.atomic():
        TimelineEntry.objects.bulk_create(new)
        for row in changed:
            row.save(update_fields=["detail", "label", "text"])
        counts = dict.fromkeys(COUNTERS.values(), 0)
        for row in new:
            counts[COUNTERS[Kind(row.kind)]] += 1
        increments = {column: F(column) + n for column, n in counts.items() if n}
        if increments:
            ReplaySession.objects.filter(pk=session_id).update(**increments)


COUNTERS = {
    Kind.RAGE_CLICK: "rage_click_count",
    Kind.ERROR_CLICK: "error_click_count",
    Kind.QUICK_BACK: "quick_back_count",
}


def position(row: TimelineEntry) -> tuple[float, float] | None:
    detail = row.detail if isinstance(row.detail, dict) else {}
    x, y = detail.get("x"), detail.get("y")
    if isinstance(x, int | float) and isinstance(y, int | float):
        return float(x), float(y)
    return None


def near(a: TimelineEntry, b: TimelineEntry) -> bool:
    """``b`` follows ``a`` closely enough, in time and on screen, to go on a burst."""
    if b.ts - a.ts > conf.RAGE_CLICK_WINDOW_MS:
        return False
    pa, pb = position(a), position(b)
    if pa is None or pb is None:
        return False
    return math.dist(pa, pb) <= conf.RAGE_CLICK_RADIUS_PX


def bursts(clicks: list[TimelineEntry]) -> list[list[TimelineEntry]]:
    """Runs of clicks each near the one before, of RAGE_CLICK_COUNT or more."""
    found: list[list[TimelineEntry]] = []
    run: list[TimelineEntry] = []
    for click in clicks:
        if run and near(run[-1], click):
            run.append(click)
        else:
            run = [click]
        if len(run) == conf.RAGE_CLICK_COUNT:
            found.append(run)  # the same list: it keeps growing while the burst goes on
    return found


def rage_row(
    session_id: UUID, window: str, burst: list[TimelineEntry], held: list[TimelineEntry]
) -> TimelineEntry:
    """The burst's rage_click row: one already stored for it (an earlier group
    saw its start), updated, or a new one at its first click."""
    first, last = burst[0], burst[-1]
    detail = {
        **{k: v for k, v in (first.detail or {}).items() if k in ("tag", "id", "text", "x", "y")},
        "clicks": len(burst),
        "first": first.ts,
        "last": last.ts,
    }
    label = f"{first.label} ×{len(burst)}"[:512]
    for row in held:
        extent = row.detail if isinstance(row.detail, dict) else {}
        if row.ts <= last.ts and int(extent.get("last", row.ts)) >= first.ts:
            clicks = max(len(burst), int(extent.get("clicks", 0)))
            row.detail = {**detail, "first": row.ts, "clicks": clicks}
            row.label = f"{first.label} ×{clicks}"[:512]
            row.text = entry_text(row.label, {})
            return row
    return signal_row(session_id, window, first.page, first.ts, Kind.RAGE_CLICK, label, detail)


def error_click_row(click: TimelineEntry, failure: TimelineEntry) -> TimelineEntry:
    label = f"{click.label} → {failure.label}"[:512]
    detail: dict[str, Any] = {
        "click": click.label,
        "error": failure.label,
        "error_kind": failure.kind,
        "error_ts": failure.ts,
    }
    return signal_row(
        click.session_id, click.window, click.page, click.ts, Kind.ERROR_CLICK, label, detail
    )


def quick_backs(session_id: UUID, window: str, span: Span) -> list[TimelineEntry]:
    """Page B of A → B → A, when B was left for A within QUICK_BACK_MS, for each
    return to A in this group's span (the two page views before it may be older)."""
    views = TimelineEntry.objects.filter(session_id=session_id, window=window)
    in_span = views.filter(kind=Kind.PAGE_VIEW, ts__gte=span.first, ts__lte=span.last)
    returns = list(in_span.order_by("ts", "id"))
    if not returns:
        return []
    earlier = list(
        views.filter(kind=Kind.PAGE_VIEW, ts__lt=returns[0].ts).order_by("-ts", "-id")[:2]
    )
    sequence = [*reversed(earlier), *returns]
    held = set(
        views.filter(kind=Kind.QUICK_BACK, ts__gte=sequence[0].ts).values_list("ts", flat=True)
    )
    found = []
    for before, page, after in zip(sequence, sequence[1:], sequence[2:], strict=False):
        if after not in returns or page.ts in held:
            continue
        url_before, url_page, url_after = (url_of(v) for v in (before, page, after))
        stayed = after.ts - page.ts
        if url_after == url_before != url_page and 0 <= stayed <= conf.QUICK_BACK_MS:
            label = f"{page.label or url_page} (left after {stayed / 1000:.1f} s)"[:512]
            detail = {"url": url_page, "back_to": url_after, "stayed_ms": stayed}
            found.append(
                signal_row(session_id, window, page.page, page.ts, Kind.QUICK_BACK, label, detail)
            )
    return found


def signal_row(
    session_id: UUID, window: str, page: int, ts: int, kind: str, label: str, detail: dict[str, Any]
) -> TimelineEntry:
    """A signal's timeline row: an error click is an error, the others warnings."""
    return TimelineEntry(
        session_id=session_id,
        window=window,
        page=page,
        ts=ts,
        kind=kind,
        label=label,
        level="error" if kind == Kind.ERROR_CLICK else "warn",
        detail=detail,
        text=entry_text(label, {"url": detail["url"]} if "url" in detail else {}),
    )


def url_of(view: TimelineEntry) -> str:
    """The page's URL without its fragment: a hash link is the same page."""
    detail = view.detail if isinstance(view.detail, dict) else {}
    return str(detail.get("url", "")).split("#", 1)[0]
