from __future__ import annotations

from django.apps import AppConfig


class SessionReplayConfig(AppConfig):
    name = "django_session_replay"
    verbose_name = "Session replay"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers checks and receivers)
