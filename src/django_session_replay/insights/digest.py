"""A session's timeline told in short lines: what a summary is made from.

One line per moment that matters, in time order, each ``REF TIME TEXT``::

    S 0:00 session: Chrome · Linux · desktop, 2 page views
    E41 0:00 page view "Products · Shop" /products/
    E44 0:03 rage click button#add "Add to cart"
    E45 0:04 failed request POST /cart/ 500
    END 0:12 session ended

``REF`` is ``E`` and the TimelineEntry's id: short, and stable when rows are
added before or after it (a position would shift when a late server row comes
in), so a summary's citations stay valid while its digest does. ``S`` is the
session line and ``END`` its last moment. ``TIME`` is since the session's
first recorded event. What is kept: page views, clicks (a run of clicks on one
target is one line), frustration signals, console errors, failed requests, JS
errors, server requests that failed (a 4xx for an asset such as a favicon
aside), server exceptions and error logs (not Django's own, which restate a
request's status), poor web vitals and custom events; mutations, focus,
successful requests and the rest are left out, as Sentry's replay summaries
leave them out. Past MAX_LINES lines, errors and signals are kept first, then
page views, then the rest by time. The digest's sha256 (``Digest.hash``) names it.

Only what the timeline holds is read: the recorder's masked text and the
server's scrubbed messages, never a chunk.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q

from django_session_replay.models import ReplaySession, TimelineEntry

Kind = TimelineEntry.Kind

MAX_LINES = 200  # the whole digest, the S and END lines included
MAX_ROWS = 20_000  # timeline rows read at most, the first by time
MAX_TEXT = 120  # characters of a message or label kept on a line

SIGNALS = frozenset({Kind.RAGE_CLICK, Kind.DEAD_CLICK, Kind.ERROR_CLICK, Kind.THRASHING,
                     Kind.QUICK_BACK})  # fmt: skip
ERRORS = frozenset({Kind.CONSOLE, Kind.JS_ERROR, Kind.NETWORK, Kind.SERVER_REQUEST,
                    Kind.SERVER_EXCEPTION, Kind.LOG})  # fmt: skip
READ = SIGNALS | ERRORS | {Kind.PAGE_VIEW, Kind.CLICK, Kind.WEB_VITAL, Kind.CUSTOM}
# The levels of each error kind that make a line (the others are in the replay only).
ERROR_LEVELS: dict[str, set[str]] = {
    Kind.CONSOLE: {"error", "assert"},
    Kind.NETWORK: {"error"},  # a failed request; "warn" is a slow one that succeeded
    Kind.SERVER_REQUEST: {"error", "warning"},  # status 500+ and 400+
    Kind.LOG: {"error", "critical"},
}
# Loggers whose records restate a failed request's status ("Internal Server Error: /x/").
RESTATED = frozenset({"django.request", "django.server"})
# A 4xx for a file of these is an asset's, most often the browser's own favicon fetch.
ASSETS = frozenset({"ico", "png", "svg", "gif", "jpg", "jpeg", "webp", "css", "js", "map",
                    "woff", "woff2", "txt", "xml", "webmanifest"})  # fmt: skip
NAMES: dict[str, str] = {
    Kind.PAGE_VIEW: "page view",
    Kind.CLICK: "click",
    Kind.RAGE_CLICK: "rage click",
    Kind.DEAD_CLICK: "dead click",
    Kind.ERROR_CLICK: "error click",
    Kind.THRASHING: "thrashing cursor",
    Kind.QUICK_BACK: "quick back",
    Kind.CONSOLE: "console error",
    Kind.JS_ERROR: "JS error",
    Kind.NETWORK: "failed request",
    Kind.SERVER_REQUEST: "server request failed",
    Kind.SERVER_EXCEPTION: "server exception",
    Kind.LOG: "server log",
    Kind.WEB_VITAL: "poor web vital",
    Kind.CUSTOM: "custom event",
}


@dataclass(frozen=True)
class Line:
    """One line of a digest. ``fields`` hold what its text says, for summarisers
    that build sentences (page view: title, path; click and signals: target;
    requests: method, path, status; errors: message; vitals: name, value;
    custom events: name)."""

    ref: str
    offset_ms: int  # since the session's start, never below 0
    ts: int  # ms since the epoch: where a player seeks
    window: str
    kind: str  # a TimelineEntry.Kind value, or "session" / "end"
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    count: int = 1  # clicks on one target in a row

    def render(self) -> str:
        return f"{self.ref} {clock(self.offset_ms)} {self.text}"


@dataclass(frozen=True)
class Digest:
    session_id: Any
    lines: list[Line]
    omitted: int  # moments left out by MAX_LINES

    @property
    def text(self) -> str:
        return "\n".join(line.render() for line in self.lines)

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def refs(self) -> dict[str, Line]:
        return {line.ref: line for line in self.lines}

    def moments(self, *kinds: str) -> list[Line]:
        """The lines of these kinds (every moment, S and END aside, when none is named)."""
        wanted = set(kinds)
        return [
            line
            for line in self.lines
            if line.kind not in ("session", "end") and (not wanted or line.kind in wanted)
        ]


def clock(ms: int) -> str:
    """``0:07``, ``12:40``, ``1:02:03``: minutes and seconds since the start."""
    hours, rest = divmod(ms // 1000, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def short(value: Any, limit: int = MAX_TEXT) -> str:
    words = " ".join(str(value or "").split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def path_of(url: str) -> str:
    try:
        return urlsplit(url).path or url
    except ValueError:
        return url


def asset(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1].lower() in ASSETS


def target_of(label: str, detail: dict[str, Any]) -> str:
    """What a person clicked: the element's text, else its selector."""
    words = detail.get("text") or detail.get("target_text")
    if isinstance(words, str) and words.strip():
        return short(words, 80)
    quoted = re.search(r'"(.+)"', label)
    if quoted:
        return short(quoted.group(1), 80)
    selector = detail.get("target") or detail.get("selector") or label.split(" ")[0]
    return short(selector, 80)


def describe(row: TimelineEntry) -> tuple[str, dict[str, Any]] | None:
    """The line text and fields of a row, or None when it is left out."""
    kind, label, detail = row.kind, short(row.label), row.detail or {}
    name = NAMES.get(kind, kind)
    if kind in ERROR_LEVELS and row.level not in ERROR_LEVELS[kind]:
        return None
    if kind == Kind.LOG and detail.get("logger") in RESTATED:
        return None
    if kind == Kind.PAGE_VIEW:
        path = path_of(str(detail.get("url", "")))
        title = short(row.label, 80)
        text = f'{name} "{title}" {path}' if title else f"{name} {path}"
        return text, {"title": title, "path": path}
    if kind == Kind.CLICK or kind in SIGNALS:
        return f"{name} {label}".rstrip(), {"target": target_of(row.label, detail)}
    if kind in (Kind.NETWORK, Kind.SERVER_REQUEST):
        method = str(detail.get("method") or "GET").upper()
        path = path_of(str(detail.get("url") or detail.get("path") or ""))
        code = detail.get("status")
        if isinstance(code, int) and 400 <= code < 500 and asset(path):
            return None
        status = str(code) if isinstance(code, int) and code > 0 else "failed"
        return f"{name} {label}", {"method": method, "path": short(path, 80), "status": status}
    if kind == Kind.WEB_VITAL:
        if detail.get("rating") != "poor":
            return None
        shown = label.removesuffix(" (poor)")
        return f"{name} {shown}", {"name": str(detail.get("name", "")), "value": shown}
    if kind == Kind.CUSTOM:
        return f"{name} {label}", {"name": label}
    if kind == Kind.LOG:
        return f"{name} {row.level} {label}", {"message": label}
    return f"{name} {label}", {"message": label}  # console, JS error, server exception


def rank(line: Line) -> int:
    """Which lines a cut keeps first: errors and signals, then page views."""
    if line.kind in SIGNALS or line.kind in ERRORS:
        return 0
    return 1 if line.kind == Kind.PAGE_VIEW else 2


def wanted() -> Q:
    """The rows that may make a line, levels and ratings filtered in the database."""
    plain = sorted(kind for kind in READ if kind not in ERROR_LEVELS and kind != Kind.WEB_VITAL)
    query = Q(kind__in=plain) | Q(kind=Kind.WEB_VITAL, detail__rating="poor")
    for kind, levels in ERROR_LEVELS.items():
        query |= Q(kind=kind, level__in=sorted(levels))
    return query


def moments(session: ReplaySession) -> list[Line]:
    """The session's lines by time, their offsets still 0."""
    rows = (
        TimelineEntry.objects.filter(wanted(), session_id=session.pk)
        .order_by("ts", "id")
        .only("id", "ts", "kind", "window", "label", "level", "detail")[:MAX_ROWS]
    )
    lines: list[Line] = []
    clicked = ""  # the text of the last line when it is a click
    for row in rows.iterator():
        described = describe(row)
        if described is None:
            continue
        text, fields = described
        last = lines[-1] if lines else None
        if last is not None and row.kind == Kind.CLICK and clicked == f"{row.window} {text}":
            count = last.count + 1
            lines[-1] = replace(last, text=f"{text} ×{count}", count=count)
            continue
        clicked = f"{row.window} {text}" if row.kind == Kind.CLICK else ""
        lines.append(Line(f"E{row.pk}", 0, row.ts, row.window, row.kind, text, fields))
    return lines


def digest_of(session: ReplaySession) -> Digest:
    """The digest of the session as it is stored now (one query of its timeline)."""
    found = moments(session)
    start = session.first_timestamp
    if start is None:  # no batch stored: time from the first moment
        start = min((line.ts for line in found), default=0)
    found = [replace(line, offset_ms=max(0, line.ts - start)) for line in found]
    views = sum(line.kind == Kind.PAGE_VIEW for line in found)
    room = MAX_LINES - 2
    omitted = max(0, len(found) - room)
    if omitted:
        order = sorted(range(len(found)), key=lambda i: (rank(found[i]), i))
        found = [found[i] for i in sorted(order[:room])]
    client = " · ".join(filter(None, [session.browser, session.os, session.device]))
    pages = f"{views} page view" + ("" if views == 1 else "s")
    about = ", ".join(filter(None, [client, pages]))
    if omitted:
        about += f", {omitted} less telling moments left out"
    head = Line("S", 0, start, "", "session", f"session: {about}")
    end_ts = max([session.last_timestamp or start, *(line.ts for line in found)])
    said = "session ended" if session.ended is not None else "last event so far (still open)"
    ended = {"ended": session.ended is not None}
    end = Line("END", max(0, end_ts - start), end_ts, "", "end", said, ended)
    return Digest(session.pk, [head, *found, end], omitted)
