"""Compaction as a task: on Django's ImmediateBackend, through the queue rule of
TailCompaction, the E017 check, and (full stack) through django-tasks-db's real
worker process, which must store what compacting in-process stores.

The default, the in-process background thread, is tested through the WebSocket
door in tests/storage/test_processor.py."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import django
import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import override_settings

from django_session_replay import tasks
from django_session_replay.checks import check_configuration
from django_session_replay.ingest.pipeline import StoredBatch
from django_session_replay.models import Batch, Chunk
from django_session_replay.storage import processor, reader
from django_session_replay.wire import frames
from tests.conftest import REPO, Client, events
from tests.factories import record

FRAMEWORK = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
IMMEDIATE = {"BACKEND": f"{FRAMEWORK}.backends.immediate.ImmediateBackend"}
FULL_STACK = os.environ.get("SESSION_REPLAY_TEST_STACK") == "full"


def chunk_rows(session_id: UUID | str) -> list[tuple[Any, ...]]:
    """What compaction stored for a session, without its ids and keys."""
    fields = ("window", "seq_first", "seq_last", "event_count", "raw_bytes", "stored_bytes")
    chunks = Chunk.objects.filter(session_id=session_id).order_by("window", "seq_first")
    return list(chunks.values_list(*fields))


@pytest.mark.django_db
def test_an_immediate_backend_compacts_as_the_task_is_enqueued(settings) -> None:
    settings.TASKS = {"default": IMMEDIATE, "now": IMMEDIATE}
    settings.SESSION_REPLAY = {"TASK_BACKEND": "now"}
    sid = record([events(3, start=0), events(2, start=10)]).session_id
    tasks.enqueue_compaction(sid)
    assert chunk_rows(sid)[0][:4] == ("tab-1", 1, 2, 5)  # before enqueue returned
    assert not tasks.compacting  # the background thread was not used
    assert not Batch.objects.filter(session_id=sid, payload__isnull=False).exists()


@pytest.mark.django_db
def test_compacting_twice_is_harmless(settings) -> None:
    settings.TASKS = {"default": IMMEDIATE}
    settings.SESSION_REPLAY = {"TASK_BACKEND": "default"}
    sid = record([events(3)]).session_id
    tasks.enqueue_compaction(sid)
    tasks.enqueue_compaction(sid)  # a queue that delivered twice
    assert tasks.compact_session.call(str(sid)) == 0
    assert len(chunk_rows(sid)) == 1


def stored(session_id: UUID, seq: int, size: int, pending: int) -> StoredBatch:
    batch = frames.Batch(
        seq=seq,
        packed=b"x" * size,
        deflated=b"",
        event_count=1,
        first_timestamp=seq,
        last_timestamp=seq,
        pages=0,
    )
    return StoredBatch(session_id, "tab-1", batch, pending)


@override_settings(SESSION_REPLAY={"COMPACT_TAIL_BYTES": 100})
def test_the_thread_is_asked_on_every_batch_over_the_threshold() -> None:
    sid = UUID(int=1)
    assert processor.due([stored(sid, 1, 60, 60)]) == set()
    assert processor.due([stored(sid, 2, 60, 120)]) == {sid}
    assert processor.due([stored(sid, 3, 60, 180)]) == {sid}  # it ignores a session it compacts


@override_settings(SESSION_REPLAY={"COMPACT_TAIL_BYTES": 100, "TASK_BACKEND": "default"})
def test_a_queue_is_asked_once_per_threshold_the_tail_passes() -> None:
    sid = UUID(int=1)
    tail = [stored(sid, seq, 60, 60 * seq) for seq in range(1, 6)]  # 60, 120, ..., 300
    assert [bool(processor.due([item])) for item in tail] == [False, True, False, True, True]


def check_ids(**settings: Any) -> set[str]:
    with override_settings(**settings):
        return {message.id for message in check_configuration()}


def test_task_backend_must_be_an_alias_of_tasks() -> None:
    tasks_setting = {"default": IMMEDIATE, "queue": IMMEDIATE}
    assert check_ids(TASKS=tasks_setting, SESSION_REPLAY={"TASK_BACKEND": "queue"}) == set()
    assert check_ids(TASKS=tasks_setting, SESSION_REPLAY={"TASK_BACKEND": None}) == set()
    missing = check_ids(TASKS=tasks_setting, SESSION_REPLAY={"TASK_BACKEND": "celery"})
    assert missing == {"django_session_replay.E017"}
    broken = {"default": IMMEDIATE, "queue": {"BACKEND": "no.such.Backend"}}
    unloadable = check_ids(TASKS=broken, SESSION_REPLAY={"TASK_BACKEND": "queue"})
    assert unloadable == {"django_session_replay.E017"}
    assert check_ids(SESSION_REPLAY={"TASK_BACKEND": ""}) == {"django_session_replay.E012"}


def test_tasks_without_a_default_alias_fail_the_check_not_the_import(tmp_path: Path) -> None:
    # Declaring a task validates it on TASKS["default"]; a fresh process shows
    # what ``manage.py check`` says then (this one has declared its tasks already).
    (tmp_path / "no_default_tasks.py").write_text(
        "from tests.settings import *  # noqa: F403\n"
        f"TASKS = {{'queue': {IMMEDIATE!r}}}\n"
        "SESSION_REPLAY = {'TASK_BACKEND': 'queue', 'PROCESSORS': []}\n"
    )
    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no_default_tasks", "PYTHONPATH": path}
    checked = subprocess.run(
        [sys.executable, "-m", "django", "check"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert checked.returncode == 1, checked.stderr
    assert "(django_session_replay.E017) The app's tasks cannot be declared" in checked.stderr
    assert "Traceback" not in checked.stderr


# --- a real worker: django-tasks-db's db_worker on the test's PostgreSQL database


@pytest.fixture
def db_worker(tmp_path: Path) -> Iterator[Path]:
    """django-tasks-db's worker in its own process, on this test's database."""
    log = tmp_path / "db_worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SESSION_REPLAY_TEST_STACK": "full",
        # tests.settings reads NAME from PGDATABASE: the worker opens the test
        # database pytest-django created (its TEST name has this process's pid).
        "PGDATABASE": connection.settings_dict["NAME"],
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "django", "db_worker", "--backend", "database"]
    command += ["--interval", "0.1", "--no-startup-delay", "--no-reload", "-v", "2"]
    with log.open("wb") as output:
        worker = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)
    try:
        yield log
    finally:
        worker.send_signal(signal.SIGTERM)  # a graceful stop: it finishes the current task
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


async def record_over_the_wire(batches: list[list[dict[str, Any]]]) -> str:
    async with Client() as client:
        welcome = await client.hello()
        for seq, batch in enumerate(batches, start=1):
            await client.send(t="batch", seq=seq, events=batch)
            assert await client.receive() == {"t": "ack", "seq": seq}
    session_id: str = welcome["sid"]
    return session_id


async def compacted(session_id: str, timeout: float, log: Path) -> list[tuple[Any, ...]]:
    """The session's chunks once no batch of it is left uncompacted."""
    tail = Batch.objects.filter(session_id=session_id, payload__isnull=False)
    deadline = time.monotonic() + timeout
    while await tail.aexists() or not await Chunk.objects.filter(session_id=session_id).aexists():
        if time.monotonic() > deadline:
            pytest.fail(f"not compacted after {timeout} s; worker log:\n{log.read_text()}")
        await asyncio.sleep(0.1)
    return await sync_to_async(chunk_rows)(session_id)


@pytest.mark.integration
@pytest.mark.skipif(not FULL_STACK, reason="needs SESSION_REPLAY_TEST_STACK=full (tox -e full)")
@pytest.mark.django_db(transaction=True)  # the worker must see committed rows
async def test_a_real_worker_stores_what_compacting_in_process_stores(db_worker, settings) -> None:
    from django_tasks_db.models import DBTaskResult

    recording = [events(40, start=1_700_000_000_000 + 1000 * seq) for seq in range(6)]
    sizes = [
        frames.parse_batch({"seq": 1, "events": b}, max_bytes=1 << 20).raw_bytes for b in recording
    ]
    # Only the last batch takes the tail past the threshold: one task, for the whole tail.
    threshold = sum(sizes) - sizes[-1] + 1
    settings.SESSION_REPLAY = {"COMPACT_TAIL_BYTES": threshold, "TASK_BACKEND": "database"}
    queued = await record_over_the_wire(recording)
    by_worker = await compacted(queued, 60, db_worker)
    results = [result async for result in DBTaskResult.objects.all()]
    assert [(r.task_path, r.args_kwargs, r.status) for r in results] == [
        (
            "django_session_replay.tasks.compaction.compact_session",
            {"args": [queued], "kwargs": {}},
            "SUCCESSFUL",
        )
    ]
    sent = [event for batch in recording for event in batch]
    assert await sync_to_async(lambda: list(reader.iter_events(UUID(queued))))() == sent

    settings.SESSION_REPLAY = {"COMPACT_TAIL_BYTES": threshold}  # the in-process thread
    in_process = await record_over_the_wire(recording)
    assert await compacted(in_process, 30, db_worker) == by_worker
    assert by_worker == [("tab-1", 1, 6, 240, by_worker[0][4], by_worker[0][5])]
