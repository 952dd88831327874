"""Close idle sessions, compact their batches into chunk objects, sweep leftovers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from django_session_replay.ingest.sessions import close_idle_sessions
from django_session_replay.models import ReplaySession
from django_session_replay.storage import compaction, objects, sweep


class Command(BaseCommand):
    help = "Compact stored batches of sessions that stopped recording into chunk objects."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also compact sessions still recording (their tail so far), then sweep.",
        )
        parser.add_argument(
            "--sweep",
            action="store_true",
            help="Delete chunk objects that no chunk row refers to (older than an hour).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="With --sweep: only list what would go."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            self.compact(everything=options["all"])
        if options["sweep"] or options["all"]:
            self.sweep(dry_run=options["dry_run"])

    def compact(self, *, everything: bool) -> None:
        closed = close_idle_sessions()
        self.stdout.write(f"Closed {closed} idle session(s).")
        if everything:
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

    def sweep(self, *, dry_run: bool) -> None:
        found = 0
        for found, key in enumerate(sweep.unreferenced(), start=1):
            if dry_run:
                self.stdout.write(f"[{found}] would delete {key}")
            else:
                objects.delete(key)
                self.stdout.write(f"[{found}] deleted {key}")
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {found} unreferenced chunk object(s)."))
