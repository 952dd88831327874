"""Clicks, field focus, custom events and gaps (timeline/moments.py): sent as
msgpack through the HTTP door and its real pipeline, they become timeline rows
with their searchable text."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from django_session_replay.models import TimelineEntry
from django_session_replay.timeline.moments import MAX_CUSTOM_DETAIL, facts
from django_session_replay.timeline.search import entry_text
from tests.conftest import beacon_body
from tests.factories import record
from tests.ingest.test_pipeline import post_beacon
from tests.timeline.test_telemetry import START, page_view, plugin


def custom(tag: Any, payload: Any, ts: int = START) -> dict[str, Any]:
    return {"type": 5, "timestamp": ts, "data": {"tag": tag, "payload": payload}}


def click(ts: int = START, **fields: Any) -> dict[str, Any]:
    payload = {"tag": "BUTTON", "id": "buy", "classes": ["btn", "primary"],
               "text": "Add to cart", "x": 10, "y": 20.5, **fields}  # fmt: skip
    return plugin("session-replay/click@1", payload, ts)


def moments() -> list[dict[str, Any]]:
    return [
        page_view("http://x/products/", START),
        click(START + 1),
        click(START + 2, id="", classes=["nav", "main", "top", "fourth"], text="  Go\n home "),
        plugin(
            "session-replay/focus@1",
            {"tag": "input", "id": "e", "name": "email", "type": "email", "value": "secret"},
            START + 3,
        ),  # fmt: skip
        plugin("session-replay/focus@1", {"tag": "textarea", "id": "note"}, START + 4),
        custom("checkout-started", {"cart": 3, "for": "ann@example.com"}, START + 5),
        custom("big", {"blob": "x" * 5000}, START + 6),
        custom("session-replay-gap", {"reason": "overflow", "dropped": 12}, START + 7),
        page_view("http://x/cart/", START + 8),
        # Malformed or not a moment: skipped.
        plugin("session-replay/click@1", {"tag": "", "text": "x"}),
        plugin("session-replay/click@1", {"tag": "a", "classes": "x"}),
        plugin("session-replay/focus@1", {"tag": 3}),
        custom("", {}),
        custom(7, {}),
        custom("session-replay-gap", "x"),
    ]


@pytest.mark.django_db(transaction=True)
async def test_moments_become_timeline_rows() -> None:
    opened = await sync_to_async(record)([[{"type": 3, "timestamp": START - 10, "data": {}}]])
    body = beacon_body(opened.token, [{"seq": 2, "events": moments()}])
    status, answer = await post_beacon(body)
    assert (status, answer["acked"]) == (200, [2]), answer

    entries = TimelineEntry.objects.filter(session_id=opened.session_id).order_by("ts", "id")
    found = [(e.kind, e.page, e.level, e.label) async for e in entries]
    assert found == [
        ("page_view", 1, "", "http://x/products/"),
        ("click", 1, "", 'button#buy "Add to cart"'),
        ("click", 1, "", 'button.nav.main.top "Go home"'),
        ("focus", 1, "", "input[name=email]"),
        ("focus", 1, "", "textarea#note"),
        ("custom", 1, "", "checkout-started"),
        ("custom", 1, "", "big"),
        ("gap", 1, "warn", "overflow"),
        ("page_view", 2, "", "http://x/cart/"),
    ]
    rows = {e.label: e async for e in entries}
    first = rows['button#buy "Add to cart"']
    assert first.detail == {"tag": "button", "id": "buy", "classes": ["btn", "primary"],
                            "text": "Add to cart", "x": 10, "y": 20.5}  # fmt: skip
    assert "secret" not in str(rows["input[name=email]"].detail)
    assert rows["input[name=email]"].detail == {
        "tag": "input", "id": "e", "name": "email", "type": "email"}  # fmt: skip
    assert rows["checkout-started"].detail == {
        "name": "checkout-started", "data": {"cart": 3, "for": "[email]"}}  # fmt: skip
    big = rows["big"].detail["data"]
    assert isinstance(big, str) and len(big.encode()) <= MAX_CUSTOM_DETAIL
    assert rows["overflow"].detail == {"reason": "overflow", "dropped": 12}
    # Every row carries its search text.
    assert first.text == "button buy add to cart"
    assert rows["http://x/products/"].text == "http x products"
    assert rows["checkout-started"].text == "checkout started"


def test_entry_text_holds_the_label_and_the_searched_details() -> None:
    detail = {"url": "https://shop.example/Products/?q=Red_Shoes", "message": "Boom!",
              "trace": ["not searched"], "classes": ["x"], "text": ["a", 1]}  # fmt: skip
    assert entry_text("Über-Title", detail) == (
        "über title https shop example products q red shoes boom a"
    )


def test_page_views_are_left_to_page_views() -> None:
    assert list(facts([page_view("http://x/", START)])) == []
