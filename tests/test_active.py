"""Active means recording now (lifecycle.is_active, ACTIVE_WINDOW): not ended and
active within two minutes, a quiet connected recorder's pings included
(ingest/presence.py); resuming, closing and compaction still go by IDLE_TIMEOUT.
ACTIVE_WINDOW's checks: E012 (its rule), E013 (at most IDLE_TIMEOUT), E023
(longer than a quiet recorder's silence)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django.utils import timezone

from django_session_replay import lifecycle
from django_session_replay.config.checks import check_settings
from django_session_replay.ingest import presence
from django_session_replay.models import ReplaySession
from django_session_replay.storage import compaction
from tests.conftest import Client as Recorder
from tests.conftest import events
from tests.factories import record

CHANGELIST = "/admin/django_session_replay/replaysession/"


@pytest.fixture
def viewer(client: Client) -> User:
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    return user


def quiet_for(session_id: Any, seconds: float) -> ReplaySession:
    """Make the session's last activity `seconds` ago."""
    last = timezone.now() - timedelta(seconds=seconds)
    ReplaySession.objects.filter(pk=session_id).update(last_activity=last)
    return ReplaySession.objects.get(pk=session_id)


def is_listed_active(session: ReplaySession) -> tuple[bool, bool]:
    active = ReplaySession.objects.active().filter(pk=session.pk).exists()
    inactive = ReplaySession.objects.inactive().filter(pk=session.pk).exists()
    return active, inactive


@pytest.mark.django_db
@pytest.mark.parametrize(
    "quiet, active",
    [(0, True), (110, True), (130, False), (1000, False)],
)
def test_active_is_activity_within_two_minutes_by_default(quiet: int, active: bool) -> None:
    session = quiet_for(record([events(1)]).session_id, quiet)
    assert session.is_active is active
    assert session.status == ("Active" if active else "Inactive")
    assert is_listed_active(session) == (active, not active)
    # Whether it may resume is IDLE_TIMEOUT's (30 minutes), not this.
    assert lifecycle.may_continue(session)


@pytest.mark.django_db
@override_settings(SESSION_REPLAY={"ACTIVE_WINDOW": 600})
def test_active_window_is_the_setting() -> None:
    session = quiet_for(record([events(1)]).session_id, 300)
    assert session.is_active
    assert is_listed_active(session) == (True, False)
    assert not quiet_for(session.pk, 601).is_active


@pytest.mark.django_db
def test_an_ended_or_too_long_session_is_not_active_though_just_touched() -> None:
    ended = record([events(1)]).session_id
    ReplaySession.objects.filter(pk=ended).update(ended=timezone.now())
    too_long = record([events(1)], visitor="b").session_id
    ReplaySession.objects.filter(pk=too_long).update(
        created=timezone.now() - timedelta(hours=13)  # past MAX_DURATION, 12 h
    )
    for pk in (ended, too_long):
        session = ReplaySession.objects.get(pk=pk)
        assert not session.is_active
        assert is_listed_active(session) == (False, True)


@pytest.mark.django_db
def test_the_list_filter_and_the_api_go_by_the_two_minutes(client: Client, viewer: User) -> None:
    recording = record([events(1)], page={"url": "http://testserver/recording"}).session_id
    quiet = record([events(1)], visitor="b", page={"url": "http://testserver/quiet"}).session_id
    quiet_for(quiet, 300)

    page = client.get(CHANGELIST).content.decode()
    assert page.count('<td class="field-status_label">Active</td>') == 1
    assert page.count('<td class="field-status_label">Inactive</td>') == 1
    active = client.get(CHANGELIST, {"status": "active"}).content.decode()
    assert "/recording" in active and "/quiet" not in active
    inactive = client.get(CHANGELIST, {"status": "inactive"}).content.decode()
    assert "/quiet" in inactive and "/recording" not in inactive

    api = "/session-replay/api/sessions"
    assert [s["id"] for s in client.get(api, {"active": "true"}).json()["items"]] == [
        str(recording)
    ]
    assert [s["id"] for s in client.get(api, {"active": "false"}).json()["items"]] == [str(quiet)]


@pytest.mark.django_db
def test_a_quiet_session_is_neither_closed_nor_compacted_while_it_may_resume() -> None:
    from django_session_replay.ingest import sessions

    quiet = quiet_for(record([events(1)]).session_id, 300)
    idle = quiet_for(record([events(1)], visitor="b").session_id, 31 * 60)
    assert not quiet.is_active
    assert list(compaction.pending_sessions()) == [idle.pk]
    assert sessions.close_idle_sessions() == 1
    assert ReplaySession.objects.get(pk=quiet.pk).ended is None


# -- a connected recorder that has nothing to send ---------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_quiet_connected_recorder_stays_active(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its pings touch the session, at most every TOUCH_SECONDS."""
    async with Recorder() as recorder:
        welcome = await recorder.hello()
        sessions = ReplaySession.objects.filter(pk=welcome["sid"])
        long_ago = timezone.now() - timedelta(minutes=10)
        await sessions.aupdate(last_activity=long_ago)

        # Within TOUCH_SECONDS of the socket's last touch (its connect): no write.
        monkeypatch.setattr(presence, "TOUCH_SECONDS", 3600)
        await recorder.send(t="ping")
        assert (await recorder.receive())["t"] == "pong"
        assert (await sessions.aget()).last_activity == long_ago

        monkeypatch.setattr(presence, "TOUCH_SECONDS", 0)
        await recorder.send(t="ping")
        assert (await recorder.receive())["t"] == "pong"
        # The touch follows the pong; the next frame is handled once it is done.
        monkeypatch.setattr(presence, "TOUCH_SECONDS", 3600)
        await recorder.send(t="ping")
        assert (await recorder.receive())["t"] == "pong"
        session = await sessions.aget()
        assert session.last_activity > long_ago + timedelta(minutes=9)
        assert session.is_active
        assert await ReplaySession.objects.active().filter(pk=session.pk).aexists()


@pytest.mark.django_db(transaction=True)
async def test_a_ping_before_hello_touches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(presence, "TOUCH_SECONDS", 0)
    async with Recorder() as recorder:
        await recorder.send(t="ping")
        assert (await recorder.receive())["t"] == "pong"
        assert (await recorder.hello())["t"] == "welcome"


@pytest.mark.django_db
def test_touch_leaves_ended_and_later_sessions_alone() -> None:
    sid = record([events(1)]).session_id
    later = timezone.now() + timedelta(seconds=5)
    ReplaySession.objects.filter(pk=sid).update(last_activity=later)
    assert not presence.touch(sid)  # never moved back
    assert ReplaySession.objects.get(pk=sid).last_activity == later
    ReplaySession.objects.filter(pk=sid).update(
        last_activity=timezone.now() - timedelta(minutes=5), ended=timezone.now()
    )
    assert not presence.touch(sid)
    assert not ReplaySession.objects.get(pk=sid).is_active
    quiet = quiet_for(record([events(1)], visitor="b").session_id, 300)
    assert presence.touch(quiet.pk)
    assert ReplaySession.objects.get(pk=quiet.pk).is_active


# -- ACTIVE_WINDOW's checks ----------------------------------------------------------


def checked(value: dict[str, Any]) -> list[str]:
    with override_settings(SESSION_REPLAY=value):
        return [message.id or "" for message in check_settings()]


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"ACTIVE_WINDOW": 61},  # just longer than 90 // 3 + 30
        {"ACTIVE_WINDOW": 1800},  # as long as IDLE_TIMEOUT
        {"ACTIVE_WINDOW": 40, "SOCKET_IDLE_TIMEOUT": 20},  # 6 + 30 s of silence
    ],
)
def test_valid_active_windows(value: dict[str, Any]) -> None:
    assert checked(value) == []


@pytest.mark.parametrize(
    "value",
    [
        {"ACTIVE_WINDOW": 60},  # a quiet recorder may go 60 s untouched
        {"SOCKET_IDLE_TIMEOUT": 300},  # pings every 100 s: 130 s untouched
    ],
)
def test_e023_active_window_shorter_than_a_quiet_recorders_silence(value: dict[str, Any]) -> None:
    assert checked(value) == ["django_session_replay.E023"]
    with override_settings(SESSION_REPLAY=value), pytest.raises(SystemCheckError) as refused:
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
    assert "django_session_replay.E023" in str(refused.value)
    assert "SESSION_REPLAY['ACTIVE_WINDOW'] (" in str(refused.value)


def test_e013_active_window_longer_than_idle_timeout() -> None:
    assert checked({"ACTIVE_WINDOW": 900, "IDLE_TIMEOUT": 600}) == ["django_session_replay.E013"]


@pytest.mark.parametrize("value", [5, 120.0, "120", True])
def test_e012_active_window_is_an_integer_of_at_least_10(value: Any) -> None:
    assert checked({"ACTIVE_WINDOW": value}) == ["django_session_replay.E012"]
