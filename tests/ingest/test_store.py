"""Storing batches (ingest/store.py): durably and exactly once, a whole group in
one transaction, each batch refused or failed on its own terms."""

from __future__ import annotations

import pytest
from django.test import override_settings

from django_session_replay.ingest import sessions, store
from django_session_replay.models import Batch, ReplaySession
from django_session_replay.storage import compaction, reader
from django_session_replay.wire import frames
from django_session_replay.wire.codes import Code, ProtocolError
from tests.conftest import events, hello_frame
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)


def batch(seq: int, count: int = 3) -> frames.Batch:
    return frames.parse_batch({"seq": seq, "events": events(count)}, 1 << 20)


def opened(window: str = "tab-1", visitor: str = "v") -> sessions.Opened:
    hello = frames.parse_hello(hello_frame(win=window, visitor=visitor))
    return sessions.open_session(hello, None)


def test_a_group_refuses_one_batch_and_stores_the_others() -> None:
    first, second = opened(visitor="a"), opened(visitor="b")
    with override_settings(SESSION_REPLAY={"MAX_SESSION_EVENTS": 5}):
        outcomes = store.append_batches(
            [
                (first.session_id, "tab-1", batch(1, count=3)),
                (second.session_id, "tab-1", batch(1, count=3)),
                (first.session_id, "tab-1", batch(2, count=3)),  # 6 > 5 events
                (second.session_id, "tab-1", batch(1, count=3)),  # a re-send in the same group
                (second.session_id, "tab-1", batch(2, count=2)),
            ]
        )
    assert [type(outcome).__name__ for outcome in outcomes] == [
        "Appended",
        "Appended",
        "ProtocolError",
        "Appended",
        "Appended",
    ]
    assert isinstance(outcomes[2], ProtocolError) and outcomes[2].code is Code.SESSION_FULL
    assert [outcome.stored for outcome in outcomes if isinstance(outcome, store.Appended)] == [
        True,
        True,
        False,
        True,
    ]
    stored = Batch.objects.order_by("session_id", "seq").values_list("session_id", "seq")
    assert sorted(stored) == sorted(
        [(first.session_id, 1), (second.session_id, 1), (second.session_id, 2)]
    )
    totals = dict(ReplaySession.objects.values_list("pk", "event_count"))
    assert totals == {first.session_id: 3, second.session_id: 5}


def test_a_deleted_session_fails_its_batch_only() -> None:
    gone, kept = opened(visitor="a"), opened(visitor="b")
    ReplaySession.objects.filter(pk=gone.session_id).delete()
    outcomes = store.append_batches(
        [(gone.session_id, "tab-1", batch(1)), (kept.session_id, "tab-1", batch(1))]
    )
    assert isinstance(outcomes[0], ProtocolError) and outcomes[0].code is Code.SERVER_ERROR
    assert isinstance(outcomes[1], store.Appended) and outcomes[1].stored
    assert Batch.objects.filter(session_id=kept.session_id).count() == 1


def test_resent_seq_after_compaction_is_still_recognised() -> None:

    sid = record([events(2)]).session_id
    compaction.compact_session(sid)
    again = store.append_batch(
        sid, "tab-1", frames.parse_batch({"seq": 1, "events": events(2)}, 10**6)
    )
    assert again.stored is False
    assert len(list(reader.iter_events(sid))) == 2


def test_appended_reports_the_uncompacted_tail() -> None:
    """What TailCompaction compares with COMPACT_TAIL_BYTES: the session's bytes
    not yet in a chunk, this batch included; a re-send adds nothing."""
    sid = record([events(2)]).session_id
    first = ReplaySession.objects.get(pk=sid).pending_bytes
    big = frames.parse_batch({"seq": 2, "events": events(40)}, 10**6)
    assert store.append_batch(sid, "tab-1", big).pending_bytes == first + big.raw_bytes
    assert store.append_batch(sid, "tab-1", big).pending_bytes == first + big.raw_bytes
    compaction.compact_session(sid)
    assert ReplaySession.objects.get(pk=sid).pending_bytes == 0
