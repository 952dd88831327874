"""Re-encrypt what is stored to the newest of ``ENCRYPTION_KEYS`` (rotation).

Batch payloads are rewritten in place, each under a row lock, so a compaction
running meanwhile either sees the old payload or the new one. A chunk object is
written under a new key first, the row then points at it, and only then is the
old object deleted: a crash at any point leaves the chunk readable, and what it
leaves behind is an unreferenced object that ``session_replay_compact --sweep``
removes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.db import transaction

from django_session_replay.models import Batch, Chunk

from . import encryption, objects

SUFFIX = ".msgpack.zst"
KEYED = re.compile(r"\.k[0-9a-f]{16}$")  # the key id a re-encrypted chunk's name carries

Progress = Callable[[str], None]


def rekeyed_name(key: str, key_id: bytes) -> str:
    base = key.removesuffix(SUFFIX)
    return f"{KEYED.sub('', base)}.k{key_id.hex()}{SUFFIX}"


def rekey_batches(progress: Progress, batch_size: int = 200) -> int:
    """Re-seals every stored batch payload not sealed with the newest key."""
    done = 0
    pending = Batch.objects.filter(payload__isnull=False).order_by("pk")
    last = 0
    while True:
        ids = list(pending.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        last = ids[-1]
        with transaction.atomic():
            for batch in Batch.objects.select_for_update().filter(
                pk__in=ids, payload__isnull=False
            ):
                if batch.payload is None:  # compacted meanwhile
                    continue
                blob = bytes(batch.payload)
                if not encryption.needs_rekey(blob):
                    continue
                plain = encryption.unseal(blob, encryption.BATCH)
                batch.payload = encryption.seal(plain, encryption.BATCH)
                batch.save(update_fields=["payload"])
                done += 1
        progress(f"batches: {done} re-encrypted (up to id {last})")


def chunks_to_rekey() -> Iterator[Chunk]:
    yield from Chunk.objects.order_by("pk").iterator(chunk_size=200)


def rekey_chunk(chunk: Chunk) -> bool:
    """Re-seals one chunk object; False when it already uses the newest key."""
    blob = objects.read(chunk.key)
    if not encryption.needs_rekey(blob):
        return False
    plain = encryption.unseal(blob, encryption.CHUNK)
    newest = encryption.keys()[0]
    sealed = encryption.seal(plain, encryption.CHUNK)
    old, new = chunk.key, rekeyed_name(chunk.key, newest.id)
    objects.write(new, sealed)
    Chunk.objects.filter(pk=chunk.pk).update(key=new, stored_bytes=len(sealed))
    objects.delete(old)
    return True


def rekey_chunks(progress: Progress) -> tuple[int, int]:
    total = Chunk.objects.count()
    done = 0
    for number, chunk in enumerate(chunks_to_rekey(), start=1):
        if rekey_chunk(chunk):
            done += 1
        if number % 50 == 0 or number == total:
            progress(f"chunks: {number}/{total} checked, {done} re-encrypted")
    return done, total
