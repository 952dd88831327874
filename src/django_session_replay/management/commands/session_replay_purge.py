"""Delete sessions (database rows and stored chunk objects together)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from django_session_replay.audit import read as audit
from django_session_replay.conf import conf
from django_session_replay.ingest import visitors
from django_session_replay.models import ReplaySession, Visitor


class Command(BaseCommand):
    help = (
        "Delete recorded sessions older than N days, or every session of one user, "
        "visitor or e-mail address (never one on legal hold); "
        "by age, also audit entries older than SESSION_REPLAY['AUDIT_RETENTION_DAYS']."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Delete sessions started more than this many days ago "
            "(default: SESSION_REPLAY['RETENTION_DAYS']).",
        )
        who = parser.add_mutually_exclusive_group()
        who.add_argument(
            "--user", help="Delete every session of this user (username), whatever its age."
        )
        who.add_argument(
            "--visitor", help="Delete every session of this visitor id, whatever its age."
        )
        who.add_argument(
            "--email",
            help="Delete every session of the users with this e-mail address (any case).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be deleted."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sessions = ReplaySession.objects.all()
        person = options["user"] or options["visitor"] or options["email"]
        if options["user"]:
            User = get_user_model()
            try:
                user = User._default_manager.get_by_natural_key(options["user"])
            except User.DoesNotExist:
                raise CommandError(f"no user {options['user']!r}") from None
            sessions = sessions.filter(user=user)
            what = f"of user {options['user']!r}"
        elif options["visitor"]:
            sessions = sessions.filter(visitor_id=options["visitor"])
            what = f"of visitor {options['visitor']!r}"
        elif options["email"]:
            users = get_user_model()._default_manager.filter(email__iexact=options["email"])
            if not users.exists():
                raise CommandError(f"no user with the e-mail address {options['email']!r}")
            sessions = sessions.filter(user__in=users)
            what = f"of the user(s) with e-mail {options['email']!r}"
        else:
            days = conf.RETENTION_DAYS if options["days"] is None else options["days"]
            if days < 0:
                raise CommandError("--days must be 0 or more")
            sessions = sessions.filter(created__lt=timezone.now() - timedelta(days=days))
            what = f"older than {days} day(s)"
        held = sessions.filter(legal_hold=True).count()
        if held:  # a legal hold outlasts every purge
            self.stdout.write(f"Keeping {held} session(s) {what} on legal hold.")
        doomed = list(sessions.filter(legal_hold=False).values_list("pk", "visitor_id"))
        ids = [session_id for session_id, _ in doomed]
        # Audit entries age on their own clock; a purge of one user's sessions
        # leaves the trail of who watched them.
        expired = audit.expired(conf.AUDIT_RETENTION_DAYS) if not person else None
        if options["dry_run"]:
            self.stdout.write(f"Would delete {len(ids)} session(s) {what}.")
            if expired is not None:
                self.stdout.write(f"Would delete {expired.count()} audit entry(ies).")
            return
        for number, session_id in enumerate(ids, start=1):
            with transaction.atomic():  # its chunk objects go once this commits
                ReplaySession.objects.filter(pk=session_id).delete()
            self.stdout.write(f"[{number}/{len(ids)}] deleted {session_id}")
        self.stdout.write(self.style.SUCCESS(f"Deleted {len(ids)} session(s) {what}."))
        # Time on site goes with the sessions: an erased visitor's row always,
        # any other row once no session of its visitor is left.
        if options["visitor"]:
            Visitor.objects.filter(pk=options["visitor"]).delete()
        visitors.forget(visitor_id for _, visitor_id in doomed)
        if expired is not None:
            count, _ = expired.delete()
            days = conf.AUDIT_RETENTION_DAYS
            self.stdout.write(
                self.style.SUCCESS(f"Deleted {count} audit entry(ies) older than {days} day(s).")
            )
