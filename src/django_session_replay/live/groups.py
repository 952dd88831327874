"""Channel-layer groups that live viewers of a session subscribe to."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import msgpack
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from django_session_replay.conf import conf
from django_session_replay.wire.frames import Batch

logger = logging.getLogger(__name__)


def group_name(session_id: UUID) -> str:
    return f"session-replay.{session_id.hex}"


def viewer_group(user_pk: Any) -> str:
    """The live sockets of one watcher (closed together when they log out)."""
    return f"session-replay.viewer.{user_pk}"


async def publish(layer: Any, session_id: UUID, window: str, batch: Batch) -> None:
    """Tell the session's live viewers about a stored batch; best effort, since the
    batch is already durable and a viewer can always re-read it."""
    if layer is None or not conf.LIVE_GROUPS:
        return
    message = {"type": "replay.batch", "window": window, "seq": batch.seq, "packed": batch.packed}
    try:
        await layer.group_send(group_name(session_id), message)
    except Exception:
        logger.warning("could not publish batch %s of %s to live viewers", batch.seq, session_id)


SERVER_EVENT_TAG = "session-replay-server"


def publish_server_events(session_id: UUID, window: str, entries: Iterable[Any]) -> None:
    """Timeline rows from the Django server (server/record.py) as rrweb custom events
    ``{type: 5, data: {tag: "session-replay-server", payload}, timestamp}`` in an
    ``events`` frame of seq 0 (docs/protocol.md, "Live watching"). They are not
    stored with the recording: the replay reads them from the timeline."""
    layer = get_channel_layer()
    if layer is None or not conf.LIVE_GROUPS:
        return
    events = [
        {
            "type": 5,
            "timestamp": entry.ts,
            "data": {
                "tag": SERVER_EVENT_TAG,
                "payload": {
                    "kind": entry.kind,
                    "label": entry.label,
                    "level": entry.level,
                    "detail": entry.detail,
                },
            },
        }
        for entry in entries
    ]
    if not events:
        return
    message = {"type": "replay.batch", "window": window, "seq": 0, "packed": msgpack.packb(events)}
    async_to_sync(layer.group_send)(group_name(session_id), message)
