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
    def ACTIVE_WINDOW(self) -> int:
        """Seconds since its last activity a session is still shown as Active."""
        return int(_get("ACTIVE_WINDOW"))

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
    def MASK_FIELDS(self) -> list[str]:
        """Form field names whose values never leave the browser (privacy/fields.py)."""
        return list(_get("MASK_FIELDS"))

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
    def RECORD_CONSOLE(self) -> bool:
        return bool(_get("RECORD_CONSOLE"))

    @property
    def CONSOLE_MAX_RECORDS(self) -> int:
        """Console records the recorder sends per page view."""
        return int(_get("CONSOLE_MAX_RECORDS"))

    @property
    def RECORD_ERRORS(self) -> bool:
        return bool(_get("RECORD_ERRORS"))

    @property
    def RECORD_NETWORK(self) -> bool:
        return bool(_get("RECORD_NETWORK"))

    @property
    def NETWORK_RECORD_HEADERS(self) -> bool:
        return bool(_get("NETWORK_RECORD_HEADERS"))

    @property
    def NETWORK_BODY_URLS(self) -> list[str]:
        """Regular expressions; a request whose absolute URL matches one keeps its bodies."""
        return [str(pattern) for pattern in _get("NETWORK_BODY_URLS")]

    @property
    def NETWORK_MAX_BODY_BYTES(self) -> int:
        return int(_get("NETWORK_MAX_BODY_BYTES"))

    @property
    def NETWORK_REDACT_HEADERS(self) -> list[str]:
        return [str(name) for name in _get("NETWORK_REDACT_HEADERS")]

    @property
    def RECORD_PERFORMANCE(self) -> bool:
        return bool(_get("RECORD_PERFORMANCE"))

    @property
    def RECORD_INTERACTIONS(self) -> bool:
        """Clicks and focus on form fields (never values) reach the timeline."""
        return bool(_get("RECORD_INTERACTIONS"))

    @property
    def SCRUB_PATTERNS(self) -> list[str]:
        """Built-in names ("email", "card", "bearer") or regular expressions."""
        return [str(pattern) for pattern in _get("SCRUB_PATTERNS")]

    @property
    def IP_ADDRESSES(self) -> str:
        """truncate, full or none: the visitor's address a session keeps."""
        return str(_get("IP_ADDRESSES"))

    @property
    def TRUSTED_PROXIES(self) -> list[str]:
        """Addresses or CIDR networks whose X-Forwarded-For header is believed."""
        return [str(entry).strip() for entry in _get("TRUSTED_PROXIES")]

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
    def ENCRYPTION_KEYS(self) -> list[str]:
        """AES-256-GCM keys for batches and chunks at rest, newest first; [] is off."""
        return list(_get("ENCRYPTION_KEYS"))

    @property
    def LIVE_GROUPS(self) -> bool:
        return bool(_get("LIVE_GROUPS"))

    @property
    def CONTEXT_COOKIE(self) -> str:
        """The cookie holding the signed ``"<sid>:<win>"`` (server/context.py)."""
        return str(_get("CONTEXT_COOKIE"))

    @property
    def LINK_MODELS(self) -> list[str]:
        """Models ("app_label.ModelName") whose saves in a recorded request are linked."""
        return [str(label) for label in _get("LINK_MODELS")]

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
    def AUTOPLAY(self) -> bool:
        """Whether the admin replay page starts playing by itself."""
        return bool(_get("AUTOPLAY"))

    @property
    def RAGE_CLICK_COUNT(self) -> int:
        """Clicks within RAGE_CLICK_WINDOW_MS and RAGE_CLICK_RADIUS_PX that make a rage click."""
        return int(_get("RAGE_CLICK_COUNT"))

    @property
    def RAGE_CLICK_WINDOW_MS(self) -> int:
        return int(_get("RAGE_CLICK_WINDOW_MS"))

    @property
    def RAGE_CLICK_RADIUS_PX(self) -> int:
        return int(_get("RAGE_CLICK_RADIUS_PX"))

    @property
    def DEAD_CLICK_TIMEOUT_MS(self) -> int:
        """A click on a link, button or input with no reaction this long is dead."""
        return int(_get("DEAD_CLICK_TIMEOUT_MS"))

    @property
    def ERROR_CLICK_WINDOW_MS(self) -> int:
        """A JS error or failed request this soon after a click makes it an error click."""
        return int(_get("ERROR_CLICK_WINDOW_MS"))

    @property
    def THRASHING_DIRECTION_CHANGES(self) -> int:
        """Reversals of the cursor within THRASHING_WINDOW_MS that make thrashing."""
        return int(_get("THRASHING_DIRECTION_CHANGES"))

    @property
    def THRASHING_WINDOW_MS(self) -> int:
        return int(_get("THRASHING_WINDOW_MS"))

    @property
    def QUICK_BACK_MS(self) -> int:
        """A page left this soon for the page before it is a quick back."""
        return int(_get("QUICK_BACK_MS"))

    @property
    def SUMMARY_BACKEND(self) -> str:
        """Dotted path of the Summariser that tells a session in sentences."""
        return str(_get("SUMMARY_BACKEND"))

    @property
    def LLM_BASE_URL(self) -> str | None:
        """An OpenAI-compatible API's base URL (…/v1); None: no LLM is used."""
        url = _get("LLM_BASE_URL")
        return None if url is None else str(url).rstrip("/")

    @property
    def LLM_MODEL(self) -> str | None:
        model = _get("LLM_MODEL")
        return None if model is None else str(model)

    @property
    def LLM_API_KEY(self) -> str | None:
        key = _get("LLM_API_KEY")
        return None if key is None else str(key)

    @property
    def LLM_TIMEOUT(self) -> int:
        return int(_get("LLM_TIMEOUT"))

    @property
    def PROCESSORS(self) -> list[str]:
        """Dotted paths of the pipeline's processors, run in this order."""
        return [str(path) for path in _get("PROCESSORS")]


conf = Settings()
