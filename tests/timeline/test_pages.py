"""Page views (timeline/pages.py, timeline/processor.py): the recorder's
session-replay-page events become numbered page_view rows; nothing else does."""

from __future__ import annotations

from typing import Any

import pytest

from django_session_replay.ingest.pipeline import StoredBatch
from django_session_replay.models import ReplaySession, TimelineEntry
from django_session_replay.timeline.pages import page_views
from django_session_replay.timeline.processor import PageViews
from django_session_replay.wire import frames
from tests.factories import record

START = 1_700_000_000_000


def page(nav: str, url: str, title: str = "", ts: int = START, **more: Any) -> dict[str, Any]:
    payload = {"url": url, "title": title, "referrer": "", "nav": nav, **more}
    return {"type": 5, "timestamp": ts, "data": {"tag": "session-replay-page", "payload": payload}}


def stored(session_id: Any, window: str, seq: int, events: list[dict[str, Any]]) -> StoredBatch:
    batch = frames.parse_batch({"seq": seq, "events": events}, max_bytes=1 << 20)
    return StoredBatch(session_id, window, batch, 0)


def test_malformed_page_events_are_skipped() -> None:
    good = page("push", "http://x/b", "B")
    bad = [
        {
            "type": 5,
            "timestamp": START,
            "data": {"tag": "other", "payload": good["data"]["payload"]},
        },
        page("teleport", "http://x/"),
        page("load", ""),
        {"type": 5, "timestamp": "soon", "data": good["data"]},
        {"type": 5, "timestamp": START, "data": {"tag": "session-replay-page", "payload": "x"}},
    ]
    views = list(page_views([*bad, good]))
    assert [(v.url, v.title, v.nav) for v in views] == [("http://x/b", "B", "push")]


@pytest.mark.django_db
def test_page_views_are_numbered_per_window_across_batches() -> None:
    opened = record([[{"type": 3, "timestamp": START, "data": {}}]])
    sid = opened.session_id
    processor = PageViews()
    processor.process(
        [
            stored(sid, "tab-1", 2, [page("load", "http://x/", "Home", START + 1)]),
            stored(sid, "tab-2", 1, [page("load", "http://x/other", "Other", START + 2)]),
            stored(
                sid,
                "tab-1",
                3,
                [
                    {"type": 3, "timestamp": START + 3, "data": {"source": 2}},
                    page("push", "http://x/#/cart", "Cart", START + 4, referrer="http://x/"),
                ],
            ),
        ]
    )
    processor.process([stored(sid, "tab-1", 4, [page("load", "http://x/next", "Next", START + 5)])])
    rows = TimelineEntry.objects.filter(session_id=sid).order_by("ts")
    assert [(r.window, r.page, r.ts - START, r.label, r.detail["nav"]) for r in rows] == [
        ("tab-1", 1, 1, "Home", "load"),
        ("tab-2", 1, 2, "Other", "load"),
        ("tab-1", 1, 4, "Cart", "push"),
        ("tab-1", 2, 5, "Next", "load"),
    ]
    cart = rows[2]
    assert cart.kind == "page_view"
    assert cart.detail == {"url": "http://x/#/cart", "referrer": "http://x/", "nav": "push"}
    # The path the dashboard groups by: a hash route is the same page.
    assert [r.path for r in rows] == ["/", "/other", "/", "/next"]


@pytest.mark.django_db
def test_a_batch_without_page_events_makes_no_query(django_assert_num_queries: Any) -> None:
    opened = record([[{"type": 3, "timestamp": START, "data": {}}]])
    with django_assert_num_queries(0):
        PageViews().process(
            [
                stored(
                    opened.session_id,
                    "tab-1",
                    2,
                    [{"type": 5, "timestamp": 1, "data": {"tag": "x"}}],
                )
            ]
        )


@pytest.mark.django_db
def test_the_hello_title_and_referrer_are_kept_on_the_session() -> None:
    opened = record(
        [[{"type": 3, "timestamp": START, "data": {}}]],
        page={"url": "http://x/", "title": "Welcome", "referrer": "https://search.example/?q=a"},
    )
    session = ReplaySession.objects.get(pk=opened.session_id)
    assert (session.entry_title, session.referrer) == ("Welcome", "https://search.example/?q=a")
