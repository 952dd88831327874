"""Store batches durably and exactly once: one transaction and a fixed number
of queries for a whole group of batches, whatever sessions they belong to.

It knows neither Channels nor ninja: the doors (transports/) hand it validated
batches through the group committer (groupcommit.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Field
from django.utils import timezone

from django_session_replay import lifecycle
from django_session_replay.models import Batch, ReplaySession
from django_session_replay.storage import encryption
from django_session_replay.wire.codes import Code, ProtocolError
from django_session_replay.wire.frames import Batch as WireBatch


@dataclass(frozen=True)
class Appended:
    stored: bool  # False: this seq was already held (a re-send)
    pending_bytes: int  # the session's uncompacted tail once this batch is in


Item = tuple[UUID, str, WireBatch]  # session, window, batch
TOTALS = [  # the session fields a batch adds to
    "first_timestamp",
    "last_timestamp",
    "duration_ms",
    "event_count",
    "byte_count",
    "pending_bytes",
    "page_count",
    "last_activity",
]


def append_batch(session_id: UUID, window: str, batch: WireBatch) -> Appended:
    """Store one batch durably and exactly once; raises ProtocolError when refused."""
    outcome = append_batches([(session_id, window, batch)])[0]
    if isinstance(outcome, ProtocolError):
        raise outcome
    return outcome


def append_batches(items: Sequence[Item]) -> list[Appended | ProtocolError]:
    """Store batches of any sessions, each exactly once, in ONE transaction: one
    commit (one WAL flush) and a fixed number of queries for the whole group. A
    refused batch gets its ProtocolError and leaves the others stored."""
    try:
        with transaction.atomic():
            return append_group(items)
    except IntegrityError:
        # Another process stored one of these seqs between our check and our
        # insert (SQLite has no row locks): one by one, the check now sees it.
        outcomes: list[Appended | ProtocolError] = []
        for item in items:
            with transaction.atomic():
                outcomes += append_group([item])
        return outcomes


def append_group(items: Sequence[Item]) -> list[Appended | ProtocolError]:
    ids = sorted({session_id for session_id, _, _ in items})
    # Locked in one order, so two writers never wait on each other in a cycle.
    locked = ReplaySession.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    sessions = {session.pk: session for session in locked}
    held: dict[tuple[UUID, str, int], int | None] = {
        (session_id, window, seq): crc
        for session_id, window, seq, crc in Batch.objects.filter(
            session_id__in=ids, seq__in={batch.seq for _, _, batch in items}
        ).values_list("session_id", "window", "seq", "content_crc32")
    }
    now = timezone.now()
    rows: list[Batch] = []
    outcomes: list[Appended | ProtocolError] = []
    for session_id, window, batch in items:
        session = sessions.get(session_id)
        if session is None:  # deleted while recording: the recorder starts a new one
            outcomes.append(ProtocolError(Code.SERVER_ERROR, "the session no longer exists"))
            continue
        key = (session_id, window, batch.seq)
        if key in held:
            if held[key] not in (None, batch.crc32):
                outcomes.append(
                    ProtocolError(Code.SEQ_CONFLICT, f"seq {batch.seq} is held with other events")
                )
            else:
                outcomes.append(Appended(stored=False, pending_bytes=session.pending_bytes))
            continue
        refused = lifecycle.refusal(session, batch)
        if refused is not None:
            outcomes.append(refused)
            continue
        held[key] = batch.crc32
        rows.append(
            Batch(
                session_id=session_id,
                window=window,
                seq=batch.seq,
                received=now,
                first_timestamp=batch.first_timestamp,
                last_timestamp=batch.last_timestamp,
                event_count=batch.event_count,
                raw_bytes=batch.raw_bytes,
                content_crc32=batch.crc32,
                payload=encryption.seal(batch.deflated, encryption.BATCH),
            )
        )
        add_totals(session, batch, now)
        outcomes.append(Appended(stored=True, pending_bytes=session.pending_bytes))
    if rows:
        Batch.objects.bulk_create(rows)
        touched = {row.session_id for row in rows}
        save_totals([sessions[pk] for pk in sorted(touched)])
    return outcomes


def save_totals(sessions: list[ReplaySession]) -> None:
    """One UPDATE per session, sent as one executemany. (QuerySet.bulk_update builds
    a CASE expression for every field of every row: it took half a group's time.)"""
    meta = ReplaySession._meta
    fields = [_column(name) for name in TOTALS]
    pk_field, pk_column = _column(meta.pk.name)
    connection = connections[router.db_for_write(ReplaySession)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for _, column in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk_column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(session, field.attname), connection) for field, _ in fields]
        + [pk_field.get_db_prep_value(session.pk, connection)]
        for session in sessions
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _column(name: str) -> tuple[Field[Any, Any], str]:
    """A session field that is a column of its own (every name in TOTALS, the pk) and
    that column's name."""
    field = ReplaySession._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"ReplaySession.{name} is not a column")
    return field, field.column


def add_totals(session: ReplaySession, batch: WireBatch, now: datetime) -> None:
    first, last = batch.first_timestamp, batch.last_timestamp
    if session.first_timestamp is not None:
        first = min(first, session.first_timestamp)
    if session.last_timestamp is not None:
        last = max(last, session.last_timestamp)
    session.first_timestamp, session.last_timestamp = first, last
    session.duration_ms = max(0, last - first)
    session.event_count += batch.event_count
    session.byte_count += batch.raw_bytes
    session.pending_bytes += batch.raw_bytes
    session.page_count += batch.pages
    session.last_activity = now
