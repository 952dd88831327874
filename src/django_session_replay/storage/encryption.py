"""Encryption at rest of batch payloads and chunk objects (opt-in: ``ENCRYPTION_KEYS``).

A sealed blob is ``MAGIC | key id (8 bytes) | nonce (12 bytes) | AES-256-GCM
ciphertext and tag``. The key id names the key without revealing it, so a
reader picks the right key of the list and rotation (docs/privacy.md) can tell
what still needs re-encrypting. The associated data binds a blob to what it is
(a batch payload or a chunk object): one cannot be passed off as the other.

Data written before encryption was turned on stays readable: a blob without the
magic is returned as it is. Keys are read from the settings on each call, like
every setting (conf.py).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from django_session_replay.conf import conf

MAGIC = b"SRE\x01"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES
KEY_BYTES = 32

BATCH = b"batch"  # associated data: what a sealed blob is
CHUNK = b"chunk"


class KeyMissing(Exception):
    """A blob is sealed with a key that ENCRYPTION_KEYS no longer lists."""


def new_key() -> str:
    """32 random bytes as URL-safe base64: one entry for ENCRYPTION_KEYS."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def decode_key(text: str) -> bytes:
    """The raw key of a setting entry; ValueError says what is wrong with it."""
    try:
        raw = base64.b64decode(text.encode() + b"=" * (-len(text) % 4), b"-_", validate=True)
    except (ValueError, TypeError) as error:
        raise ValueError("is not URL-safe base64") from error
    if len(raw) != KEY_BYTES:
        raise ValueError(f"decodes to {len(raw)} bytes, not {KEY_BYTES}")
    return raw


@dataclass(frozen=True)
class Key:
    id: bytes
    aead: AESGCM


@lru_cache(maxsize=32)
def _key(text: str) -> Key:
    raw = decode_key(text)
    return Key(hashlib.sha256(b"django-session-replay key id\x00" + raw).digest()[:8], AESGCM(raw))


def keys() -> list[Key]:
    """The configured keys, newest first (manage.py check validated them)."""
    return [_key(text) for text in conf.ENCRYPTION_KEYS]


def enabled() -> bool:
    return bool(conf.ENCRYPTION_KEYS)


def is_sealed(blob: bytes) -> bool:
    return blob[: len(MAGIC)] == MAGIC and len(blob) > HEADER_BYTES


def key_id_of(blob: bytes) -> bytes | None:
    return blob[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES] if is_sealed(blob) else None


def seal(data: bytes, kind: bytes) -> bytes:
    """``data`` sealed with the newest key, or as it is when encryption is off."""
    ring = keys()
    if not ring:
        return data
    key = ring[0]
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + key.id + nonce + key.aead.encrypt(nonce, data, kind)


def unseal(blob: bytes, kind: bytes) -> bytes:
    """The plain bytes of a stored blob, sealed or not. A sealed blob whose key is
    not configured raises KeyMissing; a tampered one, cryptography's InvalidTag."""
    key_id = key_id_of(blob)
    if key_id is None:
        return blob
    for key in keys():
        if key.id == key_id:
            nonce = blob[len(MAGIC) + KEY_ID_BYTES : HEADER_BYTES]
            return key.aead.decrypt(nonce, blob[HEADER_BYTES:], kind)
    raise KeyMissing(
        f"stored data is encrypted with key id {key_id.hex()}, which ENCRYPTION_KEYS does not"
        " list; add the key back (after the newest) to read it"
    )


def needs_rekey(blob: bytes) -> bool:
    """Not sealed with the newest key (plain data counts, once encryption is on)."""
    ring = keys()
    return bool(ring) and key_id_of(blob) != ring[0].id
