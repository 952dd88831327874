"""The built-in TailCompaction processor (storage/processor.py): a session's tail
becomes a chunk once it passes COMPACT_TAIL_BYTES, off the ack path."""

from __future__ import annotations

import asyncio

import pytest
from django.test import override_settings

from django_session_replay import tasks
from tests.conftest import Client, events

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(SESSION_REPLAY={"COMPACT_TAIL_BYTES": 200})
async def test_a_long_tail_is_compacted_off_the_ack_path() -> None:
    from django_session_replay.models import Chunk

    async with Client() as client:
        welcome = await client.hello()
        await client.send(t="batch", seq=1, events=events(20))
        assert await client.receive() == {"t": "ack", "seq": 1}  # acked before compaction ends
        chunks = Chunk.objects.filter(session_id=welcome["sid"])
        for _ in range(100):  # the task starts after the ack and the live publish
            for future in list(tasks.compacting.values()):
                await asyncio.wrap_future(future)
            if await chunks.aexists():
                break
            await asyncio.sleep(0.05)
    chunk = await chunks.aget()
    assert (chunk.seq_first, chunk.seq_last, chunk.event_count) == (1, 1, 20)
    assert not tasks.compacting
