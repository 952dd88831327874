"""Close idle sessions and compact their batches into chunk objects."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from django_session_replay.ingest.sessions import close_idle_sessions
from django_session_replay.models import ReplaySession
from django_session_replay.storage import compaction


class Command(BaseCommand):
    help = "Compact stored batches of sessions that stopped recording into chunk objects."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also compact sessions still recording (their tail so far).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_idle_sessions()
        self.stdout.write(f"Closed {closed} idle session(s).")
        if options["all"]:
            queue = list(
                ReplaySession.objects.filter(pending_bytes__gt=0).values_list("pk", flat=True)
            )
        else:
            queue = list(compaction.pending_sessions())
        chunks = 0
        for number, session_id in enumerate(queue, start=1):
            written = compaction.compact_session(session_id)
            chunks += written
            self.stdout.write(f"[{number}/{len(queue)}] {session_id}: {written} chunk(s)")
        self.stdout.write(
            self.style.SUCCESS(f"Compacted {len(queue)} session(s) into {chunks} chunk(s).")
        )
