"""What the benches share: where recordings are, how a recorder cuts them into batches."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import msgpack

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RECORDINGS = BENCH / "recordings"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"

BATCH_EVENTS = 50  # a recorder's batch: at most this many events ...
BATCH_BYTES = 64 * 1024  # ... or until its msgpack reaches FLUSH_BYTES (64 KiB)

Event = dict[str, Any]


def recordings_dir(arg: str | None) -> Path:
    """The directory asked for, else bench/recordings/, else ../shared/corpus (said so)."""
    if arg:
        path = Path(arg)
        if not any(path.glob("*.json")):
            sys.exit(f"no *.json recordings in {path}")
        return path
    if any(RECORDINGS.glob("*.json")):
        return RECORDINGS
    if any(SHARED_CORPUS.glob("*.json")):
        print(f"# {RECORDINGS} is empty (`python -m bench.record` fills it): using {SHARED_CORPUS}")
        return SHARED_CORPUS
    sys.exit(
        f"no recordings: {RECORDINGS} is empty and {SHARED_CORPUS} is absent.\n"
        "Make them with `PYTHONPATH=src python -m bench.record` (Chromium + the example project)."
    )


def load(path: Path) -> tuple[bytes, list[Event]]:
    raw = path.read_bytes()
    return raw, json.loads(raw)


def batches(events: list[Event]) -> list[list[Event]]:
    """Cut events like the recorder: a batch closes at BATCH_EVENTS events or
    once it holds BATCH_BYTES of msgpack."""
    out: list[list[Event]] = []
    batch: list[Event] = []
    size = 0
    for event in events:
        batch.append(event)
        size += len(msgpack.packb(event))
        if len(batch) >= BATCH_EVENTS or size >= BATCH_BYTES:
            out.append(batch)
            batch, size = [], 0
    if batch:
        out.append(batch)
    return out


def setup_django(**env: str) -> None:
    """Start Django on bench.settings (env first: it picks the database and storage)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
