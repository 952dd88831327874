"""Batches in parts (wire/parts.py) through both doors: reassembled into the batch
they were cut from before anything is stored, acked once, and every way a part
stream can go wrong answered with its own code, losing nothing acked before."""

from __future__ import annotations

import os
from typing import Any

import msgpack
import pytest
from django.test import Client as HttpClient
from django.test import override_settings

from django_session_replay.models import Batch, ReplaySession
from django_session_replay.storage import codec
from django_session_replay.wire import payload
from tests.conftest import Client, beacon_body, events
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)


def big_events(raw_bytes: int) -> list[dict[str, Any]]:
    """One event of about raw_bytes that deflate cannot shrink much (random text)."""
    blob = os.urandom(raw_bytes // 2).hex()
    return [{"type": 2, "timestamp": 1_700_000_000_000, "data": {"node": blob}}]


def part_frames(seq: int, value: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    z = payload.deflate(msgpack.packb(value))
    slices = [z[i : i + size] for i in range(0, len(z), size)]
    return [
        {"t": "part", "seq": seq, "i": i, "n": len(slices), "z": piece}
        for i, piece in enumerate(slices)
    ]


async def send_all(client: Client, parts: list[dict[str, Any]]) -> None:
    for frame in parts:
        await client.send(**frame)


async def stored(sid: str) -> list[tuple[int, Any]]:
    return [
        (batch.seq, codec.unpack_batch(batch.payload))
        async for batch in Batch.objects.filter(session_id=sid).order_by("seq")
    ]


async def test_a_batch_in_parts_is_stored_once_as_the_batch_it_was_cut_from() -> None:
    snapshot = big_events(3 * 1024 * 1024)  # over the 512 KiB frame limit, deflated
    parts = part_frames(2, snapshot, 256 * 1024)
    assert len(parts) > 4
    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, events=events(2))
        assert await client.receive() == {"t": "ack", "seq": 1}
        await send_all(client, parts)
        assert await client.receive() == {"t": "ack", "seq": 2}  # one ack, after the last part
        # Re-sent after its ack (a reconnect that missed the ack): acked again, stored once.
        await send_all(client, parts)
        assert await client.receive() == {"t": "ack", "seq": 2}
    assert await stored(welcome["sid"]) == [(1, events(2)), (2, snapshot)]
    session = await ReplaySession.objects.aget(pk=welcome["sid"])
    assert session.event_count == 3


async def test_pings_may_come_between_parts_and_one_part_is_a_stream() -> None:
    parts = part_frames(1, big_events(4096), 1024)
    assert len(parts) > 2
    async with Client() as client:
        welcome = await client.hello()
        await client.send(**parts[0])
        await client.send(t="ping")
        assert await client.receive() == {"t": "pong"}
        await send_all(client, parts[1:])
        assert await client.receive() == {"t": "ack", "seq": 1}
        await send_all(client, part_frames(2, events(3), 1 << 20))  # n = 1
        assert await client.receive() == {"t": "ack", "seq": 2}
    assert [seq for seq, _ in await stored(welcome["sid"])] == [1, 2]


def swap(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [parts[1], parts[0], *parts[2:]]


@pytest.mark.parametrize(
    "frames, code, close",
    [
        # missing piece: the next batch (or another seq's part) before the last part
        (lambda p: [*p[:-1], {"t": "batch", "seq": 3, "events": events(1)}], "part_missing", 4015),
        (lambda p: [*p[:2], {**p[2], "seq": 3}], "part_missing", 4015),
        # out of order, a changed count, a piece of a stream never opened
        (swap, "part_unexpected", 4016),
        (lambda p: [p[0], {**p[1], "n": p[1]["n"] + 1}], "part_unexpected", 4016),
        (lambda p: [p[1]], "part_unexpected", 4016),
        # malformed pieces
        (lambda p: [{**p[0], "i": p[0]["n"]}], "invalid_field", 4002),
        (lambda p: [{**p[0], "z": b""}], "invalid_field", 4002),
        (lambda p: [{**p[0], "n": 0}], "invalid_field", 4002),
        (lambda p: [*p[:-1], {**p[-1], "z": p[-1]["z"] + b"tail"}], "invalid_field", 4002),
        (lambda p: [*p[:-1], {**p[-1], "z": p[-1]["z"][:-4]}], "invalid_field", 4002),
    ],
)
async def test_a_broken_part_stream_is_refused_and_nothing_of_it_is_stored(
    frames: Any, code: str, close: int
) -> None:
    parts = part_frames(2, big_events(8 * 1024), 1024)
    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, events=events(1))
        assert await client.receive() == {"t": "ack", "seq": 1}
        await send_all(client, frames(parts))
        error = await client.receive()
        assert (error["t"], error["code"]) == ("error", code), error
        assert await client.closed_with() == close
    assert await stored(welcome["sid"]) == [(1, events(1))]  # the acked batch stays


@override_settings(SESSION_REPLAY={"MAX_EVENT_BYTES": 256 * 1024})
async def test_a_reassembled_batch_over_max_event_bytes_is_refused() -> None:
    # Compressible: 40 KiB of deflate inflates past the limit while arriving.
    value = [{"type": 2, "timestamp": 1, "data": {"node": "a" * (300 * 1024)}}]
    parts = part_frames(1, value, 64)
    async with Client() as client:
        welcome = await client.hello()
        await send_all(client, parts)
        error = await client.receive()
        assert (error["code"], await client.closed_with()) == ("event_too_large", 4017)
    assert await stored(welcome["sid"]) == []


async def test_a_part_before_hello_is_hello_required() -> None:
    async with Client() as client:
        await send_all(client, part_frames(1, events(3), 1 << 20))
        assert (await client.receive())["code"] == "hello_required"


def post(client: HttpClient, body: dict[str, Any]) -> Any:
    return client.post(
        "/session-replay/api/ingest",
        msgpack.packb(body),
        content_type="application/msgpack",
        headers={"Origin": "http://testserver"},
    )


def test_the_http_door_takes_a_part_stream_that_ends_in_its_body(client: HttpClient) -> None:
    opened = record([events(1)])
    value = big_events(16 * 1024)
    parts = part_frames(2, value, 4096)
    response = post(client, beacon_body(opened.token, parts))
    assert response.status_code == 200, response.content
    assert response.json()["acked"] == [2]
    batch = Batch.objects.get(session_id=opened.session_id, seq=2)
    assert codec.unpack_batch(batch.payload) == value


def test_the_http_door_refuses_a_stream_cut_off_by_the_end_of_the_body(
    client: HttpClient,
) -> None:
    opened = record([events(1)])
    parts = part_frames(3, big_events(16 * 1024), 4096)
    ahead = {"t": "batch", "seq": 2, "events": events(2)}
    response = post(client, beacon_body(opened.token, [ahead, *parts[:-1]]))
    assert response.status_code == 400
    assert response.json()["code"] == "part_missing"
    assert response.json()["acked"] == [2]  # the whole batch before it is stored
    assert not Batch.objects.filter(session_id=opened.session_id, seq=3).exists()
