"""A watcher who logs out is disconnected from every live socket at once."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from . import groups


@receiver(user_logged_out, dispatch_uid="session_replay_close_live_sockets")
def close_live_sockets(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    layer = get_channel_layer()
    if layer is None or user is None:
        return
    async_to_sync(layer.group_send)(groups.viewer_group(user.pk), {"type": "viewer.revoked"})
