"""Chunk objects (storage/codec.py): stored batch payloads joined into one msgpack
array without decoding the events, compressed with zstd, read back."""

from __future__ import annotations

import json
from pathlib import Path

import msgpack
import pytest

from django_session_replay.storage import codec
from django_session_replay.wire import payload
from tests.conftest import events


def stored(events: list[dict]) -> bytes:
    """A batch payload as ingest stores it."""
    return payload.deflate(msgpack.packb(events))


@pytest.mark.parametrize("sizes", [[1], [3, 15, 16], [17, 200, 1], [70_000, 2]])
def test_join_equals_packing_the_concatenated_lists(sizes: list[int]) -> None:
    lists = [events(size, start=index * 100_000) for index, size in enumerate(sizes)]
    joined, count = codec.join(stored(part) for part in lists)
    flat = [event for part in lists for event in part]
    assert count == len(flat)
    assert joined == msgpack.packb(flat)


def test_join_round_trips_a_real_recording(corpus: Path) -> None:
    recording = json.loads((corpus / "highlight__commandbar-iframe-2021.json").read_text())
    parts = [recording[i : i + 7] for i in range(0, len(recording), 7)]
    joined, count = codec.join(stored(part) for part in parts)
    blob = codec.compress(joined, level=11)
    assert count == len(recording)
    assert codec.unpack(blob) == recording


def test_join_refuses_what_is_not_an_array() -> None:
    with pytest.raises(ValueError, match="array"):
        codec.join([payload.deflate(msgpack.packb({"t": 1}))])


def test_reader_leaves_out_an_event_python_cannot_hold_and_keeps_the_rest() -> None:
    # A map used as a map key inside an event: valid msgpack, accepted by ingest
    # (which reads only type and timestamp), but no Python dict can hold it.
    odd = (
        b"\x83"
        + msgpack.packb("type")
        + msgpack.packb(3)
        + msgpack.packb("timestamp")
        + msgpack.packb(2)
        + msgpack.packb("data")
        + b"\x81\x81\x01\x02\x01"
    )
    good = [{"type": 3, "timestamp": 1}, {"type": 3, "timestamp": 3}]
    packed = b"\x93" + msgpack.packb(good[0]) + odd + msgpack.packb(good[1])
    assert payload.scan(packed) == (3, 1, 3, 0)
    assert codec.unpack_batch(payload.deflate(packed)) == good
    joined, count = codec.join([payload.deflate(packed)])
    assert count == 3
    assert codec.unpack(codec.compress(joined, level=3)) == good
