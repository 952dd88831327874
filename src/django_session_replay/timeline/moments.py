"""What a visitor did, besides reading: clicks and field focus (the recorder's
``session-replay/click@1`` and ``session-replay/focus@1`` plugin events), the
page's custom events (``SessionReplay.track(name, data)``: rrweb custom events)
and the holes the recorder reports (``session-replay-gap`` custom events).
Read like the telemetry (plugins.py): a malformed one is skipped whole; the
text kept is cut to size and passed through SCRUB_PATTERNS again. A focus
never carries the field's value."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django_session_replay.privacy.patterns import scrub_text

from . import plugins
from .pages import TAG as PAGE_TAG
from .plugins import LABEL, Fact, number, text
from .scan import CUSTOM

CLICK = "session-replay/click@1"
FOCUS = "session-replay/focus@1"
SIGNAL = "session-replay/signal@1"  # a dead click or a thrashing cursor, seen by the recorder
GAP_TAG = "session-replay-gap"
MAX_CLICK_TEXT = 80
MAX_CLASSES = 3
MAX_CUSTOM_DETAIL = 1024  # bytes of JSON kept of a custom event's data


def name(value: Any, limit: int = 100) -> str:
    return scrub_text(text(value, limit)).strip()


def target(tag: str, element_id: str, classes: list[str]) -> str:
    """``button#buy`` or ``a.nav.primary``: the element as a CSS selector would name it."""
    if element_id:
        return f"{tag}#{element_id}"
    return tag + "".join(f".{kept}" for kept in classes)


def click(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    tag = name(payload.get("tag"), 32).lower()
    classes = payload.get("classes", [])
    if not tag or not isinstance(classes, list):
        return
    kept = [name(value, 64) for value in classes[:MAX_CLASSES] if isinstance(value, str)]
    kept = [value for value in kept if value]
    element_id = name(payload.get("id"))
    words = " ".join(name(payload.get("text"), MAX_CLICK_TEXT * 2).split())[:MAX_CLICK_TEXT]
    label = target(tag, element_id, kept) + (f' "{words}"' if words else "")
    detail = {"tag": tag, "id": element_id, "classes": kept, "text": words,
              "x": number(payload.get("x")), "y": number(payload.get("y"))}  # fmt: skip
    yield Fact(ts, "click", label[:LABEL], "", detail)


def signal(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    """The recorder's own signals: it sees every mutation and mouse move, which
    the server would have to decode whole batches for. ``at`` is when it
    began (the click, the first reversal); the event itself comes later."""
    kind, at = payload.get("kind"), number(payload.get("at"))
    start = int(at) if at is not None and ts - 600_000 <= at <= ts else ts
    x, y = number(payload.get("x")), number(payload.get("y"))
    if kind == "dead_click":
        for clicked in click(start, payload):
            yield Fact(start, "dead_click", clicked.label, "warn", clicked.detail)
    elif kind == "thrashing":
        changes = number(payload.get("changes"))
        detail = {"x": x, "y": y, "changes": int(changes) if changes is not None else None}
        yield Fact(start, "thrashing", "thrashing cursor", "warn", detail)


def focus(ts: int, payload: dict[str, Any]) -> Iterator[Fact]:
    tag = name(payload.get("tag"), 32).lower()
    if not tag:
        return
    element_id, field, kind = (name(payload.get(key)) for key in ("id", "name", "type"))
    label = f"{tag}[name={field}]" if field else target(tag, element_id, [])
    detail = {"tag": tag, "id": element_id, "name": field, "type": kind}
    yield Fact(ts, "focus", label[:LABEL], "", detail)


def sample(value: Any) -> Any:
    """At most MAX_CUSTOM_DETAIL bytes of a custom event's data, as JSON: the
    value itself when it fits, else its start as a string."""
    try:
        start, whole = clipped(value, MAX_CUSTOM_DETAIL + 1)
        shown = json.dumps(start, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):  # e.g. bytes keys, or nested too deep
        return None
    if whole and len(shown.encode()) <= MAX_CUSTOM_DETAIL:
        return scrub_json(value)
    cut = shown.encode()[:MAX_CUSTOM_DETAIL].decode(errors="ignore")
    return scrub_text(cut)


def clipped(value: Any, budget: int) -> tuple[Any, bool]:
    """The start of ``value`` whose JSON begins as the whole value's does for
    at least ``budget`` bytes, and whether it is the whole value: a custom
    event may carry megabytes (Sentry's spans) of which a kilobyte is kept.
    Bytes are counted low (a string's characters, a number's one byte, the
    separators written so far), so what is cut off lies past ``budget``."""
    if isinstance(value, str):
        return (value, True) if len(value) + 2 <= budget else (value[:budget], False)
    if not isinstance(value, list | dict):
        return value, True
    pairs = isinstance(value, dict)
    items: Iterable[Any] = value.items() if isinstance(value, dict) else value
    kept: list[Any] = []
    spent = 1  # the opening bracket
    for item in items:
        if spent >= budget:
            break
        spent += 2 if kept else 0  # the separator before it
        key, part = item if pairs else (None, item)
        if pairs:
            spent += len(key) + 4 if isinstance(key, str) else 5  # "key": (a number's as "1")
        start, whole = clipped(part, max(budget - spent, 1))
        kept.append((key, start) if pairs else start)
        if not whole:
            break
        spent += size_floor(start)
    else:
        return value, True
    return (dict(kept) if pairs else kept), False


def size_floor(value: Any) -> int:
    """Bytes the JSON of a value takes at least."""
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, dict):
        return 2 * len(value) + sum(
            size_floor(str(k)) + 2 + size_floor(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return 2 * max(len(value), 1) + sum(size_floor(item) for item in value)
    return 1


def scrub_json(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value.replace("\x00", ""))
    if isinstance(value, list):
        return [scrub_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): scrub_json(item) for key, item in value.items()}
    if isinstance(value, float):
        return number(value)
    if value is None or isinstance(value, bool | int):
        return value
    return scrub_text(str(value))[:MAX_CUSTOM_DETAIL]  # e.g. bytes


def custom(ts: int, data: dict[str, Any]) -> Iterator[Fact]:
    tag, payload = data.get("tag"), data.get("payload")
    if not isinstance(tag, str) or not tag.strip() or tag == PAGE_TAG:
        return
    if tag == GAP_TAG:
        if not isinstance(payload, dict):
            return
        reason = name(payload.get("reason"), 32) or "unknown"
        dropped = number(payload.get("dropped"))
        detail = {"reason": reason, "dropped": int(dropped) if dropped is not None else None}
        yield Fact(ts, "gap", reason, "warn", detail)
        return
    event = name(tag, 255)
    yield Fact(ts, "custom", event[:LABEL], "", {"name": event, "data": sample(payload)})


READERS: dict[str, plugins.Reader] = {
    **plugins.READERS,
    CLICK: click,
    FOCUS: focus,
    SIGNAL: signal,
}


def facts(events: Iterable[dict[str, Any]]) -> Iterator[Fact]:
    """What the timeline keeps of plugin events (type 6) and custom events
    (type 5, page views aside); other types are ignored."""
    for event in events:
        data, ts = event.get("data"), number(event.get("timestamp"))
        if event.get("type") == CUSTOM and isinstance(data, dict) and ts is not None:
            yield from custom(int(ts), data)
        else:
            yield from plugins.facts([event], READERS)
