"""Every setting of the app, read from ``settings.SESSION_REPLAY`` on each access.

Reading lazily keeps ``override_settings`` working. No other module reads our
settings from ``django.conf.settings`` directly. What each key may hold is in
config/spec.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http.request import split_domain_port
from django.utils.crypto import salted_hmac

from .config.spec import KEYS

DEFAULTS: dict[str, Any] = {name: key.default for name, key in KEYS.items()}


def _get(name: str) -> Any:
    """The configured value, or the default when it is missing or breaks its rule
    (``manage.py check`` reports those; a page render never fails on one)."""
    user = getattr(settings, "SESSION_REPLAY", None)
    if not isinstance(user, dict) or name not in user:
        return DEFAULTS[name]
    value = user[name]
    return DEFAULTS[name] if KEYS[name].rule(value) is not None else value


class Settings:
    """Typed accessors; each property documents one key of ``SESSION_REPLAY``."""

    @property
    def ENABLED(self) -> bool:
        return bool(_get("ENABLED"))

    @property
    def SITE_KEY(self) -> str:
        key = _get("SITE_KEY")
        if key:
            return str(key)
        # Public by design (it is rendered into every page); derived so that a
        # fresh install records without extra configuration.
        return salted_hmac("django_session_replay.site_key", "site-key").hexdigest()[:32]

    @property
    def ALLOWED_ORIGINS(self) -> list[str]:
        """Host patterns an ``Origin`` may have, in ``ALLOWED_HOSTS`` syntax."""
        origins = _get("ALLOWED_ORIGINS")
        if origins is not None:
            return [str(origin) for origin in origins]
        hosts = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not hosts:
            hosts = [".localhost", "127.0.0.1", "[::1]"]
        return [split_domain_port(host)[0] or host for host in hosts]

    @property
    def STORAGE_ALIAS(self) -> str:
        return str(_get("STORAGE_ALIAS"))

    @property
    def WEBSOCKET_PATH(self) -> str:
        return str(_get("WEBSOCKET_PATH"))

    @property
    def INGEST_URL(self) -> str | None:
        url = _get("INGEST_URL")
        return None if url is None else str(url)

    @property
    def IDLE_TIMEOUT(self) -> int:
        return int(_get("IDLE_TIMEOUT"))

    @property
    def MAX_DURATION(self) -> int:
        return int(_get("MAX_DURATION"))

    @property
    def PRIVACY_MODE(self) -> str:
        """strict, balanced or relaxed: what the recorder masks (privacy/modes.py)."""
        return str(_get("PRIVACY_MODE"))

    @property
    def MASK_TEXT_PATTERNS(self) -> list[str]:
        return list(_get("MASK_TEXT_PATTERNS"))

    @property
    def SCRUB_QUERY_PARAMETERS(self) -> list[str]:
        return list(_get("SCRUB_QUERY_PARAMETERS"))

    @property
    def USER_DELETION(self) -> str:
        """delete or detach: a deleted user's sessions (privacy/erasure.py)."""
        return str(_get("USER_DELETION"))

    @property
    def RESPECT_DO_NOT_TRACK(self) -> bool:
        """Do Not Track stops recording (Global Privacy Control always does)."""
        return bool(_get("RESPECT_DO_NOT_TRACK"))

    @property
    def RECORD_STAFF(self) -> bool:
        """Pages seen by staff users are recorded too."""
        return bool(_get("RECORD_STAFF"))

    @property
    def MAX_FRAME_BYTES(self) -> int:
        return int(_get("MAX_FRAME_BYTES"))

    @property
    def MAX_EVENT_BYTES(self) -> int:
        """What one batch sent in parts may inflate to (event_too_large above)."""
        return int(_get("MAX_EVENT_BYTES"))

    @property
    def MAX_FRAMES_PER_SECOND(self) -> int:
        return int(_get("MAX_FRAMES_PER_SECOND"))

    @property
    def MAX_BYTES_PER_SECOND(self) -> int:
        return int(_get("MAX_BYTES_PER_SECOND"))

    @property
    def MAX_BATCHES_PER_REQUEST(self) -> int:
        """Batches one HTTP ingest request may carry (too_many_batches above)."""
        return int(_get("MAX_BATCHES_PER_REQUEST"))

    @property
    def HTTP_REQUESTS_PER_MINUTE(self) -> int:
        """HTTP ingest requests per resume token per minute (rate_limited above)."""
        return int(_get("HTTP_REQUESTS_PER_MINUTE"))

    @property
    def HTTP_REQUESTS_PER_MINUTE_PER_ADDRESS(self) -> int:
        return int(_get("HTTP_REQUESTS_PER_MINUTE_PER_ADDRESS"))

    @property
    def NEW_SESSIONS_PER_MINUTE(self) -> int:
        """Sessions one client address may start per minute (rate_limited above)."""
        return int(_get("NEW_SESSIONS_PER_MINUTE"))

    @property
    def HELLO_TIMEOUT(self) -> int:
        """Seconds a recording socket may stay open without a hello."""
        return int(_get("HELLO_TIMEOUT"))

    @property
    def SOCKET_IDLE_TIMEOUT(self) -> int:
        """Seconds a recording socket may stay silent (no batch, no ping) before it is closed."""
        return int(_get("SOCKET_IDLE_TIMEOUT"))

    @property
    def MAX_RAW_BYTES_PER_SECOND(self) -> int:
        """Inflated event bytes one connection may send per second (rate_limited above)."""
        return int(_get("MAX_RAW_BYTES_PER_SECOND"))

    @property
    def MAX_SESSION_EVENTS(self) -> int:
        return int(_get("MAX_SESSION_EVENTS"))

    @property
    def MAX_SESSION_BYTES(self) -> int:
        return int(_get("MAX_SESSION_BYTES"))

    @property
    def SAMPLE_RATE(self) -> float:
        return float(_get("SAMPLE_RATE"))

    @property
    def AUTOSTART(self) -> bool:
        return bool(_get("AUTOSTART"))

    @property
    def MASK_ALL_INPUTS(self) -> bool:
        return bool(_get("MASK_ALL_INPUTS"))

    @property
    def MASK_TEXT_SELECTOR(self) -> str | None:
        selector = _get("MASK_TEXT_SELECTOR")
        return None if selector is None else str(selector)

    @property
    def BLOCK_SELECTOR(self) -> str | None:
        selector = _get("BLOCK_SELECTOR")
        return None if selector is None else str(selector)

    @property
    def FLUSH_INTERVAL_MS(self) -> int:
        return int(_get("FLUSH_INTERVAL_MS"))

    @property
    def FLUSH_BYTES(self) -> int:
        return int(_get("FLUSH_BYTES"))

    @property
    def MAX_BUFFER_BYTES(self) -> int:
        return int(_get("MAX_BUFFER_BYTES"))

    @property
    def CHECKOUT_EVERY_MS(self) -> int:
        return int(_get("CHECKOUT_EVERY_MS"))

    @property
    def RECORD_CANVAS(self) -> bool:
        return bool(_get("RECORD_CANVAS"))

    @property
    def CANVAS_FPS(self) -> int:
        return int(_get("CANVAS_FPS"))

    @property
    def CANVAS_QUALITY(self) -> float:
        return float(_get("CANVAS_QUALITY"))

    @property
    def RECORD_CROSS_ORIGIN_IFRAMES(self) -> bool:
        return bool(_get("RECORD_CROSS_ORIGIN_IFRAMES"))

    @property
    def COMPACT_TAIL_BYTES(self) -> int:
        return int(_get("COMPACT_TAIL_BYTES"))

    @property
    def CHUNK_TARGET_BYTES(self) -> int:
        return int(_get("CHUNK_TARGET_BYTES"))

    @property
    def COMPRESSION_LEVEL(self) -> int:
        return int(_get("COMPRESSION_LEVEL"))

    @property
    def RETENTION_DAYS(self) -> int:
        return int(_get("RETENTION_DAYS"))

    @property
    def AUDIT_RETENTION_DAYS(self) -> int:
        """Days ``session_replay_purge`` keeps audit entries; 0 keeps them forever."""
        return int(_get("AUDIT_RETENTION_DAYS"))

    @property
    def LIVE_GROUPS(self) -> bool:
        return bool(_get("LIVE_GROUPS"))

    @property
    def TASK_BACKEND(self) -> str | None:
        """Alias in ``settings.TASKS`` that runs the app's tasks; None: a thread here."""
        alias = _get("TASK_BACKEND")
        return None if alias is None else str(alias)

    @property
    def REPLAY_ALLOWED_SOURCES(self) -> list[str]:
        """CSP sources a replay may load from besides the recorded site and the admin."""
        return [str(source) for source in _get("REPLAY_ALLOWED_SOURCES")]

    @property
    def PROCESSORS(self) -> list[str]:
        """Dotted paths of the pipeline's processors, run in this order."""
        return [str(path) for path in _get("PROCESSORS")]


conf = Settings()
