"""The one ingest core behind both doors (WebSocket consumer and HTTP endpoint).

It knows neither Channels nor ninja: doors hand it decoded frames and the
request's facts (origin, user) and turn its ProtocolErrors into their answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from django.core import signing
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, F, Max
from django.http.request import validate_host
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from . import protocol
from .conf import conf
from .models import Batch, ReplaySession
from .protocol import Code, ProtocolError

TOKEN_SALT = "django_session_replay.resume"


@dataclass(frozen=True)
class Opened:
    session_id: UUID
    token: str
    seq: int  # every seq 1..seq of the window is durable
    resumed: bool


@dataclass(frozen=True)
class Appended:
    stored: bool  # False: this seq was already held (a re-send)
    compact: bool  # the session's uncompacted tail passed the threshold


def check_access(key: str, origin: str | None) -> None:
    if not constant_time_compare(key, conf.SITE_KEY):
        raise ProtocolError(Code.BAD_KEY, "unknown site key")
    try:
        host = urlsplit(origin).hostname if origin else None
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        host = None
    if not host or not validate_host(host, conf.ALLOWED_ORIGINS):
        raise ProtocolError(Code.ORIGIN_FORBIDDEN, f"origin {origin!r} is not allowed")


def make_token(session_id: UUID, visitor: str) -> str:
    return signing.dumps([str(session_id), visitor], salt=TOKEN_SALT)


def read_token(token: object, visitor: str) -> UUID | None:
    """The session a token names, or None when it is absent, forged, expired or
    was issued to another visitor."""
    if not isinstance(token, str) or not token:
        return None
    try:
        session_id, owner = signing.loads(token, salt=TOKEN_SALT, max_age=conf.MAX_DURATION)
        if not constant_time_compare(owner, visitor):
            return None
        return UUID(session_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def resumable(session_id: UUID | None) -> ReplaySession | None:
    if session_id is None:
        return None
    session = ReplaySession.objects.filter(pk=session_id).first()
    if session is None or session.ended is not None:
        return None
    now = timezone.now()
    if session.last_activity < now - timedelta(seconds=conf.IDLE_TIMEOUT):
        end_session(session)
        return None
    if session.created < now - timedelta(seconds=conf.MAX_DURATION):
        end_session(session)
        return None
    return session


def end_session(session: ReplaySession) -> None:
    ReplaySession.objects.filter(pk=session.pk, ended__isnull=True).update(ended=F("last_activity"))


def open_session(hello: protocol.Hello, user_id: int | None) -> Opened:
    """Resume the session the hello's token names when it may go on, else start one."""
    session = resumable(read_token(hello.token, hello.visitor))
    if session is None:
        page = hello.page
        session = ReplaySession.objects.create(
            user_id=user_id,
            visitor_id=hello.visitor,
            entry_url=page.url,
            user_agent=page.ua,
            screen_width=page.screen[0] if page.screen else None,
            screen_height=page.screen[1] if page.screen else None,
            viewport_width=page.viewport[0] if page.viewport else None,
            viewport_height=page.viewport[1] if page.viewport else None,
        )
        return Opened(session.pk, make_token(session.pk, hello.visitor), 0, resumed=False)
    if user_id is not None and session.user_id is None:
        ReplaySession.objects.filter(pk=session.pk).update(user_id=user_id)
    seq = acked_through(session.pk, hello.window)
    return Opened(session.pk, make_token(session.pk, hello.visitor), seq, resumed=True)


def acked_through(session_id: UUID, window: str) -> int:
    """The highest seq such that every seq from 1 to it is stored."""
    held = Batch.objects.filter(session_id=session_id, window=window)
    summary = held.aggregate(count=Count("seq"), top=Max("seq"))
    if summary["count"] == (summary["top"] or 0):
        return summary["count"]
    expected = 1
    for seq in held.order_by("seq").values_list("seq", flat=True).iterator():
        if seq != expected:
            break
        expected += 1
    return expected - 1


Item = tuple[UUID, str, protocol.Batch]  # session, window, batch
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


def append_batch(session_id: UUID, window: str, batch: protocol.Batch) -> Appended:
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
    held = set(
        Batch.objects.filter(
            session_id__in=ids, seq__in={batch.seq for _, _, batch in items}
        ).values_list("session_id", "window", "seq")
    )
    now = timezone.now()
    rows: list[Batch] = []
    outcomes: list[Appended | ProtocolError] = []
    for session_id, window, batch in items:
        session = sessions.get(session_id)
        if session is None:  # deleted while recording: the recorder starts a new one
            outcomes.append(ProtocolError(Code.SERVER_ERROR, "the session no longer exists"))
            continue
        if (session_id, window, batch.seq) in held:
            outcomes.append(Appended(stored=False, compact=False))
            continue
        try:
            check_caps(session, batch)
        except ProtocolError as error:
            outcomes.append(error)
            continue
        held.add((session_id, window, batch.seq))
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
                payload=batch.deflated,
            )
        )
        add_totals(session, batch, now)
        compact = session.pending_bytes >= conf.COMPACT_TAIL_BYTES
        outcomes.append(Appended(stored=True, compact=compact))
    if rows:
        Batch.objects.bulk_create(rows)
        touched = {row.session_id for row in rows}
        save_totals([sessions[pk] for pk in sorted(touched)])
    return outcomes


def save_totals(sessions: list[ReplaySession]) -> None:
    """One UPDATE per session, sent as one executemany. (QuerySet.bulk_update builds
    a CASE expression for every field of every row: it took half a group's time.)"""
    meta = ReplaySession._meta
    fields = [meta.get_field(name) for name in TOTALS]
    connection = connections[router.db_for_write(ReplaySession)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(session, field.attname), connection) for field in fields]
        + [meta.pk.get_db_prep_value(session.pk, connection)]
        for session in sessions
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def add_totals(session: ReplaySession, batch: protocol.Batch, now: datetime) -> None:
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


def check_caps(session: ReplaySession, batch: protocol.Batch) -> None:
    if session.event_count + batch.event_count > conf.MAX_SESSION_EVENTS:
        raise ProtocolError(Code.SESSION_FULL, "the session holds the most events allowed")
    if session.byte_count + batch.raw_bytes > conf.MAX_SESSION_BYTES:
        raise ProtocolError(Code.SESSION_FULL, "the session holds the most bytes allowed")
    if session.created < timezone.now() - timedelta(seconds=conf.MAX_DURATION):
        raise ProtocolError(Code.SESSION_FULL, "the session is at its maximum duration")


@dataclass(frozen=True)
class HttpIngest:
    session_id: UUID | None
    acked: list[int]
    error: ProtocolError | None


def ingest_http(body: bytes, origin: str | None) -> HttpIngest:
    """The HTTP door's payload: several batches of one window of an existing session."""
    acked: list[int] = []
    session_id: UUID | None = None
    try:
        if len(body) > conf.MAX_FRAME_BYTES:
            raise ProtocolError(Code.FRAME_TOO_LARGE, f"body over {conf.MAX_FRAME_BYTES} bytes")
        payload = protocol.unpack(body)
        if not isinstance(payload, dict):
            raise ProtocolError(Code.BAD_FRAME, "the body is a msgpack map")
        # The body carries hello's fields (v, key, token, win, visitor), read as hello reads them.
        envelope = protocol.parse_hello(payload)
        check_access(envelope.key, origin)
        window = envelope.window
        session = resumable(read_token(envelope.token, envelope.visitor))
        if session is None:
            raise ProtocolError(Code.BAD_TOKEN, "no session may be resumed with this token")
        session_id = session.pk
        batches = payload.get("batches")
        if not isinstance(batches, list):
            raise ProtocolError(Code.INVALID_FIELD, "batches must be a list")
        for frame in batches:
            if not isinstance(frame, dict):
                raise ProtocolError(Code.INVALID_FIELD, "each batch is a map")
            batch = protocol.parse_batch(frame, conf.MAX_FRAME_BYTES)
            append_batch(session_id, window, batch)
            acked.append(batch.seq)
    except ProtocolError as error:
        return HttpIngest(session_id, acked, error)
    return HttpIngest(session_id, acked, None)
