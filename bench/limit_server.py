"""The machine's limit for the ingest bench: a bare WebSocket server that appends
every batch frame to a file and acks it, with no validation and no database (a
batch in parts is acked at its last part, as the app does).

    python -m bench.limit_server PORT FILE
"""

from __future__ import annotations

import asyncio
import sys
from typing import BinaryIO

import msgpack
from websockets.asyncio.server import ServerConnection, serve


async def main(port: int, log: BinaryIO) -> None:
    async def handle(socket: ServerConnection) -> None:
        async for message in socket:
            frame = msgpack.unpackb(message)
            if frame["t"] == "hello":
                await socket.send(
                    msgpack.packb({"t": "welcome", "sid": "-", "token": "-", "seq": 0})
                )
            else:
                log.write(message)
                if frame["t"] == "batch" or frame["i"] == frame["n"] - 1:
                    await socket.send(msgpack.packb({"t": "ack", "seq": frame["seq"]}))

    async with serve(handle, "127.0.0.1", port, compression=None, max_size=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    with open(sys.argv[2], "ab") as log:
        asyncio.run(main(int(sys.argv[1]), log))
