"""The recorder's telemetry: rrweb plugin events (docs/recording.md, "Console,
errors, network, performance"), read defensively into the facts the timeline
keeps. A payload of the wrong shape is skipped whole, never stored half-read;
what is kept is cut to size, its URLs scrubbed again (privacy/scrub.py) and
its text passed through SCRUB_PATTERNS again (privacy/patterns.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django_session_replay.privacy.patterns import scrub_text
from django_session_replay.privacy.scrub import scrub_url

PLUGIN = 6  # rrweb EventType.Plugin
CONSOLE = "rrweb/console@1"
ERROR = "session-replay/error@1"
NETWORK = "rrweb/network@1"
PAGE = "session-replay/page@1"
IDENTIFY = "session-replay/identify@1"

CONSOLE_KEPT = frozenset({"warn", "error", "assert"})  # the others are in the replay only
CONSOLE_ERRORS = frozenset({"error", "assert"})
VITALS = frozenset({"LCP", "CLS", "INP", "FCP", "TTFB"})
RATINGS = frozenset({"good", "needs-improvement", "poor"})
SLOW_MS = 1000  # a request slower than this is kept even when it succeeded
LABEL = 200
MAX_URL = 4096
MAX_TEXT = 2000
MAX_STACK = 4000
MAX_FRAMES = 20
MAX_REQUESTS = 1000  # per event
MAX_TRAITS = 50


@dataclass(frozen=True)
class Fact:
    ts: int
    kind: str  # a TimelineEntry.Kind value
    label: str
    level: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def text(value: Any, limit: int) -> str:
    return value[:limit].replace("\x00", "") if isinstance(value, str) else ""


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def url(value: Any) -> str:
    return scrub_text(scrub_url(text(value, MAX_URL)))


def console(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    level, args, trace = payload.get("level"), payload.get("payload"), payload.get("trace", [])
    if level not in CONSOLE_KEPT or not isinstance(args, list) or not isinstance(trace, list):
        return
    parts = [scrub_text(text(arg, MAX_TEXT)) for arg in args[:20] if isinstance(arg, str)]
    message = " ".join(parts)[:MAX_TEXT]
    frames = [scrub_text(text(frame, 500)) for frame in trace[:MAX_FRAMES]]
    label = parts[0][:LABEL] if parts else ""
    yield Fact(ts, "console", label, str(level), {"message": message, "trace": frames})


def error(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    kind = payload.get("kind")
    if kind not in ("error", "unhandledrejection"):
        return
    name = scrub_text(text(payload.get("name"), 100))
    message = scrub_text(text(payload.get("message"), MAX_TEXT))
    detail = {
        "kind": kind,
        "name": name,
        "message": message,
        "source": url(payload.get("source")),
        "line": number(payload.get("line")),
        "column": number(payload.get("column")),
        "stack": scrub_text(text(payload.get("stack"), MAX_STACK)),
    }
    label = f"{name}: {message}" if name and message else name or message or str(kind)
    yield Fact(ts, "js_error", label[:LABEL], "error", detail)


def failed(request: dict[str, Any]) -> bool:
    """What the session's failed_request_count counts: a network error or abort,
    or an HTTP status of 400 or more."""
    status = number(request.get("status"))
    return request.get("failed") is True or (status is not None and status >= 400)


def network(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    requests = payload.get("requests")
    if not isinstance(requests, list):
        return
    for request in requests[:MAX_REQUESTS]:
        if not isinstance(request, dict):
            continue
        address = url(request.get("name"))
        duration = number(request.get("duration"))
        status = number(request.get("status"))
        bad = failed(request)
        if not address or (not bad and (duration is None or duration <= SLOW_MS)):
            continue
        method = text(request.get("method"), 16).upper() or "GET"
        try:
            path = urlsplit(address).path or address
        except ValueError:
            path = address
        outcome = "failed" if request.get("failed") is True else str(int(status or 0))
        detail = {
            "url": address,
            "method": method,
            "status": int(status) if status is not None else None,
            "duration": duration,
            "ttfb": number(request.get("ttfb")),
            "transferSize": number(request.get("transferSize")),
            "initiatorType": text(request.get("initiatorType"), 32),
            "failed": bad,
            "error": scrub_text(text(request.get("error"), 500)),
        }
        label = f"{method} {path[:LABEL]} {outcome}"
        yield Fact(ts, "network", label[:LABEL], "error" if bad else "warn", detail)


def page(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    kind = payload.get("kind")
    if kind == "leave":
        visible = number(payload.get("visibleMs"))
        if visible is None or visible < 0:
            return
        address = url(payload.get("url"))
        detail = {"url": address, "visibleMs": int(visible)}
        yield Fact(
            ts, "page_leave", f"{address[: LABEL - 20]} ({visible / 1000:.1f} s)", "", detail
        )
    elif kind == "vital":
        name, value = payload.get("name"), number(payload.get("value"))
        if name not in VITALS or value is None or value < 0:
            return
        rating = payload.get("rating") if payload.get("rating") in RATINGS else ""
        shown = f"{value:.3f}" if name == "CLS" else f"{value:.0f} ms"
        label = f"{name} {shown}" + (f" ({rating})" if rating else "")
        detail = {"name": name, "value": value, "rating": rating, "url": url(payload.get("url"))}
        yield Fact(ts, "web_vital", label, "", detail)


def scalar(value: Any) -> Any:
    if isinstance(value, str):
        return text(value, 1000)
    if value is None or isinstance(value, bool | int):
        return value
    return number(value)  # a float; anything else becomes None


def identify(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    identity, traits = payload.get("id"), payload.get("traits", {})
    if not isinstance(identity, str) or not identity.strip() or not isinstance(traits, dict):
        return
    kept = {
        text(key, 255): scalar(value)
        for key, value in list(traits.items())[:MAX_TRAITS]
        if isinstance(key, str) and key
    }
    identity = text(identity, 255)
    yield Fact(ts, "identify", identity[:LABEL], "", {"id": identity, "traits": kept})


Reader = Callable[[int, dict[str, Any]], Iterator[Fact]]
READERS: dict[str, Reader] = {
    CONSOLE: console,
    ERROR: error,
    NETWORK: network,
    PAGE: page,
    IDENTIFY: identify,
}


def facts(
    events: Iterable[dict[str, Any]], readers: dict[str, Reader] | None = None
) -> Iterator[Fact]:
    """What the timeline keeps of plugin events (of type 6; others are ignored),
    read by ``readers`` (by default READERS)."""
    readers = READERS if readers is None else readers
    for event in events:
        data, ts = event.get("data"), number(event.get("timestamp"))
        if event.get("type") != PLUGIN or not isinstance(data, dict) or ts is None:
            continue
        plugin, payload = data.get("plugin"), data.get("payload")
        reader = readers.get(plugin) if isinstance(plugin, str) else None
        if reader is not None and isinstance(payload, dict):
            yield from reader(int(ts), payload)
