"""Django admin: the sessions changelist and the replay view (sessions.py)."""

from .sessions import ReplaySessionAdmin

__all__ = ["ReplaySessionAdmin"]
