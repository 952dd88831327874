"""The event list inside a batch (wire/payload.py): the scan that checks it on the
ack path without building Python objects, and raw deflate in and out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgpack
import pytest

from django_session_replay.wire import payload
from django_session_replay.wire.codes import Code, ProtocolError
from tests.conftest import events


def test_scanning_agrees_with_decoding_on_every_real_recording(corpus: Path) -> None:
    """The ack path reads only type and timestamp (payload.scan); on real
    recordings (float, seconds-based and out-of-order timestamps, extra fields)
    it must find what a full decode finds."""
    for path in sorted(corpus.glob("*.json")):
        recording = json.loads(path.read_text())
        packed = msgpack.packb(recording)
        stamps = [int(event["timestamp"]) for event in recording]
        pages = sum(event["type"] == payload.META for event in recording)
        expected = (len(recording), min(stamps), max(stamps), pages)
        assert payload.scan(packed) == expected, path.name


def test_scan_counts_events_timestamps_and_page_loads() -> None:
    packed = msgpack.packb(events(3, start=50) + events(2, start=10, kind=payload.META))
    assert payload.scan(packed) == (5, 10, 52, 2)


@pytest.mark.parametrize(
    "value, problem",
    [
        ([], "non-empty list"),
        ({"type": 3}, "non-empty list"),
        ([{"type": 3, "timestamp": 1}, 7], "events[1] must be a map"),
        ([{"type": "3", "timestamp": 1}], "type must be an integer"),
        ([{"type": True, "timestamp": 1}], "type must be an integer"),
        ([{"type": 3, "timestamp": "1"}], "timestamp must be a number"),
        ([{"type": 3, "timestamp": float("nan")}], "out of range"),
        ([{"type": 3, "timestamp": 2**53 + 1}], "out of range"),
    ],
)
def test_scan_refuses_what_is_not_an_event_list(value: object, problem: str) -> None:
    with pytest.raises(ProtocolError, match=re.escape(problem)) as refused:
        payload.scan(msgpack.packb(value))
    assert refused.value.code is Code.INVALID_FIELD


def test_scan_refuses_bytes_after_the_list() -> None:
    with pytest.raises(ProtocolError, match="after its end"):
        payload.scan(msgpack.packb(events(1)) + b"\x01")


def test_deflate_and_inflate_round_trip_within_the_limit() -> None:
    packed = msgpack.packb(events(20))
    assert payload.inflate(payload.deflate(packed), len(packed)) == packed
    with pytest.raises(ProtocolError) as refused:
        payload.inflate(payload.deflate(packed), len(packed) - 1)
    assert refused.value.code is Code.FRAME_TOO_LARGE
