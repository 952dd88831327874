"""Requests whose page must not record: staff users (unless ``RECORD_STAFF``),
and browsers that send Global Privacy Control (``Sec-GPC: 1``, always honoured)
or Do Not Track (``DNT: 1``, unless ``RESPECT_DO_NOT_TRACK`` is off).

The recorder checks the browser's own signals too (frontend/src/consent.js):
the server's answer can be cached, the browser's cannot be forged by a cache.
"""

from __future__ import annotations

from django.http import HttpRequest

from django_session_replay.conf import conf


def opt_out(request: HttpRequest | None) -> str | None:
    """Why this request's page must record nothing ("staff", "gpc", "dnt"), or None."""
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_staff", False) and not conf.RECORD_STAFF:
        return "staff"
    if request.headers.get("Sec-GPC", "").strip() == "1":
        return "gpc"
    if conf.RESPECT_DO_NOT_TRACK and request.headers.get("DNT", "").strip() == "1":
        return "dnt"
    return None
