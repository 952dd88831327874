"""The audit trail through the API (api/sessions.py): reading events adds an
entry; GET sessions/{id}/audit lists a session's entries, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from django_session_replay.models import AuditEntry, ReplaySession
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db


def audit_url(sid: object) -> str:
    return f"/session-replay/api/sessions/{sid}/audit"


def test_reading_events_adds_an_entry(client: Client, viewer: User) -> None:
    sid = record([events(2)]).session_id
    response = client.get(f"/session-replay/api/sessions/{sid}/events", REMOTE_ADDR="10.1.2.3")
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get()
    assert (entry.session_id, entry.user_id, entry.username) == (sid, viewer.pk, "viewer")
    assert (entry.action, entry.address) == ("events", "10.1.2.0")


def test_unknown_session_events_add_no_entry(client: Client, viewer: User) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/session-replay/api/sessions/{missing}/events").status_code == 404
    assert not AuditEntry.objects.exists()


def test_audit_lists_entries_newest_first_paginated(client: Client, viewer: User) -> None:
    sid = record([events(1)]).session_id
    other = record([events(1)]).session_id
    now = timezone.now()
    for minutes, action, name in [(30, "replay", "ann"), (10, "live", "bob"), (20, "events", "")]:
        AuditEntry.objects.create(
            session_id=sid,
            username=name,
            action=action,
            created=now - timedelta(minutes=minutes),
            address="192.0.2.0",
        )
    AuditEntry.objects.create(session_id=other, username="eve", action="replay")
    body = client.get(audit_url(sid)).json()
    assert body["count"] == 3
    assert [(item["username"], item["action"]) for item in body["items"]] == [
        ("bob", "live"),
        ("", "events"),
        ("ann", "replay"),
    ]
    first = body["items"][0]
    assert sorted(first) == ["action", "address", "time", "username"]
    assert first["address"] == "192.0.2.0"
    # ISO 8601 in UTC, to the millisecond (Django's JSON encoder)
    written = now - timedelta(minutes=10)
    assert abs(datetime.fromisoformat(first["time"]) - written) < timedelta(milliseconds=1)
    page = client.get(audit_url(sid), {"limit": 1, "offset": 2}).json()
    assert [item["username"] for item in page["items"]] == ["ann"]


def test_audit_of_unknown_session_is_404(client: Client, viewer: User) -> None:
    assert client.get(audit_url("00000000-0000-0000-0000-000000000000")).status_code == 404


def test_a_purged_sessions_entries_are_still_listed(client: Client, viewer: User) -> None:
    sid = record([events(1)]).session_id
    AuditEntry.objects.create(session_id=sid, username="ann", action="replay")
    ReplaySession.objects.filter(pk=sid).delete()
    body = client.get(audit_url(sid)).json()
    assert [item["username"] for item in body["items"]] == ["ann"]
