"""Stable error codes: their text, WebSocket close code and HTTP status.

docs/protocol.md lists every one; the recorder receives them from the server
config (recorder.py) instead of retyping them.
"""

from __future__ import annotations

from enum import Enum


class Code(Enum):
    """An error a door answers with: ``error`` frame text, close code, HTTP status."""

    BAD_FRAME = ("bad_frame", 4000, 400)
    UNKNOWN_TYPE = ("unknown_type", 4001, 400)
    INVALID_FIELD = ("invalid_field", 4002, 400)
    FRAME_TOO_LARGE = ("frame_too_large", 4003, 413)
    BAD_KEY = ("bad_key", 4004, 403)
    ORIGIN_FORBIDDEN = ("origin_forbidden", 4005, 403)
    HELLO_REQUIRED = ("hello_required", 4006, 400)
    UNSUPPORTED_VERSION = ("unsupported_version", 4007, 400)
    RATE_LIMITED = ("rate_limited", 4008, 429)
    SESSION_FULL = ("session_full", 4009, 409)
    BAD_TOKEN = ("bad_token", 4010, 403)
    SERVER_ERROR = ("server_error", 4011, 503)
    TOO_MANY_BATCHES = ("too_many_batches", 4012, 413)  # the HTTP door: MAX_BATCHES_PER_REQUEST
    IDLE = ("idle", 4013, 408)  # no hello in time, or a socket silent too long
    SEQ_CONFLICT = ("seq_conflict", 4014, 409)  # a seq already held with other events
    # A batch in parts (wire/parts.py): a stream left unfinished, a part out of
    # its place, and a batch whose parts are over MAX_EVENT_BYTES.
    PART_MISSING = ("part_missing", 4015, 400)
    PART_UNEXPECTED = ("part_unexpected", 4016, 400)
    EVENT_TOO_LARGE = ("event_too_large", 4017, 413)
    FORBIDDEN = ("forbidden", 4403, 403)  # the live socket: not (or no longer) allowed to watch

    def __init__(self, text: str, close_code: int, http_status: int) -> None:
        self.text = text
        self.close_code = close_code
        self.http_status = http_status


# Closes after which a recorder's retry cannot help: it stops for this page.
FATAL = (Code.BAD_KEY, Code.ORIGIN_FORBIDDEN, Code.UNSUPPORTED_VERSION)
# Closes that refuse the very batch just sent: the recorder replaces it with a
# gap marker instead of re-sending it forever.
BATCH_REFUSED = (
    Code.BAD_FRAME,
    Code.INVALID_FIELD,
    Code.FRAME_TOO_LARGE,
    Code.PART_MISSING,
    Code.PART_UNEXPECTED,
    Code.EVENT_TOO_LARGE,
)
# seq_conflict is neither: the server holds other events under that seq, so the
# recorder drops its batch (re-sending it, or a gap marker under the same seq,
# would conflict forever) and notes a gap in its next batch.


class ProtocolError(Exception):
    def __init__(self, code: Code, msg: str) -> None:
        super().__init__(f"{code.text}: {msg}")
        self.code = code
        self.msg = msg
