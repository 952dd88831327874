"""Codec options on the same recordings, to choose the chunk codec and level.

    python -m bench.codecs [CORPUS_DIR] [--reps N]

Each recording is compressed as one chunk, as compaction makes it (msgpack of the
event list), and, for comparison, as compact JSON. MB/s is raw JSON bytes per
second of compression (best of --reps per recording); the JSON rows also give
the speed counting json.dumps of the events, which a JSON chunk would need.
"""

from __future__ import annotations

import argparse
import json
import lzma
import time
from collections.abc import Callable
from typing import Any

import msgpack
import zstandard as zstd

from bench.common import load, recordings_dir

Compress = Callable[[bytes], bytes]


def level(value: int, **params: int) -> Compress:
    def compress(data: bytes) -> bytes:
        options = zstd.ZstdCompressionParameters.from_level(value, source_size=len(data), **params)
        return zstd.ZstdCompressor(compression_params=options).compress(data)

    return compress


def custom(strategy: int, **params: int) -> Compress:
    options = zstd.ZstdCompressionParameters(strategy=strategy, window_log=22, **params)
    return lambda data: zstd.ZstdCompressor(compression_params=options).compress(data)


def split_blocks(level: int, pre_split: int) -> Compress:
    """zstd's block splitter (ZSTD_c_splitAfterSequences, ZSTD_c_blockSplitterLevel:
    experimental parameters 1010 and 1017 of zstd 1.5.7) on a level's parameters.
    python-zstandard's C backend cannot set them; its cffi backend's raw lib can."""
    from zstandard.backend_cffi import ffi, lib

    def compress(data: bytes) -> bytes:
        cctx = lib.ZSTD_createCCtx()
        try:
            window = min(max(len(data) - 1, 1).bit_length(), 27)
            for key, value in (
                (lib.ZSTD_c_compressionLevel, level),
                (lib.ZSTD_c_windowLog, max(window, 19)),
                (1010, 1),  # ZSTD_c_splitAfterSequences = ZSTD_ps_enable
                (1017, pre_split),  # ZSTD_c_blockSplitterLevel: 0 auto, 1 off .. 6
            ):
                if lib.ZSTD_isError(lib.ZSTD_CCtx_setParameter(cctx, key, value)):
                    raise ValueError("this zstd lacks the block splitter parameters")
            out = ffi.new("char[]", lib.ZSTD_compressBound(len(data)))
            size = lib.ZSTD_compress2(cctx, out, len(out), ffi.from_buffer(data), len(data))
            if lib.ZSTD_isError(size):
                raise ValueError(ffi.string(lib.ZSTD_getErrorName(size)).decode())
            return bytes(ffi.buffer(out, size))
        finally:
            lib.ZSTD_freeCCtx(cctx)

    return compress


def codec_compress(level: int) -> Compress:
    from django_session_replay.storage import codec

    return lambda data: codec.compress(data, level)


LDM = {"enable_ldm": True, "window_log": 27}
MSGPACK: list[tuple[str, Compress]] = [
    *[(f"zstd {n}", level(n)) for n in (1, 3, 5, 7, 9, 11, 12, 13, 14, 15, 17, 19)],
    *[(f"zstd {n} + long-distance matching, window_log=27", level(n, **LDM)) for n in (7, 11, 19)],
    (
        "zstd 15, threads=2, job 1 MiB, overlap_log=9",
        level(15, threads=2, job_size=1 << 20, overlap_log=9),
    ),
    (
        "btlazy2 chain_log=20 hash_log=20 search_log=5",
        custom(zstd.STRATEGY_BTLAZY2, chain_log=20, hash_log=20, search_log=5, min_match=5),
    ),
    (
        "btlazy2 chain_log=21 hash_log=21 search_log=5",
        custom(zstd.STRATEGY_BTLAZY2, chain_log=21, hash_log=21, search_log=5, min_match=5),
    ),
    (
        "btlazy2 chain_log=22 hash_log=20 search_log=4 min_match=4",
        custom(zstd.STRATEGY_BTLAZY2, chain_log=22, hash_log=20, search_log=4, min_match=4),
    ),
    (
        "btlazy2 chain_log=22 hash_log=20 search_log=5 min_match=4",
        custom(zstd.STRATEGY_BTLAZY2, chain_log=22, hash_log=20, search_log=5, min_match=4),
    ),
    (
        "lazy2 hash_log=20 search_log=6 (level 11, smaller table)",
        custom(zstd.STRATEGY_LAZY2, chain_log=20, hash_log=20, search_log=6, min_match=5),
    ),
    (
        "btopt chain_log=22 hash_log=22 search_log=3 target=32",
        custom(
            zstd.STRATEGY_BTOPT,
            chain_log=22,
            hash_log=22,
            search_log=3,
            min_match=4,
            target_length=32,
        ),
    ),
    *[(f"codec.compress(level={n}) (the app's codec)", codec_compress(n)) for n in (11, 19)],
]
try:  # needs cffi; measured, not used by the app (bench/README.md says why)
    import zstandard.backend_cffi  # noqa: F401

    MSGPACK += [
        (f"zstd {n} + block splitter (experimental), pre-split {p}", split_blocks(n, p))
        for n, p in ((11, 0), (11, 6), (14, 6))
    ]
except ImportError:
    pass
JSON: list[tuple[str, Compress]] = [(f"zstd {n}", level(n)) for n in (9, 11, 13, 19)]


def best(function: Callable[[], Any], reps: int) -> tuple[Any, float]:
    seconds = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        result = function()
        seconds = min(seconds, time.perf_counter() - start)
    return result, seconds


def measure(compress: Compress, inputs: list[bytes], reps: int) -> tuple[int, float]:
    """Total compressed size and seconds (best of reps, per input)."""
    size, seconds = 0, 0.0
    for data in inputs:
        out, spent = best(lambda data=data: compress(data), reps)
        size, seconds = size + len(out), seconds + spent
    return size, seconds


def dumps(events: list[Any]) -> bytes:
    return json.dumps(events, separators=(",", ":"), ensure_ascii=False).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help="directory of *.json recordings")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    loaded = [load(path) for path in sorted(recordings_dir(args.corpus).glob("*.json"))]
    raw = sum(len(data) for data, _ in loaded)
    xz9 = sum(len(lzma.compress(data, preset=9)) for data, _ in loaded)
    packed = [msgpack.packb(events) for _, events in loaded]
    dumped, dump_seconds = 0, 0.0
    texts = []
    for _, events in loaded:
        text, spent = best(lambda events=events: dumps(events), args.reps)
        texts.append(text)
        dumped, dump_seconds = dumped + len(text), dump_seconds + spent
    print(f"# raw JSON={raw} msgpack={sum(map(len, packed))} xz9={xz9} 1.1*xz9={1.1 * xz9:.0f}")
    print(f"# json.dumps alone: {raw / dump_seconds / 1e6:.1f} MB/s")
    print(f"{'input':<8} {'codec':<56} {'stored':>9} {'/xz9':>6} {'MB/s':>7} {'+dumps':>7}")
    for name, compress in MSGPACK:
        size, spent = measure(compress, packed, args.reps)
        print(f"{'msgpack':<8} {name:<56} {size:>9} {size / xz9:>6.3f} {raw / spent / 1e6:>7.1f}")
    for name, compress in JSON:
        size, spent = measure(compress, texts, args.reps)
        with_dumps = raw / (spent + dump_seconds) / 1e6
        print(
            f"{'JSON':<8} {name:<56} {size:>9} {size / xz9:>6.3f} {raw / spent / 1e6:>7.1f}"
            f" {with_dumps:>7.1f}"
        )


if __name__ == "__main__":
    main()
