"""The recorder's side of the wire for the benches: one batch of events as the
frames docs/protocol.md has a client send, a ``batch`` frame (``events``, or
``z`` from 1 KiB on, as the browser does), or ``part`` frames once its events
are over the frame limit. Nothing of a recording is left out."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import msgpack

MAX_FRAME_BYTES = 512 * 1024  # the server's default (SESSION_REPLAY["MAX_FRAME_BYTES"])
PART_BYTES = MAX_FRAME_BYTES - 1024  # room for the part frame's own fields
COMPRESS_MIN = 1024  # the recorder deflates lists from 1 KiB on

Event = dict[str, Any]


@dataclass(frozen=True)
class Outgoing:
    """One batch, ready to send under any seq."""

    events: int
    raw_bytes: int  # its msgpack, which the server's raw-byte limits count
    packed: bytes
    z: bytes

    @property
    def in_parts(self) -> bool:
        return self.raw_bytes > MAX_FRAME_BYTES - 1024

    def frames(self, seq: int) -> list[bytes]:
        if self.in_parts:
            slices = [self.z[i : i + PART_BYTES] for i in range(0, len(self.z), PART_BYTES)]
            return [
                msgpack.packb({"t": "part", "seq": seq, "i": i, "n": len(slices), "z": piece})
                for i, piece in enumerate(slices)
            ]
        if self.raw_bytes >= COMPRESS_MIN and len(self.z) < self.raw_bytes:
            return [msgpack.packb({"t": "batch", "seq": seq, "z": self.z})]
        head = msgpack.packb({"t": "batch", "seq": seq})  # splice the list in, unencoded again
        return [bytes([head[0] + 1]) + head[1:] + msgpack.packb("events") + self.packed]


def outgoing(events: list[Event]) -> Outgoing:
    packed = msgpack.packb(events)
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Outgoing(len(events), len(packed), packed, deflater.compress(packed) + deflater.flush())


def hello(key: str, window: str, visitor: str, url: str = "http://127.0.0.1/bench") -> bytes:
    page = {
        "url": url,
        "title": "bench",
        "referrer": "",
        "ua": "bench",
        "screen": [1280, 800],
        "viewport": [1200, 700],
    }
    frame = {"t": "hello", "v": 1, "key": key, "token": None, "win": window, "visitor": visitor}
    return msgpack.packb({**frame, "page": page})
