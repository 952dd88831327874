"""The replay page's Content-Security-Policy: what a recording may make the staff
browser load.

A replay rebuilds the recorded DOM inside the admin page. No recorded script
runs (rrweb's replayer drops them and its iframe is sandboxed), but every
``<img>``, stylesheet, ``@import``, CSS ``url()``, font and video poster is
fetched by staff's browser, so a forged recording could tell an outsider when
staff watch a session, and from where. The policy lets images, styles, fonts
and media come only from the recorded site's origins, the admin's own and
``SESSION_REPLAY["REPLAY_ALLOWED_SOURCES"]``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

from django_session_replay.conf import conf


def origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def host_sources(pattern: str) -> list[str]:
    """An ALLOWED_HOSTS-style pattern as CSP sources ("*" widens nothing; CSP has
    no syntax for an IPv6 literal such as "[::1]", which browsers reject)."""
    if (
        not pattern
        or pattern == "*"
        or pattern.startswith("[")
        or any(c in pattern for c in " ;,'")
    ):
        return []
    if pattern.startswith("."):
        return [pattern[1:], "*" + pattern]
    return [pattern]


def recorded_sources(entry_url: str) -> list[str]:
    sources = [origin_of(entry_url)]
    for pattern in conf.ALLOWED_ORIGINS:
        sources += host_sources(pattern)
    sources += list(conf.REPLAY_ALLOWED_SOURCES)
    return list(dict.fromkeys(source for source in sources if source))


def static_source() -> str | None:
    """Where the admin's and the player's files come from, when not this host."""
    return origin_of(str(settings.STATIC_URL or ""))


def replay_policy(request: HttpRequest, entry_url: str) -> str:
    own = ["'self'", *filter(None, [static_source()])]
    recorded = recorded_sources(entry_url)
    host = request.get_host()
    live = [f"ws://{host}", f"wss://{host}"]  # 'self' covers ws(s) only in newer browsers
    directives = {
        "default-src": ["'none'"],
        "script-src": own,
        # The replayer rebuilds the recording's <style> elements and style attributes.
        "style-src": [*own, "'unsafe-inline'", *recorded],
        "img-src": [*own, "data:", "blob:", *recorded],
        "font-src": [*own, "data:", *recorded],
        "media-src": [*own, "blob:", *recorded],
        "connect-src": ["'self'", *live],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def poster_policy(entry_url: str) -> str:
    """The poster frame's policy (poster/): a static document that runs nothing
    (``sandbox`` without allow-scripts gives it an opaque origin too) and loads
    what the replay may load of images, styles and fonts, no more: the same
    recorded sources, so a forged snapshot cannot make it beacon elsewhere."""
    own = ["'self'", *filter(None, [static_source()])]
    recorded = recorded_sources(entry_url)
    directives = {
        "sandbox": [],
        "default-src": ["'none'"],
        "img-src": [*own, "data:", "blob:", *recorded],
        "style-src": [*own, "'unsafe-inline'", *recorded],
        "font-src": [*own, "data:", *recorded],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'self'"],
    }
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())
