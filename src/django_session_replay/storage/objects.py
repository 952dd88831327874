"""Chunk objects in the ``session_replay`` storage alias (else ``default``).

Keys are deliberate: ``session_replay/<date>/<session>/<window>/<seq range>``,
so one session lives under one prefix and a read never lists a bucket.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.files.storage.handler import InvalidStorageError

from django_session_replay.conf import conf

ROOT = "session_replay"


def get_storage() -> Storage:
    try:
        return storages[conf.STORAGE_ALIAS]
    except InvalidStorageError:
        return storages["default"]


def session_prefix(session_id: UUID, created: datetime) -> str:
    return f"{ROOT}/{created:%Y/%m/%d}/{session_id}/"


def chunk_key(
    session_id: UUID, created: datetime, window: str, seq_first: int, seq_last: int
) -> str:
    prefix = session_prefix(session_id, created)
    return f"{prefix}{window}/{seq_first:010d}-{seq_last:010d}.msgpack.zst"


def write(key: str, data: bytes) -> None:
    """Write ``data`` at exactly ``key``, replacing what a crashed run left there."""
    storage = get_storage()
    if storage.exists(key):
        storage.delete(key)
    name = storage.save(key, ContentFile(data))
    if name != key:
        raise RuntimeError(f"storage saved chunk {key!r} as {name!r}")


def read(key: str) -> bytes:
    with get_storage().open(key, "rb") as handle:
        data: bytes = handle.read()
    return data


def delete(key: str) -> None:
    get_storage().delete(key)
