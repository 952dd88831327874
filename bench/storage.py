"""Storage bench: recordings through the WebSocket door and compaction.

    python -m bench.storage [CORPUS_DIR] [--s3]

Each recording is sent, every event of it, through a real daphne process
serving bench.asgi (a batch over the frame limit in parts, bench/wire.py) with
one socket that waits for each ack; then this process compacts the sessions
and reads them back. Per recording: bytes stored as chunks against gzip -9
and xz -9 of the same JSON, and the speed of the compaction's codec call. The
last line is the TOTAL.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import lzma
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import connect

from bench import ingest, wire
from bench.common import batches, free_port, load, recordings_dir, setup_django


class TimedCodec:
    """Stands in for the codec module inside compaction only, timing compress()."""

    def __init__(self, codec: Any) -> None:
        self.codec = codec
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.codec, name)

    def compress(self, packed: bytes, level: int) -> bytes:
        start = time.perf_counter()
        try:
            blob: bytes = self.codec.compress(packed, level)
        finally:
            self.seconds += time.perf_counter() - start
        return blob


async def send(url: str, name: str, events: list[dict[str, Any]]) -> str:
    """One recording through the door, batch after acknowledged batch; its session id."""
    async with connect(url, origin=ingest.ORIGIN, max_size=None, compression=None) as socket:
        await socket.send(wire.hello(ingest.SITE_KEY, "tab-1", name[:64]))
        welcome = msgpack.unpackb(await socket.recv())
        for seq, group in enumerate(batches(events), start=1):
            for frame in wire.outgoing(group).frames(seq):
                await socket.send(frame)
            answer = msgpack.unpackb(await socket.recv())
            if answer != {"t": "ack", "seq": seq}:
                raise SystemExit(f"{name}: batch {seq} was answered {answer}")
    sid: str = welcome["sid"]
    return sid


@contextmanager
def door(workdir: str) -> Iterator[str]:
    """daphne on the bench's SQLite file, storing batches only: this process compacts."""
    port = free_port()
    env = ingest.child_env(
        BENCH_WORKDIR=workdir, BENCH_SESSION_REPLAY=json.dumps({"PROCESSORS": []})
    )
    log = Path(workdir) / "server.log"
    with ingest.server(ingest.daphne(port), env, port, log):
        yield f"ws://127.0.0.1:{port}{ingest.PATH}"


def compact_and_check(session_id: str, events: list[dict[str, Any]], name: str) -> int:
    """Compact one session, check it reads back as the recording; stored bytes."""
    from django.db.models import Sum

    from django_session_replay.models import Chunk
    from django_session_replay.storage import compaction, reader

    compaction.compact_session(session_id)
    if list(reader.iter_events(session_id)) != events:
        raise SystemExit(f"{name}: the events read back differ from the recording")
    chunks = Chunk.objects.filter(session_id=session_id)
    return int(chunks.aggregate(total=Sum("stored_bytes"))["total"])


def start_s3() -> str:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    port = free_port()
    ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False).start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket="session-replay-bench")
    return endpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help="directory of *.json recordings")
    parser.add_argument("--s3", action="store_true", help="store chunks on a moto S3 server")
    args = parser.parse_args()
    files = sorted(recordings_dir(args.corpus).glob("*.json"))

    with tempfile.TemporaryDirectory(prefix="session-replay-bench-") as workdir:
        env = {"BENCH_WORKDIR": workdir}
        if args.s3:
            env["BENCH_S3_ENDPOINT"] = start_s3()
        setup_django(**env)
        from django_session_replay.conf import conf
        from django_session_replay.storage import compaction
        from django_session_replay.storage.objects import get_storage

        timed = compaction.codec = TimedCodec(compaction.codec)
        print(
            f"# storage={type(get_storage()).__name__} COMPRESSION_LEVEL={conf.COMPRESSION_LEVEL}"
            f" CHUNK_TARGET_BYTES={conf.CHUNK_TARGET_BYTES}"
        )
        header = ("file", "events", "raw", "gzip9", "xz9", "stored", "stored/xz9", "MB/s")
        print("{:<48} {:>7} {:>10} {:>9} {:>9} {:>9} {:>10} {:>7}".format(*header))
        totals = dict.fromkeys(("raw", "gzip9", "xz9", "stored"), 0)
        seconds = 0.0
        recordings = [(path, *load(path)) for path in files]
        with door(workdir) as url:
            sessions = [asyncio.run(send(url, path.stem, events)) for path, _, events in recordings]
        for (path, raw, events), session_id in zip(recordings, sessions, strict=True):
            before = timed.seconds
            stored = compact_and_check(session_id, events, path.stem)
            spent = timed.seconds - before
            seconds += spent
            row = {
                "raw": len(raw),
                "gzip9": len(gzip.compress(raw, 9, mtime=0)),
                "xz9": len(lzma.compress(raw, preset=9)),
                "stored": stored,
            }
            for key, value in row.items():
                totals[key] += value
            print(
                f"{path.stem[:48]:<48} {len(events):>7} {row['raw']:>10} {row['gzip9']:>9}"
                f" {row['xz9']:>9} {stored:>9} {stored / row['xz9']:>10.3f}"
                f" {len(raw) / spent / 1e6:>7.1f}"
            )
    print(
        f"TOTAL stored={totals['stored']} xz9={totals['xz9']} gzip9={totals['gzip9']}"
        f" raw={totals['raw']} stored/xz9={totals['stored'] / totals['xz9']:.3f}"
        f" MB/s={totals['raw'] / seconds / 1e6:.1f} level={conf.COMPRESSION_LEVEL}"
    )


if __name__ == "__main__":
    main()
