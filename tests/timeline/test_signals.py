"""Frustration signals (timeline/signals.py and the recorder's signal events in
timeline/moments.py): batches go through the real processors in their default
order, as one group or split across groups, and become signal rows, session
counters and the ``signal=`` filter."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from django_session_replay.ingest.pipeline import StoredBatch
from django_session_replay.models import ReplaySession, TimelineEntry
from django_session_replay.timeline.processor import PageViews
from django_session_replay.timeline.signals import Signals
from django_session_replay.timeline.telemetry import Telemetry
from django_session_replay.wire import frames
from tests.factories import record
from tests.timeline.test_moments import click
from tests.timeline.test_telemetry import START, page_view, plugin, request

pytestmark = pytest.mark.django_db
SIGNAL = "session-replay/signal@1"


def send(sid: UUID, seq: int, events: list[dict[str, Any]], window: str = "tab-1") -> None:
    """One stored batch through PageViews, Telemetry and Signals, as the pipeline runs them."""
    batch = frames.parse_batch({"seq": seq, "events": events}, max_bytes=1 << 20)
    stored = [StoredBatch(sid, window, batch, 0)]
    for processor in (PageViews(), Telemetry(), Signals()):
        processor.process(stored)


def new_session() -> UUID:
    return record([], page={"url": "http://x/", "title": "Home"}).session_id


def signals(sid: UUID) -> list[tuple[str, int, str]]:
    kinds = ["rage_click", "dead_click", "error_click", "thrashing", "quick_back"]
    rows = TimelineEntry.objects.filter(session_id=sid, kind__in=kinds).order_by("ts", "id")
    return [(row.kind, row.ts, row.label) for row in rows]


def counters(sid: UUID) -> dict[str, int]:
    columns = ["rage_click_count", "dead_click_count", "error_click_count", "thrashing_count",
               "quick_back_count"]  # fmt: skip
    values = ReplaySession.objects.values(*columns).get(pk=sid)
    return {column: n for column, n in values.items() if n}


def test_three_close_clicks_are_one_rage_click_and_two_are_none() -> None:
    sid = new_session()
    send(sid, 1, [page_view("http://x/", START), click(START + 100), click(START + 400, x=25)])
    assert signals(sid) == []
    send(sid, 2, [click(START + 900, x=12, y=30), click(START + 1500), click(START + 1800)])
    assert signals(sid) == [("rage_click", START + 100, 'button#buy "Add to cart" ×5')]
    row = TimelineEntry.objects.get(session_id=sid, kind="rage_click")
    assert (row.detail["clicks"], row.detail["first"], row.detail["last"]) == (
        5, START + 100, START + 1800,
    )  # fmt: skip
    assert counters(sid) == {"rage_click_count": 1}  # the burst went on across groups: one


def test_clicks_too_slow_or_too_far_apart_are_no_rage_click() -> None:
    sid = new_session()
    slow = [click(START), click(START + 1100), click(START + 2200)]
    far = [click(START + 9000, x=0), click(START + 9100, x=40), click(START + 9200, x=80)]
    send(sid, 1, [page_view("http://x/", START - 1), *slow, *far])
    assert signals(sid) == []
    assert counters(sid) == {}


def test_a_click_followed_by_an_error_or_a_failed_request_is_an_error_click() -> None:
    sid = new_session()
    error = {"kind": "error", "name": "TypeError", "message": "x is undefined",
             "source": "http://x/app.js", "line": 1, "column": 2, "stack": ""}  # fmt: skip
    send(sid, 1, [page_view("http://x/", START), click(START + 10, id="pay")])
    send(sid, 2, [plugin("session-replay/error@1", error, START + 600)])  # the next group
    failed = {"requests": [request("http://x/api/cart/", 500, 30)]}
    send(sid, 3, [click(START + 5000, id="retry"), plugin("rrweb/network@1", failed, START + 5400)])
    send(
        sid,
        4,
        [click(START + 9000, id="late"), plugin("session-replay/error@1", error, START + 10_500)],
    )
    found = signals(sid)
    assert [(kind, ts) for kind, ts, _ in found] == [
        ("error_click", START + 10), ("error_click", START + 5000),
    ]  # fmt: skip
    assert found[0][2].startswith("button#pay") and "TypeError" in found[0][2]
    assert counters(sid) == {"error_click_count": 2}


def test_a_page_left_within_five_seconds_for_the_one_before_is_a_quick_back() -> None:
    sid = new_session()
    send(
        sid,
        1,
        [page_view("http://x/products/", START), page_view("http://x/cart/", START + 10_000)],
    )
    send(sid, 2, [page_view("http://x/products/", START + 13_000)])  # back after 3 s
    send(sid, 3, [page_view("http://x/about/", START + 20_000),
                  page_view("http://x/products/", START + 30_000)])  # fmt: skip  # after 10 s: no
    send(sid, 4, [page_view("http://x/products/#reviews", START + 31_000),
                  page_view("http://x/products/", START + 32_000)])  # fmt: skip  # a hash: no
    assert [(kind, ts) for kind, ts, _ in signals(sid)] == [("quick_back", START + 10_000)]
    row = TimelineEntry.objects.get(session_id=sid, kind="quick_back")
    assert row.detail == {"url": "http://x/cart/", "back_to": "http://x/products/",
                          "stayed_ms": 3000}  # fmt: skip
    send(sid, 2, [page_view("http://x/products/", START + 13_000)])  # the same moment again
    assert counters(sid) == {"quick_back_count": 1}


def test_the_recorders_dead_click_and_thrashing_become_rows_and_counts() -> None:
    sid = new_session()
    dead = {"kind": "dead_click", "at": START + 100, "tag": "button", "id": "noop",
            "classes": [], "text": "Does nothing", "x": 5, "y": 6}  # fmt: skip
    thrash = {"kind": "thrashing", "at": START + 4000, "x": 300, "y": 200, "changes": 9}
    send(sid, 1, [page_view("http://x/", START), plugin(SIGNAL, dead, START + 2600),
                  plugin(SIGNAL, thrash, START + 5000),
                  plugin(SIGNAL, {"kind": "dead_click", "tag": ""}, START + 5001),
                  plugin(SIGNAL, {"kind": "nonsense"}, START + 5002)])  # fmt: skip
    assert signals(sid) == [
        ("dead_click", START + 100, 'button#noop "Does nothing"'),
        ("thrashing", START + 4000, "thrashing cursor"),
    ]
    assert counters(sid) == {"dead_click_count": 1, "thrashing_count": 1}
