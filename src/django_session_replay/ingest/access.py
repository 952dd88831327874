"""Who may record: the site key and the page's origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http.request import validate_host
from django.utils.crypto import constant_time_compare

from django_session_replay.conf import conf
from django_session_replay.wire.codes import Code, ProtocolError


def check_access(key: str, origin: str | None) -> None:
    if not constant_time_compare(key, conf.SITE_KEY):
        raise ProtocolError(Code.BAD_KEY, "unknown site key")
    try:
        host = urlsplit(origin).hostname if origin else None
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        host = None
    if not host or not validate_host(host, conf.ALLOWED_ORIGINS):
        raise ProtocolError(Code.ORIGIN_FORBIDDEN, f"origin {origin!r} is not allowed")
