"""Group commit (ingest/groupcommit.py): batches of many connections stored in one
transaction, each acknowledged only once committed; a failed commit acks nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.db import OperationalError

from django_session_replay.ingest import db, store
from django_session_replay.models import Batch, ReplaySession
from tests.conftest import Client, events

pytestmark = pytest.mark.django_db(transaction=True)


async def test_concurrent_connections_share_commits_and_each_batch_is_stored_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    groups: list[int] = []
    append_batches = store.append_batches

    def counted(items: list[Any]) -> list[Any]:
        groups.append(len(items))
        return append_batches(items)

    monkeypatch.setattr(store, "append_batches", counted)
    clients = [Client() for _ in range(8)]
    for client in clients:
        await client.comm.connect()
    welcomes = [await client.hello(win=f"tab-{n}") for n, client in enumerate(clients)]
    groups.clear()

    async def record(client: Client) -> list[dict[str, Any]]:
        for seq in range(1, 6):
            await client.send(t="batch", seq=seq, events=events(2, start=seq * 10))
        return [await client.receive() for _ in range(5)]

    replies = await asyncio.gather(*(record(client) for client in clients))
    for client in clients:
        await client.comm.disconnect()
    for reply in replies:
        assert reply == [{"t": "ack", "seq": seq} for seq in range(1, 6)]
    assert sum(groups) == 40
    assert max(groups) > 1  # frames that arrived during a commit went in together
    for welcome in welcomes:
        session = await ReplaySession.objects.aget(pk=welcome["sid"])
        assert session.event_count == 10
        assert await Batch.objects.filter(session=session).acount() == 5


async def test_a_failed_commit_acks_nothing_and_the_resend_is_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    append_batches = store.append_batches

    def database_down(items: list[Any]) -> list[Any]:
        raise OperationalError("the database went away")

    async with Client() as client:
        welcome = await client.hello()
        monkeypatch.setattr(store, "append_batches", database_down)
        await client.send(t="batch", seq=1, events=events(2))
        error = await client.receive()
        assert (error["t"], error["code"]) == ("error", "server_error")
        assert await client.closed_with() == 4011
    assert await Batch.objects.acount() == 0
    monkeypatch.setattr(store, "append_batches", append_batches)
    async with Client() as client:
        resumed = await client.hello(token=welcome["token"])
        assert (resumed["sid"], resumed["seq"]) == (welcome["sid"], 0)
        await client.send(t="batch", seq=1, events=events(2))
        assert await client.receive() == {"t": "ack", "seq": 1}
    assert await Batch.objects.filter(session_id=welcome["sid"]).acount() == 1


async def test_a_sqlite_lock_conflict_is_tried_again_and_acked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQLite fails one of two deadlocking transactions at once; the group's
    rolled back whole, so the committer tries it again instead of refusing it."""
    append_batches = store.append_batches
    conflicts = [OperationalError("database is locked")] * 2

    def locked_twice(items: list[Any]) -> list[Any]:
        if conflicts:
            raise conflicts.pop()
        return append_batches(items)

    monkeypatch.setattr(db, "LOCK_RETRY_DELAY", 0.01)
    async with Client() as client:
        welcome = await client.hello()
        monkeypatch.setattr(store, "append_batches", locked_twice)
        await client.send(t="batch", seq=1, events=events(2))
        assert await client.receive() == {"t": "ack", "seq": 1}
    assert not conflicts
    assert await Batch.objects.filter(session_id=welcome["sid"]).acount() == 1


async def test_commits_wait_while_the_processors_backlog_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Acks come before the processors run; a backlog of unprocessed batches
    past MAX_UNPROCESSED_BYTES holds the next commit back until they catch up."""
    from django_session_replay.ingest import groupcommit, pipeline

    release = asyncio.Event()
    ran: list[int] = []

    async def slow_run(stored: Any) -> None:
        await release.wait()
        ran.extend(item.batch.seq for item in stored)

    monkeypatch.setattr(pipeline, "run", slow_run)
    monkeypatch.setattr(groupcommit, "MAX_UNPROCESSED_BYTES", 1)
    async with Client() as client:
        await client.hello()
        await client.send(t="batch", seq=1, events=events(2))
        assert await client.receive() == {"t": "ack", "seq": 1}  # its run waits: acked anyway
        await client.send(t="batch", seq=2, events=events(2, start=50))
        assert await client.comm.receive_nothing(timeout=0.3)  # held: batch 1 is unprocessed
        release.set()
        assert await client.receive() == {"t": "ack", "seq": 2}
    for _ in range(50):
        if ran == [1, 2]:
            break
        await asyncio.sleep(0.02)
    assert ran == [1, 2]
    assert groupcommit.committer().unprocessed_bytes == 0


async def test_groups_that_piled_up_behind_a_slow_run_go_through_together_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While one pipeline run is under way, the groups committed meanwhile wait;
    the next run takes all of them at once (each processor then queries once
    for them all), in commit order, and nothing is left unprocessed."""
    from django_session_replay.ingest import groupcommit, pipeline

    release = asyncio.Event()
    runs: list[list[int]] = []

    async def slow_run(stored: Any) -> None:
        runs.append([item.batch.seq for item in stored])
        if len(runs) == 1:
            await release.wait()

    monkeypatch.setattr(pipeline, "run", slow_run)
    async with Client() as client:
        await client.hello()
        await client.send(t="batch", seq=1, events=events(2))
        assert await client.receive() == {"t": "ack", "seq": 1}
        for seq in range(2, 6):  # one group each: every ack is awaited first
            await client.send(t="batch", seq=seq, events=events(2, start=seq * 10))
            assert await client.receive() == {"t": "ack", "seq": seq}
        assert runs == [[1]]  # the first run still holds: the others wait
        release.set()
        for _ in range(50):
            if len(runs) == 2:
                break
            await asyncio.sleep(0.02)
    assert runs == [[1], [2, 3, 4, 5]]
    assert groupcommit.committer().unprocessed_bytes == 0
