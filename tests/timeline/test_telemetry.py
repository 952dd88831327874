"""Browser telemetry (timeline/plugins.py, timeline/telemetry.py): the
recorder's plugin events, sent through the HTTP door and its real pipeline,
become timeline rows, session counters, vitals p75, identity and time on site."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from django_session_replay.models import ReplaySession, TimelineEntry, Visitor
from django_session_replay.timeline.plugins import facts
from django_session_replay.timeline.telemetry import p75
from tests.conftest import beacon_body
from tests.factories import record
from tests.ingest.test_pipeline import post_beacon

START = 1_700_000_000_000


def plugin(name: str, payload: Any, ts: int = START) -> dict[str, Any]:
    return {"type": 6, "timestamp": ts, "data": {"plugin": name, "payload": payload}}


def console(level: str, *args: Any, ts: int = START) -> dict[str, Any]:
    trace = ["at f (http://x/app.js:1:2)"] if level in ("error", "assert") else []
    return plugin("rrweb/console@1", {"level": level, "payload": list(args), "trace": trace}, ts)


def request(name: str, status: int, duration: float, **more: Any) -> dict[str, Any]:
    return {"name": name, "method": "GET", "initiatorType": "fetch", "status": status,
            "startTime": 10, "endTime": 10 + duration, "duration": duration, **more}  # fmt: skip


def vital(name: str, value: float, ts: int = START) -> dict[str, Any]:
    payload = {"kind": "vital", "name": name, "value": value, "rating": "good", "url": "http://x/"}
    return plugin("session-replay/page@1", payload, ts)


def page_view(url: str, ts: int) -> dict[str, Any]:
    payload = {"url": url, "title": url, "referrer": "", "nav": "load"}
    return {"type": 5, "timestamp": ts, "data": {"tag": "session-replay-page", "payload": payload}}


def first_batch() -> list[dict[str, Any]]:
    error = {"kind": "error", "name": "TypeError", "message": "x is undefined",
             "source": "http://x/app.js?token=CANARY-value", "line": 3, "column": 7,
             "stack": "TypeError: x is undefined\n    at http://x/app.js:3:7"}  # fmt: skip
    requests = [
        request("http://x/ok", 200, 20),  # fine: no row
        request("http://x/missing?token=CANARY-value", 404, 35, ttfb=30, transferSize=120),
        request("http://x/down", 0, 5, failed=True, error="TypeError: Failed to fetch"),
        request("http://x/slow", 200, 1500.4),
        "not a request",
    ]
    return [
        page_view("http://x/", START),
        {"type": 2, "timestamp": START + 1, "data": {"node": {"big": "x" * 10_000}}},
        console("log", "hello"),  # kept in the replay only
        console("warn", "careful " + "w" * 300, ts=START + 2),
        console("error", "boom for ann@example.com", {"not": "a string"}, ts=START + 3),
        console("assert", "Assertion failed", ts=START + 4),
        plugin("session-replay/error@1", error, START + 5),
        plugin("rrweb/network@1", {"requests": requests}, START + 6),
        vital("LCP", 1000, START + 7),
        vital("LCP", 3000, START + 7),
        vital("LCP", 2000, START + 7),
        vital("LCP", 4000, START + 7),
        vital("CLS", 0.12, START + 7),
        vital("FCP", 800, START + 7),
        plugin("session-replay/identify@1", {"id": "first", "traits": {}}, START + 8),
        plugin(
            "session-replay/identify@1",
            {"id": "user-42", "traits": {"plan": "pro", "seats": 3, "nested": {"no": 1}}},
            START + 9,
        ),
        page_view("http://x/next", START + 10),
        plugin(
            "session-replay/page@1",
            {"kind": "leave", "url": "http://x/next", "visibleMs": 1234},
            START + 11,
        ),  # fmt: skip
        plugin("session-replay/page@1", {"kind": "visibility", "state": "hidden"}, START + 12),
        # Malformed ones, all skipped.
        plugin("rrweb/console@1", {"level": "shout", "payload": ["x"], "trace": []}),
        plugin("rrweb/console@1", {"level": "error", "payload": "x", "trace": []}),
        plugin("session-replay/error@1", {"kind": "oops", "message": "x"}),
        plugin("rrweb/network@1", {"requests": "x"}),
        plugin("session-replay/page@1", {"kind": "leave", "url": "http://x/", "visibleMs": -5}),
        plugin("session-replay/page@1", {"kind": "vital", "name": "LCP", "value": "fast"}),
        plugin("session-replay/page@1", {"kind": "vital", "name": "XYZ", "value": 1}),
        plugin("session-replay/identify@1", {"id": "", "traits": {}}),
        plugin("session-replay/identify@1", {"id": "x", "traits": ["no"]}),
        plugin("someone/else@1", {"level": "error", "payload": ["x"]}),
        {"type": 6, "timestamp": START, "data": "x"},
    ]


def rows(session_id: Any) -> list[tuple[str, int, str, str]]:
    entries = TimelineEntry.objects.filter(session_id=session_id).exclude(kind="page_view")
    return [(e.kind, e.page, e.level, e.label) for e in entries.order_by("ts", "id")]


@pytest.mark.django_db(transaction=True)
async def test_plugin_events_become_rows_counters_and_vitals() -> None:
    # Stored directly, not through the pipeline: the beacon's page views are pages 1 and 2.
    opened = await sync_to_async(record)([[{"type": 3, "timestamp": START - 10, "data": {}}]])
    status, answer = await post_beacon(
        beacon_body(opened.token, [{"seq": 2, "events": first_batch()}])
    )
    assert (status, answer["acked"]) == (200, [2]), answer  # answered once the pipeline ran

    found = await sync_to_async(rows)(opened.session_id)
    assert found == [
        ("console", 1, "warn", "careful " + "w" * 192),
        ("console", 1, "error", "boom for [email]"),
        ("console", 1, "assert", "Assertion failed"),
        ("js_error", 1, "error", "TypeError: x is undefined"),
        ("network", 1, "error", "GET /missing 404"),
        ("network", 1, "error", "GET /down failed"),
        ("network", 1, "warn", "GET /slow 200"),
        ("web_vital", 1, "", "LCP 1000 ms (good)"),
        ("web_vital", 1, "", "LCP 3000 ms (good)"),
        ("web_vital", 1, "", "LCP 2000 ms (good)"),
        ("web_vital", 1, "", "LCP 4000 ms (good)"),
        ("web_vital", 1, "", "CLS 0.120 (good)"),
        ("web_vital", 1, "", "FCP 800 ms (good)"),
        ("identify", 1, "", "first"),
        ("identify", 1, "", "user-42"),
        ("page_leave", 2, "", "http://x/next (1.2 s)"),
    ]
    session = await ReplaySession.objects.aget(pk=opened.session_id)
    assert (session.console_error_count, session.js_error_count, session.failed_request_count) == (
        2,
        1,
        2,
    )
    assert (session.lcp_p75, session.cls_p75, session.inp_p75) == (3000, 0.12, None)
    assert session.identity == "user-42"
    assert session.identity_traits == {"plan": "pro", "seats": 3, "nested": None}
    assert session.visible_ms == 1234
    visitor = await Visitor.objects.aget(pk="visitor-1")
    assert (visitor.session_count, visitor.visible_ms) == (1, 1234)

    missing = await TimelineEntry.objects.aget(
        session_id=opened.session_id, label="GET /missing 404"
    )
    assert missing.detail["url"] == "http://x/missing?token=***"
    assert (missing.detail["status"], missing.detail["ttfb"], missing.detail["failed"]) == (
        404,
        30,
        True,
    )
    error = await TimelineEntry.objects.aget(session_id=opened.session_id, kind="js_error")
    assert error.detail["source"] == "http://x/app.js?token=***"
    assert error.detail["line"] == 3
    # What the dashboard groups by: a request's path, a JS or console error's
    # page (the page view before it), a vital's page and value.
    assert (missing.path, missing.value) == ("/missing", None)
    assert error.path == "/"
    paths = TimelineEntry.objects.filter(
        session_id=opened.session_id, kind__in=["console", "web_vital"]
    )
    assert [(row.kind, row.path, row.value) async for row in paths.order_by("ts", "id")] == [
        ("console", "/", None),
        ("console", "/", None),
        ("console", "/", None),
        ("web_vital", "/", 1000.0),
        ("web_vital", "/", 3000.0),
        ("web_vital", "/", 2000.0),
        ("web_vital", "/", 4000.0),
        ("web_vital", "/", 0.12),
        ("web_vital", "/", 800.0),
    ]
    assert "CANARY" not in str(
        [e async for e in TimelineEntry.objects.filter(session_id=opened.session_id).values()]
    )

    # A second group adds up (F() increments) and the p75 is recomputed.
    second = [
        vital("LCP", 5000, START + 20),
        plugin(
            "session-replay/error@1",
            {"kind": "unhandledrejection", "name": "", "message": "nope"},
            START + 21,
        ),  # fmt: skip
        plugin(
            "session-replay/page@1",
            {"kind": "leave", "url": "http://x/", "visibleMs": 66},
            START + 22,
        ),  # fmt: skip
    ]
    status, answer = await post_beacon(beacon_body(opened.token, [{"seq": 3, "events": second}]))
    assert (status, answer["acked"]) == (200, [3])
    session = await ReplaySession.objects.aget(pk=opened.session_id)
    assert (session.js_error_count, session.lcp_p75, session.visible_ms) == (2, 4000, 1300)
    visitor = await Visitor.objects.aget(pk="visitor-1")
    assert (visitor.session_count, visitor.visible_ms) == (1, 1300)


@pytest.mark.django_db
def test_a_visitor_counts_each_session_once() -> None:
    first = record([[page_view("http://x/", START)]])
    record([[page_view("http://x/", START)]], token=first.token)  # resumed: not counted
    record([[page_view("http://x/", START)]], visitor="visitor-2")
    record([[page_view("http://x/", START)]])
    counts = dict(Visitor.objects.values_list("visitor_id", "session_count"))
    assert counts == {"visitor-1": 2, "visitor-2": 1}


@pytest.mark.django_db
def test_a_batch_without_plugin_events_makes_no_query(django_assert_num_queries: Any) -> None:
    from django_session_replay.ingest.pipeline import StoredBatch
    from django_session_replay.timeline.telemetry import Telemetry
    from django_session_replay.wire import frames

    events = [page_view("http://x/", START), {"type": 3, "timestamp": START, "data": {}}]
    batch = frames.parse_batch({"seq": 1, "events": events}, max_bytes=1 << 20)
    session_id = record([]).session_id
    with django_assert_num_queries(0):
        Telemetry().process([StoredBatch(session_id, "tab-1", batch, 0)])


def test_p75_is_the_nearest_rank() -> None:
    assert p75([]) is None
    assert p75([7.0]) == 7.0
    assert p75([4.0, 1.0, 3.0, 2.0]) == 3.0
    assert p75([float(v) for v in range(1, 101)]) == 75.0


def test_only_plugin_events_are_read() -> None:
    custom = {"type": 5, "timestamp": START, "data": {"plugin": "rrweb/console@1",
              "payload": {"level": "error", "payload": ["x"], "trace": []}}}  # fmt: skip
    assert list(facts([custom])) == []
    assert [f.kind for f in facts([console("error", "x")])] == ["console"]


def test_a_card_number_and_a_bearer_token_are_scrubbed_again() -> None:
    (fact,) = facts([console("error", "paid 4111 1111 1111 1111 with Bearer abc.def")])
    assert fact.label == "paid [card] with Bearer [token]"
    (kept,) = facts([console("error", "order 1234 5678 9012 3456")])  # fails Luhn
    assert kept.label == "order 1234 5678 9012 3456"


@pytest.mark.django_db
def test_page_numbers_read_the_view_before_and_every_view_during_the_moments() -> None:
    from django_session_replay.models import TimelineEntry
    from django_session_replay.timeline.telemetry import PageNumbers

    sid = record([]).session_id
    TimelineEntry.objects.bulk_create(
        TimelineEntry(session_id=sid, window="tab-1", page=n, ts=START + n * 10, kind="page_view")
        for n in range(1, 121)
    )
    wide = PageNumbers.read(sid, "tab-1", [START + 15, START + 1000])  # spans 99 views: two queries
    assert [wide.of(ts) for ts in (START + 5, START + 15, START + 20, START + 999)] == [0, 1, 2, 99]
    narrow = PageNumbers.read(sid, "tab-1", [START + 1195, START + 1199])  # one query
    assert (narrow.of(START + 1195), narrow.moments) == (119, [START + 1190])
    late = PageNumbers.read(sid, "tab-1", [START + 5000])
    assert late.of(START + 5000) == 120


@pytest.mark.django_db
def test_page_numbers_of_many_windows_come_from_one_query(
    django_assert_num_queries: Any,
) -> None:
    """A pipeline run holds batches of hundreds of sessions: their windows'
    page numbers are read together, and agree with each window read alone."""
    from django_session_replay.models import TimelineEntry
    from django_session_replay.timeline.telemetry import PageNumbers

    sids = [record([]).session_id for _ in range(3)]
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            session_id=sid, window=window, page=n, ts=START + n * (10 + i), kind="page_view"
        )
        for i, sid in enumerate(sids)
        for window in ("tab-1", "tab-2")
        for n in range(1, 8 + 4 * i)
    )
    moments = {
        (sid, window): [START + 25 + i, START + 60 + 7 * i]
        for i, sid in enumerate(sids)
        for window in ("tab-1", "tab-2")
    }
    moments[sids[0], "tab-3"] = [START + 40]  # a window without views
    with django_assert_num_queries(1):
        together = PageNumbers.read_all(moments)
    for key, ts in moments.items():
        alone = PageNumbers.read(*key, ts)
        probes = range(START, START + 200, 3)
        assert [together[key].at(t) for t in probes if t >= min(ts)] == [
            alone.at(t) for t in probes if t >= min(ts)
        ]
        assert together[key].moments == alone.moments
    assert together[sids[2], "tab-2"].of(START + 60 + 14) == 6  # 6 * 12 <= 74 < 7 * 12
    assert together[sids[0], "tab-3"].of(START + 40) == 0
