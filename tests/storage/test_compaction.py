"""Compaction (storage/compaction.py and the session_replay_compact command): a
session's stored batches become zstd chunk objects, crash-safe and re-runnable."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from django_session_replay.models import Batch, Chunk, ReplaySession
from django_session_replay.storage import compaction, objects, reader
from tests import s3
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)


def batches_of(recording: list[dict], size: int = 50) -> list[list[dict]]:
    return [recording[i : i + size] for i in range(0, len(recording), size)]


def make_idle(session_id) -> None:
    ReplaySession.objects.filter(pk=session_id).update(
        last_activity=timezone.now() - timedelta(hours=2)
    )


@pytest.mark.parametrize(
    "name",
    [
        "highlight__byterat-io-css-inline-2023",
        "sentry-session-replay-analyzer__sentry-io-feedback-2023",
        "getsentry-rrweb__smartx-com-desktop-2019",
    ],
)
def test_real_recording_round_trips_through_s3_chunks(
    corpus: Path, s3_storage: str, settings, name: str
) -> None:
    recording = json.loads((corpus / f"{name}.json").read_text())
    settings.SESSION_REPLAY = {"CHUNK_TARGET_BYTES": 256 * 1024}
    sid = record(batches_of(recording)).session_id
    make_idle(sid)
    call_command("session_replay_compact", stdout=io.StringIO())
    assert Batch.objects.filter(session_id=sid, payload__isnull=False).count() == 0
    chunks = list(Chunk.objects.filter(session_id=sid))
    assert len(chunks) >= 2
    assert sorted(s3.list_keys(s3_storage)) == sorted(chunk.key for chunk in chunks)
    assert list(reader.iter_events(sid)) == recording  # order and extra fields as sent
    session = ReplaySession.objects.get(pk=sid)
    assert session.ended is not None and session.pending_bytes == 0


def test_crash_before_commit_loses_nothing_and_rerun_is_safe() -> None:
    sid = record([events(3, start=0), events(3, start=10)]).session_id
    crash = mock.patch.object(Chunk.objects, "create", side_effect=RuntimeError("crash"))
    with crash, pytest.raises(RuntimeError):
        compaction.compact_session(sid)
    assert Chunk.objects.count() == 0
    assert Batch.objects.filter(payload__isnull=False).count() == 2
    assert len(list(reader.iter_events(sid))) == 6
    assert compaction.compact_session(sid) == 1
    assert compaction.compact_session(sid) == 0
    assert [e["timestamp"] for e in reader.iter_events(sid)] == [0, 1, 2, 10, 11, 12]
    chunk = Chunk.objects.get()
    assert objects.get_storage().exists(chunk.key)


def test_compact_command_skips_active_sessions_unless_all() -> None:
    sid = record([events(2)]).session_id
    call_command("session_replay_compact", stdout=io.StringIO())
    assert Chunk.objects.count() == 0
    call_command("session_replay_compact", "--all", stdout=io.StringIO())
    assert Chunk.objects.filter(session_id=sid).count() == 1
