"""Print a new encryption key for ``ENCRYPTION_KEYS``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from django_session_replay.storage.encryption import new_key


class Command(BaseCommand):
    help = (
        "Print a new key for SESSION_REPLAY['ENCRYPTION_KEYS'] (32 random bytes, URL-safe"
        " base64). Put it first in the list; keep the older keys after it until"
        " session_replay_rekey has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_key())
