"""timeline/scan.py: only events of the wanted types are decoded."""

from __future__ import annotations

from unittest import mock

import msgpack

from django_session_replay.timeline import scan


def test_only_custom_events_come_out_in_order_with_every_field() -> None:
    events = [
        {"type": 4, "data": {"href": "http://x/"}, "timestamp": 1},
        {"type": 2, "data": {"node": {"big": "x" * 100_000}}, "timestamp": 2},
        {"data": {"tag": "a", "payload": {"n": 1}}, "timestamp": 3, "type": 5},  # type last
        {"type": 5, "timestamp": 4, "data": {"tag": "b", "payload": None}},
    ]
    found = list(scan.events_of_type(msgpack.packb(events), frozenset({scan.CUSTOM})))
    assert found == [events[2], events[3]]


def test_a_full_snapshot_is_skipped_not_built() -> None:
    events = [
        {"type": 2, "timestamp": 1, "data": {"node": {"childNodes": list(range(1000))}}},
        {"type": 5, "timestamp": 2, "data": {"tag": "t"}},
    ]
    packed = msgpack.packb(events)
    with mock.patch.object(scan.msgpack, "unpackb", wraps=msgpack.unpackb) as unpackb:
        assert len(list(scan.events_of_type(packed, frozenset({scan.CUSTOM})))) == 1
    # The custom event's two values (timestamp, data), each its own small slice.
    assert unpackb.call_count == 2
    assert all(len(call.args[0]) < 100 for call in unpackb.call_args_list)
