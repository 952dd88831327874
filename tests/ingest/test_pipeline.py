"""What runs after a commit (ingest/pipeline.py), the same for both doors: the
processors of SESSION_REPLAY["PROCESSORS"] in order, each isolated, then the
``batch_stored`` signal. The HTTP door answers once the pipeline has run; the
socket acks first."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from uuid import UUID

import msgpack
import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.contrib.auth.models import Permission, User
from django.test import Client as DjangoClient
from django.test import override_settings

from django_session_replay import tasks
from django_session_replay.ingest import pipeline
from django_session_replay.ingest.sessions import Opened
from django_session_replay.models import Chunk
from django_session_replay.signals import batch_stored
from django_session_replay.wire.codes import Code
from tests.conftest import Client, beacon_body, events
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)

DOORS = ["websocket", "http"]


class Raising(pipeline.Processor):
    async def aprocess(self, stored: Sequence[pipeline.StoredBatch]) -> None:
        raise RuntimeError("a processor that fails")


class Recording(pipeline.Processor):
    """A sync processor (run in a worker thread) noting what it was given, slowly
    enough that an answer not waiting for it would come first."""

    seen: list[tuple[UUID, str, int]] = []
    entered = threading.Event()  # set once a run is under way

    def process(self, stored: Sequence[pipeline.StoredBatch]) -> None:
        self.entered.set()
        time.sleep(0.2)
        self.seen.extend((item.session_id, item.window, item.batch.seq) for item in stored)


@pytest.fixture
def processors(settings: Any) -> Iterator[None]:
    """Only the two processors above, loaded afresh (pipeline.load caches per paths)."""
    settings.SESSION_REPLAY = {"PROCESSORS": [f"{__name__}.Raising", f"{__name__}.Recording"]}
    Recording.seen = []
    Recording.entered.clear()
    pipeline.load.cache_clear()
    yield
    pipeline.load.cache_clear()


async def post_beacon(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /session-replay/api/ingest through the ASGI application, as a browser's
    sendBeacon reaches it; the status and the JSON answer."""
    from tests.asgi import application

    data = msgpack.packb(body)
    headers = [
        (b"host", b"testserver"),
        (b"origin", b"http://testserver"),
        (b"content-type", b"application/msgpack"),
        (b"content-length", str(len(data)).encode()),
    ]
    http = HttpCommunicator(application, "POST", "/session-replay/api/ingest", data, headers)
    response = await http.get_response(timeout=10)
    answer: dict[str, Any] = json.loads(response["body"])
    return response["status"], answer


async def send_by(door: str, opened: Opened, batches: list[dict[str, Any]]) -> list[int]:
    """Send batches of window tab-1 of a recorded session by one door; the seqs acked."""
    if door == "http":
        status, answer = await post_beacon(beacon_body(opened.token, batches))
        assert status == 200, answer
        acked: list[int] = answer["acked"]
        return acked
    async with Client() as client:
        welcome = await client.hello(token=opened.token)
        assert welcome["sid"] == str(opened.session_id)
        seqs = []
        for batch in batches:
            await client.send(t="batch", **batch)
            reply = await client.receive()
            assert reply["t"] == "ack", reply
            seqs.append(reply["seq"])
    return seqs


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    """The socket acks before the pipeline runs: wait (bounded) for what it does."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the pipeline did not get there in time")


def staff_cookie() -> bytes:
    user = User.objects.create_user("watcher", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client = DjangoClient()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@override_settings(SESSION_REPLAY={"COMPACT_TAIL_BYTES": 300})
async def test_a_beacon_reaches_a_live_watcher_and_gets_compacted() -> None:
    """The HTTP door's batches go through the same pipeline as the socket's: the
    built-in processors publish them to live watchers and compact the tail."""
    from tests.asgi import application

    opened = await sync_to_async(record)([events(2, start=0)])
    cookie = await sync_to_async(staff_cookie)()
    watcher = WebsocketCommunicator(
        application,
        f"/ws/session-replay/live/{opened.session_id}/",
        headers=[(b"cookie", cookie), (b"origin", b"http://testserver")],
    )
    connected, _ = await watcher.connect()
    assert connected
    try:
        batches = [{"seq": 2, "events": events(15, start=100)}]
        status, answer = await post_beacon(beacon_body(opened.token, batches))
        assert (status, answer) == (200, {"sid": str(opened.session_id), "acked": [2]})
        frame = msgpack.unpackb(await watcher.receive_from(timeout=1))
        assert (frame["t"], frame["win"], frame["seq"]) == ("events", "tab-1", 2)
        assert frame["events"] == events(15, start=100)
        assert await watcher.receive_nothing(timeout=0.2)
    finally:
        await watcher.disconnect()
    for future in list(tasks.compacting.values()):
        await asyncio.wrap_future(future)
    chunk = await Chunk.objects.aget(session_id=opened.session_id)
    assert (chunk.window, chunk.seq_first, chunk.seq_last, chunk.event_count) == (
        "tab-1",
        1,
        2,
        17,
    )


@pytest.mark.parametrize("door", DOORS)
async def test_a_failing_processor_breaks_neither_the_ack_nor_the_next_processor(
    door: str, processors: None, caplog: pytest.LogCaptureFixture
) -> None:
    opened = await sync_to_async(record)([events(1)])
    with caplog.at_level(logging.ERROR, logger="django_session_replay.ingest.pipeline"):
        acked = await send_by(
            door, opened, [{"seq": 2, "events": events(2)}, {"seq": 3, "events": events(1)}]
        )
        assert acked == [2, 3]
        if door == "http":  # answered once the pipeline ran for its batches
            assert len(Recording.seen) == 2
        await until(lambda: len(Recording.seen) == 2)
    assert Recording.seen == [(opened.session_id, "tab-1", 2), (opened.session_id, "tab-1", 3)]
    failures = [r for r in caplog.records if "processor Raising failed" in r.getMessage()]
    assert failures, caplog.text
    assert all(str(opened.session_id) in r.getMessage() for r in failures)
    assert all(r.exc_info and r.exc_info[0] is RuntimeError for r in failures)


@pytest.mark.parametrize("door", DOORS)
async def test_batch_stored_is_sent_per_session_and_window_with_the_seq_range(
    door: str, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[dict[str, Any]] = []

    def note(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    def fail(sender: Any, **kwargs: Any) -> None:
        raise ValueError("a receiver that fails")

    opened = await sync_to_async(record)([events(1)])
    batch_stored.connect(fail, weak=False)
    batch_stored.connect(note, weak=False)
    try:
        with caplog.at_level(logging.ERROR, logger="django_session_replay.ingest.pipeline"):
            # One beacon is one group: one signal for both batches. A socket's
            # frames may be grouped either way, so it sends one batch.
            batches = [{"seq": 2, "events": events(2)}]
            if door == "http":
                batches.append({"seq": 3, "events": events(3)})
            assert await send_by(door, opened, batches) == [b["seq"] for b in batches]
            await until(lambda: len(received) == 1)
            await asyncio.sleep(0.1)  # nothing more comes
    finally:
        batch_stored.disconnect(fail)
        batch_stored.disconnect(note)
    last = 3 if door == "http" else 2
    count = 5 if door == "http" else 2
    assert [{k: v for k, v in kwargs.items() if k != "signal"} for kwargs in received] == [
        {
            "session_id": opened.session_id,
            "window": "tab-1",
            "seq_first": 2,
            "seq_last": last,
            "event_count": count,
        }
    ]
    assert isinstance(received[0]["session_id"], UUID)
    failures = [r for r in caplog.records if "batch_stored receiver" in r.getMessage()]
    assert len(failures) == 1, caplog.text
    assert str(opened.session_id) in failures[0].getMessage()
    assert failures[0].exc_info and failures[0].exc_info[0] is ValueError


async def test_a_resent_batch_is_not_processed_again(processors: None) -> None:
    """Processors and the signal hear of what was stored, not of every ack."""
    opened = await sync_to_async(record)([events(1)])
    for _ in range(2):
        status, answer = await post_beacon(
            beacon_body(opened.token, [{"seq": 2, "events": events(2)}])
        )
        assert (status, answer["acked"]) == (200, [2])
    assert Recording.seen == [(opened.session_id, "tab-1", 2)]


async def test_a_refused_batch_is_not_processed(processors: None, settings: Any) -> None:
    settings.SESSION_REPLAY = {**settings.SESSION_REPLAY, "MAX_SESSION_EVENTS": 3}
    opened = await sync_to_async(record)([events(1)])
    batches = [{"seq": 2, "events": events(2)}, {"seq": 3, "events": events(1)}]
    status, answer = await post_beacon(beacon_body(opened.token, batches))
    assert (status, answer["code"], answer["acked"]) == (
        Code.SESSION_FULL.http_status,
        "session_full",
        [2],
    )
    assert Recording.seen == [(opened.session_id, "tab-1", 2)]


async def test_a_client_hanging_up_on_its_beacon_stops_no_later_run(processors: None) -> None:
    """A beacon's request waits for the pipeline; the page that sent it may be
    gone first (a closed tab). Its disconnect cancels the request, never the
    run, nor the runs chained after it: every later batch is still processed."""
    from asgiref.testing import ApplicationCommunicator

    from tests.asgi import application

    opened = await sync_to_async(record)([events(1)])
    data = msgpack.packb(beacon_body(opened.token, [{"seq": 2, "events": events(2)}]))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/session-replay/api/ingest",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"origin", b"http://testserver"),
            (b"content-type", b"application/msgpack"),
            (b"content-length", str(len(data)).encode()),
        ],
    }
    beacon = ApplicationCommunicator(application, scope)
    await beacon.send_input({"type": "http.request", "body": data})
    await until(Recording.entered.is_set)  # stored, its run under way (Recording takes 0.2 s)
    await beacon.send_input({"type": "http.disconnect"})
    await beacon.wait(timeout=5)
    assert await send_by("websocket", opened, [{"seq": 3, "events": events(1)}]) == [3]
    await until(lambda: len(Recording.seen) == 2)
    assert Recording.seen == [(opened.session_id, "tab-1", 2), (opened.session_id, "tab-1", 3)]


@pytest.mark.django_db(transaction=True)
async def test_a_sync_processor_that_met_a_lock_conflict_runs_again_from_scratch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sync ``process`` runs in one transaction: after SQLite's lock conflict
    (its deadlock answer, given at once) it is rolled back and run again."""
    from django.db import OperationalError, connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's lock conflicts only: elsewhere a writer waits for the lock")

    from django_session_replay.ingest import db
    from django_session_replay.models import Visitor

    tries: list[int] = []

    class Flaky(pipeline.Processor):
        def process(self, stored: Sequence[pipeline.StoredBatch]) -> None:
            tries.append(len(tries) + 1)
            Visitor.objects.create(visitor_id=f"v-{tries[-1]}")
            if len(tries) == 1:
                raise OperationalError("database is locked")

    monkeypatch.setattr(db, "LOCK_RETRY_DELAY", 0.001)
    await Flaky().aprocess([])
    assert tries == [1, 2]
    kept = [v async for v in Visitor.objects.values_list("visitor_id", flat=True)]
    assert kept == ["v-2"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
async def test_a_sync_processor_holds_one_transaction_on_sqlite_only(
    vendor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Elsewhere one transaction around a whole processor would hold the
    session's row lock that the group committer's next batch waits for."""
    from django.db import connections, transaction

    seen: list[bool] = []

    class Probe(pipeline.Processor):
        def process(self, stored: Sequence[pipeline.StoredBatch]) -> None:
            seen.append(transaction.get_connection().in_atomic_block)

    # The class: the processor's thread has a connection of its own.
    monkeypatch.setattr(type(connections["default"]), "vendor", vendor)
    await Probe().aprocess([])
    assert seen == [vendor == "sqlite"]
