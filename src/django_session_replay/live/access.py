"""Whether a live socket's watcher may still watch, asked again while it is open.

The user in a socket's scope was read once, at connect. A watcher who logged out
or lost ``is_staff`` or the view permission since must stop receiving batches, so
the session and the user are read again from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http.request import validate_host

from django_session_replay.permissions import can_view


def current_user(scope: Mapping[str, Any]) -> Any:
    """The scope's user as the database has it now (AnonymousUser once logged out)."""
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if key:
        store = import_module(settings.SESSION_ENGINE).SessionStore(key)
        return get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return AnonymousUser()
    # No session in the scope (a socket authenticated some other way): re-read the user.
    fresh = get_user_model()._default_manager.filter(pk=user.pk).first()
    return fresh or AnonymousUser()


def site_hosts() -> list[str]:
    """The hosts a staff page (the admin) is served from: ALLOWED_HOSTS, with
    Django's own defaults for DEBUG and an empty list."""
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return hosts


def origin_allowed(scope: Mapping[str, Any]) -> bool:
    """The live socket carries the staff's session cookie: a page of another site
    must not open it (cross-site WebSocket hijacking)."""
    origin = next(
        (value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"origin"),
        None,
    )
    try:
        host = urlsplit(origin).hostname if origin else None
    except ValueError:
        return False
    return host is not None and host != "" and validate_host(host, site_hosts())


def still_allowed(scope: Mapping[str, Any]) -> bool:
    return can_view(current_user(scope))
