"""Sessions stored through the real ingest core, for tests that read them back."""

from __future__ import annotations

from typing import Any

from django_session_replay.ingest import sessions, store
from django_session_replay.wire import frames
from tests.conftest import hello_frame


def record(
    batches: list[list[dict[str, Any]]],
    window: str = "tab-1",
    user_id: int | None = None,
    **hello: Any,
) -> sessions.Opened:
    opened = sessions.open_session(frames.parse_hello(hello_frame(win=window, **hello)), user_id)
    for seq, events in enumerate(batches, start=1):
        batch = frames.parse_batch({"seq": seq, "events": events}, max_bytes=64 * 1024 * 1024)
        store.append_batch(opened.session_id, window, batch)
    return opened
