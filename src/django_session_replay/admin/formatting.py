"""Sizes, durations and clients as staff read them."""

from __future__ import annotations

from typing import Any


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def human_duration(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def client_label(session: Any) -> str:
    """“Chrome · Windows · desktop”, from what the session's user agent parsed into."""
    return " · ".join(filter(None, [session.browser, session.os, session.device])) or "—"
