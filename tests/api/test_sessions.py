"""The session endpoints for staff (api/sessions.py, api/filters.py): the list,
one session and its events as NDJSON."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db


def test_list_is_paginated_newest_first_and_filtered(client: Client, viewer: User) -> None:
    older = record([events(1)], page={"url": "http://testserver/a"}).session_id
    newer = record([events(1)], page={"url": "http://testserver/b"}, user_id=viewer.pk).session_id
    body = client.get("/session-replay/api/sessions").json()
    assert [item["id"] for item in body["items"]] == [str(newer), str(older)]
    assert body["count"] == 2
    page = client.get("/session-replay/api/sessions?limit=1&offset=1").json()
    assert [item["id"] for item in page["items"]] == [str(older)]
    by_url = client.get("/session-replay/api/sessions?url=/a").json()
    assert [item["id"] for item in by_url["items"]] == [str(older)]
    by_user = client.get("/session-replay/api/sessions?username=viewer").json()
    assert [item["username"] for item in by_user["items"]] == ["viewer"]
    active = client.get("/session-replay/api/sessions?active=true").json()
    assert active["count"] == 2


def test_bad_query_parameters_get_422(client: Client, viewer: User) -> None:
    assert client.get("/session-replay/api/sessions?limit=abc").status_code == 422
    assert client.get("/session-replay/api/sessions?started_after=yesterday").status_code == 422
    assert client.get("/session-replay/api/sessions/not-a-uuid").status_code == 422


def test_detail_links_to_the_admin_replay(client: Client, viewer: User) -> None:
    sid = record([events(3)]).session_id
    body = client.get(f"/session-replay/api/sessions/{sid}").json()
    assert (
        body["replay_url"]
        == f"http://testserver/admin/django_session_replay/replaysession/{sid}/replay/"
    )
    assert body["event_count"] == 3
    assert body["windows"] == ["tab-1"]


def test_events_stream_in_order_as_ndjson(client: Client, viewer: User) -> None:
    sid = record([events(3, start=10), events(2, start=20)]).session_id
    response = client.get(f"/session-replay/api/sessions/{sid}/events")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["timestamp"] for line in lines] == [10, 11, 12, 20, 21]


def test_unknown_session_is_404(client: Client, viewer: User) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/session-replay/api/sessions/{missing}").status_code == 404
    assert client.get(f"/session-replay/api/sessions/{missing}/events").status_code == 404


def test_detail_lists_the_page_views(client: Client, viewer: User) -> None:
    from django_session_replay.ingest.pipeline import StoredBatch
    from django_session_replay.timeline.processor import PageViews
    from django_session_replay.wire import frames

    view = {
        "type": 5,
        "timestamp": 1_700_000_000_500,
        "data": {
            "tag": "session-replay-page",
            "payload": {"url": "http://x/b", "title": "B", "referrer": "http://x/", "nav": "push"},
        },
    }
    sid = record([events(2)], page={"title": "Start", "referrer": "http://ref/"}).session_id
    batch = frames.parse_batch({"seq": 2, "events": [view]}, max_bytes=1 << 20)
    PageViews().process([StoredBatch(sid, "tab-1", batch, 0)])
    body = client.get(f"/session-replay/api/sessions/{sid}").json()
    assert (body["entry_title"], body["referrer"]) == ("Start", "http://ref/")
    assert body["page_views"] == [
        {
            "window": "tab-1",
            "page": 1,
            "ts": 1_700_000_000_500,
            "offset_ms": 500,
            "title": "B",
            "url": "http://x/b",
            "referrer": "http://x/",
            "nav": "push",
        }
    ]
