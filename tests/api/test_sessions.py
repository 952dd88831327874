from __future__ import annotations

import json

import msgpack
import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from django_session_replay.conf import conf
from django_session_replay.models import Batch, ReplaySession
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client: Client) -> User:
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    return user


@pytest.mark.parametrize("path", ["/sessions", "/sessions/{sid}", "/sessions/{sid}/events"])
def test_anonymous_gets_401(client: Client, path: str) -> None:
    sid = record([events(2)]).session_id
    response = client.get("/session-replay/api" + path.format(sid=sid))
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/sessions", "/sessions/{sid}", "/sessions/{sid}/events"])
def test_staff_without_view_permission_gets_403(client: Client, path: str) -> None:
    client.force_login(User.objects.create_user("staff", is_staff=True))
    sid = record([events(2)]).session_id
    response = client.get("/session-replay/api" + path.format(sid=sid))
    assert response.status_code == 403


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


def test_openapi_schema_lists_the_endpoints(client: Client) -> None:
    schema = client.get("/session-replay/api/openapi.json").json()
    assert {"/session-replay/api/sessions", "/session-replay/api/ingest"} <= set(schema["paths"])


def beacon_body(opened, batches: list[dict]) -> dict:
    """What the recorder's sendBeacon posts for window tab-1 of a recorded session."""
    return {
        "v": 1,
        "key": conf.SITE_KEY,
        "token": opened.token,
        "win": "tab-1",
        "visitor": "visitor-1",
        "batches": batches,
    }


def beacon(client: Client, payload: dict, origin: str = "http://testserver"):
    return client.post(
        "/session-replay/api/ingest",
        msgpack.packb(payload),
        content_type="application/msgpack",
        headers={"Origin": origin},
    )


def test_http_ingest_appends_to_the_session_idempotently(client: Client) -> None:
    opened = record([events(1)])
    payload = beacon_body(opened, [{"t": "batch", "seq": 2, "events": events(2)}])
    for _ in range(2):
        response = beacon(client, payload)
        assert response.status_code == 200, response.content
        assert response.json() == {"sid": str(opened.session_id), "acked": [2]}
    assert Batch.objects.filter(session_id=opened.session_id).count() == 2
    assert ReplaySession.objects.get().event_count == 3


@pytest.mark.parametrize(
    "change, status, code",
    [
        ({"key": "nope"}, 403, "bad_key"),
        ({"token": "forged"}, 403, "bad_token"),
        ({"visitor": "other"}, 403, "bad_token"),
        ({"v": 7}, 400, "unsupported_version"),
        ({"v": True}, 400, "invalid_field"),  # as hello reads it: an integer, not a bool
        ({"v": 1.0}, 400, "invalid_field"),
        ({"batches": "x"}, 400, "invalid_field"),
    ],
)
def test_http_ingest_refusals(client: Client, change: dict, status: int, code: str) -> None:
    opened = record([events(1)])
    payload = beacon_body(opened, [{"seq": 2, "events": events(1)}]) | change
    response = beacon(client, payload)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Batch.objects.count() == 1


def test_http_ingest_keeps_batches_before_a_bad_one(client: Client) -> None:
    opened = record([events(1)])
    payload = beacon_body(opened, [{"seq": 2, "events": events(1)}, {"seq": 3, "events": "bad"}])
    response = beacon(client, payload)
    assert response.status_code == 400
    assert response.json()["acked"] == [2]
    assert sorted(Batch.objects.values_list("seq", flat=True)) == [1, 2]


def test_http_ingest_refuses_foreign_origin_and_garbage(client: Client) -> None:
    opened = record([events(1)])
    payload = beacon_body(opened, [])
    assert (
        beacon(client, payload, origin="https://evil.example").json()["code"] == "origin_forbidden"
    )
    garbage = client.post("/session-replay/api/ingest", b"\xc1", content_type="application/msgpack")
    assert (garbage.status_code, garbage.json()["code"]) == (400, "bad_frame")
