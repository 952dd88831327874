"""The recording socket's inbox (transports/inbox.py): frames received while the
consumer waits for a commit are bounded; past the bound the connection is
refused with rate_limited, and what was acked before stays stored."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.test import override_settings

from django_session_replay.models import Batch
from django_session_replay.transports import websocket
from django_session_replay.transports.inbox import OVERFLOW, Inbox
from tests.conftest import Client, events

pytestmark = pytest.mark.django_db(transaction=True)


async def test_the_inbox_hands_on_messages_in_order_and_counts_what_waits() -> None:
    source: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbox = Inbox(source.get, limit=25)
    for n in range(2):
        source.put_nowait({"type": "websocket.receive", "bytes": b"x" * 10, "n": n})
    assert (await inbox.receive())["n"] == 0
    await asyncio.sleep(0.01)
    assert inbox.bytes == 10  # the second one waits in the inbox, not in the server
    source.put_nowait({"type": "websocket.receive", "bytes": b"x" * 10, "n": 2})
    source.put_nowait({"type": "websocket.receive", "bytes": b"x" * 10, "n": 3})  # 30 > 25
    source.put_nowait({"type": "websocket.receive", "bytes": b"x" * 10, "n": 4})
    source.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.sleep(0.01)  # the inbox reads on its own, while nothing is handled
    assert await inbox.receive() == OVERFLOW  # ahead of what waited, which is dropped
    assert (await inbox.receive())["type"] == "websocket.disconnect"
    assert inbox.bytes == 0
    await inbox.close()


@override_settings(SESSION_REPLAY={"MAX_FRAME_BYTES": 16 * 1024, "MAX_BYTES_PER_SECOND": 32 * 1024})
async def test_a_client_that_never_waits_for_acks_is_refused_once_its_inbox_fills(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert websocket.inbox_limit() == 64 * 1024
    gate, entered = asyncio.Event(), asyncio.Event()
    append = websocket.groupcommit.append

    async def slow_commit(*args: Any) -> Any:
        entered.set()
        await gate.wait()  # a commit that takes its time
        return await append(*args)

    monkeypatch.setattr(websocket.groupcommit, "append", slow_commit)
    padded = [{**event, "pad": "p" * 8000} for event in events(1)]
    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, events=padded)
        await asyncio.wait_for(entered.wait(), 5)
        for seq in range(2, 12):  # 10 frames of ~8 KB: past 64 KiB while seq 1 commits
            await client.send(t="batch", seq=seq, events=padded)
        await asyncio.sleep(0.2)
        gate.set()
        assert await client.receive() == {"t": "ack", "seq": 1}
        error = await client.receive()
        assert (error["t"], error["code"]) == ("error", "rate_limited"), error
        assert await client.closed_with() == 4008
    seqs = [b.seq async for b in Batch.objects.filter(session_id=welcome["sid"])]
    assert seqs == [1]
