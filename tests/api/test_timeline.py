"""The timeline endpoint and the session list's issue-12 filters (api/sessions.py,
timeline/find.py, timeline/search.py), on sessions whose timelines the real
processors wrote."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from django_session_replay.ingest.pipeline import StoredBatch
from django_session_replay.models import ReplaySession, TimelineEntry
from django_session_replay.timeline import search
from django_session_replay.timeline.processor import PageViews
from django_session_replay.timeline.search import entry_text
from django_session_replay.timeline.telemetry import Telemetry
from django_session_replay.wire import frames
from tests.factories import record
from tests.timeline.test_moments import click, custom
from tests.timeline.test_telemetry import START, console, page_view

pytestmark = pytest.mark.django_db
SESSIONS = "/session-replay/api/sessions"


def session(events: list[dict[str, Any]], **columns: Any) -> UUID:
    """A session whose batch went through PageViews and Telemetry."""
    sid = record([], page={"url": "http://x/", "title": "Home"}).session_id
    events = events or [{"type": 3, "timestamp": START, "data": {}}]
    batch = frames.parse_batch({"seq": 1, "events": events}, max_bytes=1 << 20)
    stored = [StoredBatch(sid, "tab-1", batch, 0)]
    PageViews().process(stored)
    Telemetry().process(stored)
    if columns:
        ReplaySession.objects.filter(pk=sid).update(**columns)
    return sid


def found(client: Client, query: str) -> set[str]:
    response = client.get(f"{SESSIONS}?{query}")
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_the_timeline_lists_every_moment_in_time_order(client: Client, viewer: User) -> None:
    sid = session([
        console("error", "checkout failed", ts=START + 5),
        page_view("http://x/products/", START),
        click(START + 3),
        custom("checkout-started", {"cart": 1}, START + 4),
    ])  # fmt: skip
    body = client.get(f"{SESSIONS}/{sid}/timeline").json()
    assert [(row["ts"], row["kind"], row["label"]) for row in body] == [
        (START, "page_view", "http://x/products/"),
        (START + 3, "click", 'button#buy "Add to cart"'),
        (START + 4, "custom", "checkout-started"),
        (START + 5, "console", "checkout failed"),
    ]
    assert set(body[0]) == {"ts", "kind", "window", "label", "level", "detail"}
    assert (body[3]["window"], body[3]["level"]) == ("tab-1", "error")
    assert body[2]["detail"] == {"name": "checkout-started", "data": {"cart": 1}}
    assert client.get(f"{SESSIONS}/{sid}/timeline?window=tab-2").json() == []
    assert client.get(f"{SESSIONS}/{sid}/timeline?window=a%20b").status_code == 422
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"{SESSIONS}/{missing}/timeline").status_code == 404


def test_the_timeline_needs_the_view_permission(client: Client) -> None:
    sid = session([page_view("http://x/", START)])
    assert client.get(f"{SESSIONS}/{sid}/timeline").status_code == 401
    user = User.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(f"{SESSIONS}/{sid}/timeline").status_code == 403


def test_reading_the_timeline_is_not_audited(client: Client, viewer: User) -> None:
    sid = session([page_view("http://x/", START)])
    client.get(f"{SESSIONS}/{sid}/timeline")
    assert not ReplaySession.objects.get(pk=sid).audit_entries.exists()


def test_visited_matches_any_page_view_by_path_or_url(client: Client, viewer: User) -> None:
    shop = str(
        session([page_view("http://x/", START), page_view("http://x/products/?p=2", START + 1)])
    )
    other = str(session([page_view("http://x/products/old", START)]))
    assert found(client, "visited=/products/") == {shop}
    assert found(client, "visited=/products") == {shop}
    assert found(client, "visited=http://x/products/") == {shop}
    assert found(client, "visited=/products/old") == {other}
    assert found(client, "visited=/") == {shop, other}  # every session entered at http://x/
    assert found(client, "visited=/nowhere/") == set()


def test_event_matches_the_custom_event_name(client: Client, viewer: User) -> None:
    tracked = str(session([custom("checkout-started", {}, START)]))
    session([custom("checkout-done", {}, START)])
    assert found(client, "event=checkout-started") == {tracked}
    assert found(client, "event=checkout") == set()


def test_has_errors(client: Client, viewer: User) -> None:
    clean = str(session([page_view("http://x/", START)]))
    console_error = str(session([console("error", "boom", ts=START)]))
    warned = str(session([console("warn", "careful", ts=START)]))
    failed = str(session([], failed_request_count=1))
    js = str(session([], js_error_count=2))
    server = session([])
    TimelineEntry.objects.create(
        session_id=server, window="tab-1", page=1, ts=START, kind="server_exception"
    )
    with_errors = {console_error, failed, js, str(server)}
    assert found(client, "has_errors=true") == with_errors
    assert found(client, "has_errors=false") == {clean, warned}


def test_browser_os_device_and_min_duration(client: Client, viewer: User) -> None:
    firefox = str(session([], browser="Firefox", os="Linux", device="desktop", duration_ms=90_000))
    phone = str(session([], browser="Mobile Safari", os="iOS", device="mobile", duration_ms=5_000))
    assert found(client, "browser=firefox") == {firefox}
    assert found(client, "os=IOS") == {phone}
    assert found(client, "device=mobile") == {phone}
    assert found(client, "browser=Fire") == set()  # exact, not contains
    assert found(client, "min_duration=60") == {firefox}
    assert found(client, "min_duration=5") == {firefox, phone}
    assert found(client, "min_duration=0.5&device=desktop") == {firefox}


@pytest.mark.parametrize("value", ["-1", "abc", "inf", "nan", "1e12"])
def test_a_bad_min_duration_is_a_422(client: Client, viewer: User, value: str) -> None:
    response = client.get(f"{SESSIONS}?min_duration={value}")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "min_duration"
    assert error["msg"]


def test_q_searches_the_timeline_text_and_the_entry_url(client: Client, viewer: User) -> None:
    expected = {"postgresql": "postgresql", "sqlite": "fts5"}.get(connection.vendor, "icontains")
    assert search.backend() == expected
    events = [
        page_view("http://x/products/", START),
        console("error", "Checkout failed: card declined", ts=START + 1),
    ]
    failing = str(session(events))
    clicked = str(session([click(START, text="Add to basket")]))
    assert found(client, "q=card declined") == {failing}
    assert found(client, "q=DECLINED") == {failing}
    assert found(client, "q=decl") == {failing}  # a word prefix
    assert found(client, "q=products") == {failing}
    assert found(client, "q=/products/") == {failing}
    assert found(client, "q=basket") == {clicked}
    assert found(client, "q=card basket") == set()  # every word, in one entry
    assert found(client, "q=Home") == {failing, clicked}  # the entry title
    assert found(client, "q=nothing-like-it") == set()
    assert found(client, "q=%22%27*:&") == set()  # no word: nothing, and no syntax error
    # Deleting a session deletes what search finds of it.
    ReplaySession.objects.filter(pk=failing).delete()
    assert found(client, "q=declined") == set()


def test_q_falls_back_to_icontains(client: Client, viewer: User, monkeypatch: Any) -> None:
    monkeypatch.setattr(search, "backend", lambda alias="default": "icontains")
    failing = str(session([console("error", "Checkout failed", ts=START)]))
    session([console("error", "All fine", ts=START)])
    assert found(client, "q=checkout fail") == {failing}


def test_entry_text_of_a_server_row() -> None:
    detail = {"method": "GET", "path": "/cart/", "url_name": "cart", "view": "shop.views.cart"}
    assert entry_text("GET /cart/ 500", detail) == "get cart 500 shop views"


def test_the_search_index_serves_the_query() -> None:
    query = search.entries_matching("checkout failed")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: force the choice
            plan = query.explain()
            assert search.GIN_INDEX in plan, plan
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{search.FTS_TABLE}%"]
            )
            names = {row[0] for row in cursor.fetchall()}
            assert {search.FTS_TABLE, f"{search.FTS_TABLE}_ai", f"{search.FTS_TABLE}_ad"} <= names
            assert "VIRTUAL TABLE INDEX" in query.explain()


def test_signal_filters_the_session_list(client: Client, viewer: User) -> None:
    from tests.timeline.test_signals import new_session, send

    raging, calm = new_session(), new_session()
    send(raging, 1, [page_view("http://x/", START), *(click(START + n * 100) for n in range(4))])
    send(calm, 1, [page_view("http://x/", START), click(START + 100)])
    response = client.get("/session-replay/api/sessions?signal=rage_click")
    assert response.status_code == 200
    assert {item["id"] for item in response.json()["items"]} == {str(raging)}
    assert client.get("/session-replay/api/sessions?signal=dead_click").json()["items"] == []
    assert client.get("/session-replay/api/sessions?signal=bogus").status_code == 422
