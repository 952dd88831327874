"""What the recorder is told: the configuration ``{% session_replay_recorder %}``
renders as JSON. Every limit, pace, close code and id rule the recorder obeys
comes from here, so frontend/src retypes no server constant."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from . import lifecycle
from .conf import conf
from .privacy import patterns
from .privacy.modes import MASK_CLASS, mode_config
from .timeline.pages import TAG as PAGE_EVENT_TAG
from .wire import codes, frames

HIDDEN_INPUTS = 'input[type="hidden" i]'
CONSOLE_MAX_CHARS = 5000  # per console argument, as serialised


def clamp_rate(value: Any) -> float:
    """A tag's sample_rate as a fraction; anything unreadable records nobody rather
    than failing the page (the setting itself is checked by manage.py check)."""
    try:
        rate = float(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, min(1.0, rate)) if rate == rate else 0.0  # NaN records nobody


def protocol_rules() -> dict[str, Any]:
    return {
        "codes": {code.text: code.close_code for code in codes.Code},
        "fatal": [code.close_code for code in codes.FATAL],
        "refused": [code.close_code for code in codes.BATCH_REFUSED],
        "sessionFull": codes.Code.SESSION_FULL.close_code,
        "seqConflict": codes.Code.SEQ_CONFLICT.close_code,
        "idPattern": frames.ID_PATTERN,
        # Half the server's rate limits, so re-sending a backlog after a
        # reconnect is never rate_limited.
        "pace": {
            "frames": max(1, conf.MAX_FRAMES_PER_SECOND // 2),
            "bytes": max(1, conf.MAX_BYTES_PER_SECOND // 2),
            "rawBytes": max(1, conf.MAX_RAW_BYTES_PER_SECOND // 2),
        },
        # A quiet socket pings three times per SOCKET_IDLE_TIMEOUT, so one lost
        # ping never gets it closed.
        "pingMs": conf.SOCKET_IDLE_TIMEOUT * 1000 // 3,
    }


def telemetry_config(
    *, console: bool, errors: bool, network: bool, performance: bool
) -> dict[str, Any]:
    """What the recorder captures besides the DOM (docs/recording.md); None
    arguments of the tag were already replaced by the settings."""
    return {
        "console": {
            "enabled": bool(console),
            "maxRecords": conf.CONSOLE_MAX_RECORDS,
            "maxChars": CONSOLE_MAX_CHARS,
        },
        "errors": {"enabled": bool(errors)},
        "network": {
            "enabled": bool(network),
            "headers": conf.NETWORK_RECORD_HEADERS,
            "bodyUrls": conf.NETWORK_BODY_URLS,
            "maxBodyBytes": conf.NETWORK_MAX_BODY_BYTES,
            "redactHeaders": patterns.redacted_headers(),
        },
        "performance": {"enabled": bool(performance)},
        "scrubPatterns": patterns.sources(),
    }


def recorder_config(
    *,
    sample_rate: Any,
    autostart: bool,
    mask_text_selector: str | None,
    block_selector: str | None,
    record_canvas: bool = False,
    record_cross_origin_iframes: bool = False,
    privacy: str | None = None,
    record_console: bool | None = None,
    record_errors: bool | None = None,
    record_network: bool | None = None,
    record_performance: bool | None = None,
    record_interactions: bool | None = None,
) -> dict[str, Any]:
    return {
        "v": frames.VERSION,
        "ws": conf.WEBSOCKET_PATH,
        "ingest": conf.INGEST_URL or reverse("session_replay:ingest"),
        "key": conf.SITE_KEY,
        "autostart": bool(autostart),
        # The recorder reads the browser's DNT itself (and always its GPC).
        "respectDoNotTrack": conf.RESPECT_DO_NOT_TRACK,
        "sampleRate": clamp_rate(sample_rate),
        "maskAllInputs": conf.MASK_ALL_INPUTS,
        "maskTextSelector": mask_text_selector,
        # Text marked with the session_replay_mask filter, masked whole in every mode.
        "maskClass": MASK_CLASS,
        "privacy": mode_config(privacy),
        "scrubQueryParameters": conf.SCRUB_QUERY_PARAMETERS,
        "flushIntervalMs": conf.FLUSH_INTERVAL_MS,
        "flushBytes": conf.FLUSH_BYTES,
        "maxFrameBytes": conf.MAX_FRAME_BYTES,
        # A larger batch goes in parts; a larger event becomes a too_large gap.
        "maxEventBytes": conf.MAX_EVENT_BYTES,
        "maxBufferBytes": conf.MAX_BUFFER_BYTES,
        "maxBatchesPerRequest": conf.MAX_BATCHES_PER_REQUEST,
        # Hidden inputs hold tokens (Django's CSRF token among them), never
        # anything a replay shows: their values never leave the page.
        "blockSelector": ", ".join(filter(None, [block_selector, HIDDEN_INPUTS])),
        **lifecycle.recorder_rules(),
        "checkoutEveryNms": conf.CHECKOUT_EVERY_MS,
        "plugins": [],
        # docs/recording.md: canvas images are sampled in a worker, as WebP.
        "recordCanvas": bool(record_canvas),
        "canvas": {"fps": conf.CANVAS_FPS, "quality": conf.CANVAS_QUALITY, "type": "image/webp"},
        "recordCrossOriginIframes": bool(record_cross_origin_iframes),
        "pageEventTag": PAGE_EVENT_TAG,
        **telemetry_config(
            console=conf.RECORD_CONSOLE if record_console is None else record_console,
            errors=conf.RECORD_ERRORS if record_errors is None else record_errors,
            network=conf.RECORD_NETWORK if record_network is None else record_network,
            performance=(
                conf.RECORD_PERFORMANCE if record_performance is None else record_performance
            ),
        ),
        # Clicks (target tag, id, classes, masked text) and focus on form fields, never values.
        "interactions": {
            "enabled": bool(
                conf.RECORD_INTERACTIONS if record_interactions is None else record_interactions
            ),
            # What the recorder watches itself (telemetry/signals.js; timeline/signals.py).
            "signals": {
                "deadClickMs": conf.DEAD_CLICK_TIMEOUT_MS,
                "thrashingChanges": conf.THRASHING_DIRECTION_CHANGES,
                "thrashingWindowMs": conf.THRASHING_WINDOW_MS,
            },
        },
        # The welcome's ctx goes into this first-party cookie, read by the server's
        # ServerTimelineMiddleware; it expires with the session's idle timeout.
        "contextCookie": conf.CONTEXT_COOKIE,
        "contextCookieMaxAge": conf.IDLE_TIMEOUT,
        "protocol": protocol_rules(),
    }
