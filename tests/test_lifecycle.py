"""When a session may go on (lifecycle.py): not ended, active within IDLE_TIMEOUT,
younger than MAX_DURATION; and a batch that would take it past MAX_SESSION_EVENTS
or MAX_SESSION_BYTES is refused with session_full. (Active, within ACTIVE_WINDOW,
is tests/test_active.py.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgpack
import pytest
from django.test import Client, override_settings
from django.utils import timezone

from django_session_replay import lifecycle
from django_session_replay.ingest import sessions, store
from django_session_replay.models import Batch, ReplaySession
from django_session_replay.wire import frames
from django_session_replay.wire.codes import Code, ProtocolError
from tests.conftest import beacon_body, events, hello_frame
from tests.factories import record

pytestmark = pytest.mark.django_db

LIMITS = {"IDLE_TIMEOUT": 600, "MAX_DURATION": 3600}


def age(session_id: Any, *, started: float = 0, idle: float = 0) -> ReplaySession:
    """Make the session have started `started` and been idle `idle` seconds ago."""
    now = timezone.now()
    ReplaySession.objects.filter(pk=session_id).update(
        created=now - timedelta(seconds=started), last_activity=now - timedelta(seconds=idle)
    )
    return ReplaySession.objects.get(pk=session_id)


def resume(opened: sessions.Opened) -> sessions.Opened:
    return sessions.open_session(frames.parse_hello(hello_frame(token=opened.token)), None)


def batch(seq: int, count: int) -> frames.Batch:
    return frames.parse_batch({"seq": seq, "events": events(count)}, 1 << 20)


@override_settings(SESSION_REPLAY=LIMITS)
@pytest.mark.parametrize(
    "started, idle, goes_on",
    [
        (0, 0, True),
        (3500, 500, True),  # within both limits
        (3601, 0, False),  # past MAX_DURATION, though active a moment ago
        (700, 601, False),  # idle past IDLE_TIMEOUT
    ],
)
def test_a_session_goes_on_within_both_limits(started: int, idle: int, goes_on: bool) -> None:
    opened = record([events(2)])
    session = age(opened.session_id, started=started, idle=idle)
    assert lifecycle.may_continue(session) is goes_on
    continuing = ReplaySession.objects.continuing().filter(pk=session.pk).exists()
    over = ReplaySession.objects.over().filter(pk=session.pk).exists()
    assert (continuing, over) == (goes_on, not goes_on)

    again = resume(opened)
    assert again.resumed is goes_on
    assert (again.session_id == opened.session_id) is goes_on
    if not goes_on:  # the one found past its end is ended at its last activity
        ended = ReplaySession.objects.get(pk=opened.session_id)
        assert ended.ended == ended.last_activity
        assert ReplaySession.objects.get(pk=again.session_id).ended is None


@override_settings(SESSION_REPLAY=LIMITS)
def test_an_ended_session_is_inactive_and_not_resumed() -> None:
    opened = record([events(1)])
    ReplaySession.objects.filter(pk=opened.session_id).update(ended=timezone.now())
    session = ReplaySession.objects.get(pk=opened.session_id)
    assert not lifecycle.may_continue(session)
    assert ReplaySession.objects.over().filter(pk=session.pk).exists()
    assert ReplaySession.objects.inactive().filter(pk=session.pk).exists()
    assert resume(opened).session_id != opened.session_id


@override_settings(SESSION_REPLAY=LIMITS)
def test_closing_idle_sessions_ends_exactly_those_that_may_not_go_on() -> None:
    going = record([events(1)]).session_id
    idle = age(record([events(1)], visitor="b").session_id, started=700, idle=601)
    old = age(record([events(1)], visitor="c").session_id, started=3601)
    # Inactive (quiet past ACTIVE_WINDOW) but still resumable: not ended.
    quiet = age(record([events(1)], visitor="d").session_id, started=500, idle=300).pk
    assert sessions.close_idle_sessions() == 2
    ended = dict(ReplaySession.objects.values_list("pk", "ended"))
    assert ended == {
        going: None,
        quiet: None,
        idle.pk: idle.last_activity,
        old.pk: old.last_activity,
    }


@override_settings(SESSION_REPLAY={**LIMITS, "MAX_SESSION_EVENTS": 5})
def test_a_batch_over_max_session_events_is_refused_with_session_full() -> None:
    opened = record([events(3)])
    session = ReplaySession.objects.get(pk=opened.session_id)
    assert lifecycle.refusal(session, batch(2, 2)) is None  # exactly at the cap
    refused = lifecycle.refusal(session, batch(2, 3))
    assert isinstance(refused, ProtocolError) and refused.code is Code.SESSION_FULL
    with pytest.raises(ProtocolError) as raised:
        store.append_batch(opened.session_id, "tab-1", batch(2, 3))
    assert raised.value.code is Code.SESSION_FULL
    assert store.append_batch(opened.session_id, "tab-1", batch(2, 2)).stored
    assert ReplaySession.objects.get(pk=opened.session_id).event_count == 5


@override_settings(SESSION_REPLAY={**LIMITS, "MAX_SESSION_BYTES": 4096})
def test_a_batch_over_max_session_bytes_is_refused_with_session_full() -> None:
    opened = record([events(1)])
    session = ReplaySession.objects.get(pk=opened.session_id)
    big = frames.parse_batch(
        {"seq": 2, "events": [{"type": 3, "timestamp": 1, "x": "a" * 4096}]}, 1 << 20
    )
    refused = lifecycle.refusal(session, big)
    assert isinstance(refused, ProtocolError) and refused.code is Code.SESSION_FULL
    assert "bytes" in refused.msg


@override_settings(SESSION_REPLAY=LIMITS)
def test_a_batch_for_a_session_past_max_duration_is_refused_with_session_full() -> None:
    """A socket opened in time may still be sending when the session runs out."""
    opened = record([events(1)])
    session = age(opened.session_id, started=3601)
    refused = lifecycle.refusal(session, batch(2, 1))
    assert isinstance(refused, ProtocolError) and refused.code is Code.SESSION_FULL


@override_settings(SESSION_REPLAY={**LIMITS, "MAX_SESSION_EVENTS": 5})
def test_the_http_door_answers_session_full_and_keeps_the_batches_before() -> None:
    opened = record([events(1)])
    body = beacon_body(
        opened.token, [{"seq": 2, "events": events(4)}, {"seq": 3, "events": events(1)}]
    )
    response = Client().post(
        "/session-replay/api/ingest",
        msgpack.packb(body),
        content_type="application/msgpack",
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == Code.SESSION_FULL.http_status == 409
    assert (response.json()["code"], response.json()["acked"]) == ("session_full", [2])
    assert sorted(Batch.objects.values_list("seq", flat=True)) == [1, 2]


@override_settings(SESSION_REPLAY=LIMITS)
def test_resume_tokens_live_as_long_as_a_session_may() -> None:
    assert lifecycle.token_max_age() == 3600
    assert lifecycle.recorder_rules() == {"idleTimeoutMs": 600_000, "maxDurationMs": 3_600_000}
