"""The HTTP door's payload (navigator.sendBeacon on page hide): hello's envelope
fields and several batches of one window of an existing session, stored as one
group. The ninja endpoint (api/ingest.py) turns the outcome into its answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django_session_replay.conf import conf
from django_session_replay.ingest import access, groupcommit, ratelimit, sessions, store, tokens
from django_session_replay.ingest.db import in_db_thread
from django_session_replay.wire import frames, parts
from django_session_replay.wire.codes import Code, ProtocolError


@dataclass(frozen=True)
class HttpIngest:
    session_id: UUID | None
    acked: list[int]
    error: ProtocolError | None


@dataclass
class Envelope:
    hello: frames.Hello
    batches: list[frames.Batch] = field(default_factory=list)
    error: ProtocolError | None = None  # a batch that could not be read; those before it stand


def read_body(body: bytes, origin: str | None) -> Envelope:
    """Check the body and its access and read its batches in order up to the first
    one that is refused; raises for a refusal of the whole body. No database."""
    if len(body) > conf.MAX_FRAME_BYTES:
        raise ProtocolError(Code.FRAME_TOO_LARGE, f"body over {conf.MAX_FRAME_BYTES} bytes")
    payload: Any = frames.unpack(body)
    if not isinstance(payload, dict):
        raise ProtocolError(Code.BAD_FRAME, "the body is a msgpack map")
    # The body carries hello's fields (v, key, token, win, visitor), read as hello reads them.
    envelope = Envelope(frames.parse_hello(payload))
    access.check_access(envelope.hello.key, origin)
    batches = payload.get("batches")
    if isinstance(batches, list) and len(batches) > conf.MAX_BATCHES_PER_REQUEST:
        raise ProtocolError(
            Code.TOO_MANY_BATCHES,
            f"{len(batches)} batches in one request; at most {conf.MAX_BATCHES_PER_REQUEST}",
        )
    try:
        if not isinstance(batches, list):
            raise ProtocolError(Code.INVALID_FIELD, "batches must be a list")
        read_batches(batches, envelope.batches)
    except ProtocolError as error:
        envelope.error = error
    return envelope


def read_batches(frames_in: list[Any], into: list[frames.Batch]) -> None:
    """``batch`` maps, and ``part`` maps (``t`` is "part") whose stream ends in the
    same body, in order; what was read before a refusal stays in ``into``."""
    reassembly = parts.Reassembly(conf.MAX_EVENT_BYTES)
    inflated = 0
    for frame in frames_in:
        if not isinstance(frame, dict):
            raise ProtocolError(Code.INVALID_FIELD, "each batch is a map")
        if frame.get("t") == "part":
            batch, _ = reassembly.add(frames.parse_part(frame))
        else:
            reassembly.interrupted(f"batch {frame.get('seq')!r}")
            batch = frames.parse_batch(frame, conf.MAX_FRAME_BYTES)
        if batch is None:
            continue
        inflated += batch.raw_bytes
        if inflated > conf.MAX_RAW_BYTES_PER_SECOND:  # one request, the socket's second
            raise ProtocolError(
                Code.FRAME_TOO_LARGE,
                f"the batches inflate to more than {conf.MAX_RAW_BYTES_PER_SECOND} bytes",
            )
        into.append(batch)
    reassembly.interrupted("the end of the body")


def resume(hello: frames.Hello) -> UUID:
    session = sessions.resumable(tokens.read_token(hello.token, hello.visitor))
    if session is None:
        raise ProtocolError(Code.BAD_TOKEN, "no session may be resumed with this token")
    return session.pk


async def admit(hello: frames.Hello, address: str | None) -> None:
    """The door's rate limits, per client address and per resume token."""
    minute = 60
    if address and not await ratelimit.admit(
        "http-address", address, conf.HTTP_REQUESTS_PER_MINUTE_PER_ADDRESS, minute
    ):
        raise ProtocolError(Code.RATE_LIMITED, "too many requests from this address")
    if not await ratelimit.admit(
        "http-token", hello.token or "", conf.HTTP_REQUESTS_PER_MINUTE, minute
    ):
        raise ProtocolError(Code.RATE_LIMITED, "too many requests for this session")


async def ingest_http(body: bytes, origin: str | None, address: str | None = None) -> HttpIngest:
    """Store what the body holds as one group; answers once the pipeline has run
    for it too, so a beacon's batches reach live viewers before the request returns."""
    try:
        envelope = read_body(body, origin)
        await admit(envelope.hello, address)
        session_id = await in_db_thread(resume)(envelope.hello)
    except ProtocolError as error:
        return HttpIngest(None, [], error)
    window = envelope.hello.window
    items: list[store.Item] = [(session_id, window, batch) for batch in envelope.batches]
    submitted = await groupcommit.submit(items)
    await submitted.wait_processed()
    # Every batch now held is acknowledged, also one after a refused batch (it
    # was committed in the same group); the answer's error is the first refusal.
    acked = [
        batch.seq
        for batch, outcome in zip(envelope.batches, submitted.outcomes, strict=True)
        if isinstance(outcome, store.Appended)
    ]
    refused = [outcome for outcome in submitted.outcomes if isinstance(outcome, ProtocolError)]
    return HttpIngest(session_id, acked, refused[0] if refused else envelope.error)
