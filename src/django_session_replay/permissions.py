"""Who may list, replay and watch sessions: active staff with the view permission."""

from __future__ import annotations

from typing import Any

VIEW_PERMISSION = "django_session_replay.view_replaysession"
# Writing a note on a session (the notes API, the replay page's form).
ADD_NOTE_PERMISSION = "django_session_replay.add_note"


def can_view(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(VIEW_PERMISSION)
    )
