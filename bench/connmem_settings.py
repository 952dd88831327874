"""The demo's settings for bench.connmem's server, plus two things it needs.

- New sessions per address unlimited: every probe socket comes from 127.0.0.1,
  and ``--new-sessions`` starts one per socket.
- With ``BENCH_TRACEMALLOC`` set to a path prefix, tracemalloc runs from start
  and every SIGUSR1 writes a snapshot to ``<prefix>.<n>`` (after a collection),
  so the bench can diff what the server holds between two points.
- SIGUSR2 calls glibc's ``malloc_trim(0)``: memory the allocator kept after the
  objects in it were freed goes back to the system, so RSS then tells retained
  peaks from live objects.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import os
import signal
import tracemalloc
from types import FrameType

from example_project.settings import *  # noqa: F403
from example_project.settings import SESSION_REPLAY

SESSION_REPLAY = {**SESSION_REPLAY, "NEW_SESSIONS_PER_MINUTE": 10**9}


def trim(signum: int, frame: FrameType | None) -> None:
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)


signal.signal(signal.SIGUSR2, trim)

TRACE_PREFIX = os.environ.get("BENCH_TRACEMALLOC")
if TRACE_PREFIX:
    tracemalloc.start(int(os.environ.get("BENCH_TRACEMALLOC_FRAMES", "12")))
    snapshots = itertools.count(1)

    def dump_snapshot(signum: int, frame: FrameType | None) -> None:
        gc.collect()
        path = f"{TRACE_PREFIX}.{next(snapshots)}"
        tracemalloc.take_snapshot().dump(path + ".part")
        os.replace(path + ".part", path)  # the bench waits for the final name

    signal.signal(signal.SIGUSR1, dump_snapshot)
