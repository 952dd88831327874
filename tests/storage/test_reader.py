"""Reading a session back (storage/reader.py): its chunks, then its uncompacted tail."""

from __future__ import annotations

import pytest

from django_session_replay.ingest import store
from django_session_replay.storage import compaction, reader
from django_session_replay.wire import frames
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)


def test_reads_mix_chunks_and_the_uncompacted_tail() -> None:
    sid = record([events(2, start=0), events(2, start=10)]).session_id
    compaction.compact_session(sid)

    store.append_batch(
        sid, "tab-1", frames.parse_batch({"seq": 3, "events": events(1, start=20)}, 10**6)
    )
    assert [e["timestamp"] for e in reader.iter_events(sid)] == [0, 1, 10, 11, 20]


def test_windows_are_listed_first_recorded_first() -> None:
    opened = record([events(1, start=100)], window="tab-b")
    batch = frames.parse_batch({"seq": 1, "events": events(1, start=200)}, 10**6)
    store.append_batch(opened.session_id, "tab-a", batch)
    assert reader.windows(opened.session_id) == ["tab-b", "tab-a"]
    compaction.compact_session(opened.session_id)
    assert reader.windows(opened.session_id) == ["tab-b", "tab-a"]
