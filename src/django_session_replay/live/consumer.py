"""The live socket: staff watching a session as it is recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from channels.generic.websocket import AsyncWebsocketConsumer

from django_session_replay.ingest.db import in_db_thread
from django_session_replay.permissions import can_view
from django_session_replay.wire import encode
from django_session_replay.wire.codes import Code

from . import groups


class LiveConsumer(AsyncWebsocketConsumer):
    """Staff watching a session as it is recorded: every batch stored by any
    worker reaches them through the session's channel-layer group."""

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        allowed = user is not None and await in_db_thread(can_view)(user)
        if not allowed or self.channel_layer is None:
            await self.close(code=Code.FORBIDDEN.close_code)
            return
        session_id = UUID(str(self.scope["url_route"]["kwargs"]["session_id"]))
        self.group = groups.group_name(session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None and self.channel_layer is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def replay_batch(self, message: dict[str, Any]) -> None:
        frame = encode.events_frame(message["window"], message["seq"], message["packed"])
        await self.send(bytes_data=frame)
