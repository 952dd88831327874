"""Every key of ``settings.SESSION_REPLAY``: its default and the values it may hold.

docs/configuration.md documents each key; config/checks.py turns a value that
breaks its rule into a system check error (docs/checks.md lists the ids).
"""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Rule = Callable[[Any], str | None]  # None: the value is fine; else what is wrong with it

MIB = 1024 * 1024
# uvicorn's default WebSocket message limit (--ws-max-size), the largest frame
# limit we allow: over the ASGI server's own limit a frame is cut before our
# frame_too_large answer could reach the client (config/servers.py warns when
# daphne's is lower).
ASGI_MESSAGE_LIMIT = 16 * MIB


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def integer(low: int, high: int | None = None) -> Rule:
    def rule(value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return "must be an integer"
        if value < low or (high is not None and value > high):
            return f"must be from {low} to {high}" if high is not None else f"must be >= {low}"
        return None

    return rule


def fraction(value: Any) -> str | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "must be a number from 0 to 1"
    return None if 0 <= value <= 1 else "must be from 0 to 1"


def text(*, optional: bool = False) -> Rule:
    def rule(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            return "must be a non-empty string" + (" or None" if optional else "")
        return None

    return rule


def url_path(value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith("/") or not value.endswith("/"):
        return "must be a path that starts and ends with '/', like '/ws/session-replay/'"
    return None


def strings(*, optional: bool = False) -> Rule:
    def rule(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return "must be a list of strings" + (" or None" if optional else "")
        return None

    return rule


def one_of(*choices: str) -> Rule:
    def rule(value: Any) -> str | None:
        return None if value in choices else "must be one of " + ", ".join(map(repr, choices))

    return rule


def regexes(value: Any, *, match_everything: bool) -> str | None:
    """A list of regular expressions that compile (the recorder compiles them as
    JavaScript RegExps: what Python cannot compile either is refused here,
    rather than silently in the browser)."""
    problem = strings()(value)
    if problem is not None:
        return problem
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"holds {pattern!r}, which is not a regular expression ({exc})"
        if not pattern:
            return "holds an empty pattern"
        if not match_everything and re.fullmatch(pattern, ""):
            return f"holds {pattern!r}, which matches the empty text"
    return None


def patterns(value: Any) -> str | None:
    """Patterns of text to mask: none may match the empty text."""
    return regexes(value, match_everything=False)


def url_patterns(value: Any) -> str | None:
    """Patterns matched against whole URLs (".*" is allowed: every URL)."""
    return regexes(value, match_everything=True)


SCRUB_BUILTINS = ("email", "card", "bearer")  # privacy/patterns.py


def scrub_patterns(value: Any) -> str | None:
    """Names of built-in patterns or regular expressions of one's own."""
    problem = strings()(value)
    if problem is not None:
        return problem
    own = [pattern for pattern in value if pattern not in SCRUB_BUILTINS]
    return patterns(own)


def networks(value: Any) -> str | None:
    problem = strings()(value)
    if problem is not None:
        return problem
    for entry in value:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            return f"holds {entry!r}, which is neither an IP address nor a CIDR network"
    return None


def header_names(value: Any) -> str | None:
    problem = strings()(value)
    if problem is not None:
        return problem
    for name in value:
        if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            return f"holds {name!r}, which is not an HTTP header name"
    return None


def csp_sources(value: Any) -> str | None:
    problem = strings()(value)
    if problem is not None:
        return problem
    if any(not source or any(c in source for c in " ;,'\"") for source in value):
        return "must hold CSP source expressions, like 'https://cdn.example.com', one per string"
    return None


def encryption_keys(value: Any) -> str | None:
    """Each key 32 random bytes as URL-safe base64 (session_replay_keygen prints one)."""
    problem = strings()(value)
    if problem is not None:
        return problem
    for position, text in enumerate(value):
        try:
            raw = base64.b64decode(text.encode() + b"=" * (-len(text) % 4), b"-_", validate=True)
        except ValueError:
            return f"holds an entry at position {position} that is not URL-safe base64"
        if len(raw) != 32:
            return f"holds an entry at position {position} of {len(raw)} bytes, not 32"
    if len(set(value)) != len(value):
        return "holds the same key twice"
    return None


def cookie_name(value: Any) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", value):
        return "must be a cookie name (letters, digits and !#$%&'*+-.^_`|~)"
    return None


def model_labels(value: Any) -> str | None:
    """The form only; whether each names an installed model is checked at startup."""
    problem = strings()(value)
    if problem is not None:
        return problem
    for label in value:
        if label.count(".") != 1 or not all(label.split(".")):
            return f"holds {label!r}, which is not of the form 'app_label.ModelName'"
    return None


@dataclass(frozen=True)
class Key:
    default: Any
    rule: Rule
    secret: bool = False  # its value is never printed (config/checks.py)


KEYS: dict[str, Key] = {
    "ENABLED": Key(True, boolean),
    "SITE_KEY": Key(None, text(optional=True)),  # None: derived from SECRET_KEY
    "ALLOWED_ORIGINS": Key(None, strings(optional=True)),  # None: the hosts of ALLOWED_HOSTS
    "STORAGE_ALIAS": Key("session_replay", text()),  # falls back to "default" when absent
    "WEBSOCKET_PATH": Key("/ws/session-replay/", url_path),
    "INGEST_URL": Key(None, text(optional=True)),  # None: reversed from the API's endpoint
    "IDLE_TIMEOUT": Key(30 * 60, integer(10)),
    # Active (someone is there now) is shorter than resumable: a quiet connected
    # recorder keeps it by pinging (ingest/presence.py; E023 bounds it from below).
    "ACTIVE_WINDOW": Key(2 * 60, integer(10)),
    "MAX_DURATION": Key(12 * 60 * 60, integer(60)),
    # Half of daphne's default message limit (1 MiB): what is larger travels in parts.
    "MAX_FRAME_BYTES": Key(MIB // 2, integer(1024, ASGI_MESSAGE_LIMIT)),
    # A batch in parts, inflated: the corpus's largest full snapshot is 2.3 MB.
    "MAX_EVENT_BYTES": Key(32 * MIB, integer(64 * 1024)),
    "MAX_FRAMES_PER_SECOND": Key(50, integer(2)),
    "MAX_BYTES_PER_SECOND": Key(4 * MIB, integer(4096)),
    # Inflated bytes: 43 KB of deflate can carry 40 MiB of events.
    "MAX_RAW_BYTES_PER_SECOND": Key(16 * MIB, integer(64 * 1024)),
    "MAX_BATCHES_PER_REQUEST": Key(100, integer(1, 10_000)),
    "HTTP_REQUESTS_PER_MINUTE": Key(30, integer(1)),  # per resume token
    "HTTP_REQUESTS_PER_MINUTE_PER_ADDRESS": Key(120, integer(1)),
    "NEW_SESSIONS_PER_MINUTE": Key(30, integer(1)),  # per client address and site key
    "HELLO_TIMEOUT": Key(10, integer(1, 300)),
    "SOCKET_IDLE_TIMEOUT": Key(90, integer(2)),  # the recorder pings every 30 s when idle
    "MAX_SESSION_EVENTS": Key(1_000_000, integer(1)),
    # docs/configuration.md says why: two hours of the corpus's heaviest page.
    "MAX_SESSION_BYTES": Key(192 * MIB, integer(4096)),
    "SAMPLE_RATE": Key(1.0, fraction),
    "AUTOSTART": Key(True, boolean),
    # Global Privacy Control always stops recording; Do Not Track does unless this
    # is False; staff users are recorded only if RECORD_STAFF (privacy/optout.py).
    "RESPECT_DO_NOT_TRACK": Key(True, boolean),
    "RECORD_STAFF": Key(False, boolean),
    "MASK_ALL_INPUTS": Key(True, boolean),
    # Form fields masked by name (privacy/fields.py), besides sensitive_post_parameters.
    "MASK_FIELDS": Key([], strings()),
    # What the recorder masks in page text (privacy/modes.py; docs/configuration.md).
    "PRIVACY_MODE": Key("balanced", one_of("strict", "balanced", "relaxed")),
    "MASK_TEXT_PATTERNS": Key([], patterns),  # more than digits and e-mail addresses
    # Query parameters whose names contain one of these lose their values
    # (privacy/scrub.py, in the recorder and again on the server).
    "SCRUB_QUERY_PARAMETERS": Key(
        ["token", "key", "secret", "password", "auth", "code", "session", "signature"], strings()
    ),
    "MASK_TEXT_SELECTOR": Key(None, text(optional=True)),
    # Browser telemetry (docs/recording.md, "Console, errors, network, performance"):
    # each capture has a tag argument of the same lower-case name.
    "RECORD_CONSOLE": Key(True, boolean),
    "CONSOLE_MAX_RECORDS": Key(1000, integer(1, 100_000)),  # per page view
    "RECORD_ERRORS": Key(True, boolean),
    "RECORD_NETWORK": Key(True, boolean),
    "NETWORK_RECORD_HEADERS": Key(False, boolean),
    "NETWORK_BODY_URLS": Key([], url_patterns),  # bodies only for URLs matching one
    "NETWORK_MAX_BODY_BYTES": Key(150_000, integer(1, MIB)),
    "NETWORK_REDACT_HEADERS": Key([], header_names),  # on top of privacy/patterns.py's list
    "RECORD_PERFORMANCE": Key(True, boolean),
    # Clicks (a short masked description of the target) and focus on form fields,
    # never their values (docs/recording.md).
    "RECORD_INTERACTIONS": Key(True, boolean),
    # Replaced in console text and network URLs and bodies, in the recorder and
    # again on the server for what the timeline stores (privacy/patterns.py).
    "SCRUB_PATTERNS": Key(list(SCRUB_BUILTINS), scrub_patterns),
    # How a session keeps its visitor's address (privacy/addresses.py).
    "IP_ADDRESSES": Key("truncate", one_of("truncate", "full", "none")),
    "TRUSTED_PROXIES": Key([], networks),  # whose X-Forwarded-For is believed
    "BLOCK_SELECTOR": Key(None, text(optional=True)),
    "FLUSH_INTERVAL_MS": Key(2000, integer(100, 60_000)),
    "FLUSH_BYTES": Key(64 * 1024, integer(1024)),
    "MAX_BUFFER_BYTES": Key(2 * MIB, integer(64 * 1024)),
    "CHECKOUT_EVERY_MS": Key(5 * 60 * 1000, integer(1000)),
    # Opt-ins (docs/recording.md): canvas frames are images of whatever the page
    # draws, and a framed page posts its events to whatever page frames it.
    "RECORD_CANVAS": Key(False, boolean),
    "CANVAS_FPS": Key(2, integer(1, 30)),
    "CANVAS_QUALITY": Key(0.4, fraction),
    "RECORD_CROSS_ORIGIN_IFRAMES": Key(False, boolean),
    "COMPACT_TAIL_BYTES": Key(2 * MIB, integer(1)),
    "CHUNK_TARGET_BYTES": Key(8 * MIB, integer(64 * 1024)),
    "COMPRESSION_LEVEL": Key(11, integer(1, 22)),  # zstd; bench/README.md has the figures
    "RETENTION_DAYS": Key(30, integer(0)),
    # What deleting a Django user does to their sessions (privacy/erasure.py).
    "USER_DELETION": Key("delete", one_of("delete", "detach")),
    "AUDIT_RETENTION_DAYS": Key(365, integer(0)),  # 0: audit entries are kept forever
    # Newest first; [] stores batches and chunks unencrypted (storage/encryption.py).
    "ENCRYPTION_KEYS": Key([], encryption_keys, secret=True),
    "LIVE_GROUPS": Key(True, boolean),
    # The recorder's first-party cookie naming the session and window, read by
    # ServerTimelineMiddleware (server/context.py).
    "CONTEXT_COOKIE": Key("sr_ctx", cookie_name),
    # "app_label.ModelName" of models whose instances a recorded request creates or
    # changes are linked to the session (server/links.py; config/checks.py resolves them).
    "LINK_MODELS": Key([], model_labels),
    # More CSP sources a replay may load images, styles, fonts and media from
    # (a CDN of the recorded site); admin/csp.py.
    "REPLAY_ALLOWED_SOURCES": Key([], csp_sources),
    # The admin replay page starts playing once the recording can be drawn.
    "AUTOPLAY": Key(True, boolean),
    # None: tasks run in this process on one background thread; else an alias of
    # settings.TASKS (config/tasks.py checks it is one).
    "TASK_BACKEND": Key(None, text(optional=True)),
    # Frustration signals (timeline/signals.py; docs/insights.md gives each default's source).
    "RAGE_CLICK_COUNT": Key(3, integer(2, 100)),
    "RAGE_CLICK_WINDOW_MS": Key(1000, integer(100, 10_000)),
    "RAGE_CLICK_RADIUS_PX": Key(30, integer(1, 1000)),
    "DEAD_CLICK_TIMEOUT_MS": Key(2500, integer(100, 60_000)),  # watched in the recorder
    "ERROR_CLICK_WINDOW_MS": Key(1000, integer(100, 60_000)),
    "THRASHING_DIRECTION_CHANGES": Key(8, integer(3, 1000)),  # watched in the recorder
    "THRASHING_WINDOW_MS": Key(2000, integer(100, 60_000)),
    "QUICK_BACK_MS": Key(5000, integer(100, 600_000)),
    # Session summaries (insights/): a dotted path to a Summariser subclass.
    "SUMMARY_BACKEND": Key("django_session_replay.insights.summaries.RuleBasedSummariser", text()),
    # An OpenAI-compatible chat-completions endpoint for summaries and questions
    # (None: off). "http://127.0.0.1:11434/v1" is Ollama's.
    "LLM_BASE_URL": Key(None, text(optional=True)),
    "LLM_MODEL": Key(None, text(optional=True)),
    "LLM_API_KEY": Key(None, text(optional=True), secret=True),
    "LLM_TIMEOUT": Key(30, integer(1, 600)),  # seconds per request
    "PROCESSORS": Key(
        [
            "django_session_replay.live.processor.LivePublish",
            "django_session_replay.storage.processor.TailCompaction",
            "django_session_replay.timeline.processor.PageViews",
            "django_session_replay.timeline.telemetry.Telemetry",
            "django_session_replay.timeline.signals.Signals",
        ],
        strings(),
    ),
}

# Pairs of keys where the first may not exceed the second.
AT_MOST = [
    ("FLUSH_BYTES", "MAX_FRAME_BYTES"),
    ("MAX_FRAME_BYTES", "MAX_BYTES_PER_SECOND"),
    ("MAX_FRAME_BYTES", "MAX_RAW_BYTES_PER_SECOND"),
    ("MAX_FRAME_BYTES", "MAX_EVENT_BYTES"),
    ("MAX_EVENT_BYTES", "MAX_SESSION_BYTES"),
    ("IDLE_TIMEOUT", "MAX_DURATION"),
    ("ACTIVE_WINDOW", "IDLE_TIMEOUT"),  # Active, yet no longer resumable
]
