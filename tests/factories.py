"""Sessions stored through the real ingest core, for tests that read them back."""

from __future__ import annotations

from typing import Any

from django_session_replay import ingest, protocol
from tests.conftest import hello_frame


def record(
    batches: list[list[dict[str, Any]]],
    window: str = "tab-1",
    user_id: int | None = None,
    **hello: Any,
) -> ingest.Opened:
    opened = ingest.open_session(protocol.parse_hello(hello_frame(win=window, **hello)), user_id)
    for seq, events in enumerate(batches, start=1):
        batch = protocol.parse_batch({"seq": seq, "events": events}, max_bytes=64 * 1024 * 1024)
        ingest.append_batch(opened.session_id, window, batch)
    return opened
