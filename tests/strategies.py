"""Hypothesis strategies for the fuzz tests (tests/test_fuzz.py): msgpack values,
valid and almost valid frames, z payloads, ingest limits and HTTP door bodies.

Every strategy draws what some client could send; what the server must do with
it is asserted by the tests.
"""

from __future__ import annotations

import copy
import functools
import gzip
import math
import zlib
from typing import Any

import msgpack
from hypothesis import strategies as st

from django_session_replay.conf import conf
from django_session_replay.wire import frames as wire_frames

# -- msgpack values -------------------------------------------------------------

MIN_INT64, MAX_UINT64 = -(2**63), 2**64 - 1  # the integers msgpack can carry
EDGE_INTS = [0, 1, -1, 2**31 - 1, 2**31, 2**53, 2**53 + 1, -(2**53) - 1, 2**63 - 1]
FIELD_NAMES = [
    "t", "v", "key", "token", "win", "visitor", "page", "url", "title", "referrer", "ua",
    "screen", "viewport", "seq", "events", "z", "batches", "type", "timestamp", "data",
]  # fmt: skip
MIB = 1024 * 1024
MAX_BYTES = [256, 4096, 65536, MIB]  # max_bytes the decoder is called with

ints = st.integers(MIN_INT64, MAX_UINT64) | st.sampled_from([*EDGE_INTS, MIN_INT64, MAX_UINT64])
map_keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8) | st.binary(max_size=4)


def msgpack_values(*, loose: bool) -> st.SearchStrategy[Any]:
    """Anything msgpack can encode. Strict values also survive our decoding (keys are
    str or bytes); loose ones may not (int or nil keys), which the decoder must
    refuse as bad_frame."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        ints,
        st.floats(),  # NaN, ±inf, -0.0 and subnormals included
        st.text(max_size=24),
        st.binary(max_size=24),
        st.builds(msgpack.ExtType, st.integers(0, 127), st.binary(max_size=12)),
        st.builds(msgpack.Timestamp, st.integers(MIN_INT64, 2**63 - 1), st.integers(0, 10**9 - 1)),
    )
    keys = map_keys | st.integers(-4, 4) | st.none() if loose else map_keys
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=16,
    )


values = msgpack_values(loose=False)
loose_values = msgpack_values(loose=True)
ENCODINGS: list[dict[str, bool]] = [{}, {}, {}, {"use_single_float": True}, {"use_bin_type": False}]


@st.composite
def packed(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> bytes:
    """A value encoded the way some msgpack client might (float32, old raw strings)."""
    value = draw(strategy)
    try:
        return msgpack.packb(value, **draw(st.sampled_from(ENCODINGS)))
    except OverflowError:  # a double beyond float32: such a client sends it as a double
        return msgpack.packb(value)


# -- valid frames ---------------------------------------------------------------

timestamps = st.integers(-(2**53), 2**53) | st.floats(-(2.0**53), 2.0**53, allow_nan=False)
other_keys = st.text(max_size=8).filter(lambda key: key not in ("type", "timestamp"))


def rrweb_events(extra: st.SearchStrategy[Any] = values) -> st.SearchStrategy[dict[str, Any]]:
    """An rrweb event: an integer type, a number timestamp, any other fields."""
    return st.builds(
        lambda kind, timestamp, rest: {**rest, "type": kind, "timestamp": timestamp},
        ints,
        timestamps,
        st.dictionaries(other_keys, extra, max_size=3),
    )


event_lists = st.lists(rrweb_events(), min_size=1, max_size=4)
seqs = st.integers(1, 2**31 - 1)
window_ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
pairs = st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=2)
DEFLATE_STRATEGIES = [
    zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE, zlib.Z_FIXED,
]  # fmt: skip
deflate_options = st.tuples(st.integers(0, 9), st.sampled_from(DEFLATE_STRATEGIES))


def deflate(data: bytes, options: tuple[int, int] = (6, zlib.Z_DEFAULT_STRATEGY)) -> bytes:
    """Raw deflate (RFC 1951), as the recorder compresses `z`."""
    level, strategy = options
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return compressor.compress(data) + compressor.flush()


def with_unknown_keys(
    frames: st.SearchStrategy[dict[str, Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    """Unknown keys in a known frame are ignored (docs/protocol.md)."""
    unknown = st.dictionaries(st.text(max_size=8).filter(lambda k: k not in FIELD_NAMES), values)
    return st.builds(lambda frame, extra: {**extra, **frame}, frames, unknown)


def hello_frames(text: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid hello frames whose free-text fields are drawn from `text` (any text)."""
    text = st.text() if text is None else text
    pages = st.fixed_dictionaries(
        {},
        optional={
            "url": text,
            "title": text,
            "referrer": text,
            "ua": text,
            "screen": st.none() | pairs,
            "viewport": st.none() | pairs,
        },
    )
    return with_unknown_keys(
        st.fixed_dictionaries(
            {
                "t": st.just("hello"),
                "v": st.just(wire_frames.VERSION),
                "key": st.text(max_size=64),
                "token": st.none() | st.text(max_size=64),
                "win": window_ids,
            },
            optional={"page": pages, "visitor": st.none() | text.map(lambda t: t[:80])},
        )
    )


def batch_frames(
    seq: st.SearchStrategy[int] = seqs, events: st.SearchStrategy[list[Any]] = event_lists
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid batch frames, with the events as a list or deflated into `z`."""
    listed = st.fixed_dictionaries({"t": st.just("batch"), "seq": seq, "events": events})
    zipped = st.builds(
        lambda number, batch, options: {
            "t": "batch",
            "seq": number,
            "z": deflate(msgpack.packb(batch), options),
        },
        seq,
        events,
        deflate_options,
    )
    return with_unknown_keys(listed | zipped)


# -- almost valid frames: one field removed or given a wrong value ----------------

WRONG_VALUES = values | st.sampled_from(
    [
        None, True, False, 0, -1, 1.0, 2**31, 2**53 + 1, MAX_UINT64, MIN_INT64,
        math.nan, math.inf, -math.inf, "", "1", "x" * 65, "tab-1\n", "bad id!", b"", b"\0",
        [], {}, [1, 2, 3], [-1, 5], {"type": 3}, {"type": 3, "timestamp": math.nan},
    ]
)  # fmt: skip


def slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) of a nested frame, so one can be changed."""
    found: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            found += slots(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            found += slots(item)
    return found


@st.composite
def mutated(draw: st.DrawFn, frames: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    frame = copy.deepcopy(draw(frames))
    container, key = draw(st.sampled_from(slots(frame)))
    if draw(st.booleans()):
        del container[key]
    else:
        container[key] = draw(WRONG_VALUES)
    return frame


almost_valid_frames = mutated(hello_frames() | batch_frames())

# -- z payloads -----------------------------------------------------------------

BOMB_SIZES = [2**10 + 1, 2**16 + 1, 2**20 + 1, 2**24]


@functools.cache
def zeros_bomb(size: int) -> bytes:
    return deflate(b"\0" * size, (9, zlib.Z_DEFAULT_STRATEGY))


@functools.cache
def events_bomb(size: int) -> bytes:
    """Valid msgpack of a valid event list, just too big once inflated."""
    events = [{"type": 3, "timestamp": 1, "x": "a" * size}]
    return deflate(msgpack.packb(events), (9, zlib.Z_DEFAULT_STRATEGY))


valid_z = st.builds(
    lambda events, options: deflate(msgpack.packb(events), options), event_lists, deflate_options
)
truncated_z = st.builds(lambda z, cut: z[: cut % len(z)], valid_z, st.integers(0, 2**16))
trailing_z = st.builds(lambda z, tail: z + tail, valid_z, st.binary(min_size=1, max_size=8))
z_payloads = st.one_of(
    valid_z,
    st.builds(lambda value, how: deflate(msgpack.packb(value), how), values, deflate_options),
    st.builds(deflate, st.binary(max_size=64), deflate_options),  # inflates to non-msgpack
    truncated_z,
    trailing_z,
    st.sampled_from(BOMB_SIZES).map(zeros_bomb),
    st.sampled_from(BOMB_SIZES).map(events_bomb),
    st.builds(lambda events: zlib.compress(msgpack.packb(events)), event_lists),  # zlib wrapper
    st.builds(lambda events: gzip.compress(msgpack.packb(events)), event_lists),  # gzip wrapper
    st.binary(max_size=64),
)

# -- decoder inputs -------------------------------------------------------------

# ext type -1 is msgpack's timestamp; these bodies are no valid timestamp
broken_timestamps = st.binary(max_size=16).map(
    lambda data: b"\xc7" + bytes([len(data)]) + b"\xff" + data
)


frame_types = st.sampled_from(["hello", "batch", "welcome", "ack", "error", ""]) | st.text(
    max_size=40
)
typed_maps = packed(
    st.builds(
        lambda frame, t: {**frame, "t": t}, st.dictionaries(map_keys, loose_values), frame_types
    )
)
window_texts = st.text() | window_ids | window_ids.map(lambda window: window + "\n")

# -- the ingest core ------------------------------------------------------------

DEFAULT_CAPS = {
    "MAX_SESSION_EVENTS": 1_000_000,
    "MAX_SESSION_BYTES": 512 * MIB,
    "MAX_FRAME_BYTES": MIB,
}
caps = st.fixed_dictionaries(
    {
        "MAX_SESSION_EVENTS": st.sampled_from([1_000_000, 1_000_000, 1, 4, 10]),
        "MAX_SESSION_BYTES": st.sampled_from([512 * MIB, 512 * MIB, 64, 512, 4096]),
        "MAX_FRAME_BYTES": st.sampled_from([MIB, MIB, 256]),
    }
)
small_seqs = st.integers(1, 6)  # few seqs, so that re-sends are common
# (frame, is_valid): a frame generated valid must be accepted; the others may be.
ingest_frames = st.one_of(
    batch_frames(small_seqs).map(lambda frame: (frame, True)),
    batch_frames(small_seqs).map(lambda frame: (frame, True)),
    mutated(batch_frames(small_seqs)).map(lambda frame: (frame, False)),
    st.dictionaries(map_keys, values).map(lambda frame: (frame, False)),
)

timestamp_runs = st.lists(
    st.lists(st.integers(-5, 5), min_size=1, max_size=3), min_size=1, max_size=5
)

# -- the HTTP door --------------------------------------------------------------

origins = (
    st.sampled_from(
        ["http://testserver", "https://localhost:8443", "http://127.0.0.1", "https://evil.example"]
        + ["null", "", "testserver"]
    )
    | st.none()
)


@st.composite
def http_bodies(draw: st.DrawFn, token: str, visitor: str, window: str) -> tuple[bytes, bool]:
    """A body for the HTTP door, and whether it must be accepted whole."""
    frames = draw(st.lists(ingest_frames, max_size=5))
    envelope = {
        "v": wire_frames.VERSION,
        "key": conf.SITE_KEY,
        "token": token,
        "win": window,
        "visitor": visitor,
        "batches": [frame for frame, _ in frames],
    }
    kind = draw(st.sampled_from(["envelope", "envelope", "mutated", "msgpack", "bytes"]))
    if kind == "envelope":
        return msgpack.packb(envelope), all(valid for _, valid in frames)
    if kind == "mutated":
        return draw(packed(mutated(st.just(envelope)))), False
    if kind == "msgpack":
        return draw(packed(loose_values)), False
    return draw(st.binary(max_size=256)), False


origin_texts = (
    st.none()
    | st.text()
    | st.builds(
        "{}://{}".format,
        st.sampled_from(["http", "https", "ws"]),
        st.text(alphabet="[]:.@%/abc019", max_size=12),
    )
)


def sendable_by_test_client(length: str) -> bool:
    """The test client asserts when a view reads past its one-byte body; a server just
    reads what there is. Lengths it would read with (2 to MAX_FRAME_BYTES) stay out."""
    try:
        return not 1 < int(length) <= MIB
    except ValueError:
        return True


content_lengths = st.one_of(
    st.text(max_size=8),
    st.integers(0, 2**40).map(str),
    st.integers(4301, 5000).map(lambda digits: "9" * digits),
).filter(sendable_by_test_client)
