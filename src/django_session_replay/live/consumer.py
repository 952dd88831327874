"""The live socket: staff watching a session as it is recorded."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from channels.generic.websocket import AsyncWebsocketConsumer

from django_session_replay.audit.record import record
from django_session_replay.ingest.db import in_db_thread
from django_session_replay.models import AuditEntry
from django_session_replay.permissions import can_view
from django_session_replay.wire import encode
from django_session_replay.wire.codes import Code

from . import groups
from .access import origin_allowed, still_allowed

# A watcher's right to watch is read again before a batch is delivered when it
# was last read longer ago than this; logging out closes the socket at once.
RECHECK_SECONDS = 2.0


class LiveConsumer(AsyncWebsocketConsumer):
    """Staff watching a session as it is recorded: every batch stored by any
    worker reaches them through the session's channel-layer group."""

    groups_joined: tuple[str, ...] = ()

    async def connect(self) -> None:
        if not origin_allowed(self.scope):
            await self.accept()
            await self.close(code=Code.ORIGIN_FORBIDDEN.close_code)
            return
        user = self.scope.get("user")
        allowed = user is not None and await in_db_thread(can_view)(user)
        if user is None or not allowed or self.channel_layer is None:
            # Accepted, then closed: the documented close code 4403 rather than an
            # HTTP 403 at the handshake, which the player cannot tell from a network error.
            await self.accept()
            await self.close(code=Code.FORBIDDEN.close_code)
            return
        self.checked_at = time.monotonic()
        session_id = UUID(str(self.scope["url_route"]["kwargs"]["session_id"]))
        self.groups_joined = (groups.group_name(session_id), groups.viewer_group(user.pk))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()  # joined first: nothing stored after the accept is missed
        client = self.scope.get("client") or (None, None)
        await in_db_thread(record)(AuditEntry.Action.LIVE, session_id, user, client[0])

    async def disconnect(self, code: int) -> None:
        if self.channel_layer is not None:
            for group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def replay_batch(self, message: dict[str, Any]) -> None:
        if time.monotonic() - self.checked_at > RECHECK_SECONDS:
            if not await in_db_thread(still_allowed)(self.scope):
                await self.close(code=Code.FORBIDDEN.close_code)
                return
            self.checked_at = time.monotonic()
        frame = encode.events_frame(message["window"], message["seq"], message["packed"])
        await self.send(bytes_data=frame)

    async def viewer_revoked(self, message: dict[str, Any]) -> None:
        await self.close(code=Code.FORBIDDEN.close_code)
