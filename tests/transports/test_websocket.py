"""The WebSocket door (transports/websocket.py): hello and welcome, a batch acked
once stored, every refusal answered with its error frame and close code, the
per-connection rate limits."""

from __future__ import annotations

import zlib
from uuid import UUID

import msgpack
import pytest
from channels.layers import get_channel_layer
from django.test import override_settings

from django_session_replay.models import Batch, ReplaySession
from django_session_replay.storage import codec
from django_session_replay.transports import watchdog
from django_session_replay.wire import payload
from tests.conftest import Client, events, hello_frame

pytestmark = pytest.mark.django_db(transaction=True)


async def test_hello_gets_welcome_with_new_session() -> None:
    async with Client() as client:
        welcome = await client.hello()
    assert welcome["t"] == "welcome"
    assert welcome["seq"] == 0
    session = await ReplaySession.objects.aget(pk=welcome["sid"])
    assert session.entry_url == "http://testserver/start"
    assert (session.viewport_width, session.viewport_height) == (1200, 700)
    assert session.visitor_id == "visitor-1"


async def test_batch_is_acked_after_it_is_stored() -> None:
    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, events=events(3))
        assert await client.receive() == {"t": "ack", "seq": 1}
        batch = await Batch.objects.aget(session_id=welcome["sid"], seq=1)
    assert codec.unpack_batch(batch.payload) == events(3)
    session = await ReplaySession.objects.aget(pk=welcome["sid"])
    assert session.event_count == 3
    assert session.duration_ms == 2


async def test_compressed_batch_is_inflated() -> None:
    deflate = zlib.compressobj(wbits=-15)
    z = deflate.compress(msgpack.packb(events(5))) + deflate.flush()
    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, z=z)
        assert await client.receive() == {"t": "ack", "seq": 1}
    batch = await Batch.objects.aget(session_id=welcome["sid"])
    assert codec.unpack_batch(batch.payload) == events(5)


async def test_resent_seq_is_acked_and_not_stored_twice() -> None:
    async with Client() as client:
        welcome = await client.hello()
        for _ in range(2):
            await client.send(t="batch", seq=1, events=events(2))
            assert await client.receive() == {"t": "ack", "seq": 1}
    assert await Batch.objects.filter(session_id=welcome["sid"]).acount() == 1
    assert (await ReplaySession.objects.aget(pk=welcome["sid"])).event_count == 2


def deflate(value: object) -> bytes:
    return payload.deflate(msgpack.packb(value))


@pytest.mark.parametrize(
    "send, code, close",
    [
        (lambda c: c.send_raw(text='{"t": "hello"}'), "bad_frame", 4000),
        (lambda c: c.send_raw(data=b"\xc1\xc1not msgpack"), "bad_frame", 4000),
        (lambda c: c.send_raw(data=msgpack.packb([1, 2])), "bad_frame", 4000),
        (lambda c: c.send(t="teleport"), "unknown_type", 4001),
        (lambda c: c.send(t="batch", events=events(1)), "invalid_field", 4002),
        (lambda c: c.send(t="batch", seq="2", events=events(1)), "invalid_field", 4002),
        (lambda c: c.send(t="batch", seq=2, events=[{"type": "x"}]), "invalid_field", 4002),
        (lambda c: c.send(t="batch", seq=2, events=[]), "invalid_field", 4002),
        (lambda c: c.send(t="batch", seq=2, z=b"not deflate"), "invalid_field", 4002),
        (lambda c: c.send(t="batch", seq=2, z=deflate(events(1)) + b"x"), "invalid_field", 4002),
        (
            lambda c: c.send(
                t="batch", seq=2, events=[{"type": 3, "timestamp": 1, "x": "a" * 2000}]
            ),
            "frame_too_large",
            4003,
        ),
    ],
    ids=[
        "text",
        "malformed",
        "not-a-map",
        "unknown-type",
        "missing-seq",
        "string-seq",
        "bad-event",
        "empty-events",
        "bad-deflate",
        "bytes-after-deflate",
        "oversize",
    ],
)
@override_settings(SESSION_REPLAY={"MAX_FRAME_BYTES": 1024})
async def test_bad_frame_gets_error_close_and_keeps_earlier_batches(send, code, close) -> None:
    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, events=events(2))
        assert await client.receive() == {"t": "ack", "seq": 1}
        await send(client)
        error = await client.receive()
        assert (error["t"], error["code"]) == ("error", code)
        assert error["msg"]
        assert await client.closed_with() == close
    stored = [b.seq async for b in Batch.objects.filter(session_id=welcome["sid"])]
    assert stored == [1]
    assert (await ReplaySession.objects.aget(pk=welcome["sid"])).event_count == 2


async def test_oversize_deflate_bomb_is_refused() -> None:
    bomb = zlib.compressobj(wbits=-15)
    z = bomb.compress(msgpack.packb([{"type": 3, "timestamp": 1, "x": "a" * 3_000_000}]))
    z += bomb.flush()
    async with Client() as client:
        await client.hello()
        await client.send(t="batch", seq=1, z=z)
        assert (await client.receive())["code"] == "frame_too_large"
    assert await Batch.objects.acount() == 0


async def test_batch_before_hello_is_refused() -> None:
    async with Client() as client:
        await client.send(t="batch", seq=1, events=events(1))
        assert (await client.receive())["code"] == "hello_required"
        assert await client.closed_with() == 4006


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"key": "wrong"}, "bad_key"),
        ({"v": 99}, "unsupported_version"),
        ({"win": "bad id!"}, "invalid_field"),
    ],
)
async def test_bad_hello_is_refused(overrides, code) -> None:
    async with Client() as client:
        await client.send(**hello_frame(**overrides))
        assert (await client.receive())["code"] == code
    assert await ReplaySession.objects.acount() == 0


async def test_foreign_origin_is_refused() -> None:
    async with Client(origin="https://evil.example") as client:
        assert (await client.hello())["code"] == "origin_forbidden"
        assert await client.closed_with() == 4005
    assert await ReplaySession.objects.acount() == 0


@override_settings(SESSION_REPLAY={"MAX_FRAMES_PER_SECOND": 3})
async def test_frame_rate_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django_session_replay.transports.websocket.time.monotonic", lambda: 1000.0)
    async with Client() as client:
        await client.hello()
        codes = []
        for seq in range(1, 6):
            await client.send(t="batch", seq=seq, events=events(1, start=seq))
            frame = await client.receive()
            codes.append(frame.get("code", frame["t"]))
            if frame["t"] == "error":
                break
    # hello was frame 1 of this second, so the third batch is frame 4
    assert codes == ["ack", "ack", "rate_limited"]


@override_settings(SESSION_REPLAY={"MAX_SESSION_EVENTS": 5})
async def test_session_event_cap() -> None:
    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, events=events(4))
        assert (await client.receive())["t"] == "ack"
        await client.send(t="batch", seq=2, events=events(2))
        assert (await client.receive())["code"] == "session_full"
    assert (await ReplaySession.objects.aget(pk=welcome["sid"])).event_count == 4


@override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}})
async def test_recorder_sockets_hold_nothing_once_closed() -> None:
    # A recorder receives nothing through the layer; every socket used to hold a
    # channel in it (a queue and a waiting task each) for as long as it was open.
    layer = get_channel_layer()
    before = set(layer.channels)
    for number in range(3):
        async with Client() as first, Client() as second:
            await first.hello(visitor=f"a{number}")
            await second.hello(visitor=f"b{number}", win="w2")
            assert set(layer.channels) == before
            assert len(watchdog.sweeper().sockets) == 2
    assert set(layer.channels) == before
    assert len(watchdog.sweeper().sockets) == 0


async def test_the_welcome_carries_a_context_that_unsigns_to_session_and_window() -> None:
    from django.core.signing import Signer

    from django_session_replay.server import context

    async with Client() as client:
        welcome = await client.hello()
    window = hello_frame()["win"]
    signer = Signer(salt="django_session_replay.context")
    assert signer.unsign(welcome["ctx"]) == f"{welcome['sid']}:{window}"
    assert context.unsign(welcome["ctx"]) == (UUID(welcome["sid"]), window)
