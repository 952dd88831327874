"""The events endpoint's ``start`` (api/sessions.py, storage/snapshots.py): a
player joining an active session reads each window from its last full
snapshot, with the Meta event before it; bad values are refused."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth.models import User
from django.test import Client

from django_session_replay.ingest import store
from django_session_replay.storage import compaction
from django_session_replay.wire import frames
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)

META, FULL, INCREMENTAL = 4, 2, 3


def page(start: int, count: int = 2) -> list[dict[str, Any]]:
    """A page load as rrweb records it: Meta, full snapshot, then changes."""
    return [
        {"type": META, "timestamp": start, "data": {"href": f"http://x/{start}"}},
        {"type": FULL, "timestamp": start + 1, "data": {"node": start}},
        *events(count, start=start + 2, kind=INCREMENTAL),
    ]


def read(client: Client, sid: UUID, query: str = "") -> list[int]:
    response = client.get(f"/session-replay/api/sessions/{sid}/events{query}")
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    return [json.loads(line)["timestamp"] for line in body.splitlines()]


def append(sid: UUID, window: str, seq: int, batch: list[dict[str, Any]]) -> None:
    store.append_batch(sid, window, frames.parse_batch({"seq": seq, "events": batch}, 1 << 20))


def test_last_snapshot_starts_at_the_meta_before_the_last_full_snapshot(
    client: Client, viewer: User
) -> None:
    sid = record([page(100), page(200), events(2, start=300)]).session_id
    assert read(client, sid) == [100, 101, 102, 103, 200, 201, 202, 203, 300, 301]
    assert read(client, sid, "?start=first") == read(client, sid)
    tail = [200, 201, 202, 203, 300, 301]
    assert read(client, sid, "?start=last_snapshot") == tail
    compaction.compact_session(sid)  # from the chunks as from the batches
    assert read(client, sid, "?start=last_snapshot") == tail
    append(sid, "tab-1", 4, events(1, start=400))  # a chunk, then the tail
    assert read(client, sid, "?start=last_snapshot&window=tab-1") == [*tail, 400]


def test_a_meta_in_the_batch_before_its_snapshot_comes_along(client: Client, viewer: User) -> None:
    first, second = page(100), page(200)
    sid = record([first, [*events(2, start=150), second[0]], second[1:]]).session_id
    assert read(client, sid, "?start=last_snapshot") == [200, 201, 202, 203]


def test_a_window_without_a_full_snapshot_is_read_whole_and_each_window_from_its_own(
    client: Client, viewer: User
) -> None:
    sid = record([events(3, start=10)]).session_id
    assert read(client, sid, "?start=last_snapshot") == [10, 11, 12]
    append(sid, "tab-2", 1, page(500) + page(600))
    assert read(client, sid, "?start=last_snapshot") == [10, 11, 12, 600, 601, 602, 603]
    assert read(client, sid, "?start=last_snapshot&window=tab-2") == [600, 601, 602, 603]


@pytest.mark.parametrize("bad", ["last", "LAST_SNAPSHOT", "", "2"])
def test_a_bad_start_is_a_422_naming_it(client: Client, viewer: User, bad: str) -> None:
    sid = record([page(100)]).session_id
    response = client.get(f"/session-replay/api/sessions/{sid}/events?start={bad}")
    assert response.status_code == 422, response.content
    assert "start" in json.dumps(response.json())
