from __future__ import annotations

from django.apps import AppConfig


class SessionReplayConfig(AppConfig):
    name = "django_session_replay"
    verbose_name = "Session replay"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .live import receivers as live_receivers  # noqa: F401  (logout closes live sockets)
        from .privacy import erasure
        from .server import links
        from .storage import receivers  # noqa: F401  (deletes chunk objects with their rows)

        erasure.connect()  # a deleted user's sessions go too (USER_DELETION)
        links.connect()  # LINK_MODELS saved during a recorded request
