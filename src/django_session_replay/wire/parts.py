"""Batches too large for one frame: ``part`` frames, and putting them back together.

A batch whose ``z`` is over the frame limit travels as ``n`` part frames, each a
slice of that ``z`` in order (docs/protocol.md, "Batches in parts"). One stream
is open at a time per connection (or HTTP body); it becomes the batch it came
from once its last part arrived, and only then is anything stored or acked. So
a stream cut off by a reconnect or a server restart leaves nothing behind: the
client re-sends every part of the unacknowledged seq, as it re-sends any batch.
"""

from __future__ import annotations

import zlib

from . import payload
from .codes import Code, ProtocolError
from .frames import Batch, Part


class _Stream:
    """One batch arriving in parts: its deflate slices and what they inflate to,
    inflated as they come so an oversized event is refused at the first part
    that crosses the limit, not after all of it was buffered."""

    def __init__(self, first: Part, max_bytes: int) -> None:
        self.seq, self.count, self.next = first.seq, first.count, 0
        self.max_bytes = max_bytes
        self.inflater = zlib.decompressobj(wbits=-15)
        self.slices: list[bytes] = []
        self.inflated: list[bytes] = []
        self.z_bytes = self.raw_bytes = 0

    def feed(self, part: Part) -> int:
        """Takes the next part; returns the bytes it inflated to."""
        self.z_bytes += len(part.data)
        if self.z_bytes > self.max_bytes:
            raise ProtocolError(
                Code.EVENT_TOO_LARGE, f"seq {self.seq}'s parts are over {self.max_bytes} bytes"
            )
        if self.inflater.eof:  # the stream ended in an earlier part
            raise ProtocolError(Code.INVALID_FIELD, "z has bytes after the end of its stream")
        room = self.max_bytes - self.raw_bytes
        try:
            out = self.inflater.decompress(part.data, room + 1)
        except zlib.error:
            raise ProtocolError(Code.INVALID_FIELD, "z is not raw deflate data") from None
        if len(out) > room or self.inflater.unconsumed_tail:
            raise ProtocolError(
                Code.EVENT_TOO_LARGE, f"seq {self.seq} inflates to more than {self.max_bytes} bytes"
            )
        if self.inflater.unused_data:
            raise ProtocolError(Code.INVALID_FIELD, "z has bytes after the end of its stream")
        self.slices.append(part.data)
        self.inflated.append(out)
        self.raw_bytes += len(out)
        self.next += 1
        return len(out)

    def batch(self) -> Batch:
        if not self.inflater.eof:
            raise ProtocolError(Code.INVALID_FIELD, f"seq {self.seq}'s z is truncated")
        packed = b"".join(self.inflated)
        count, first, last, pages = payload.scan(packed)
        return Batch(self.seq, packed, b"".join(self.slices), count, first, last, pages)


class Reassembly:
    """The part stream open on one connection (or in one HTTP body)."""

    def __init__(self, max_event_bytes: int) -> None:
        self.max_event_bytes = max_event_bytes
        self.stream: _Stream | None = None

    @property
    def open(self) -> bool:
        return self.stream is not None

    def add(self, part: Part) -> tuple[Batch | None, int]:
        """Takes one part: (the whole batch once this was its last part, else
        None; the bytes this part inflated to, for the raw-byte rate limit)."""
        stream = self.stream
        if stream is None:
            if part.index != 0:
                raise ProtocolError(
                    Code.PART_UNEXPECTED,
                    f"part {part.index} of seq {part.seq} without its part 0",
                )
            stream = self.stream = _Stream(part, self.max_event_bytes)
        elif part.seq != stream.seq:
            self.interrupted(f"a part of seq {part.seq}")
        elif part.index != stream.next or part.count != stream.count:
            raise ProtocolError(
                Code.PART_UNEXPECTED,
                f"part {part.index} of {part.count} of seq {part.seq}; "
                f"expected part {stream.next} of {stream.count}",
            )
        try:
            raw = stream.feed(part)
            if stream.next < stream.count:
                return None, raw
            return stream.batch(), raw
        except ProtocolError:
            self.stream = None
            raise
        finally:
            if stream.next == stream.count:
                self.stream = None

    def interrupted(self, by: str) -> None:
        """Something other than the next part arrived: the open stream cannot be
        finished any more (``part_missing``). Nothing of it was stored."""
        stream = self.stream
        if stream is not None:
            self.stream = None
            raise ProtocolError(
                Code.PART_MISSING,
                f"{by} came before part {stream.next} of {stream.count} of seq {stream.seq}",
            )
