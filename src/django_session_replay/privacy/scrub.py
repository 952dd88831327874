"""URL query parameters that carry secrets (``?token=…``, ``?session=…``),
replaced before a URL is stored.

The recorder replaces them before anything leaves the page (frontend/src/
scrub.js: hello, Meta events, page views); the server does it again for what
it stores outside events, so an older or foreign client cannot store them
either. A parameter is scrubbed when its name, lower-cased, contains one of
``SCRUB_QUERY_PARAMETERS`` (so ``access_token`` and ``X-Amz-Signature`` go too).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django_session_replay.conf import conf

REDACTED = "***"


def secret(name: str, words: list[str]) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in words)


def scrub_url(url: str) -> str:
    """The URL with the value of every secret-looking query parameter replaced;
    anything that does not parse as a URL with a query is returned as is."""
    words = [word.lower() for word in conf.SCRUB_QUERY_PARAMETERS if word]
    if "?" not in url or not words:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(secret(name, words) for name, _ in pairs):
        return url
    query = urlencode([(n, REDACTED if secret(n, words) else v) for n, v in pairs], safe="*")
    return urlunsplit(parts._replace(query=query))
