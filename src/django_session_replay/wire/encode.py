"""Frames the server sends: welcome, ack, error and the live ``events`` frame."""

from __future__ import annotations

from typing import Any

import msgpack

from .codes import ProtocolError


def encode(kind: str, **fields: Any) -> bytes:
    return msgpack.packb({"t": kind, **fields})


def welcome(session_id: str, token: str, seq: int, ctx: str | None = None) -> bytes:
    """``ctx`` (an addition): the signed context the recorder keeps in a cookie."""
    if ctx is None:
        return encode("welcome", sid=session_id, token=token, seq=seq)
    return encode("welcome", sid=session_id, token=token, seq=seq, ctx=ctx)


def pong() -> bytes:
    return encode("pong")


def ack(seq: int) -> bytes:
    return encode("ack", seq=seq)


def error(err: ProtocolError) -> bytes:
    return encode("error", code=err.code.text, msg=err.msg)


def events_frame(window: str, seq: int, packed: bytes) -> bytes:
    """The live ``events`` frame, its event list spliced in as msgpack bytes (never decoded)."""
    head = msgpack.packb({"t": "events", "win": window, "seq": seq})
    return bytes([head[0] + 1]) + head[1:] + msgpack.packb("events") + packed
