"""The processor of docs/extending.md, as the demo runs it (example_project/shop/processors.py)."""

from __future__ import annotations

import importlib
import logging
import uuid
from typing import Any

import pytest

from django_session_replay.config.checks import check_settings
from django_session_replay.config.spec import KEYS
from django_session_replay.ingest import pipeline
from django_session_replay.wire import frames
from tests.conftest import REPO, events

EXAMPLE = REPO / "example_project"
PATH = "shop.processors.CountEvents"


@pytest.fixture
def demo_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE))


def stored(session_id: uuid.UUID, seq: int, count: int) -> pipeline.StoredBatch:
    batch = frames.parse_batch({"seq": seq, "events": events(count)}, 1 << 20)
    return pipeline.StoredBatch(session_id, "tab-1", batch, pending_bytes=batch.raw_bytes)


def test_the_demo_keeps_the_built_ins_and_adds_the_example(demo_importable: None) -> None:
    demo = importlib.import_module("example_project.settings").SESSION_REPLAY
    assert demo["PROCESSORS"] == [*KEYS["PROCESSORS"].default, PATH]


def test_its_path_passes_the_checks(demo_importable: None, settings: Any) -> None:
    settings.SESSION_REPLAY = {"PROCESSORS": [*KEYS["PROCESSORS"].default, PATH]}
    assert check_settings() == []


async def test_it_logs_each_sessions_events_per_group(
    demo_importable: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SESSION_REPLAY = {"PROCESSORS": [PATH]}
    first, second = uuid.uuid4(), uuid.uuid4()
    with caplog.at_level(logging.INFO, logger="shop"):
        await pipeline.run([stored(first, 1, 3), stored(second, 1, 2), stored(first, 2, 4)])
    assert sorted(record.getMessage() for record in caplog.records) == sorted(
        [f"session {first} stored 7 event(s)", f"session {second} stored 2 event(s)"]
    )
