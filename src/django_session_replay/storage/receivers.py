"""Deleting a chunk row (directly, by cascade from its session, or in admin)
deletes its stored object once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from django_session_replay.models import Chunk

from . import objects


@receiver(post_delete, sender=Chunk, dispatch_uid="session_replay_delete_chunk_object")
def delete_chunk_object(sender: type[Chunk], instance: Chunk, **kwargs: Any) -> None:
    key = instance.key
    transaction.on_commit(lambda: objects.delete(key))
