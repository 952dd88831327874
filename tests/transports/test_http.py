"""The HTTP door (transports/http.py, served by api/ingest.py): the recorder's
sendBeacon on page hide, several batches of one window of an existing session."""

from __future__ import annotations

from typing import Any

import msgpack
import pytest
from django.test import Client

from django_session_replay.models import Batch, ReplaySession
from tests.conftest import beacon_body, events
from tests.factories import record

pytestmark = pytest.mark.django_db


def beacon(client: Client, payload: dict[str, Any], origin: str = "http://testserver") -> Any:
    return client.post(
        "/session-replay/api/ingest",
        msgpack.packb(payload),
        content_type="application/msgpack",
        headers={"Origin": origin},
    )


def test_http_ingest_appends_to_the_session_idempotently(client: Client) -> None:
    opened = record([events(1)])
    payload = beacon_body(opened.token, [{"t": "batch", "seq": 2, "events": events(2)}])
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
    payload = beacon_body(opened.token, [{"seq": 2, "events": events(1)}]) | change
    response = beacon(client, payload)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Batch.objects.count() == 1


def test_http_ingest_keeps_batches_before_a_bad_one(client: Client) -> None:
    opened = record([events(1)])
    payload = beacon_body(
        opened.token, [{"seq": 2, "events": events(1)}, {"seq": 3, "events": "bad"}]
    )
    response = beacon(client, payload)
    assert response.status_code == 400
    assert response.json()["acked"] == [2]
    assert sorted(Batch.objects.values_list("seq", flat=True)) == [1, 2]


def test_http_ingest_refuses_foreign_origin_and_garbage(client: Client) -> None:
    opened = record([events(1)])
    payload = beacon_body(opened.token, [])
    assert (
        beacon(client, payload, origin="https://evil.example").json()["code"] == "origin_forbidden"
    )
    garbage = client.post("/session-replay/api/ingest", b"\xc1", content_type="application/msgpack")
    assert (garbage.status_code, garbage.json()["code"]) == (400, "bad_frame")
