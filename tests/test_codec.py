from __future__ import annotations

import json
from pathlib import Path

import msgpack
import pytest

from django_session_replay import codec
from tests.conftest import events


def stored(events: list[dict]) -> bytes:
    """A batch payload as ingest stores it."""
    return codec.deflate(msgpack.packb(events))


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
        codec.join([codec.deflate(msgpack.packb({"t": 1}))])
