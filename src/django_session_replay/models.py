"""A recording session, its ingested batches (the durable log), its chunks, its
timeline and its audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import lifecycle


class ReplaySessionQuerySet(models.QuerySet["ReplaySession"]):
    """``active()`` and ``inactive()`` split sessions by lifecycle.may_continue."""

    def active(self) -> ReplaySessionQuerySet:
        now = timezone.now()
        return self.filter(
            ended__isnull=True,
            last_activity__gte=lifecycle.idle_cutoff(now),
            created__gte=lifecycle.duration_cutoff(now),
        )

    def inactive(self) -> ReplaySessionQuerySet:
        now = timezone.now()
        return self.filter(
            Q(ended__isnull=False)
            | Q(last_activity__lt=lifecycle.idle_cutoff(now))
            | Q(created__lt=lifecycle.duration_cutoff(now))
        )


class ReplaySession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    last_activity = models.DateTimeField(default=timezone.now, db_index=True)
    ended = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visitor_id = models.CharField(max_length=64, blank=True, db_index=True)
    entry_url = models.TextField(_("entry URL"), blank=True)
    # The entry page's title and referrer, from the first hello.
    entry_title = models.CharField(_("entry title"), max_length=512, blank=True)
    referrer = models.TextField(_("referrer"), blank=True)
    user_agent = models.TextField(blank=True)
    screen_width = models.PositiveIntegerField(null=True, blank=True)
    screen_height = models.PositiveIntegerField(null=True, blank=True)
    viewport_width = models.PositiveIntegerField(null=True, blank=True)
    viewport_height = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    event_count = models.PositiveBigIntegerField(_("events"), default=0)
    byte_count = models.PositiveBigIntegerField(_("size"), default=0)
    first_timestamp = models.BigIntegerField(null=True, blank=True)
    last_timestamp = models.BigIntegerField(null=True, blank=True)
    duration_ms = models.PositiveBigIntegerField(_("duration"), default=0)
    pending_bytes = models.PositiveBigIntegerField(default=0)  # batches not yet compacted
    # Kept through every purge (by age, user, visitor or e-mail) and user deletion.
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        help_text=_("Kept by session_replay_purge and when its user is deleted."),
    )

    objects = ReplaySessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.entry_url or self.id} ({self.created:%Y-%m-%d %H:%M})"

    @property
    def is_active(self) -> bool:
        return lifecycle.may_continue(self)

    @property
    def status(self) -> str:
        return "Active" if self.is_active else "Inactive"


class Chunk(models.Model):
    """A compressed object in storage holding one window's batches seq_first..seq_last."""

    session = models.ForeignKey(ReplaySession, on_delete=models.CASCADE, related_name="chunks")
    window = models.CharField(max_length=64)
    seq_first = models.PositiveIntegerField()
    seq_last = models.PositiveIntegerField()
    first_timestamp = models.BigIntegerField()
    last_timestamp = models.BigIntegerField()
    event_count = models.PositiveIntegerField()
    raw_bytes = models.PositiveBigIntegerField()
    stored_bytes = models.PositiveBigIntegerField()
    key = models.CharField(max_length=255, unique=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "window", "seq_first"]

    def __str__(self) -> str:
        return self.key


class Batch(models.Model):
    """One acknowledged ``batch`` frame. The row outlives compaction (payload
    cleared, chunk set) so a re-sent seq is recognised forever."""

    session = models.ForeignKey(ReplaySession, on_delete=models.CASCADE, related_name="batches")
    window = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    received = models.DateTimeField(default=timezone.now)
    first_timestamp = models.BigIntegerField()
    last_timestamp = models.BigIntegerField()
    event_count = models.PositiveIntegerField()
    raw_bytes = models.PositiveIntegerField()
    # CRC-32 of the events' msgpack: a re-sent seq must carry the same events
    # (None on rows stored before it was kept).
    content_crc32 = models.PositiveBigIntegerField(null=True, blank=True)
    payload = models.BinaryField(null=True)  # zstd(msgpack(events)); None once compacted
    chunk = models.ForeignKey(
        Chunk, null=True, blank=True, on_delete=models.SET_NULL, related_name="batches"
    )

    class Meta:
        verbose_name_plural = _("batches")
        ordering = ["session", "window", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "window", "seq"], name="session_replay_batch_unique_seq"
            )
        ]
        indexes = [
            models.Index(
                fields=["session"],
                condition=Q(payload__isnull=False),
                name="session_replay_batch_tail",
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.window} #{self.seq}"


class TimelineEntry(models.Model):
    """One moment of a session worth finding without decompressing a chunk, from
    its events at ingest (timeline/). Page views for now: a page load or a
    single-page-app navigation, with its title as ``label``."""

    class Kind(models.TextChoices):
        PAGE_VIEW = "page_view", _("page view")

    session = models.ForeignKey(ReplaySession, on_delete=models.CASCADE, related_name="timeline")
    window = models.CharField(max_length=64)
    page = models.PositiveIntegerField()  # page load number within the window, from 1
    ts = models.BigIntegerField()  # the event's timestamp, ms since the epoch
    kind = models.CharField(max_length=32, choices=Kind.choices)
    label = models.CharField(max_length=512, blank=True)
    level = models.CharField(max_length=16, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["session", "ts", "id"]
        indexes = [
            models.Index(fields=["session", "ts"], name="session_replay_timeline_ts"),
            models.Index(fields=["kind"], name="session_replay_timeline_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.kind} {self.ts}"


class AuditEntry(models.Model):
    """Someone read a session: opened its replay, watched it live or read its
    events through the API (audit/). Kept after the session is purged (no
    database constraint, nothing cascades) so who watched what outlives the
    recording; AUDIT_RETENTION_DAYS bounds it instead."""

    class Action(models.TextChoices):
        REPLAY = "replay", _("replay opened")
        LIVE = "live", _("watched live")
        EVENTS = "events", _("events read (API)")

    session = models.ForeignKey(
        ReplaySession,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the (session, created) index below serves it
        related_name="audit_entries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)  # survives the user
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # The client's address cut to its network (IPv4 /24, IPv6 /48): where from,
    # not which machine.
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["session", "created"], name="session_replay_audit_session"),
        ]

    def __str__(self) -> str:
        who = self.username or "?"
        return f"{who} {self.action} {self.session_id} {self.created:%Y-%m-%d %H:%M}"
