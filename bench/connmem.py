"""Memory per WebSocket connection in the demo's ``manage.py runserver`` (daphne's).

    python -m bench.connmem [--connections N] [--debug 0|1]

Starts the example project on a temporary SQLite file, then opens N recorder
sockets one after another (hello, welcome, close; each resumes the first
session, as a visitor's page views do) and prints the server's RSS every 500
connections. Last line: ``TOTAL connections= debug= rss_start_mb= rss_end_mb=
kb_per_connection_last_half=`` (the growth over the second half, after warm-up).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import msgpack
from websockets.asyncio.client import connect

from bench.common import REPO, free_port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def probe(port: int, connections: int, pid: int) -> list[tuple[int, float]]:
    base = f"http://127.0.0.1:{port}"
    html = urllib.request.urlopen(base + "/", timeout=10).read().decode()
    found = re.search(r'id="session-replay-config"[^>]*>(.*?)</script>', html, re.S)
    assert found, "the demo's page has no recorder config"
    key = json.loads(found.group(1))["key"]
    token = None
    samples = [(0, rss_mb(pid))]
    for number in range(1, connections + 1):
        async with connect(f"ws://127.0.0.1:{port}/ws/session-replay/", origin=base) as socket:
            hello = {"t": "hello", "v": 1, "key": key, "token": token, "win": "w1", "visitor": "v1"}
            await socket.send(msgpack.packb({**hello, "page": {"url": base + "/"}}))
            token = msgpack.unpackb(await socket.recv())["token"]
        if number % 500 == 0:
            await asyncio.sleep(1)  # let the server finish closing
            samples.append((number, rss_mb(pid)))
            print(f"{number:6} connections rss_mb={samples[-1][1]:.1f}", flush=True)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--debug", choices=["0", "1"], default="1")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="session-replay-connmem-") as workdir:
        env = {
            **os.environ,
            "DEMO_SQLITE_PATH": f"{workdir}/db.sqlite3",
            "DEMO_MEDIA_ROOT": f"{workdir}/media",
            "DEMO_DEBUG": args.debug,
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
        }
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
            samples = asyncio.run(probe(port, args.connections, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=10)
    half = min(samples, key=lambda sample: abs(sample[0] - args.connections / 2))
    growth_kb = (samples[-1][1] - half[1]) * 1024 / max(1, samples[-1][0] - half[0])
    print(
        f"TOTAL connections={args.connections} debug={args.debug} "
        f"rss_start_mb={samples[0][1]:.1f} rss_end_mb={samples[-1][1]:.1f} "
        f"kb_per_connection_last_half={growth_kb:.2f}"
    )


if __name__ == "__main__":
    main()
