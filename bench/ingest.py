"""Ingest bench: K WebSocket recorders against one daphne process on PostgreSQL,
then the same load against a bare WebSocket server (the machine's limit).

    python -m bench.ingest [--clients K] [--seconds S] [--window W|0] [--rate R]
                           [--server uvicorn|daphne] [--variant app|ack-only] [CORPUS_DIR]
    python -m bench.ingest --sockets N     (idle sockets: hello only; RSS per socket)

Frames follow docs/protocol.md: hello, then batches of recording events (deflated
into ``z`` like the browser recorder does) with at most W (1) unacknowledged;
``--window 0`` never waits for an ack (a flood: it shows the group committer's
MAX_QUEUED_BYTES at work, whose peak bench/queued.py reads inside the server).
Ours also reports its peak RSS and how many acked batches are not stored. The
server uses a database it creates (``bench_ingest``, dropped afterwards) and the
in-memory channel layer. The last line is the TOTAL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench import queued, wire
from bench.common import REPO, batches, free_port, load, recordings_dir
from bench.wire import Outgoing, outgoing

DATABASE = "bench_ingest"
SITE_KEY = "bench-site-key"  # as in bench/settings.py
ORIGIN = "http://127.0.0.1"
PATH = "/ws/session-replay/"
# The servers' own WebSocket message limit: above MAX_FRAME_BYTES, as
# docs/deployment.md says, so that an oversized frame reaches the app.
SERVER_MESSAGE_LIMIT = 16 * 1024 * 1024


# -- what the clients send ----------------------------------------------------------


def frames(corpus: Path) -> list[Outgoing]:
    """Every batch of the recordings, cut like the recorder; a batch over the
    frame limit goes in parts (bench/wire.py), so no event is left out."""
    return [
        outgoing(group)
        for path in sorted(corpus.glob("*.json"))
        for group in batches(load(path)[1])
    ]


def hello(number: int, key: str) -> bytes:
    return wire.hello(key, f"w{number}", f"bench-{number}", f"{ORIGIN}/bench/{number}")


# -- the load ---------------------------------------------------------------------


@dataclass
class Run:
    """Shared by the clients: the measured interval and what was acked in it."""

    opened: int = 0
    start: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    since: float = 0.0
    until: float = 0.0
    acks: int = 0  # in the measured interval
    acked: int = 0  # in all
    acked_seqs: set[tuple[str, int]] = field(default_factory=set)  # (window, seq)
    events: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def ack(self, sent: float, count: int) -> None:
        now = time.perf_counter()
        self.acked += 1
        if self.since <= now <= self.until:
            self.acks += 1
            self.events += count
            self.latencies.append(now - sent)


async def open_socket(url: str, number: int, key: str, run: Run) -> ClientConnection:
    socket = await connect(
        url,
        origin=ORIGIN,
        compression=None,
        max_size=None,
        open_timeout=120,
        ping_interval=None,
        close_timeout=2,
    )
    await socket.send(hello(number, key))
    welcome = msgpack.unpackb(await socket.recv())
    if welcome.get("t") != "welcome":
        raise RuntimeError(f"no welcome: {welcome}")
    run.opened += 1
    return socket


async def recorder(
    socket: ClientConnection,
    number: int,
    load: list[Outgoing],
    window: int,
    rate: float | None,
    run: Run,
) -> None:
    slots = asyncio.Semaphore(window or 1)
    sent: dict[int, tuple[float, int]] = {}

    async def receive() -> None:
        async for message in socket:
            frame = msgpack.unpackb(message)
            if frame.get("t") != "ack":
                run.errors[str(frame.get("code", frame.get("t")))] += 1
                return
            started, count = sent.pop(frame["seq"])
            run.ack(started, count)
            run.acked_seqs.add((f"w{number}", frame["seq"]))
            if window:
                slots.release()

    acks = asyncio.create_task(receive())
    seq = 0
    offset = number * 7919 % len(load)  # clients start at different places of the recordings
    try:
        await run.start.wait()
        # paced clients flush out of step, as real recorders do: no synchronised bursts
        next_send = time.perf_counter() + (random.Random(number).random() / rate if rate else 0)
        while not run.stop.is_set() and not acks.done():
            if window:
                await slots.acquire()
            else:
                await asyncio.sleep(0)  # flat out, but let the acks be read
            if rate:  # paced like a real recorder, but never more than `window` unacked
                await asyncio.sleep(max(0.0, next_send - time.perf_counter()))
                next_send += 1 / rate
            seq += 1
            batch = load[(offset + seq) % len(load)]
            sent[seq] = (time.perf_counter(), batch.events)
            for frame in batch.frames(seq):
                await socket.send(frame)
        deadline = time.perf_counter() + 10
        while sent and not acks.done() and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
    except ConnectionClosed as closed:
        run.errors[f"closed {closed.rcvd.code if closed.rcvd else '?'}"] += 1
    finally:
        acks.cancel()
        await socket.close()


async def drive(
    url: str,
    key: str,
    clients: int,
    seconds: float,
    warmup: float,
    window: int,
    rate: float | None,
    load: list[Outgoing],
    pid: int,
    database: str | None,
) -> dict[str, float]:
    run = Run()
    base = await idle_rss(url, key, pid)
    sockets = await open_many(url, key, clients, run)
    tasks = [
        asyncio.create_task(recorder(s, n, load, window, rate, run)) for n, s in enumerate(sockets)
    ]
    run.since = time.perf_counter() + warmup
    run.until = run.since + seconds
    run.start.set()
    await asyncio.sleep(warmup)
    before = cpu_seconds(pid, database)
    await asyncio.sleep(seconds)
    after = cpu_seconds(pid, database)
    rss = read_rss(pid)
    run.stop.set()
    await asyncio.wait(tasks, timeout=20)
    for task in tasks:
        task.cancel()
    peak_rss = read_rss(pid, "VmHWM")
    latencies = sorted(run.latencies) or [float("nan")]
    return {
        "events_per_s": run.events / seconds,
        "frames_per_s": run.acks / seconds,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p90_ms": latencies[int(len(latencies) * 0.9)] * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "rss_mb": rss / 1e6,
        "peak_rss_mb": peak_rss / 1e6,
        "rss_per_socket_kb": (rss - base) / clients / 1e3,
        **{
            f"{name}_cpu_ms_per_frame": (after[name] - before[name]) * 1000 / max(run.acks, 1)
            for name in after
        },
        "acked": run.acked,
        **({"acked_not_stored": len(run.acked_seqs - stored_seqs(database))} if database else {}),
        "errors": sum(run.errors.values()),
        **{f"error[{code}]": count for code, count in run.errors.items()},
    }


async def open_many(url: str, key: str, count: int, run: Run) -> list[ClientConnection]:
    gate = asyncio.Semaphore(50)

    async def one(number: int) -> ClientConnection:
        async with gate:
            return await open_socket(url, number, key, run)

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def idle_rss(url: str, key: str, pid: int) -> int:
    """Server RSS once a first connection has come and gone (imports done, pools warm)."""
    socket = await open_socket(url, 10**6, key, Run())
    await socket.close()
    await asyncio.sleep(1)
    return read_rss(pid)


async def idle_sockets(url: str, key: str, count: int, pid: int) -> dict[str, float]:
    run = Run()
    base = await idle_rss(url, key, pid)
    sockets = await open_many(url, key, count, run)
    await asyncio.sleep(2)
    rss = read_rss(pid)
    await asyncio.gather(*(socket.close() for socket in sockets))
    return {
        "sockets": run.opened,
        "rss_mb": rss / 1e6,
        "rss_per_socket_kb": (rss - base) / count / 1e3,
    }


def cpu_seconds(pid: int, database: str | None) -> dict[str, float]:
    """CPU time used so far by the server, its PostgreSQL backends and this client."""
    ticks = os.sysconf("SC_CLK_TCK")

    def used(process: int) -> float:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    result = {"server": used(pid), "client": time.process_time()}
    if database:
        import psycopg

        with psycopg.connect(**admin(database)) as db:
            rows = db.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            ).fetchall()
        result["postgres"] = sum(used(row[0]) for row in rows)
    return result


def read_rss(pid: int, field: str = "VmRSS") -> int:
    """Bytes of ``VmRSS`` (or ``VmHWM``, the peak) of the process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} for {pid}")


# -- the servers ------------------------------------------------------------------


def admin(name: str) -> dict[str, Any]:
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "postgres"),
        "dbname": name,
        "autocommit": True,
    }


def stored_batches(name: str) -> int:
    import psycopg

    with psycopg.connect(**admin(name)) as db:
        row = db.execute("SELECT count(*) FROM django_session_replay_batch").fetchone()
    return int(row[0]) if row else 0


def stored_seqs(name: str) -> set[tuple[str, int]]:
    """(window, seq) of every batch row; compaction keeps the rows, marked compacted."""
    import psycopg

    with psycopg.connect(**admin(name)) as db:
        rows = db.execute('SELECT "window", seq FROM django_session_replay_batch').fetchall()
    return {(window, seq) for window, seq in rows}


@contextmanager
def database(name: str = DATABASE) -> Iterator[str]:
    """A fresh PostgreSQL database of our own, dropped afterwards."""
    import psycopg

    with psycopg.connect(**admin("postgres")) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with psycopg.connect(**admin("postgres")) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def child_env(**extra: str) -> dict[str, str]:
    paths = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), *paths]),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@contextmanager
def server(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """Start a server process, wait for its port, yield its pid, stop it."""
    import socket

    with open(log, "ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command} did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def daphne(port: int) -> list[str]:
    limits = ["--websocket-max-message-size", str(SERVER_MESSAGE_LIMIT)]
    limits += ["--websocket-max-frame-size", str(SERVER_MESSAGE_LIMIT)]
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *limits, APP]


def uvicorn(port: int) -> list[str]:
    return [
        *[sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)],
        *["--log-level", "warning", "--no-access-log", "--ws-ping-interval", "0"],
        *["--ws-max-size", str(SERVER_MESSAGE_LIMIT), APP],
    ]


APP = "bench.asgi:application"
QUEUED_PEAK = "queued-peak"  # the file bench/queued.py writes in the work directory
COMMANDS = {"uvicorn": uvicorn, "daphne": daphne}


@contextmanager
def ours(
    workdir: Path, variant: str, asgi_server: str
) -> Iterator[tuple[str, str, int, str | None]]:
    """bench.asgi on a fresh PostgreSQL database: (url, site key, pid, database)."""
    with database() as name:
        env = child_env(
            BENCH_PG_NAME=name,
            BENCH_WORKDIR=str(workdir),
            BENCH_VARIANT=variant,
            BENCH_QUEUED_PEAK=str(workdir / QUEUED_PEAK),
        )
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True)
        port = free_port()
        with server(COMMANDS[asgi_server](port), env, port, workdir / "server.log") as pid:
            yield f"ws://127.0.0.1:{port}{PATH}", SITE_KEY, pid, name


@contextmanager
def limit(
    workdir: Path, variant: str, asgi_server: str
) -> Iterator[tuple[str, str, int, str | None]]:
    port = free_port()
    command = [sys.executable, "-m", "bench.limit_server", str(port), str(workdir / "frames.bin")]
    with server(command, child_env(), port, workdir / "limit.log") as pid:
        yield f"ws://127.0.0.1:{port}{PATH}", "-", pid, None


# -- main -------------------------------------------------------------------------


def show(name: str, result: dict[str, Any], *, width: int = 6, digits: int = 2) -> None:
    """One result line: the name, then key=value pairs (floats rounded)."""
    print(
        f"{name:<{width}} "
        + " ".join(
            f"{k}={v:.{digits}f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help="directory of *.json recordings")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3, help="seconds not measured first")
    parser.add_argument("--window", type=int, default=1, help="unacknowledged batches per client")
    parser.add_argument("--rate", type=float, help="batches/s per client (default: flat out)")
    parser.add_argument("--sockets", type=int, help="only open this many idle sockets")
    parser.add_argument("--only", choices=["ours", "limit"], help="run one server only")
    parser.add_argument(
        "--variant",
        choices=["app", "ack-only"],
        default="app",
        help="our server: the app's consumer, or bench/ackonly.py (acks, stores nothing)",
    )
    parser.add_argument(
        "--server", choices=sorted(COMMANDS), default="daphne", help="the ASGI server of ours"
    )
    args = parser.parse_args()
    corpus = recordings_dir(args.corpus)
    load = [] if args.sockets else frames(corpus)
    if load:
        print(
            f"# {len(load)} batches from {corpus}, {args.clients} clients, window {args.window},"
            f" {'flat out' if not args.rate else f'{args.rate}/s each'}, {args.seconds} s,"
            f" ours on {args.server}"
        )
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="session-replay-ingest-") as tmp:
        for name, start in (("ours", ours), ("limit", limit)):
            if args.only and args.only != name:
                continue
            with start(Path(tmp), args.variant, args.server) as (url, key, pid, db):
                if args.sockets:
                    result = asyncio.run(idle_sockets(url, key, args.sockets, pid))
                else:
                    result = asyncio.run(
                        drive(
                            url,
                            key,
                            args.clients,
                            args.seconds,
                            args.warmup,
                            args.window,
                            args.rate,
                            load,
                            pid,
                            db,
                        )
                    )
                    if db:  # every acked batch is in the database (some unacked ones too)
                        result["stored"] = stored_batches(db)
                        peak = queued.read_peak(str(Path(tmp) / QUEUED_PEAK))
                        result["queued_peak_mib"] = peak / 2**20
            results[name] = result
            show(name, result)
    if args.sockets:
        print(
            "TOTAL "
            + " ".join(
                f"{n}_rss_per_socket_kb={r['rss_per_socket_kb']:.1f}" for n, r in results.items()
            )
        )
        return
    ours_fps = results.get("ours", {}).get("frames_per_s", float("nan"))
    limit_fps = results.get("limit", {}).get("frames_per_s", float("nan"))
    p99 = results.get("ours", {}).get("p99_ms", float("nan"))
    mine = results.get("ours", {})
    print(
        f"TOTAL ours_frames_per_s={ours_fps:.0f} limit_frames_per_s={limit_fps:.0f}"
        f" ratio={ours_fps / limit_fps:.2f} p99_ack_ms={p99:.0f}"
        + (
            f" ours_peak_rss_mb={mine['peak_rss_mb']:.0f}"
            f" queued_peak_mib={mine['queued_peak_mib']:.1f}"
            f" acked={mine['acked']} acked_not_stored={mine['acked_not_stored']}"
            if "queued_peak_mib" in mine
            else ""
        )
    )


if __name__ == "__main__":
    main()
