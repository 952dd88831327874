"""The URL path a timeline row is grouped by (``TimelineEntry.path``), and the
number a web vital measured (``TimelineEntry.value``): plain columns set when
a row is made, so the dashboard's figures (insights/stats.py) group and rank
indexed columns instead of cutting a URL or reading JSON in every row."""

from __future__ import annotations

import re
from typing import Any

MAX_PATH = 300  # TimelineEntry.path's max_length
# A URL's scheme and host, or its query string and fragment: what is cut to leave its path.
NOT_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*|[?#].*$")
# Rows whose detail names a URL, and the key that holds it.
URL_KEYS = {"page_view": "url", "web_vital": "url", "network": "url", "server_request": "path"}


def path_of(url: str, trim: bool = True) -> str:
    """A URL's path without scheme, host, query string or fragment, from one
    ``/``; with ``trim`` without its trailing slashes too (``/`` stays), as the
    session list's ``visited`` reads it. At most MAX_PATH characters."""
    path = NOT_PATH.sub("", url)
    if trim:
        path = path.rstrip("/")
    return ("/" + path.lstrip("/"))[:MAX_PATH]


def row_path(kind: str, detail: Any) -> str | None:
    """The path a new row of ``kind`` is stored with: the page's for a page
    view and a web vital, the request's for a network row (its trailing slash
    kept: ``/api/cart/`` and ``/api/cart`` are two endpoints) and a server
    request; None for other kinds or without a URL."""
    key = URL_KEYS.get(kind)
    url = detail.get(key) if key is not None and isinstance(detail, dict) else None
    if not isinstance(url, str) or not url:
        return None
    return path_of(url, trim=kind != "network")


def row_value(kind: str, detail: Any) -> float | None:
    """A web vital's value; None for other rows."""
    if kind != "web_vital" or not isinstance(detail, dict):
        return None
    value = detail.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
