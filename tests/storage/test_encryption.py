"""Encryption at rest (storage/encryption.py, storage/rekey.py): batch payloads and
chunk objects sealed with AES-GCM under ENCRYPTION_KEYS, read back the same,
rotated by session_replay_rekey, and refused clearly when a key is missing."""

from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

import pytest
import zstandard
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.core.management.base import CommandError

from django_session_replay.models import Batch, Chunk
from django_session_replay.storage import compaction, encryption, objects, reader
from django_session_replay.storage.codec import inflate
from tests import s3
from tests.factories import record

pytestmark = pytest.mark.django_db(transaction=True)

OLD = encryption.new_key()
NEW = encryption.new_key()
CANARY = "encryption-canary-7731"


def recording(count: int = 120) -> list[dict]:
    return [
        {"type": 3, "timestamp": 1_700_000_000_000 + i, "data": {"text": f"{CANARY} {i}"}}
        for i in range(count)
    ]


def in_batches(events: list[dict], size: int = 40) -> list[list[dict]]:
    return [events[i : i + size] for i in range(0, len(events), size)]


def inflates_to_the_recording(blob: bytes) -> bool:
    """Plain zlib, as anyone with database access would try (random bytes may
    happen to inflate to something, never to the recording)."""
    try:
        return CANARY.encode() in zlib.decompress(blob, wbits=-15)
    except zlib.error:
        return False


def stored_blobs() -> list[bytes]:
    payloads = [
        bytes(p) for p in Batch.objects.exclude(payload=None).values_list("payload", flat=True)
    ]
    return payloads + [objects.read(chunk.key) for chunk in Chunk.objects.all()]


def test_a_sealed_blob_names_its_key_and_opens_only_as_what_it_is(settings) -> None:
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [NEW]}
    sealed = encryption.seal(b"plain bytes", encryption.BATCH)
    assert sealed.startswith(encryption.MAGIC) and b"plain bytes" not in sealed
    assert encryption.key_id_of(sealed) == encryption.keys()[0].id
    assert encryption.unseal(sealed, encryption.BATCH) == b"plain bytes"
    with pytest.raises(InvalidTag):  # a batch payload cannot pass as a chunk object
        encryption.unseal(sealed, encryption.CHUNK)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(InvalidTag):
        encryption.unseal(tampered, encryption.BATCH)
    # Two seals of the same bytes differ (a fresh nonce each time).
    assert encryption.seal(b"plain bytes", encryption.BATCH) != sealed


def test_encryption_off_stores_and_reads_plain_data(settings) -> None:
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": []}
    assert encryption.seal(b"x", encryption.BATCH) == b"x"
    events = recording()
    sid = record(in_batches(events)).session_id
    assert all(not encryption.is_sealed(blob) for blob in stored_blobs())
    assert CANARY.encode() in inflate(stored_blobs()[0])
    assert list(reader.iter_events(sid)) == events


def test_batches_and_chunks_are_sealed_and_replay_the_same(
    settings, s3_storage: str, corpus: Path
) -> None:
    events = json.loads((corpus / "highlight__byterat-io-css-inline-2023.json").read_text())
    events += recording()
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [NEW], "CHUNK_TARGET_BYTES": 256 * 1024}
    sid = record(in_batches(events, 50)).session_id
    for blob in stored_blobs():  # nothing opens without the key
        assert encryption.is_sealed(blob) and CANARY.encode() not in blob
        assert not inflates_to_the_recording(blob)
    assert list(reader.iter_events(sid)) == events  # from the sealed batches
    compaction.compact_session(sid)
    assert Batch.objects.exclude(payload=None).count() == 0
    chunks = list(Chunk.objects.filter(session_id=sid))
    assert len(chunks) >= 2
    for chunk in chunks:
        blob = s3.client(s3_storage).get_object(Bucket=s3.BUCKET, Key=chunk.key)["Body"].read()
        assert encryption.is_sealed(blob) and CANARY.encode() not in blob
        with pytest.raises(zstandard.ZstdError):
            zstandard.ZstdDecompressor().decompress(blob)
        assert chunk.stored_bytes == len(blob)
    assert list(reader.iter_events(sid)) == events  # from the sealed chunks


def test_rotation_re_encrypts_everything_and_the_old_key_can_then_go(settings) -> None:
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": []}
    plain_sid = record(in_batches(recording(40)), window="plain").session_id
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [OLD]}
    events = recording()
    sid = record(in_batches(events)).session_id
    compaction.compact_session(sid)
    record(in_batches(events), window="tail")  # a session still recording: batches only
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [NEW, OLD]}
    out = io.StringIO()
    call_command("session_replay_rekey", stdout=out)
    newest = encryption.keys()[0].id
    assert "Re-encrypted" in out.getvalue() and newest.hex() in out.getvalue()
    assert all(encryption.key_id_of(blob) == newest for blob in stored_blobs())
    old_keys = {chunk.key for chunk in Chunk.objects.all()}
    assert all(f".k{newest.hex()}.msgpack.zst" in key for key in old_keys)
    # The old key removed: everything still reads.
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [NEW]}
    assert list(reader.iter_events(sid)) == events
    assert len(list(reader.iter_events(plain_sid))) == 40
    # Run again: nothing left to do.
    again = io.StringIO()
    call_command("session_replay_rekey", stdout=again)
    assert "Re-encrypted 0 batch(es) and 0 of" in again.getvalue()


def test_a_missing_key_is_named_not_silently_misread(settings) -> None:
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [OLD]}
    sid = record(in_batches(recording())).session_id
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [NEW]}
    with pytest.raises(encryption.KeyMissing, match="ENCRYPTION_KEYS does not list"):
        list(reader.iter_events(sid))


def test_rekey_without_keys_says_what_to_do(settings) -> None:
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": []}
    with pytest.raises(CommandError, match="session_replay_keygen"):
        call_command("session_replay_rekey", stdout=io.StringIO())


def test_keygen_prints_a_key_the_setting_accepts(settings) -> None:
    out = io.StringIO()
    call_command("session_replay_keygen", stdout=out)
    key = out.getvalue().strip()
    assert len(encryption.decode_key(key)) == 32
    settings.SESSION_REPLAY = {"ENCRYPTION_KEYS": [key]}
    assert encryption.unseal(encryption.seal(b"y", encryption.CHUNK), encryption.CHUNK) == b"y"
