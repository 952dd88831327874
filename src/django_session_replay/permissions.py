"""Who may list, replay and watch sessions: active staff with the view permission."""

from __future__ import annotations

from typing import Any

VIEW_PERMISSION = "django_session_replay.view_replaysession"


def can_view(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(VIEW_PERMISSION)
    )
