"""Erasure that follows the data: purge by visitor id or e-mail address, a
deleted user's sessions deleted (or detached, USER_DELETION), and a legal hold
that keeps a session through all of it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from django_session_replay.models import Chunk, ReplaySession
from django_session_replay.storage import compaction
from django_session_replay.storage.objects import get_storage
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)


def session(visitor: str = "visitor-1", user: User | None = None, age_days: int = 0) -> str:
    sid = record([events(3)], user_id=user.pk if user else None, visitor=visitor).session_id
    ReplaySession.objects.filter(pk=sid).update(created=timezone.now() - timedelta(days=age_days))
    compaction.compact_session(sid)
    return str(sid)


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("session_replay_purge", *args, stdout=out)
    return out.getvalue()


def left() -> set[str]:
    return {str(pk) for pk in ReplaySession.objects.values_list("pk", flat=True)}


def test_purge_by_visitor_and_by_email() -> None:
    ann = User.objects.create_user("ann", email="Ann@Example.com")
    session("visitor-a")
    b, c = session("visitor-b"), session("visitor-c", user=ann)
    keys = set(Chunk.objects.values_list("key", flat=True))
    assert "Deleted 1 session(s) of visitor 'visitor-a'" in purge("--visitor", "visitor-a")
    assert left() == {b, c}
    purge("--email", "ann@example.COM")
    assert left() == {b}
    storage = get_storage()
    gone = keys - set(Chunk.objects.values_list("key", flat=True))
    assert gone and not any(storage.exists(key) for key in gone)
    with pytest.raises(CommandError, match="no user with the e-mail"):
        purge("--email", "nobody@example.com")


def test_a_legal_hold_outlasts_every_purge() -> None:
    ann = User.objects.create_user("ann", email="ann@example.com")
    held = session("v", user=ann, age_days=90)
    session("v", user=ann, age_days=90)
    ReplaySession.objects.filter(pk=held).update(legal_hold=True)
    for args in (["--visitor", "v"], ["--user", "ann"], ["--email", "ann@example.com"], []):
        output = purge(*args)
        assert "on legal hold" in output, args
    assert left() == {held}
    ann.delete()
    assert left() == {held}  # detached, not deleted
    assert ReplaySession.objects.get(pk=held).user_id is None


def test_deleting_a_user_deletes_their_sessions_or_detaches_them() -> None:
    ann, bob = User.objects.create_user("ann"), User.objects.create_user("bob")
    mine, theirs = session(user=ann), session(user=bob)
    ann.delete()
    assert left() == {theirs}
    with override_settings(SESSION_REPLAY={"USER_DELETION": "detach"}):
        bob.delete()
    assert left() == {theirs}
    assert ReplaySession.objects.get(pk=theirs).user_id is None
    assert mine not in left()
