"""Resume tokens: a signed (session, visitor) pair the recorder offers in hello."""

from __future__ import annotations

from uuid import UUID

from django.core import signing
from django.utils.crypto import constant_time_compare

from django_session_replay import lifecycle

TOKEN_SALT = "django_session_replay.resume"


def make_token(session_id: UUID, visitor: str) -> str:
    return signing.dumps([str(session_id), visitor], salt=TOKEN_SALT)


def read_token(token: object, visitor: str) -> UUID | None:
    """The session a token names, or None when it is absent, forged, expired or
    was issued to another visitor."""
    if not isinstance(token, str) or not token:
        return None
    try:
        session_id, owner = signing.loads(token, salt=TOKEN_SALT, max_age=lifecycle.token_max_age())
        if not constant_time_compare(owner, visitor):
            return None
        return UUID(session_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None
