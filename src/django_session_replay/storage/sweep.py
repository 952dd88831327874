"""Chunk objects no chunk row refers to: what a compaction that crashed, or lost
a race, left in storage. Objects younger than a grace period are never touched,
since a running compaction writes its object before it commits the row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.core.files.storage import Storage
from django.utils import timezone

from django_session_replay.models import Chunk

from . import objects

GRACE = timedelta(hours=1)


def walk(storage: Storage, folder: str) -> Iterator[str]:
    """Every file under ``folder``, depth first (storage backends only list one level)."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}"
    for name in sorted(folders):
        yield from walk(storage, f"{folder}/{name}")


def unreferenced(now: datetime | None = None) -> Iterator[str]:
    """Keys under the app's root that no Chunk row holds and older than GRACE."""
    storage = objects.get_storage()
    if not storage.exists(objects.ROOT):
        return
    cutoff = (now or timezone.now()) - GRACE
    for key in walk(storage, objects.ROOT):
        if Chunk.objects.filter(key=key).exists():
            continue
        if storage.get_modified_time(key) < cutoff:
            yield key
