"""Re-encrypt stored batches and chunk objects with the newest encryption key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_session_replay.storage import encryption, rekey


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored batch payload and chunk object with the first key of"
        " SESSION_REPLAY['ENCRYPTION_KEYS'] (data stored unencrypted is encrypted too)."
        " Safe to interrupt and run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not encryption.enabled():
            raise CommandError(
                "SESSION_REPLAY['ENCRYPTION_KEYS'] is empty: there is no key to encrypt with"
                " (session_replay_keygen prints one)."
            )
        newest = encryption.keys()[0].id.hex()
        self.stdout.write(f"Re-encrypting with key id {newest}.")
        batches = rekey.rekey_batches(self.stdout.write)
        chunks, total = rekey.rekey_chunks(self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {batches} batch(es) and {chunks} of {total} chunk(s)"
                f" with key id {newest}."
            )
        )
