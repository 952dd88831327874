"""Property-based fuzzing of the wire decoder and the ingest core (hypothesis).

The default run is short: 200 examples for each pure test, 50 for each test that
writes to the database. A dedicated run takes more for every test:

    SESSION_REPLAY_FUZZ_EXAMPLES=10000 pytest tests/test_fuzz.py --hypothesis-show-statistics

The last tests are regression tests for the bugs this fuzzing found in src/: each
has an explicit @example of an input that used to fail, so it is always tried.
The strategies are in tests/strategies.py.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import zlib
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import msgpack
import pytest
from asgiref.sync import async_to_sync
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from django_session_replay.conf import conf
from django_session_replay.ingest import sessions, store
from django_session_replay.models import Batch, ReplaySession
from django_session_replay.storage import codec, ndjson
from django_session_replay.transports import http
from django_session_replay.wire import encode
from django_session_replay.wire import frames as wire_frames
from django_session_replay.wire.codes import Code, ProtocolError
from django_session_replay.wire.payload import META
from tests.conftest import hello_frame
from tests.strategies import (
    DEFAULT_CAPS,
    MAX_BYTES,
    MIB,
    almost_valid_frames,
    batch_frames,
    broken_timestamps,
    caps,
    content_lengths,
    event_lists,
    hello_frames,
    http_bodies,
    ingest_frames,
    loose_values,
    origin_texts,
    origins,
    packed,
    seqs,
    small_seqs,
    timestamp_runs,
    typed_maps,
    window_texts,
    z_payloads,
)

# -- hypothesis profiles --------------------------------------------------------

FUZZ_EXAMPLES = os.environ.get("SESSION_REPLAY_FUZZ_EXAMPLES")
_COMMON: dict[str, Any] = {
    "deadline": None,
    # No .hypothesis/ folder in the work tree; a failure prints a reproduction blob.
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("session-replay-pure", max_examples=200, **_COMMON)
settings.register_profile("session-replay-db", max_examples=50, **_COMMON)
settings.register_profile(
    "session-replay-fuzz", max_examples=int(FUZZ_EXAMPLES or 10_000), **_COMMON
)


def profile(kind: str) -> settings:
    """The settings for a pure or a database test; the fuzz profile when asked for."""
    return settings.get_profile(
        "session-replay-fuzz" if FUZZ_EXAMPLES else f"session-replay-{kind}"
    )


PURE = profile("pure")
DB = profile("db")


def wire(value: Any) -> Any:
    """What a door hands the core: the value after the trip through msgpack."""
    return wire_frames.unpack(msgpack.packb(value))


# -- what every decoded frame must satisfy ----------------------------------------

DECODER_CODES = {
    Code.BAD_FRAME,
    Code.UNKNOWN_TYPE,
    Code.INVALID_FIELD,
    Code.FRAME_TOO_LARGE,
    Code.UNSUPPORTED_VERSION,
}


def assert_batch_invariants(batch: wire_frames.Batch) -> None:
    """docs/protocol.md: seq int >= 1; events a non-empty list of maps with an int
    `type` and a number `timestamp`; and what ingest needs to store it."""
    assert type(batch.seq) is int and 1 <= batch.seq < 2**31
    assert type(batch.raw_bytes) is int and batch.raw_bytes > 0
    assert codec.inflate(batch.deflated) == batch.packed  # what is stored is what was checked
    # The scan read every event's type and timestamp: an independent full decode agrees.
    events = codec.decode_events(batch.packed)
    assert type(events) is list and events
    assert batch.event_count >= len(events)  # the reader may leave out undecodable events
    decoded_all = len(events) == batch.event_count
    stamps = []
    for event in events:
        assert type(event) is dict
        assert type(event["type"]) is int  # bool is not an int here
        timestamp = event["timestamp"]
        assert type(timestamp) in (int, float)
        assert math.isfinite(timestamp) and abs(timestamp) <= 2**53
        stamps.append(int(timestamp))
    if decoded_all:
        assert (batch.first_timestamp, batch.last_timestamp) == (min(stamps), max(stamps))
        assert batch.pages == sum(event["type"] == META for event in events)


def assert_hello_invariants(hello: wire_frames.Hello) -> None:
    assert hello.version == wire_frames.VERSION
    assert isinstance(hello.key, str) and len(hello.key) <= 256
    assert hello.token is None or isinstance(hello.token, str)
    assert wire_frames.parse_window(hello.window) == hello.window
    assert isinstance(hello.visitor, str) and len(hello.visitor) <= 64
    page = hello.page
    for text, limit in [
        (page.url, 4096),
        (page.title, 512),
        (page.referrer, 4096),
        (page.ua, 1024),
    ]:
        assert isinstance(text, str) and len(text) <= limit
    for pair in (page.screen, page.viewport):
        assert pair is None or (
            len(pair) == 2 and all(type(n) is int and 0 <= n < 2**31 for n in pair)
        )


def decode(data: bytes, max_bytes: int) -> wire_frames.Hello | wire_frames.Batch | ProtocolError:
    """decode_frame's answer, which must be a valid frame or a ProtocolError."""
    try:
        frame = wire_frames.decode_frame(data, None, max_bytes)
    except ProtocolError as error:
        assert error.code in DECODER_CODES
        assert isinstance(error.msg, str) and 0 < len(error.msg) < 256
        encode.error(error)  # the error frame can be sent
        if len(data) > max_bytes:
            assert error.code is Code.FRAME_TOO_LARGE
        return error
    assert len(data) <= max_bytes
    if isinstance(frame, wire_frames.Batch):
        assert_batch_invariants(frame)
    else:
        assert isinstance(frame, wire_frames.Hello)
        assert_hello_invariants(frame)
    return frame


# -- the decoder ------------------------------------------------------------------


@PURE
@given(text=st.none() | st.text())
def test_text_frames_are_refused(text: str | None) -> None:
    with pytest.raises(ProtocolError) as refused:
        wire_frames.decode_frame(None, text, 1 << 20)
    assert refused.value.code is Code.BAD_FRAME


@PURE
@given(data=st.binary(max_size=512) | broken_timestamps, max_bytes=st.sampled_from(MAX_BYTES))
def test_arbitrary_bytes_decode_or_raise_protocol_error(data: bytes, max_bytes: int) -> None:
    decode(data, max_bytes)


@PURE
@given(data=packed(loose_values), max_bytes=st.sampled_from(MAX_BYTES))
def test_arbitrary_msgpack_decodes_or_raises_protocol_error(data: bytes, max_bytes: int) -> None:
    decode(data, max_bytes)


@PURE
@given(data=typed_maps)
def test_arbitrary_maps_with_a_type_decode_or_raise_protocol_error(data: bytes) -> None:
    result = decode(data, 1 << 20)
    t = msgpack.unpackb(data, strict_map_key=False, raw=False, unicode_errors="replace")["t"]
    if t not in ("hello", "batch"):
        assert isinstance(result, ProtocolError)
        assert result.code in (Code.BAD_FRAME, Code.UNKNOWN_TYPE)


@PURE
@given(data=packed(almost_valid_frames), max_bytes=st.sampled_from(MAX_BYTES))
def test_almost_valid_frames_decode_or_raise_protocol_error(data: bytes, max_bytes: int) -> None:
    decode(data, max_bytes)


@PURE
@given(
    seq=seqs,
    z=z_payloads,
    events=st.none() | event_lists,
    max_bytes=st.sampled_from(MAX_BYTES),
)
def test_z_payloads_decode_or_raise_protocol_error(
    seq: int, z: bytes, events: list[Any] | None, max_bytes: int
) -> None:
    frame: dict[str, Any] = {"t": "batch", "seq": seq, "z": z}
    if events is not None:
        frame["events"] = events  # z wins over events
    data = msgpack.packb(frame)
    result = decode(data, max_bytes)
    if isinstance(result, wire_frames.Batch):
        assert result.raw_bytes <= max_bytes
    if len(data) > max_bytes:
        return
    # An independent reading of z: a complete stream judged by what it inflates to.
    inflater = zlib.decompressobj(wbits=-15)
    try:
        inflated = inflater.decompress(z)
    except zlib.error:
        return
    if not inflater.eof:
        return
    if len(inflated) > max_bytes:
        assert isinstance(result, ProtocolError) and result.code is Code.FRAME_TOO_LARGE
    elif isinstance(result, wire_frames.Batch):
        assert result.raw_bytes == len(inflated)
        assert result.packed == inflated and result.deflated == z


@PURE
@given(frame=hello_frames() | batch_frames())
def test_valid_frames_decode_to_what_was_sent(frame: dict[str, Any]) -> None:
    decoded = decode(msgpack.packb(frame), 1 << 20)
    if frame["t"] == "hello":
        assert isinstance(decoded, wire_frames.Hello)
        assert (decoded.key, decoded.token, decoded.window) == (
            frame["key"][:256].replace("\x00", ""),  # PostgreSQL text cannot hold NUL
            frame["token"],
            frame["win"],
        )
        page = frame.get("page", {})
        assert decoded.page.url == (page.get("url") or "")[:4096].replace("\x00", "")
        screen = page.get("screen")
        assert decoded.page.screen == (tuple(screen) if screen else None)
        assert decoded.visitor == (frame.get("visitor") or "")[:64].replace("\x00", "")
    else:
        assert isinstance(decoded, wire_frames.Batch)
        assert decoded.seq == frame["seq"]
        sent = (
            frame["events"]
            if "events" in frame
            else msgpack.unpackb(zlib.decompress(frame["z"], -15))
        )
        assert decoded.packed == msgpack.packb(sent)
        assert decoded.event_count == len(sent)


# -- the ingest core ----------------------------------------------------------------


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Undo whatever one example wrote, so that examples never see each other's rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def snapshot(session_id: UUID) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """Everything a batch changes: the session's counters and its batch rows."""
    session = ReplaySession.objects.values(
        "event_count", "byte_count", "pending_bytes", "page_count", "first_timestamp",
        "last_timestamp", "duration_ms",
    ).get(pk=session_id)  # fmt: skip
    rows = Batch.objects.filter(session_id=session_id).order_by("window", "seq")
    return session, list(rows.values_list("window", "seq", "event_count", "raw_bytes", "payload"))


def assert_session_holds(
    session_id: UUID, window: str, accepted: dict[int, wire_frames.Batch]
) -> None:
    """The stored rows are exactly the accepted batches and the counters add them up."""
    rows = {row.seq: row for row in Batch.objects.filter(session_id=session_id)}
    assert set(rows) == set(accepted)
    for seq, batch in accepted.items():
        row = rows[seq]
        assert row.window == window
        assert (row.event_count, row.raw_bytes) == (batch.event_count, batch.raw_bytes)
        assert codec.inflate(bytes(row.payload)) == batch.packed
        assert (row.first_timestamp, row.last_timestamp) == (
            batch.first_timestamp,
            batch.last_timestamp,
        )
    session = ReplaySession.objects.get(pk=session_id)
    assert session.event_count == sum(batch.event_count for batch in accepted.values())
    assert session.byte_count == sum(batch.raw_bytes for batch in accepted.values())
    assert session.pending_bytes == session.byte_count
    assert session.page_count == sum(batch.pages for batch in accepted.values())
    contiguous = 0
    while contiguous + 1 in accepted:
        contiguous += 1
    assert sessions.acked_through(session_id, window) == contiguous


@pytest.mark.django_db
@DB
@given(
    hello=hello_frames(),
    frames=st.lists(ingest_frames, min_size=1, max_size=12),
    limits=caps,
)
def test_appended_batches_are_stored_exactly_once(
    hello: dict[str, Any], frames: list[tuple[dict[str, Any], bool]], limits: dict[str, int]
) -> None:
    with override_settings(SESSION_REPLAY=limits), rolled_back():
        opened = sessions.open_session(wire_frames.parse_hello(wire(hello)), None)
        session_id, window = opened.session_id, hello["win"]
        accepted: dict[int, wire_frames.Batch] = {}
        for frame, valid in frames:
            before = snapshot(session_id)
            try:
                batch = wire_frames.parse_batch(wire(frame), conf.MAX_FRAME_BYTES)
            except ProtocolError as error:
                assert error.code in DECODER_CODES
                assert not valid or error.code is Code.FRAME_TOO_LARGE  # z over MAX_FRAME_BYTES
                assert snapshot(session_id) == before
                continue
            assert_batch_invariants(batch)
            held_events = sum(b.event_count for b in accepted.values())
            held_bytes = sum(b.raw_bytes for b in accepted.values())
            full = (
                held_events + batch.event_count > conf.MAX_SESSION_EVENTS
                or held_bytes + batch.raw_bytes > conf.MAX_SESSION_BYTES
            )
            try:
                appended = store.append_batch(session_id, window, batch)
            except ProtocolError as error:
                if error.code is Code.SEQ_CONFLICT:  # the seq is held with other events
                    assert accepted[batch.seq].packed != batch.packed
                else:
                    assert error.code is Code.SESSION_FULL
                    assert full and batch.seq not in accepted
                assert snapshot(session_id) == before
                continue
            assert appended.stored is (batch.seq not in accepted)
            if not appended.stored:  # a re-send: the same events
                assert accepted[batch.seq].packed == batch.packed
            assert not (full and appended.stored)
            if appended.stored:
                accepted[batch.seq] = batch  # the first acceptance wins
            else:
                assert snapshot(session_id) == before
        assert_session_holds(session_id, window, accepted)


@pytest.mark.django_db
@DB
@given(data=st.data())
def test_http_door_never_raises_and_stores_exactly_what_it_acks(data: st.DataObject) -> None:
    hello = data.draw(hello_frames(), label="hello")
    limits = data.draw(caps, label="limits")
    with override_settings(SESSION_REPLAY=limits), rolled_back():
        parsed = wire_frames.parse_hello(wire(hello))
        opened = sessions.open_session(parsed, None)
        session_id = opened.session_id
        for frame in data.draw(st.lists(batch_frames(small_seqs), max_size=2), label="earlier"):
            # batches the WebSocket stored before the page was hidden (or a full session)
            with contextlib.suppress(ProtocolError):
                store.append_batch(
                    session_id, parsed.window, wire_frames.parse_batch(wire(frame), MIB)
                )
        body, whole = data.draw(
            http_bodies(opened.token, parsed.visitor, parsed.window), label="body"
        )
        origin = data.draw(origins, label="origin")
        before = {row[1]: row for row in snapshot(session_id)[1]}

        result = async_to_sync(http.ingest_http)(body, origin)

        assert all(type(seq) is int for seq in result.acked)
        assert result.session_id in (None, session_id)
        if result.error is not None:
            assert isinstance(result.error, ProtocolError)
        after = {row[1]: row for row in snapshot(session_id)[1]}
        assert set(after) == set(before) | set(result.acked)
        for seq, row in before.items():
            assert after[seq] == row  # a re-sent seq is not stored twice
        if result.acked:
            payload = wire_frames.unpack(body)
            firsts: dict[int, wire_frames.Batch] = {}
            for frame in payload["batches"]:  # read as the door reads them: up to a bad one
                try:
                    batch = wire_frames.parse_batch(frame, conf.MAX_FRAME_BYTES)
                except ProtocolError:
                    break
                firsts.setdefault(batch.seq, batch)
            assert set(result.acked) <= set(firsts)
            for seq in set(after) - set(before):
                assert after[seq][2] == firsts[seq].event_count  # stored from its first frame
        session = ReplaySession.objects.get(pk=session_id)
        assert session.event_count == sum(row[2] for row in after.values())
        assert session.byte_count == sum(row[3] for row in after.values())
        if whole and limits == DEFAULT_CAPS and origin in ("http://testserver", "http://127.0.0.1"):
            batches = msgpack.unpackb(body)["batches"]
            seqs = [frame["seq"] for frame in batches]
            if result.error is not None:  # only a seq held (earlier, or in the body) otherwise
                assert result.error.code is Code.SEQ_CONFLICT, result.error
                assert set(seqs) & set(before) or len(set(seqs)) < len(seqs)
            else:
                assert result.acked == [frame["seq"] for frame in batches]


# -- regression tests for the bugs fuzzing found ---------------------------------------

DOCUMENTED_WINDOW = re.compile(r"[A-Za-z0-9_-]{1,64}")


@PURE
@example(value="tab-1\n")
@given(value=window_texts)
def test_window_ids_are_exactly_the_documented_characters(value: str) -> None:
    try:
        window = wire_frames.parse_window(value)
    except ProtocolError as error:
        assert error.code is Code.INVALID_FIELD
        assert not DOCUMENTED_WINDOW.fullmatch(value)
        return
    assert DOCUMENTED_WINDOW.fullmatch(window)


@pytest.mark.django_db  # no query, but the door checks the connection is usable
@PURE
@example(origin="http://[")
@given(origin=origin_texts)
def test_any_origin_is_allowed_or_forbidden(origin: str | None) -> None:
    body = msgpack.packb({"v": 1, "key": conf.SITE_KEY, "win": "tab-1", "batches": []})
    result = async_to_sync(http.ingest_http)(body, origin)  # no token: no query
    assert result.error is not None
    assert result.error.code in (Code.ORIGIN_FORBIDDEN, Code.BAD_TOKEN)


@pytest.mark.django_db  # the door checks the connection is usable (else a 503)
@PURE
@example(length="\N{SUPERSCRIPT TWO}")  # isdigit() is true, int() refuses it
@example(length="9" * 4301)  # past the digits int() converts
@given(length=content_lengths)
def test_any_content_length_gets_a_client_error(length: str) -> None:
    response = Client(raise_request_exception=False).post(
        "/session-replay/api/ingest",
        b"\xc1",
        content_type="application/msgpack",
        CONTENT_LENGTH=length,
    )
    assert response.status_code in (400, 413)


@pytest.mark.django_db
@DB
@example(stamps=[[0], [5]])
@given(stamps=timestamp_runs)
def test_session_span_covers_its_batches(stamps: list[list[int]]) -> None:
    with rolled_back():
        opened = sessions.open_session(wire_frames.parse_hello(wire(hello_frame())), None)
        for seq, batch in enumerate(stamps, start=1):
            events = [{"type": 3, "timestamp": stamp} for stamp in batch]
            store.append_batch(
                opened.session_id,
                "tab-1",
                wire_frames.parse_batch({"seq": seq, "events": events}, MIB),
            )
        session = ReplaySession.objects.get(pk=opened.session_id)
        first, last = min(map(min, stamps)), max(map(max, stamps))
        assert (session.first_timestamp, session.last_timestamp) == (first, last)
        assert session.duration_ms == last - first


def strict_json(line: bytes) -> Any:
    """JSON.parse, as the player reads each line: no NaN or Infinity."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(line, parse_constant=refuse)


@pytest.mark.django_db
@DB
@example(events=[{"type": 3, "timestamp": 1, b"bin-key": 1}])
@example(events=[{"type": 3, "timestamp": 1, "data": {"at": msgpack.Timestamp(1, 0)}}])
@example(events=[{"type": 3, "timestamp": 1, "x": math.nan}])
@given(events=event_lists)
def test_accepted_events_read_back_as_json_lines(events: list[dict[str, Any]]) -> None:
    with rolled_back():
        opened = sessions.open_session(wire_frames.parse_hello(wire(hello_frame())), None)
        batch = wire_frames.parse_batch(wire({"seq": 1, "events": events}), MIB)
        store.append_batch(opened.session_id, "tab-1", batch)
        lines = b"".join(ndjson.pieces(opened.session_id, None)).splitlines()
        assert len(lines) == len(events)
        for line, event in zip(lines, codec.decode_events(batch.packed), strict=True):
            read = strict_json(line)
            assert (read["type"], read["timestamp"]) == (event["type"], event["timestamp"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field, stored",
    [
        ({"page": {"url": "http://t/\0x"}}, "entry_url", "http://t/x"),
        ({"page": {"ua": "\0"}}, "user_agent", ""),
        ({"visitor": "v\0"}, "visitor_id", "v"),
    ],
)
def test_hello_text_with_nul_opens_a_session_without_the_nul(
    change: dict[str, Any], field: str, stored: str
) -> None:
    """PostgreSQL text cannot hold NUL, and a NUL in a page's title or URL is no
    reason to lose its recording: hello's texts are read with it left out."""
    hello = wire_frames.parse_hello(wire(hello_frame(**change)))
    with rolled_back():
        opened = sessions.open_session(hello, None)
        assert getattr(ReplaySession.objects.get(pk=opened.session_id), field) == stored
        # The token was issued to the visitor as read, so the same hello resumes.
        again = wire_frames.parse_hello(wire(hello_frame(token=opened.token, **change)))
        resumed = sessions.open_session(again, None)
        assert (resumed.session_id, resumed.resumed) == (opened.session_id, True)
