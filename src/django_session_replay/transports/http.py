"""The HTTP door's payload (navigator.sendBeacon on page hide): hello's envelope
fields and several batches of one window of an existing session, stored as one
group. The ninja endpoint (api/ingest.py) turns the outcome into its answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django_session_replay.conf import conf
from django_session_replay.ingest import access, groupcommit, sessions, store, tokens
from django_session_replay.ingest.db import in_db_thread
from django_session_replay.wire import frames
from django_session_replay.wire.codes import Code, ProtocolError


@dataclass(frozen=True)
class HttpIngest:
    session_id: UUID | None
    acked: list[int]
    error: ProtocolError | None


@dataclass
class Envelope:
    session_id: UUID
    window: str
    batches: list[frames.Batch] = field(default_factory=list)
    error: ProtocolError | None = None  # a batch that could not be read; those before it stand


def read_envelope(body: bytes, origin: str | None) -> Envelope:
    """Check the body and its access, find the session, read the batches in order
    up to the first one that is refused (raises for a refusal of the whole body)."""
    if len(body) > conf.MAX_FRAME_BYTES:
        raise ProtocolError(Code.FRAME_TOO_LARGE, f"body over {conf.MAX_FRAME_BYTES} bytes")
    payload: Any = frames.unpack(body)
    if not isinstance(payload, dict):
        raise ProtocolError(Code.BAD_FRAME, "the body is a msgpack map")
    # The body carries hello's fields (v, key, token, win, visitor), read as hello reads them.
    hello = frames.parse_hello(payload)
    access.check_access(hello.key, origin)
    session = sessions.resumable(tokens.read_token(hello.token, hello.visitor))
    if session is None:
        raise ProtocolError(Code.BAD_TOKEN, "no session may be resumed with this token")
    envelope = Envelope(session.pk, hello.window)
    batches = payload.get("batches")
    try:
        if not isinstance(batches, list):
            raise ProtocolError(Code.INVALID_FIELD, "batches must be a list")
        for frame in batches:
            if not isinstance(frame, dict):
                raise ProtocolError(Code.INVALID_FIELD, "each batch is a map")
            envelope.batches.append(frames.parse_batch(frame, conf.MAX_FRAME_BYTES))
    except ProtocolError as error:
        envelope.error = error
    return envelope


async def ingest_http(body: bytes, origin: str | None) -> HttpIngest:
    """Store what the body holds; answers once the pipeline has run for it too,
    so a beacon's batches reach live viewers before the request returns."""
    try:
        envelope = await in_db_thread(read_envelope)(body, origin)
    except ProtocolError as error:
        return HttpIngest(None, [], error)
    items: list[store.Item] = [
        (envelope.session_id, envelope.window, batch) for batch in envelope.batches
    ]
    submitted = await groupcommit.submit(items)
    await submitted.wait_processed()
    acked: list[int] = []
    for batch, outcome in zip(envelope.batches, submitted.outcomes, strict=True):
        if isinstance(outcome, ProtocolError):  # the batches after it are re-sent
            return HttpIngest(envelope.session_id, acked, outcome)
        acked.append(batch.seq)
    return HttpIngest(envelope.session_id, acked, envelope.error)
