"""Memory per WebSocket connection in the demo's ``manage.py runserver`` (daphne's).

    python -m bench.connmem [--connections N] [--debug 0|1] [--new-sessions]
                            [--together K] [--abort] [--trace] [--trim]

Starts the example project (settings: bench/connmem_settings.py, the demo's
with new sessions per address unlimited) on a temporary SQLite file, then opens
N recorder sockets, K at a time (1: one after another), each hello, welcome,
close (``--abort``: the TCP connection dropped without a close frame), and
prints the server's RSS every 500 connections, once the server is idle again.
Each socket resumes the first session, as a visitor's page views do; with
``--new-sessions`` each starts a session of its own (token nil, a fresh window
and visitor), as a new browser or a probe does. ``--trace`` runs the server
under tracemalloc (slower, more memory: its RSS figures are not comparable;
``BENCH_TRACEMALLOC_FRAMES``, 12, frames a trace) and prints what the first K
open sockets hold and what the second half of the connections left behind, by
line and by package. ``--trim`` has the server call ``malloc_trim(0)`` at the
end and prints its RSS after. Last line: ``TOTAL connections= debug=
new_sessions= rss_start_mb= rss_end_mb= kb_per_connection_last_half=`` (the
growth over the second half, after warm-up).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import tracemalloc
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect

from bench.common import REPO, free_port
from bench.ingest import cpu_seconds, read_rss


def rss_mb(pid: int) -> float:
    return read_rss(pid) / 2**20


async def settle(pid: int) -> None:
    """Wait until the server is idle (under 20 ms of CPU in 0.5 s), so that it has
    finished closing what the client closed: daphne reaps connections once a second."""
    await asyncio.sleep(1)
    for _ in range(120):
        before = cpu_seconds(pid, None)["server"]
        await asyncio.sleep(0.5)
        if cpu_seconds(pid, None)["server"] - before < 0.02:
            return


class Tracer:
    """Snapshots of the server's tracemalloc (connmem_settings' SIGUSR1 hook), by label."""

    def __init__(self, pid: int, prefix: str | None) -> None:
        self.pid, self.prefix = pid, prefix
        self.snapshots: dict[str, tracemalloc.Snapshot] = {}

    def take(self, label: str) -> None:
        if self.prefix is None:
            return
        os.kill(self.pid, signal.SIGUSR1)
        path = Path(f"{self.prefix}.{len(self.snapshots) + 1}")
        deadline = time.monotonic() + 120
        while not path.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server wrote no {path}")
            time.sleep(0.2)
        self.snapshots[label] = tracemalloc.Snapshot.load(str(path))

    def show(self, before: str, after: str, sockets: int, what: str) -> None:
        if before in self.snapshots and after in self.snapshots:
            print(f"tracemalloc, {what} ({before} -> {after}):")
            show_growth(self.snapshots[before], self.snapshots[after], sockets)


STDLIB = os.path.dirname(os.__file__)


def owner(traceback: tracemalloc.Traceback) -> str:
    """The package of the newest frame outside the standard library: who asked
    for the memory (an asyncio.Queue that daphne makes counts as daphne's)."""
    for frame in reversed(list(traceback)):
        path = frame.filename
        if "site-packages" in path:
            return path.split("site-packages/")[1].split("/")[0].removesuffix(".py")
        if "/django_session_replay/" in path:
            return "django_session_replay"
        if not path.startswith(STDLIB):
            return path
    return "stdlib"


def show_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, sockets: int) -> None:
    """What the server allocated between the snapshots and still holds, by line."""
    noise = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(noise).compare_to(before.filter_traces(noise), "lineno")
    total = sum(stat.size_diff for stat in stats)
    print(f"  {total / 1024:+.0f} KB over {sockets} connections, {total / sockets:+.0f} B each")
    for stat in stats[:12]:
        frame = stat.traceback[-1]
        print(
            f"  {stat.size_diff / 1024:+9.1f} KB {stat.count_diff:+7} blocks "
            f"{stat.size_diff / sockets:+7.0f} B/conn  {frame.filename}:{frame.lineno}"
        )
    owners: Counter[str] = Counter()
    for stat in after.filter_traces(noise).compare_to(before.filter_traces(noise), "traceback"):
        owners[owner(stat.traceback)] += stat.size_diff
    print(
        "  by package: "
        + ", ".join(
            f"{name} {size / sockets:+.0f} B"
            for name, size in owners.most_common()
            if abs(size) >= sockets * 10
        )
    )


async def open_one(
    base: str, hello: dict[str, Any], handshakes: asyncio.Semaphore
) -> tuple[ClientConnection, dict[str, Any]]:
    async with handshakes:  # thousands at once would time out in the server's backlog
        url = f"ws://{base.removeprefix('http://')}/ws/session-replay/"
        socket = await connect(url, origin=base)
        await socket.send(msgpack.packb(hello))
        welcome: dict[str, Any] = msgpack.unpackb(await socket.recv())
    assert welcome["t"] == "welcome", welcome
    return socket, welcome


async def close(socket: ClientConnection, abort: bool) -> None:
    if abort:  # the TCP connection goes, no close frame: a killed tab or probe
        socket.transport.abort()
    else:
        await socket.close()


async def probe(
    port: int, args: argparse.Namespace, pid: int, tracer: Tracer
) -> list[tuple[int, float]]:
    base = f"http://127.0.0.1:{port}"
    html = urllib.request.urlopen(base + "/", timeout=10).read().decode()
    found = re.search(r'id="session-replay-config"[^>]*>(.*?)</script>', html, re.S)
    assert found, "the demo's page has no recorder config"
    key = json.loads(found.group(1))["key"]
    token = None
    page = {"url": base + "/", "title": "Shop", "ua": "bench.connmem", "screen": [1280, 800]}

    def hello(number: int) -> dict[str, Any]:
        who = f"{number}" if args.new_sessions else "1"
        frame = {"t": "hello", "v": 1, "key": key, "token": token, "win": "w" + who}
        return {**frame, "visitor": "v" + who, "page": page}

    handshakes = asyncio.Semaphore(50)
    samples = [(0, rss_mb(pid))]
    for first in range(1, args.connections + 1, args.together):
        numbers = range(first, min(first + args.together, args.connections + 1))
        opened = await asyncio.gather(
            *(open_one(base, hello(number), handshakes) for number in numbers)
        )
        if first == 1 and args.together > 1:
            tracer.take("held")
        await asyncio.gather(*(close(socket, args.abort) for socket, _ in opened))
        if not args.new_sessions:
            token = opened[-1][1]["token"]
        for number in numbers:
            if number % 500 == 0:
                await settle(pid)
                samples.append((number, rss_mb(pid)))
                print(f"{number:6} connections rss_mb={samples[-1][1]:.1f}", flush=True)
            if number == args.connections // 2:
                await settle(pid)
                tracer.take("half")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--debug", choices=["0", "1"], default="1")
    parser.add_argument("--new-sessions", action="store_true")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--abort", action="store_true")
    parser.add_argument("--together", type=int, default=1)
    parser.add_argument("--trim", action="store_true")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="session-replay-connmem-") as workdir:
        env = {
            **os.environ,
            "DEMO_SQLITE_PATH": f"{workdir}/db.sqlite3",
            "DEMO_MEDIA_ROOT": f"{workdir}/media",
            "DEMO_DEBUG": args.debug,
            "DJANGO_SETTINGS_MODULE": "bench.connmem_settings",
            "PYTHONPATH": os.pathsep.join(
                [str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")]
            ),
        }
        trace = f"{workdir}/snapshot"
        if args.trace:
            env["BENCH_TRACEMALLOC"] = trace
        manage = [os.sys.executable, "manage.py"]
        cwd = REPO / "example_project"
        subprocess.run([*manage, "migrate", "-v0"], cwd=cwd, env=env, check=True)
        command = [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"]
        with open(f"{workdir}/server.log", "wb") as log:
            server = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            trimmed = float("nan")
            tracer = Tracer(server.pid, trace if args.trace else None)
            tracer.take("start")
            samples = asyncio.run(probe(port, args, server.pid, tracer))
            tracer.take("end")
            tracer.show("start", "held", args.together, "while the first sockets are open")
            tracer.show("half", "end", args.connections - args.connections // 2, "kept")
            if args.trim:  # what the allocator keeps but no object holds
                os.kill(server.pid, signal.SIGUSR2)
                time.sleep(2)
                trimmed = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    middle = min(samples, key=lambda sample: abs(sample[0] - args.connections / 2))
    growth_kb = (samples[-1][1] - middle[1]) * 1024 / max(1, samples[-1][0] - middle[0])
    print(
        f"TOTAL connections={args.connections} debug={args.debug} "
        f"new_sessions={int(args.new_sessions)} "
        f"rss_start_mb={samples[0][1]:.1f} rss_end_mb={samples[-1][1]:.1f} "
        f"kb_per_connection_last_half={growth_kb:.2f}"
        + (f" rss_after_malloc_trim_mb={trimmed:.1f}" if args.trim else "")
    )


if __name__ == "__main__":
    main()
