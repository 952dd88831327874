"""Django admin: the sessions changelist and the replay view (sessions.py), staff's
notes (notes.py), and an object's sessions on its change page (links.py)."""

from django.apps import apps

from .dashboard import DashboardAdmin
from .links import SessionReplayLinksMixin, link_user_admin
from .notes import NoteAdmin
from .sessions import ReplaySessionAdmin

if apps.is_installed("django.contrib.auth"):
    from django.contrib.auth import admin as auth_admin  # noqa: F401  (registers UserAdmin first)

    link_user_admin()

__all__ = ["DashboardAdmin", "NoteAdmin", "ReplaySessionAdmin", "SessionReplayLinksMixin"]
