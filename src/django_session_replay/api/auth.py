"""Who may use the session endpoints: logged-in staff with the view permission."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth

from django_session_replay.permissions import can_view


class StaffWithViewPermission(SessionAuth):
    """Logged-in users (else 401) holding the app's view permission (else 403)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if not can_view(user):
            raise HttpError(403, "You need the session replay view permission.")
        return user
