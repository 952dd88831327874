"""What encryption at rest costs (storage/encryption.py), on the corpus.

    python -m bench.encryption [CORPUS_DIR] [--reps N]

Each recording becomes what ingest and compaction store: its events as batch
payloads (raw deflate of msgpack, cut like the recorder's batches)
and as one chunk (msgpack + zstd at the configured level). Those bytes are
sealed and unsealed with AES-256-GCM through the app's own seal/unseal; MB/s is
stored bytes per second (best of --reps), set against zstd's compression of
the same chunks in the same unit (stored bytes out per second). The ingest
figure (frames/s with encryption on and off) comes from bench.ingest with
``BENCH_SESSION_REPLAY='{"ENCRYPTION_KEYS": ["<key>"]}'`` (bench/README.md).
Last line: ``TOTAL stored_mb= seal_mb_per_s= unseal_mb_per_s= zstd_mb_per_s=
overhead_bytes_per_blob=``.
"""

from __future__ import annotations

import argparse
import os
import time
import zlib
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def best(reps: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default=None)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    django.setup()
    import msgpack
    from django.test import override_settings

    from bench.common import batches, load, recordings_dir
    from django_session_replay.conf import conf
    from django_session_replay.storage import codec, encryption

    blobs: list[tuple[bytes, bytes]] = []  # (what, stored bytes)
    chunks: list[bytes] = []
    for path in sorted(recordings_dir(args.corpus).glob("*.json")):
        _, events = load(path)
        for batch in batches(events):
            deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = msgpack.packb(batch)
            blobs.append((encryption.BATCH, deflate.compress(packed) + deflate.flush()))
        chunks.append(msgpack.packb(events))
    compressed = [codec.compress(packed, conf.COMPRESSION_LEVEL) for packed in chunks]
    blobs += [(encryption.CHUNK, blob) for blob in compressed]
    stored = sum(len(blob) for _, blob in blobs)
    zstd_seconds = best(
        max(1, args.reps // 5), lambda: [codec.compress(p, conf.COMPRESSION_LEVEL) for p in chunks]
    )
    chunk_bytes = sum(len(blob) for blob in compressed)
    with override_settings(SESSION_REPLAY={"ENCRYPTION_KEYS": [encryption.new_key()]}):
        sealed = [(kind, encryption.seal(blob, kind)) for kind, blob in blobs]
        seal_s = best(args.reps, lambda: [encryption.seal(blob, kind) for kind, blob in blobs])
        unseal_s = best(args.reps, lambda: [encryption.unseal(blob, kind) for kind, blob in sealed])
        assert all(
            encryption.unseal(s, kind) == blob
            for (kind, s), (_, blob) in zip(sealed, blobs, strict=True)
        )
    overhead = (sum(len(s) for _, s in sealed) - stored) / len(blobs)
    mb = stored / 1e6
    print(
        f"{len(blobs)} blobs ({len(chunks)} chunks, {len(blobs) - len(chunks)} batches),"
        f" {mb:.1f} MB stored"
    )
    print(
        f"TOTAL stored_mb={mb:.1f} seal_mb_per_s={mb / seal_s:.0f}"
        f" unseal_mb_per_s={mb / unseal_s:.0f}"
        f" zstd_mb_per_s={chunk_bytes / 1e6 / zstd_seconds:.1f}"
        f" overhead_bytes_per_blob={overhead:.0f}"
    )


if __name__ == "__main__":
    main()
