"""Writing audit entries (audit/record.py): addresses cut to their network, and
a failed write logged instead of raised."""

from __future__ import annotations

import logging
import uuid
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, User

from django_session_replay.audit.record import network, record
from django_session_replay.models import AuditEntry


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::"),
        ("::ffff:203.0.113.77", "203.0.113.0"),
        ("", None),
        (None, None),
        ("not an address", None),
    ],
)
def test_network(given: str | None, kept: str | None) -> None:
    assert network(given) == kept


@pytest.mark.django_db
def test_record_keeps_the_username_after_the_user_is_gone() -> None:
    user = User.objects.create_user("watcher")
    sid = uuid.uuid4()
    record(AuditEntry.Action.REPLAY, sid, user, "198.51.100.9")
    user.delete()
    entry = AuditEntry.objects.get()
    assert (entry.session_id, entry.user_id, entry.username) == (sid, None, "watcher")
    assert (entry.action, entry.address) == ("replay", "198.51.100.0")


@pytest.mark.django_db
def test_record_for_anonymous_stores_no_user() -> None:
    record(AuditEntry.Action.EVENTS, uuid.uuid4(), AnonymousUser(), None)
    entry = AuditEntry.objects.get()
    assert (entry.user_id, entry.username, entry.address) == (None, "", None)


@pytest.mark.django_db
def test_a_failed_write_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with (
        mock.patch.object(AuditEntry.objects, "create", side_effect=RuntimeError("db down")),
        caplog.at_level(logging.ERROR, logger="django_session_replay.audit.record"),
    ):
        record(AuditEntry.Action.LIVE, uuid.uuid4(), AnonymousUser(), "127.0.0.1")
    assert "audit entry not stored" in caplog.text
