"""The digest of a session's timeline (insights/digest.py): the moments that
matter in time order, each with a stable ref and its time since the start;
mutations, successful requests and the like left out; a cap that keeps errors
and signals; a sha256 that names it."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import pytest
from django.utils import timezone

from django_session_replay.ingest import store
from django_session_replay.ingest.pipeline import StoredBatch
from django_session_replay.insights import digest
from django_session_replay.models import ReplaySession, TimelineEntry
from django_session_replay.timeline.processor import PageViews
from django_session_replay.timeline.search import entry_text
from django_session_replay.timeline.telemetry import Telemetry
from django_session_replay.wire import frames
from tests.factories import record
from tests.timeline.test_moments import click
from tests.timeline.test_telemetry import START, console, plugin, request

pytestmark = pytest.mark.django_db

Kind = TimelineEntry.Kind


def page_view(path: str, title: str, ts: int) -> dict[str, Any]:
    payload = {"url": f"http://x{path}", "title": title, "referrer": "", "nav": "load"}
    return {"type": 5, "timestamp": ts, "data": {"tag": "session-replay-page", "payload": payload}}


def vital(name: str, value: float, rating: str, ts: int) -> dict[str, Any]:
    payload = {"kind": "vital", "name": name, "value": value, "rating": rating, "url": "http://x/"}
    return plugin("session-replay/page@1", payload, ts)


def js_error(message: str, ts: int) -> dict[str, Any]:
    payload = {"kind": "error", "name": "TypeError", "message": message, "stack": ""}
    return plugin("session-replay/error@1", payload, ts)


def recorded(events: list[dict[str, Any]]) -> UUID:
    """A session whose one batch went through the real PageViews and Telemetry."""
    sid = record([], page={"url": "http://x/products/", "title": "Products"}).session_id
    batch = frames.parse_batch({"seq": 1, "events": events}, max_bytes=1 << 20)
    stored = [StoredBatch(sid, "tab-1", batch, 0)]
    store.append_batch(sid, "tab-1", batch)  # the session's timestamps and counters
    PageViews().process(stored)
    Telemetry().process(stored)
    return sid


def add_row(sid: UUID, kind: str, ts: int, label: str, level: str = "", **detail: Any) -> int:
    """A timeline row as the Signals processor or the server middleware writes it."""
    row = TimelineEntry(
        session_id=sid, window="tab-1", page=1, ts=ts, kind=kind, label=label, level=level,
        detail=detail,
    )  # fmt: skip
    row.text = entry_text(label, detail)
    row.save()
    return row.pk


def shop_session() -> UUID:
    """Landed on /products/, rage-clicked "Add to cart", got a 500 from POST
    /cart/ (the browser's request and the server's), hit a JS error, went on to
    /cart/, left after 12 s; with what a digest leaves out around it."""
    sid = recorded([
        page_view("/products/", "Products · Shop", START),
        {"type": 3, "timestamp": START + 500, "data": {"source": 0, "adds": []}},  # a mutation
        console("warn", "careful", ts=START + 600),
        vital("LCP", 1200, "good", START + 700),
        click(START + 3000, id="add", classes=[]),
        click(START + 3200, id="add", classes=[]),
        click(START + 3400, id="add", classes=[]),
        plugin("rrweb/network@1", {"requests": [
            request("http://x/api/stock/", 200, 30),  # succeeded: not even kept
            request("http://x/api/slow/", 200, 1500),  # kept as slow, left out
            request("http://x/cart/", 500, 80, method="POST"),
        ]}, START + 3500),
        js_error("cart is undefined", START + 3600),
        page_view("/cart/", "Cart · Shop", START + 8000),
        vital("LCP", 4200, "poor", START + 8500),
        {"type": 3, "timestamp": START + 12_000, "data": {"source": 1}},
    ])  # fmt: skip
    add_row(sid, Kind.RAGE_CLICK, START + 3400, 'button#add "Add to cart"', "warn", count=3,
            text="Add to cart")  # fmt: skip
    add_row(sid, Kind.SERVER_REQUEST, START + 3480, "POST /cart/ 500", "error", method="POST",
            path="/cart/", status=500)  # fmt: skip
    add_row(sid, Kind.SERVER_REQUEST, START + 100, "GET /products/ 200", "", method="GET",
            path="/products/", status=200)  # fmt: skip
    add_row(sid, Kind.SERVER_EXCEPTION, START + 3490, "ValueError: out of stock", "error",
            type="ValueError", message="out of stock")  # fmt: skip
    ReplaySession.objects.filter(pk=sid).update(ended=timezone.now())
    return sid


def digest_of(sid: UUID) -> digest.Digest:
    return digest.digest_of(ReplaySession.objects.get(pk=sid))


def ref(sid: UUID, kind: str, ts: int) -> str:
    rows = TimelineEntry.objects.filter(session_id=sid, kind=kind, ts=ts)
    rows = rows.exclude(kind=Kind.NETWORK, level="warn")  # the slow request
    return f"E{rows.get().pk}"


def test_the_digest_lists_what_matters_in_time_order() -> None:
    sid = shop_session()
    found = digest_of(sid)
    assert found.text.splitlines() == [
        "S 0:00 session: other, 2 page views",  # the user agent "pytest"
        f'{ref(sid, Kind.PAGE_VIEW, START)} 0:00 page view "Products · Shop" /products/',
        f'{ref(sid, Kind.CLICK, START + 3000)} 0:03 click button#add "Add to cart" ×3',
        f'{ref(sid, Kind.RAGE_CLICK, START + 3400)} 0:03 rage click button#add "Add to cart"',
        f"{ref(sid, Kind.SERVER_REQUEST, START + 3480)} 0:03 server request failed POST /cart/ 500",
        f"{ref(sid, Kind.SERVER_EXCEPTION, START + 3490)} 0:03 server exception ValueError: out "
        "of stock",
        f"{ref(sid, Kind.NETWORK, START + 3500)} 0:03 failed request POST /cart/ 500",
        f"{ref(sid, Kind.JS_ERROR, START + 3600)} 0:03 JS error TypeError: cart is undefined",
        f'{ref(sid, Kind.PAGE_VIEW, START + 8000)} 0:08 page view "Cart · Shop" /cart/',
        f"{ref(sid, Kind.WEB_VITAL, START + 8500)} 0:08 poor web vital LCP 4200 ms",
        "END 0:12 session ended",
    ]
    assert found.hash == hashlib.sha256(found.text.encode()).hexdigest()
    lines = found.refs
    rage = lines[ref(sid, Kind.RAGE_CLICK, START + 3400)]
    assert (rage.kind, rage.offset_ms, rage.ts, rage.window) == ("rage_click", 3400, START + 3400,
                                                                "tab-1")  # fmt: skip
    assert rage.fields == {"target": "Add to cart"}
    assert lines[ref(sid, Kind.NETWORK, START + 3500)].fields == {
        "method": "POST", "path": "/cart/", "status": "500"
    }  # fmt: skip
    assert lines["END"].offset_ms == 12_000 and lines["END"].fields == {"ended": True}


def test_the_same_timeline_is_the_same_digest_and_a_new_row_changes_only_the_hash() -> None:
    sid = shop_session()
    first = digest_of(sid)
    assert digest_of(sid).text == first.text  # deterministic
    add_row(sid, Kind.JS_ERROR, START + 100, "TypeError: early", "error", message="early")
    second = digest_of(sid)
    assert second.hash != first.hash
    # Refs are row ids: the lines already there keep theirs.
    assert set(first.refs) < set(second.refs)
    assert [line.ref for line in second.lines if line.ref in first.refs] == [
        line.ref for line in first.lines
    ]


def test_an_open_session_ends_with_its_last_event_so_far() -> None:
    sid = shop_session()
    ReplaySession.objects.filter(pk=sid).update(ended=None)
    assert digest_of(sid).lines[-1].render() == "END 0:12 last event so far (still open)"


def test_a_session_with_no_batch_counts_from_its_first_row() -> None:
    sid = ReplaySession.objects.create(browser="Firefox", os="Linux", device="desktop").pk
    add_row(sid, Kind.SERVER_EXCEPTION, START + 2000, "KeyError: 'x'", "error")
    add_row(sid, Kind.SERVER_REQUEST, START + 1000, "GET /a/ 404", "warning", method="GET",
            path="/a/", status=404)  # fmt: skip
    found = digest_of(sid)
    assert [line.render().split(" ", 1)[1] for line in found.lines] == [
        "0:00 session: Firefox · Linux · desktop, 0 page views",
        "0:00 server request failed GET /a/ 404",
        "0:01 server exception KeyError: 'x'",
        "0:01 last event so far (still open)",
    ]


def test_a_long_session_is_cut_keeping_errors_and_signals_first() -> None:
    sid = shop_session()
    rows = [
        TimelineEntry(session_id=sid, window="tab-1", page=1, ts=START + 20_000 + i * 10,
                      kind=Kind.CLICK, label=f"button#b{i}", detail={})
        for i in range(400)
    ]  # fmt: skip
    rows += [
        TimelineEntry(session_id=sid, window="tab-1", page=1, ts=START + 30_000 + i * 10,
                      kind=Kind.JS_ERROR, label=f"TypeError: late {i}", level="error")
        for i in range(5)
    ]  # fmt: skip
    TimelineEntry.objects.bulk_create(rows)
    found = digest_of(sid)
    assert len(found.lines) == digest.MAX_LINES
    assert found.omitted == 400 + 5 + 9 - (digest.MAX_LINES - 2)
    kinds = [line.kind for line in found.moments()]
    assert kinds.count("js_error") == 1 + 5  # every error kept
    assert kinds.count("rage_click") == 1 and kinds.count("page_view") == 2
    assert [line.ts for line in found.lines[1:-1]] == sorted(line.ts for line in found.lines[1:-1])
    assert found.lines[0].text.endswith(f", {found.omitted} less telling moments left out")


def test_long_text_is_cut_and_whitespace_collapsed() -> None:
    sid = ReplaySession.objects.create(first_timestamp=START).pk
    add_row(sid, Kind.JS_ERROR, START, "Error: " + "a  \n b " * 70, "error")  # a label holds 512
    (line,) = digest_of(sid).moments()
    assert len(line.text) <= len("JS error ") + digest.MAX_TEXT
    assert "\n" not in line.text and "  " not in line.text and line.text.endswith("…")


def test_what_restates_or_only_fetches_an_asset_is_left_out() -> None:
    sid = ReplaySession.objects.create(first_timestamp=START).pk
    add_row(sid, Kind.SERVER_REQUEST, START, "GET /favicon.ico 404", "warning", method="GET",
            path="/favicon.ico", status=404)  # fmt: skip
    add_row(sid, Kind.NETWORK, START, "GET /favicon.ico 404", "error", method="GET",
            url="http://x/favicon.ico", status=404, failed=True)  # fmt: skip
    add_row(sid, Kind.SERVER_REQUEST, START + 1, "GET /orders/7/ 404", "warning", method="GET",
            path="/orders/7/", status=404)  # fmt: skip
    add_row(sid, Kind.SERVER_REQUEST, START + 2, "GET /app.js 500", "error", method="GET",
            path="/app.js", status=500)  # fmt: skip
    add_row(sid, Kind.LOG, START + 3, "Internal Server Error: /app.js", "error",
            logger="django.request")  # fmt: skip
    add_row(sid, Kind.LOG, START + 4, "payment refused", "error", logger="shop.payments")
    add_row(sid, Kind.LOG, START + 5, "retrying", "warning", logger="shop.payments")
    assert [line.text for line in digest_of(sid).moments()] == [
        "server request failed GET /orders/7/ 404",
        "server request failed GET /app.js 500",
        "server log error payment refused",
    ]
