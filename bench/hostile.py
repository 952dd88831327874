"""Hostile-input bench (issue 16, items 1 and 7): while one normal recorder keeps
recording, two attacks run against one daphne process of the app on PostgreSQL.

    python -m bench.hostile [--app-src DIR] [--http-requests N] [--bombers K]
                            [--bomb-seconds S] [--quiet-seconds Q] [--recovery-seconds R]

Phases, in order:

``quiet``     the recorder alone (Q s, 5);
``item1``     HTTP door: POSTs of a ~1 MiB msgpack body holding ~25,000 one-event
              batches, one at a time (N, 3), each on a session just opened over the
              WebSocket (its ``welcome.token``, ``visitor`` and ``win``); a request is
              not started when, at the last one's duration, it would end past
              ``--http-budget`` s (100) of the phase; client timeout 120 s;
``item7``     K sockets (100), each a new session sending ~1 KB ``z`` frames that
              inflate to ~1 MiB (one event holding a 1 MiB string of one character),
              the next as soon as the last is acked, for S s (20); each stops at its
              first error or close;
``recovery``  the recorder alone again (R s, 5).

The recorder (``hello``, then a small batch every 0.5 s; on a close it reconnects
with its token and re-sends what is unacked, as the browser's does) measures
hello -> welcome and batch -> ack latency; a batch counts in the phase it was
sent in. The server's VmRSS and VmHWM are sampled every 0.2 s. The server runs
bench/hostile_server.py (bench.asgi plus the app's HTTP routes) on bench.settings
with the app's default per-connection rate limits (bench.settings lifts them for
capacity runs) and new sessions per address unlimited (the attackers here share
one address). ``--app-src`` puts another checkout's ``src`` first on the server's
PYTHONPATH (before/after runs; the bench itself stays this one). The last line is
the TOTAL.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench import ingest
from bench.common import REPO, free_port

DATABASE = "bench_hostile"
SERVER_APP = "bench.hostile_server:application"
INGEST_PATH = "/session-replay/api/ingest"
MIB = 1024 * 1024
# The frame limit the probe met (the app's default until issue 9 halved it),
# set on the server too, so that today's code and older checkouts (--app-src)
# meet the same 1 MiB bodies and bombs; it is also the HTTP door's body limit.
MAX_FRAME_BYTES = MIB
RECONNECTS = 50  # the recorder's, in one run
GRACE = 10.0  # seconds an attacker waits for its last answer after its phase
DRAIN = 15.0  # seconds the recorder waits for its last acks at the end
# The app's defaults for the per-connection limits bench.settings lifts; new
# sessions per address unlimited: a real attacker has more than one address.
SERVER_LIMITS = {
    "MAX_FRAME_BYTES": MAX_FRAME_BYTES,
    "MAX_FRAMES_PER_SECOND": 50,
    "MAX_BYTES_PER_SECOND": 4 * MIB,
    "MAX_RAW_BYTES_PER_SECOND": 16 * MIB,
    "NEW_SESSIONS_PER_MINUTE": 1_000_000,
}


def hello(number: int, token: str | None = None) -> dict[str, Any]:
    """bench.ingest's hello (visitor ``bench-N``, window ``wN``), with a token."""
    frame: dict[str, Any] = msgpack.unpackb(ingest.hello(number, ingest.SITE_KEY))
    frame["token"] = token
    return frame


async def open_socket(url: str) -> ClientConnection:
    return await connect(
        url,
        origin=ingest.ORIGIN,
        compression=None,
        max_size=None,
        open_timeout=30,
        ping_interval=None,
        close_timeout=2,
    )


def now_ms() -> int:
    return int(time.time() * 1000)


# -- phases and the server's memory ---------------------------------------------------


@dataclass
class Phases:
    names: list[str] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)

    def enter(self, name: str) -> None:
        self.names.append(name)
        self.starts.append(time.perf_counter())

    @property
    def current(self) -> str:
        return self.names[-1]

    def span(self, name: str) -> tuple[float, float]:
        index = self.names.index(name)
        end = self.starts[index + 1] if index + 1 < len(self.starts) else time.perf_counter()
        return self.starts[index], end


def memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in bytes; zeros once it is gone."""
    values = {"VmRSS:": 0, "VmHWM:": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            parts = line.split()
            if parts and parts[0] in values:
                values[parts[0]] = int(parts[1]) * 1024
    except FileNotFoundError:
        pass
    return values["VmRSS:"], values["VmHWM:"]


class Sampler(threading.Thread):
    """(time, VmRSS, VmHWM) of the server every 0.2 s, in a thread of its own so
    that a busy event loop does not thin the samples."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append((time.perf_counter(), *memory(self.pid)))
            self.done.wait(0.2)

    def peak(self, since: float = 0.0, until: float = float("inf")) -> tuple[int, int]:
        inside = [(rss, hwm) for t, rss, hwm in self.samples if since <= t <= until]
        return max((r for r, _ in inside), default=0), max((h for _, h in inside), default=0)


# -- the normal recorder --------------------------------------------------------------


@dataclass
class Sent:
    phase: str
    at: float
    frame: bytes
    acked: float | None = None


class Recorder:
    """One page recording: a small batch every ``interval`` s, whatever the acks do."""

    NUMBER = 0

    def __init__(self, url: str, interval: float, phases: Phases) -> None:
        self.url = url
        self.interval = interval
        self.phases = phases
        self.sent: dict[int, Sent] = {}
        self.hellos: list[tuple[str, float]] = []  # (phase, hello -> welcome seconds)
        self.errors: Counter[str] = Counter()
        self.token: str | None = None
        self.producing = True
        self.wake = asyncio.Event()

    async def run(self) -> None:
        producer = asyncio.create_task(self.produce())
        try:
            for _ in range(RECONNECTS):
                await self.connection()
                await asyncio.sleep(0.5)
        finally:
            producer.cancel()

    async def produce(self) -> None:
        due = time.perf_counter()
        while self.producing:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            due += self.interval
            if not self.producing:
                break
            seq = len(self.sent) + 1
            event = {
                "type": 3,
                "timestamp": now_ms(),
                "data": {"source": 1, "positions": [{"x": seq % 800, "y": 300, "id": 7}]},
            }
            frame = msgpack.packb({"t": "batch", "seq": seq, "events": [event]})
            self.sent[seq] = Sent(self.phases.current, time.perf_counter(), frame)
            self.wake.set()

    async def sender(self, socket: ClientConnection, after: int) -> None:
        seq = after + 1
        while True:
            while seq in self.sent:
                await socket.send(self.sent[seq].frame)
                seq += 1
            self.wake.clear()
            if seq not in self.sent:
                await self.wake.wait()

    async def connection(self) -> None:
        try:
            async with await open_socket(self.url) as socket:
                phase, started = self.phases.current, time.perf_counter()
                await socket.send(msgpack.packb(hello(self.NUMBER, self.token)))
                welcome = msgpack.unpackb(await socket.recv())
                if welcome.get("t") != "welcome":
                    self.errors[f"hello {welcome.get('code')}"] += 1
                    return
                self.hellos.append((phase, time.perf_counter() - started))
                self.token = welcome["token"]
                for seq in range(1, welcome["seq"] + 1):  # durable: acked by the welcome
                    if seq in self.sent and self.sent[seq].acked is None:
                        self.sent[seq].acked = time.perf_counter()
                sending = asyncio.create_task(self.sender(socket, welcome["seq"]))
                try:
                    async for message in socket:
                        frame = msgpack.unpackb(message)
                        if frame.get("t") == "ack":
                            batch = self.sent.get(frame["seq"])
                            if batch and batch.acked is None:
                                batch.acked = time.perf_counter()
                        else:
                            self.errors[f"error {frame.get('code', frame.get('t'))}"] += 1
                finally:
                    sending.cancel()
                    await asyncio.gather(sending, return_exceptions=True)
                self.errors[f"closed {socket.close_code}"] += 1
        except ConnectionClosed as closed:
            self.errors[f"closed {closed.rcvd.code if closed.rcvd else '?'}"] += 1
        except (OSError, TimeoutError, InvalidHandshake) as error:
            self.errors[type(error).__name__] += 1

    def unacked(self) -> int:
        return sum(1 for batch in self.sent.values() if batch.acked is None)

    async def drain(self, seconds: float) -> None:
        self.producing = False
        deadline = time.perf_counter() + seconds
        while self.unacked() and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)

    def stats(self, phase: str | None = None) -> dict[str, Any]:
        batches = [b for b in self.sent.values() if phase is None or b.phase == phase]
        waits = sorted((b.acked - b.at) * 1000 for b in batches if b.acked is not None)
        hellos = [s * 1000 for p, s in self.hellos if phase is None or p == phase]

        def at(q: float) -> float:
            return waits[min(len(waits) - 1, int(len(waits) * q))] if waits else float("nan")

        return {
            "sent": len(batches),
            "acked": len(waits),
            "p50_ms": at(0.5),
            "p99_ms": at(0.99),
            "max_ms": waits[-1] if waits else float("nan"),
            "hellos": len(hellos),
            "hello_max_ms": max(hellos, default=float("nan")),
        }


# -- item 1: the HTTP door ------------------------------------------------------------


def packed_batches(count: int) -> bytes:
    """msgpack of ``count`` one-event batches, seq 1 to count."""
    base = now_ms()
    return msgpack.packb(
        [
            {"seq": seq, "events": [{"type": 3, "timestamp": base + seq}]}
            for seq in range(1, count + 1)
        ]
    )


def http_body(envelope: dict[str, Any], batches: bytes) -> bytes:
    """The door's map, its ``batches`` list packed once for every request."""
    head = {k: envelope[k] for k in ("v", "key", "token", "win", "visitor")}
    return (
        bytes([0x80 | (len(head) + 1)])
        + b"".join(msgpack.packb(k) + msgpack.packb(v) for k, v in head.items())
        + msgpack.packb("batches")
        + batches
    )


async def open_session(url: str, number: int) -> dict[str, Any]:
    """hello over the WebSocket; the HTTP door's envelope for that session."""
    async with await open_socket(url) as socket:
        frame = hello(number)
        await socket.send(msgpack.packb(frame))
        welcome = msgpack.unpackb(await socket.recv())
    if welcome.get("t") != "welcome":
        raise RuntimeError(f"no welcome for the HTTP attack: {welcome}")
    return {**frame, "token": welcome["token"]}


def post(port: int, body: bytes, timeout: float) -> str:
    """One POST; its answer as ``status code`` (``200 acked=N`` for a success)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            "POST",
            INGEST_PATH,
            body,
            headers={"Content-Type": "application/msgpack", "Origin": ingest.ORIGIN},
        )
        response = connection.getresponse()
        data = response.read()
    except TimeoutError:
        return "timeout"
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()
    try:
        answer = json.loads(data)
    except ValueError:
        return f"{response.status} (not JSON)"
    if response.status == 200:
        return f"200 acked={len(answer.get('acked', []))}"
    return f"{response.status} {answer.get('code')}"


async def http_attack(ws_url: str, port: int, args: argparse.Namespace) -> dict[str, Any]:
    batches = packed_batches(args.http_batches)
    answers: Counter[str] = Counter()
    durations: list[float] = []
    started = time.perf_counter()
    for number in range(args.http_requests):
        elapsed = time.perf_counter() - started
        if durations and elapsed + durations[-1] > args.http_budget:
            answers["not sent (budget)"] += 1
            continue
        body = http_body(await open_session(ws_url, 1000 + number), batches)
        if len(body) > MAX_FRAME_BYTES:
            raise SystemExit(f"an item-1 body of {len(body)} bytes is over {MAX_FRAME_BYTES}")
        sent = time.perf_counter()
        answer = await asyncio.to_thread(post, port, body, args.http_timeout)
        durations.append(time.perf_counter() - sent)
        answers[answer] += 1
        print(
            f"#   item1 request {number + 1}: {len(body)} bytes, {args.http_batches} batches"
            f" -> {answer} in {durations[-1]:.2f} s",
            flush=True,
        )
    return {"answers": answers, "seconds": sum(durations), "requests": len(durations)}


# -- item 7: sockets of compression bombs ---------------------------------------------


def bomb() -> tuple[bytes, int]:
    """Raw deflate of one event holding a string of one character: (z, inflated size)."""
    event = {"type": 3, "timestamp": now_ms(), "data": ""}
    room = MAX_FRAME_BYTES - len(msgpack.packb([event])) - 8  # str32 header: 4 more bytes
    event["data"] = "a" * room
    packed = msgpack.packb([event])
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(packed) + deflater.flush(), len(packed)


async def bomber(
    url: str, number: int, z: bytes, deadline: float, tally: Counter[str], opened: list[int]
) -> None:
    def left(extra: float = GRACE) -> float:
        return max(0.1, deadline + extra - time.perf_counter())

    try:
        async with await open_socket(url) as socket:
            await socket.send(msgpack.packb(hello(number)))
            welcome = msgpack.unpackb(await asyncio.wait_for(socket.recv(), left()))
            if welcome.get("t") != "welcome":
                tally[f"hello {welcome.get('code')}"] += 1
                return
            opened.append(number)
            seq = 0
            while time.perf_counter() < deadline:
                seq += 1
                await socket.send(msgpack.packb({"t": "batch", "seq": seq, "z": z}))
                answer = msgpack.unpackb(await asyncio.wait_for(socket.recv(), left()))
                if answer.get("t") != "ack":
                    tally[f"error {answer.get('code', answer.get('t'))}"] += 1
                    return
                tally["ack"] += 1
            tally["ran to the end"] += 1
    except ConnectionClosed as closed:
        tally[f"closed {closed.rcvd.code if closed.rcvd else '?'}"] += 1
    except TimeoutError:
        tally["no answer (timeout)"] += 1
    except (OSError, InvalidHandshake) as error:
        tally[type(error).__name__] += 1


async def bomb_attack(url: str, args: argparse.Namespace) -> dict[str, Any]:
    z, inflated = bomb()
    print(f"#   item7 frame: {len(z)} bytes of z inflating to {inflated} bytes", flush=True)
    tally: Counter[str] = Counter()
    opened: list[int] = []
    started = time.perf_counter()
    deadline = started + args.bomb_seconds
    await asyncio.gather(
        *(bomber(url, 2000 + n, z, deadline, tally, opened) for n in range(args.bombers))
    )
    seconds = time.perf_counter() - started
    return {
        "answers": tally,
        "opened": len(opened),
        "seconds": seconds,
        "inflated_mb_per_s": tally["ack"] * inflated / MIB / args.bomb_seconds,
    }


# -- the run ----------------------------------------------------------------------------


def server_env(workdir: Path, database: str, app_src: Path) -> dict[str, str]:
    limits = {**SERVER_LIMITS, **json.loads(os.environ.get("BENCH_SESSION_REPLAY", "{}"))}
    env = ingest.child_env(
        BENCH_PG_NAME=database,
        BENCH_WORKDIR=str(workdir),
        BENCH_SESSION_REPLAY=json.dumps(limits),
    )
    env["PYTHONPATH"] = os.pathsep.join([str(app_src), env["PYTHONPATH"]])
    return env


@contextmanager
def app_server(workdir: Path, app_src: Path) -> Iterator[tuple[int, int]]:
    """daphne serving bench/hostile_server.py on a fresh database: (port, pid)."""
    with ingest.database(DATABASE) as name:
        env = server_env(workdir, name, app_src)
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True)
        port = free_port()
        command = [*ingest.daphne(port)[:-1], SERVER_APP]
        with ingest.server(command, env, port, workdir / "server.log") as pid:
            yield port, pid
            print(f"# stored batch rows: {ingest.stored_batches(name)}", flush=True)


async def attack(port: int, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    ws_url = f"ws://127.0.0.1:{port}{ingest.PATH}"
    phases = Phases()
    sampler = Sampler(pid)
    sampler.start()
    phases.enter("quiet")
    recorder = Recorder(ws_url, args.interval, phases)
    recording = asyncio.create_task(recorder.run())
    attacks: dict[str, dict[str, Any]] = {}
    try:
        await asyncio.sleep(args.quiet_seconds)
        phases.enter("item1")
        attacks["item1"] = await http_attack(ws_url, port, args)
        show_attack("item1", attacks["item1"])
        phases.enter("item7")
        attacks["item7"] = await bomb_attack(ws_url, args)
        show_attack("item7", attacks["item7"])
        phases.enter("recovery")
        await asyncio.sleep(args.recovery_seconds)
        phases.enter("drain")
        await recorder.drain(DRAIN)
    finally:
        recording.cancel()
        await asyncio.gather(recording, return_exceptions=True)
        sampler.done.set()
        sampler.join()
    for phase in phases.names[:-1]:  # batches are not sent while draining
        since, until = phases.span(phase)
        rss, hwm = sampler.peak(since, until)
        show(
            phase,
            {
                "seconds": until - since,
                **{f"recorder_{k}": v for k, v in recorder.stats(phase).items()},
                "rss_peak_mb": rss / 1e6,
                "hwm_mb": hwm / 1e6,
            },
        )
    overall = recorder.stats()
    rss, hwm = sampler.peak()
    show(
        "all",
        {
            **{f"recorder_{k}": v for k, v in overall.items()},
            "recorder_unacked": recorder.unacked(),
            "rss_peak_mb": rss / 1e6,
            "hwm_mb": hwm / 1e6,
        },
    )
    print(f"# recorder errors and closes: {dict(recorder.errors) or 'none'}", flush=True)
    return {"recorder": overall, "peak_mb": max(rss, hwm) / 1e6, **attacks}


def show(name: str, result: dict[str, Any]) -> None:
    ingest.show(name, result, width=9, digits=1)


def show_attack(name: str, result: dict[str, Any]) -> None:
    details = {k: v for k, v in result.items() if k != "answers"}
    show(name, {**details, "answers": json.dumps(dict(result["answers"]))})


def describe(app_src: Path) -> str:
    head = subprocess.run(
        ["git", "-C", str(app_src), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
    )
    return head.stdout.strip()[:72] or "not a git checkout"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--app-src",
        type=Path,
        default=REPO / "src",
        help="directory holding the django_session_replay the server runs (default: src)",
    )
    parser.add_argument("--interval", type=float, default=0.5, help="recorder: s between batches")
    parser.add_argument("--quiet-seconds", type=float, default=5)
    parser.add_argument("--http-requests", type=int, default=3)
    parser.add_argument("--http-batches", type=int, default=24_900)
    parser.add_argument("--http-timeout", type=float, default=120)
    parser.add_argument("--http-budget", type=float, default=100)
    parser.add_argument("--bombers", type=int, default=100)
    parser.add_argument("--bomb-seconds", type=float, default=20)
    parser.add_argument("--recovery-seconds", type=float, default=5)
    args = parser.parse_args()
    app_src = args.app_src.resolve()
    if not (app_src / "django_session_replay").is_dir():
        sys.exit(f"no django_session_replay in {app_src}")
    print(f"# server code: {app_src} ({describe(app_src)}); load {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="session-replay-hostile-") as tmp:
        with app_server(Path(tmp), app_src) as (port, pid):
            result = asyncio.run(attack(port, pid, args))
        log = (Path(tmp) / "server.log").read_text(errors="replace")
        seconds = time.perf_counter() - started
        print(f"# server log: {log.count('Traceback')} tracebacks; run {seconds:.0f} s")
    recorder = result["recorder"]
    print(
        f"TOTAL recorder_p99_ms={recorder['p99_ms']:.0f} recorder_max_ms={recorder['max_ms']:.0f}"
        f" server_peak_rss_mb={result['peak_mb']:.0f}"
        f" http_attack_seconds={result['item1']['seconds']:.1f}"
        f" recorder_acked={recorder['acked']}/{recorder['sent']}"
    )


if __name__ == "__main__":
    main()
