"""retrying_lock_conflicts (ingest/db.py): work that met a SQLite lock conflict
is tried again in a fresh transaction, and nothing of a failed try is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import OperationalError, transaction

from django_session_replay.ingest import db
from django_session_replay.models import Visitor


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "LOCK_RETRY_DELAY", 0.001)


def failing(times: int, error: str = "database is locked") -> tuple[list[str], Callable[[], str]]:
    """A writer that stores a visitor on every try, then fails ``times`` times."""
    tries: list[str] = []

    @db.retrying_lock_conflicts
    def write() -> str:
        tries.append(f"try-{len(tries)}")
        Visitor.objects.create(visitor_id=f"v-{len(tries)}")
        if len(tries) <= times:
            raise OperationalError(error)
        return tries[-1]

    return tries, write


@pytest.mark.django_db(transaction=True)
def test_a_lock_conflict_is_tried_again_and_only_the_last_try_is_kept() -> None:
    tries, write = failing(2)
    assert write() == "try-2"
    assert len(tries) == 3
    assert list(Visitor.objects.values_list("visitor_id", flat=True)) == ["v-3"]


@pytest.mark.django_db(transaction=True)
def test_past_its_retries_the_conflict_is_raised_and_nothing_kept() -> None:
    tries, write = failing(db.LOCK_RETRIES + 1)
    with pytest.raises(OperationalError, match="locked"):
        write()
    assert len(tries) == db.LOCK_RETRIES + 1
    assert not Visitor.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_another_database_error_is_raised_at_once() -> None:
    tries, write = failing(1, "no such table: x")
    with pytest.raises(OperationalError, match="no such table"):
        write()
    assert len(tries) == 1


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_it_runs_once() -> None:
    """Only the outermost transaction rolled back whole; a savepoint's retry
    would run inside a transaction SQLite has already given up on."""
    tries, write = failing(1)
    with pytest.raises(OperationalError), transaction.atomic():
        write()
    assert len(tries) == 1
