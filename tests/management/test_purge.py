from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from django_session_replay.models import Batch, Chunk, ReplaySession
from django_session_replay.storage import compaction
from tests import s3
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)


def compacted_session(age_days: int = 0, user_id: int | None = None):
    sid = record([events(3)], user_id=user_id).session_id
    ReplaySession.objects.filter(pk=sid).update(created=timezone.now() - timedelta(days=age_days))
    compaction.compact_session(sid)
    return sid


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("session_replay_purge", *args, stdout=out)
    return out.getvalue()


def test_purge_by_age_deletes_rows_and_objects(s3_storage: str) -> None:
    old, new = compacted_session(age_days=40), compacted_session(age_days=1)
    assert len(s3.list_keys(s3_storage)) == 2
    assert "Would delete 1 session(s)" in run("--dry-run")
    assert ReplaySession.objects.count() == 2
    output = run()
    assert "[1/1] deleted" in output
    assert list(ReplaySession.objects.values_list("pk", flat=True)) == [new]
    assert not Batch.objects.filter(session_id=old).exists()
    assert [key for key in s3.list_keys(s3_storage) if str(old) in key] == []
    assert len(s3.list_keys(s3_storage)) == 1


def test_purge_one_user(s3_storage: str) -> None:
    alice = User.objects.create_user("alice")
    compacted_session(user_id=alice.pk)
    kept = compacted_session()
    run("--user", "alice")
    assert list(ReplaySession.objects.values_list("pk", flat=True)) == [kept]
    assert all(str(kept) in key for key in s3.list_keys(s3_storage))


def test_purge_refuses_unknown_user_and_negative_days() -> None:
    with pytest.raises(CommandError, match="no user"):
        run("--user", "nobody")
    with pytest.raises(CommandError, match="--days"):
        run("--days", "-1")


def test_deleting_a_session_deletes_its_objects(s3_storage: str) -> None:
    sid = compacted_session()
    key = Chunk.objects.get(session_id=sid).key
    ReplaySession.objects.get(pk=sid).delete()
    assert key not in s3.list_keys(s3_storage)


def audit_entry(sid, age_days: int):
    from django_session_replay.models import AuditEntry

    return AuditEntry.objects.create(
        session_id=sid,
        username="watcher",
        action="replay",
        created=timezone.now() - timedelta(days=age_days),
    ).pk


def test_purge_by_age_deletes_old_audit_entries_and_keeps_a_purged_sessions_trail(
    settings,
) -> None:
    from django_session_replay.models import AuditEntry

    settings.SESSION_REPLAY = {"AUDIT_RETENTION_DAYS": 90}
    old_session = record([events(1)]).session_id
    ReplaySession.objects.filter(pk=old_session).update(created=timezone.now() - timedelta(days=40))
    expired, kept = audit_entry(old_session, 100), audit_entry(old_session, 10)
    output = run("--dry-run")
    assert "Would delete 1 audit entry(ies)." in output
    assert AuditEntry.objects.count() == 2
    output = run()
    assert "Deleted 1 audit entry(ies) older than 90 day(s)." in output
    assert not ReplaySession.objects.filter(pk=old_session).exists()
    # The session is gone; who watched it stays until the audit retention ends.
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept]
    assert expired != kept


def test_audit_retention_zero_keeps_entries_forever(settings) -> None:
    from django_session_replay.models import AuditEntry

    settings.SESSION_REPLAY = {"AUDIT_RETENTION_DAYS": 0}
    audit_entry(record([events(1)]).session_id, 5000)
    run()
    assert AuditEntry.objects.count() == 1


def test_purge_of_one_user_leaves_the_audit_trail(settings) -> None:
    from django_session_replay.models import AuditEntry

    settings.SESSION_REPLAY = {"AUDIT_RETENTION_DAYS": 1}
    alice = User.objects.create_user("alice")
    audit_entry(record([events(1)], user_id=alice.pk).session_id, 30)
    output = run("--user", "alice")
    assert "audit" not in output
    assert AuditEntry.objects.count() == 1


def test_purge_by_visitor_deletes_the_visitor_row() -> None:
    from django_session_replay.models import Visitor

    record([events(1)], visitor="visitor-9")
    record([events(1)], visitor="visitor-8")
    assert set(Visitor.objects.values_list("pk", flat=True)) == {"visitor-8", "visitor-9"}
    run("--visitor", "visitor-9")
    assert list(Visitor.objects.values_list("pk", flat=True)) == ["visitor-8"]


def test_purge_by_age_leaves_no_visitor_row_without_sessions() -> None:
    from django_session_replay.models import Visitor

    gone, kept = record([events(1)], visitor="gone").session_id, record([events(1)], visitor="kept")
    record([events(1)], visitor="kept")  # a second session, recent
    old = timezone.now() - timedelta(days=40)
    ReplaySession.objects.filter(pk__in=[gone, kept.session_id]).update(created=old)
    run()
    assert list(Visitor.objects.values_list("pk", "session_count")) == [("kept", 2)]
