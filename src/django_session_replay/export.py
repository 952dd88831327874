"""A session as one self-contained HTML file: the player, its styles and every
window's events, which replays from disk with no network (api/export.py serves it).

The built bundles (``export.js``, ``player.css``: ``npm run build`` in frontend/)
are read through the static files finders and inlined. The events, as JSON,
are gzipped and go into a ``<script type="application/gzip">`` element in
base64, whose alphabet cannot close the element; the player inflates them with
the browser's own ``DecompressionStream``. Gzipped, the file is about a
third of its size as JSON (bench/README.md, "Export size"). The page's
Content-Security-Policy (a ``<meta>`` tag) allows exactly the one inline
script by its SHA-256 hash and no network at all; recorded pages replay in
rrweb's sandboxed iframe, which runs no script.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.staticfiles import finders
from django.utils import timezone
from django.utils.html import escape

from django_session_replay.models import ReplaySession
from django_session_replay.storage import ndjson, reader

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
# The most recorded bytes (ReplaySession.byte_count: the events' msgpack, as
# MAX_SESSION_BYTES counts them) a session may have to be exported. The file is
# a quarter to a third of that (gzipped JSON in base64), but a browser opening
# it inflates and parses it whole: 64 MiB make 70 to 100 MB of JSON.
MAX_EXPORT_BYTES = 64 * MIB

SCRIPT = "django_session_replay/export.js"
STYLE = "django_session_replay/player.css"
DATA_ID = "session-replay-export"
DATA_TYPE = "application/gzip"  # not a script type: the element is a data block
PIECE_BYTES = ndjson.PIECE_BYTES
GZIP_LEVEL = 6  # 9 makes the file 2-3 % smaller in twice the time
# A bundle's text must not end its element early; "<\/script" means the same
# in a JS string, template or regex literal (esbuild escapes these already).
CLOSING_TAG = re.compile(rb"</(script|style)", re.IGNORECASE)


class BundlesMissing(Exception):
    """The frontend is not built: the named static files are not found."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


class TooLarge(Exception):
    """The session holds more recorded bytes than an export may."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


@dataclass(frozen=True)
class Bundles:
    script: bytes
    style: bytes

    @property
    def script_hash(self) -> str:
        digest = hashlib.sha256(self.script).digest()
        return "sha256-" + base64.b64encode(digest).decode()


def bundles() -> Bundles:
    """The built export.js and player.css, ready to inline; BundlesMissing if not built."""
    found = {name: finders.find(name) for name in (SCRIPT, STYLE)}
    missing = [name for name, path in found.items() if not path]
    if missing:
        raise BundlesMissing(missing)
    texts = {}
    for name, path in found.items():
        assert isinstance(path, str)  # find() without all=True: one path
        with open(path, "rb") as file:
            text = file.read()
        texts[name] = CLOSING_TAG.sub(lambda match: b"<\\/" + match.group(1), text)
    return Bundles(script=texts[SCRIPT], style=texts[STYLE])


def content_security_policy(bundles: Bundles) -> str:
    """Nothing from the network, one script (the player, by hash), inline styles
    (rrweb rebuilds the recorded page's <style> elements and style attributes),
    images and fonts from data: and blob: URLs only (what the recording holds)."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src '{bundles.script_hash}'",
            "style-src 'unsafe-inline'",
            "img-src data: blob:",
            "font-src data:",
            "media-src data: blob:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


class Base64Gzip:
    """Gzips a stream of bytes into base64 text as it comes: each piece in, the
    base64 of what the compressor let out so far (whole 3-byte groups, so the
    pieces join into one base64 text); ``end`` gives the rest, padded."""

    def __init__(self) -> None:
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self.held = b""

    def feed(self, data: bytes) -> bytes:
        self.held += self.compressor.compress(data)
        whole = len(self.held) - len(self.held) % 3
        out, self.held = self.held[:whole], self.held[whole:]
        return base64.b64encode(out)

    def end(self) -> bytes:
        out = base64.b64encode(self.held + self.compressor.flush())
        self.held = b""
        return out


def check_size(session: ReplaySession) -> None:
    if session.byte_count > MAX_EXPORT_BYTES:
        raise TooLarge(session.byte_count)


def filename(session_id: UUID) -> str:
    return f"session-replay-{session_id}.html"


def pieces(session: ReplaySession, bundles: Bundles) -> Iterator[bytes]:
    """The HTML file in pieces of about PIECE_BYTES: head, the events window by
    window (each read as the NDJSON endpoint reads it), then the player."""
    windows = reader.windows(session.pk)
    about = {
        "id": str(session.pk),
        "started": session.created.isoformat(),
        "entry_url": session.entry_url,
        "entry_title": session.entry_title,
        "exported": timezone.now().isoformat(),
        "windows": windows,
    }
    title = f"Session replay {session.pk}"
    policy = content_security_policy(bundles)  # no double quote in it
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n"
    ).encode()
    yield head + bundles.style + EXPORT_STYLE.encode() + b"\n</style>\n</head>\n"
    body = (
        '<body>\n<header class="session-replay-export__header">\n'
        f"<h1>{escape(title)}</h1>\n"
        f"<p>{escape(session.entry_title or session.entry_url)}"
        f" · started {escape(session.created.strftime('%Y-%m-%d %H:%M:%S %Z'))}</p>\n"
        "</header>\n"
        '<nav id="session-replay-export-windows" aria-label="Windows" hidden></nav>\n'
        '<p id="session-replay-status" class="session-replay-status" role="status">'
        "Loading the recording…</p>\n"
        '<div id="session-replay-player"></div>\n'
        f'<script type="{DATA_TYPE}" id="{DATA_ID}">'
    ).encode()
    meta = json.dumps(about, separators=(",", ":"))
    packed = Base64Gzip()
    yield body + packed.feed(b'{"v":1,"session":' + meta.encode() + b',"windows":[')
    for number, window in enumerate(windows):
        for piece in window_pieces(session.pk, window, first=number == 0):
            yield packed.feed(piece)
    yield packed.feed(b"]}") + packed.end()
    yield b"</script>\n<script>" + bundles.script + b"</script>\n</body>\n</html>\n"


def window_pieces(session_id: UUID, window: str, first: bool) -> Iterator[bytes]:
    """``{"id": window, "events": [...]}`` of one window, in pieces of JSON."""
    opening = ("" if first else ",") + '{"id":' + json.dumps(window) + ',"events":['
    piece: list[bytes] = [opening.encode()]
    size = 0
    count = 0
    skipped = 0
    for event in reader.iter_events(session_id, window):
        line = ndjson.json_line(event)
        if line is None:
            skipped += 1
            continue
        if count:
            piece.append(b",")
        piece.append(line[:-1])  # without its newline
        count += 1
        size += len(line)
        if size >= PIECE_BYTES:
            yield b"".join(piece)
            piece, size = [], 0
    piece.append(b"]}")
    yield b"".join(piece)
    if skipped:
        logger.warning(
            "left %d event(s) of session %s, window %s out of its export",
            skipped,
            session_id,
            window,
        )


def events_in(document: str) -> dict[str, Any]:
    """The embedded data of an exported file, as the player reads it (tests, tools)."""
    start = document.index(f'<script type="{DATA_TYPE}" id="{DATA_ID}">')
    start = document.index(">", start) + 1
    end = document.index("</script>", start)
    data: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(document[start:end])))
    return data


# The page around the player: the admin's look without the admin's CSS.
EXPORT_STYLE = """
:root { color-scheme: light dark; }
body {
  margin: 0 auto; padding: 16px 20px; max-width: 1400px;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #333; background: #fff;
}
@media (prefers-color-scheme: dark) { body { color: #eee; background: #121212; } }
.session-replay-export__header h1 { font-size: 18px; margin: 0 0 4px; font-weight: 600; }
.session-replay-export__header p { margin: 0 0 12px; opacity: 0.8; overflow-wrap: anywhere; }
#session-replay-export-windows { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 10px; }
#session-replay-export-windows button {
  font: inherit; padding: 4px 10px; border: 1px solid #999; border-radius: 4px;
  background: transparent; color: inherit; cursor: pointer;
}
#session-replay-export-windows button[aria-pressed="true"] {
  background: #417690; border-color: #417690; color: #fff;
}
"""
