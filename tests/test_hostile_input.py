"""Regression tests for the defects an outside probe found (issue 16): each
reproduces the attack, then checks the documented answer."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import msgpack
import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Permission, User
from django.contrib.auth.signals import user_logged_out
from django.test import Client, override_settings

from django_session_replay.conf import conf
from django_session_replay.ingest import store
from django_session_replay.live import consumer as live_consumer
from django_session_replay.models import Batch, ReplaySession
from django_session_replay.wire import payload
from tests.conftest import Client as Recorder
from tests.conftest import events
from tests.factories import record
from tests.live.test_consumer import watcher

# -- helpers -----------------------------------------------------------------------


def nested(depth: int) -> dict[str, Any]:
    """An rrweb-shaped event whose map is ``depth`` levels deep (itself counted)."""
    value: Any = 0
    for _ in range(depth - 1):
        value = [value]
    return {"type": 3, "timestamp": 1_700_000_000_000, "data": value}


def beacon(client: Client, opened: Any, batches: list[dict[str, Any]], **extra: Any) -> Any:
    body = {
        "v": 1,
        "key": conf.SITE_KEY,
        "token": opened.token,
        "win": "tab-1",
        "visitor": "visitor-1",
        "batches": batches,
    }
    return client.post(
        "/session-replay/api/ingest",
        msgpack.packb(body),
        content_type="application/msgpack",
        headers={"Origin": "http://testserver"},
        **extra,
    )


def staff_with_permission(name: str = "watcher") -> User:
    user = User.objects.create_user(name, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate limits count in fixed windows of the clock: a test must not see
    one end between its requests."""
    from django_session_replay.ingest import ratelimit

    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_000.0)


# -- 1. one HTTP request holding the server ------------------------------------------


@pytest.mark.django_db
@override_settings(SESSION_REPLAY={"MAX_BATCHES_PER_REQUEST": 5})
def test_a_request_with_too_many_batches_is_refused_whole(client: Client) -> None:
    opened = record([events(1)])
    many = [{"seq": seq, "events": events(1, start=seq)} for seq in range(2, 8)]
    response = beacon(client, opened, many)
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_batches"
    assert Batch.objects.count() == 1  # the one recorded before; nothing of the body


@pytest.mark.django_db
def test_a_requests_batches_are_stored_as_one_group(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = record([events(1)])
    groups: list[int] = []
    append_batches = store.append_batches

    def counted(items: Any) -> Any:
        groups.append(len(items))
        return append_batches(items)

    monkeypatch.setattr(store, "append_batches", counted)
    batches = [{"seq": seq, "events": events(1, start=seq)} for seq in range(2, 22)]
    response = beacon(client, opened, batches)
    assert response.status_code == 200, response.content
    assert response.json()["acked"] == list(range(2, 22))
    assert groups == [20]  # one transaction, not twenty


@pytest.mark.django_db
@override_settings(SESSION_REPLAY={"HTTP_REQUESTS_PER_MINUTE": 2})
def test_the_http_door_is_rate_limited_per_token(client: Client, one_minute: None) -> None:
    opened = record([events(1)])
    answers = [
        beacon(client, opened, [{"seq": 2, "events": events(1)}]).status_code for _ in range(3)
    ]
    assert answers == [200, 200, 429]
    other = record([events(1)], visitor="visitor-1")
    assert beacon(client, other, [{"seq": 2, "events": events(1)}]).status_code == 200


@pytest.mark.django_db
@override_settings(SESSION_REPLAY={"HTTP_REQUESTS_PER_MINUTE_PER_ADDRESS": 2})
def test_the_http_door_is_rate_limited_per_client_address(client: Client, one_minute: None) -> None:
    sessions = [record([events(1)]) for _ in range(3)]
    answers = [beacon(client, opened, []).status_code for opened in sessions]
    assert answers == [200, 200, 429]
    elsewhere = beacon(client, sessions[2], [], REMOTE_ADDR="10.9.8.7")
    assert elsewhere.status_code == 200


# -- 2. one deeply nested event making a session unreadable ----------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("depth", "accepted"), [(payload.MAX_EVENT_DEPTH, True), (600, False)])
async def test_nesting_is_bounded_at_the_socket(depth: int, accepted: bool) -> None:
    async with Recorder() as recorder:
        await recorder.hello()
        await recorder.send(t="batch", seq=1, z=deflated([nested(depth)]))
        answer = await recorder.receive()
    if accepted:
        assert answer == {"t": "ack", "seq": 1}
    else:
        assert (answer["t"], answer["code"]) == ("error", "invalid_field")
        assert "nested deeper" in answer["msg"]


@pytest.mark.django_db
def test_nesting_is_bounded_at_the_http_door(client: Client) -> None:
    opened = record([events(1)])
    response = beacon(client, opened, [{"seq": 2, "events": [nested(600)]}])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_field"


@pytest.mark.django_db
def test_the_events_stream_skips_an_event_json_cannot_hold_and_finishes(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from django_session_replay.storage import ndjson

    opened = record([events(2, start=10)])
    # A row stored before ingest bounded nesting: 1,010 arrays deep, which msgpack
    # (up to 1,024) reads back.
    deep = b"\x91\x83\xa4type\x03\xa9timestamp\x0c\xa4data" + b"\x91" * 1010 + b"\x00"
    for seq, packed in ((2, deep), (3, msgpack.packb(events(1, start=13)))):
        Batch.objects.create(
            session_id=opened.session_id,
            window="tab-1",
            seq=seq,
            first_timestamp=10 + seq,
            last_timestamp=10 + seq,
            event_count=1,
            raw_bytes=len(packed),
            payload=payload.deflate(packed),
        )
    if sys.version_info >= (3, 12):
        # Python 3.12's json encoder goes deeper than msgpack can nest, so make
        # it give up the way 3.10 and 3.11 do on this event.
        dumps = json.dumps

        def shallow_dumps(value: Any, **kwargs: Any) -> str:
            if isinstance(value, dict) and value.get("timestamp") == 12:
                raise RecursionError("maximum recursion depth exceeded")
            return dumps(value, **kwargs)

        monkeypatch.setattr(ndjson.json, "dumps", shallow_dumps)
    client.force_login(staff_with_permission())
    response = client.get(f"/session-replay/api/sessions/{opened.session_id}/events")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["timestamp"] for line in lines] == [10, 11, 13]


def deflated(events_list: list[dict[str, Any]]) -> bytes:
    return payload.deflate(msgpack.packb(events_list))


# -- 3. sockets that never say hello, or go silent -------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_REPLAY={"HELLO_TIMEOUT": 1})
async def test_a_socket_without_hello_is_closed() -> None:
    async with Recorder() as recorder:
        output = await recorder.comm.receive_output(timeout=5)
        assert output["type"] == "websocket.send"
        assert msgpack.unpackb(output["bytes"])["code"] == "idle"
        assert await recorder.closed_with() == 4013


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_REPLAY={"SOCKET_IDLE_TIMEOUT": 2})
async def test_pings_keep_a_quiet_socket_open_and_silence_closes_it() -> None:
    async with Recorder() as recorder:
        await recorder.hello()
        for _ in range(4):  # 4 s of pings: twice the idle timeout
            await recorder.send(t="ping")
            assert await recorder.receive() == {"t": "pong"}
            await asyncio.sleep(1)
        error = await recorder.receive()  # silence: closed within about 3 s
        assert error["code"] == "idle"
        assert await recorder.closed_with() == 4013


# -- 4. the live socket after the watcher lost the right to watch -----------------------


@pytest.mark.django_db(transaction=True)
async def test_a_watcher_who_loses_staff_stops_receiving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live_consumer, "RECHECK_SECONDS", 0.0)
    user = await sync_to_async(staff_with_permission)()
    async with Recorder() as recorder:
        sid = (await recorder.hello())["sid"]
        watch = watcher(sid, user)
        assert (await watch.connect())[0]
        await recorder.send(t="batch", seq=1, events=events(1))
        await recorder.receive()
        assert msgpack.unpackb(await watch.receive_from())["seq"] == 1
        await User.objects.filter(pk=user.pk).aupdate(is_staff=False)
        await recorder.send(t="batch", seq=2, events=events(1, start=5))
        await recorder.receive()
        closed = await watch.receive_output(timeout=5)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4403)


@pytest.mark.django_db(transaction=True)
async def test_logging_out_closes_the_watchers_live_sockets() -> None:
    user = await sync_to_async(staff_with_permission)()
    async with Recorder() as recorder:
        sid = (await recorder.hello())["sid"]
        watch = watcher(sid, user)
        assert (await watch.connect())[0]
        await sync_to_async(user_logged_out.send)(sender=User, request=None, user=user)
        closed = await watch.receive_output(timeout=5)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4403)


# -- 6. lists that load everything; unlimited new sessions ------------------------------


@pytest.mark.django_db
def test_a_page_of_the_list_converts_only_its_rows(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(30):
        record([events(1)])
    converted = []
    status = ReplaySession.status

    def counted(self: ReplaySession) -> str:
        converted.append(self.pk)
        return status.fget(self)  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(ReplaySession, "status", property(counted))
    client.force_login(staff_with_permission())
    body = client.get("/session-replay/api/sessions?limit=2").json()
    assert (len(body["items"]), body["count"]) == (2, 30)
    assert len(converted) == 2


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_REPLAY={"NEW_SESSIONS_PER_MINUTE": 2})
async def test_new_sessions_are_rate_limited_per_address(one_minute: None) -> None:
    welcomes = []
    for visitor in ("a", "b"):
        async with Recorder() as recorder:
            welcomes.append(await recorder.hello(visitor=visitor))
    async with Recorder() as recorder:
        refused = await recorder.hello(visitor="c")
        assert (refused["t"], refused["code"]) == ("error", "rate_limited")
        assert await recorder.closed_with() == 4008
    async with Recorder() as recorder:  # resuming is not starting: still welcome
        resumed = await recorder.hello(visitor="a", token=welcomes[0]["token"])
        assert resumed["sid"] == welcomes[0]["sid"]


# -- 10. a re-sent seq with other content ---------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_resent_seq_with_other_events_is_a_conflict() -> None:
    async with Recorder() as recorder:
        await recorder.hello()
        await recorder.send(t="batch", seq=1, events=events(2))
        assert await recorder.receive() == {"t": "ack", "seq": 1}
        await recorder.send(t="batch", seq=1, events=events(2))  # the same: a re-send
        assert await recorder.receive() == {"t": "ack", "seq": 1}
        await recorder.send(t="batch", seq=1, events=events(3))  # other events
        answer = await recorder.receive()
        assert (answer["t"], answer["code"]) == ("error", "seq_conflict")
        assert await recorder.closed_with() == 4014
    stored = await Batch.objects.aget()
    assert stored.event_count == 2


@pytest.mark.django_db
def test_the_same_events_deflated_otherwise_are_a_resend(client: Client) -> None:
    opened = record([events(1)])
    again = payload.deflate(msgpack.packb(events(1)))  # seq 1 again, now as z
    response = beacon(client, opened, [{"seq": 1, "z": again}])
    assert response.json()["acked"] == [1]
    conflict = beacon(client, opened, [{"seq": 1, "events": events(1, start=99)}])
    assert (conflict.status_code, conflict.json()["code"]) == (409, "seq_conflict")


# -- 8. compaction under load ---------------------------------------------------------


@pytest.mark.django_db
def test_compaction_retries_a_busy_database(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    from django_session_replay.models import Chunk
    from django_session_replay.storage import compaction

    monkeypatch.setattr(compaction, "BACKOFF_SECONDS", 0.0)
    opened = record([events(3)])
    write_chunk = compaction.write_chunk
    tries = []

    def locked_twice(*args: Any) -> Any:
        tries.append(1)
        if len(tries) <= 2:
            raise OperationalError("database is locked")
        return write_chunk(*args)

    monkeypatch.setattr(compaction, "write_chunk", locked_twice)
    assert compaction.compact_session(opened.session_id) == 1
    assert len(tries) == 3
    assert Chunk.objects.get().event_count == 3


@pytest.mark.django_db
def test_the_compact_command_sweeps_unreferenced_objects(settings: Any, tmp_path: Any) -> None:
    import io
    import os
    import time

    from django.core.management import call_command

    from django_session_replay.models import Chunk
    from django_session_replay.storage import compaction, objects

    # Files of its own, whose times the test can set (and no other test's leftovers).
    settings.STORAGES = {
        **settings.STORAGES,
        "session_replay": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    opened = record([events(2)])
    compaction.compact_session(opened.session_id)
    kept = Chunk.objects.get().key
    storage = objects.get_storage()
    orphan = "session_replay/2026/01/01/lost/tab-1/0000000001-0000000001.msgpack.zst"
    fresh = "session_replay/2026/01/01/lost/tab-1/0000000002-0000000002.msgpack.zst"
    objects.write(orphan, b"left by a crashed run")
    objects.write(fresh, b"a compaction about to commit")
    hour_ago = time.time() - 2 * 3600
    os.utime(storage.path(orphan), (hour_ago, hour_ago))
    os.utime(storage.path(kept), (hour_ago, hour_ago))

    dry = io.StringIO()
    call_command("session_replay_compact", "--sweep", "--dry-run", stdout=dry)
    assert f"would delete {orphan}" in dry.getvalue()
    assert storage.exists(orphan)

    out = io.StringIO()
    call_command("session_replay_compact", "--sweep", stdout=out)
    assert "Deleted 1 unreferenced chunk object(s)." in out.getvalue()
    assert not storage.exists(orphan)
    assert storage.exists(fresh) and storage.exists(kept)  # too young / referenced


# -- 7. compression amplifies ---------------------------------------------------------


def compressible(seq: int, size: int) -> dict[str, Any]:
    """A batch whose events inflate to about ``size`` bytes from a few hundred."""
    event = {"type": 3, "timestamp": 1_700_000_000_000 + seq, "data": "a" * size}
    return {"seq": seq, "z": payload.deflate(msgpack.packb([event]))}


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_REPLAY={"MAX_RAW_BYTES_PER_SECOND": 256 * 1024})
async def test_the_socket_counts_inflated_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django_session_replay.transports.websocket.time.monotonic", lambda: 5.0)
    async with Recorder() as recorder:
        await recorder.hello()
        for seq in (1, 2):
            await recorder.send(t="batch", **compressible(seq, 100_000))
            assert await recorder.receive() == {"t": "ack", "seq": seq}
        await recorder.send(t="batch", **compressible(3, 100_000))  # 300 KB inflated in 1 s
        answer = await recorder.receive()
        assert (answer["code"], await recorder.closed_with()) == ("rate_limited", 4008)
    assert await Batch.objects.acount() == 2


@pytest.mark.django_db
@override_settings(SESSION_REPLAY={"MAX_RAW_BYTES_PER_SECOND": 256 * 1024})
def test_a_request_may_not_inflate_past_the_raw_limit(client: Client) -> None:
    opened = record([events(1)])
    batches = [compressible(seq, 100_000) for seq in range(2, 6)]
    assert sum(len(batch["z"]) for batch in batches) < 4096  # what travels is tiny
    response = beacon(client, opened, batches)
    assert (response.status_code, response.json()["code"]) == (413, "frame_too_large")
    assert response.json()["acked"] == [2, 3]  # the batches before the limit stand


async def test_queued_bytes_wait_for_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    from django_session_replay.ingest import groupcommit
    from django_session_replay.wire import frames

    monkeypatch.setattr(groupcommit, "MAX_QUEUED_BYTES", 250_000)
    committer = groupcommit.GroupCommitter()
    peak = 0

    async def slow_commit(items: list[Any]) -> list[Any]:
        nonlocal peak
        peak = max(peak, committer.queued_bytes)
        await asyncio.sleep(0.01)
        return [store.Appended(stored=False, pending_bytes=0) for _ in items]

    monkeypatch.setattr(groupcommit, "commit", slow_commit)
    batch = frames.parse_batch(compressible(1, 100_000), 10**6)
    results = await asyncio.gather(
        *(committer.submit([(UUID(int=n), "tab-1", batch)]) for n in range(10))
    )
    assert len(results) == 10
    assert 0 < peak <= 250_000  # never more than two 100 KB batches waiting at once
    assert committer.queued_bytes == 0


# -- 5. origins ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("origin", ["https://evil.example", "null", ""])
async def test_the_live_socket_refuses_a_page_of_another_site(origin: str) -> None:
    user = await sync_to_async(staff_with_permission)()  # the staff cookie rides along
    watch = watcher("00000000-0000-0000-0000-000000000001", user, origin=origin)
    assert (await watch.connect())[0]
    closed = await watch.receive_output(timeout=5)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4005)


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_REPLAY={"ALLOWED_ORIGINS": ["testserver", "shop.example"]})
async def test_allowed_origins_widen_the_recorders_socket() -> None:
    async with Recorder(origin="https://shop.example") as recorder:
        assert (await recorder.hello())["t"] == "welcome"
    async with Recorder(origin="https://evil.example") as recorder:
        answer = await recorder.hello()
        assert (answer["code"], await recorder.closed_with()) == ("origin_forbidden", 4005)
