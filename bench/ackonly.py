"""A reference point for the ingest bench (``--variant ack-only``): a Channels
consumer that acks every batch and stores nothing, so the bench can tell what the
ASGI server and Channels cost from what storing a batch costs."""

from __future__ import annotations

import msgpack
from channels.generic.websocket import AsyncWebsocketConsumer


class AckOnlyConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = msgpack.unpackb(bytes_data or b"\x80")
        if frame.get("t") == "hello":
            reply = {"t": "welcome", "sid": "-", "token": "-", "seq": 0}
        else:
            reply = {"t": "ack", "seq": frame.get("seq")}
        await self.send(bytes_data=msgpack.packb(reply))
