"""A recording session, its ingested batches (the durable log), its chunks, its
timeline, staff's notes on it and its audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import lifecycle
from .timeline.plugins import CONSOLE_ERRORS

DEVICES = [
    ("desktop", _("desktop")),
    ("mobile", _("mobile")),
    ("tablet", _("tablet")),
    ("bot", _("bot")),
    ("other", _("other")),
]


class ReplaySessionQuerySet(models.QuerySet["ReplaySession"]):
    """``active()`` and ``inactive()``: whether someone is there now (lifecycle.is_active,
    ACTIVE_WINDOW), what staff see. ``continuing()`` and ``over()``: whether the
    session may still go on (lifecycle.may_continue, IDLE_TIMEOUT), what ingest,
    closing and compaction go by."""

    def active(self) -> ReplaySessionQuerySet:
        now = timezone.now()
        return self.filter(
            ended__isnull=True,
            last_activity__gte=lifecycle.active_cutoff(now),
            created__gte=lifecycle.duration_cutoff(now),
        )

    def inactive(self) -> ReplaySessionQuerySet:
        now = timezone.now()
        return self.filter(
            Q(ended__isnull=False)
            | Q(last_activity__lt=lifecycle.active_cutoff(now))
            | Q(created__lt=lifecycle.duration_cutoff(now))
        )

    def continuing(self) -> ReplaySessionQuerySet:
        now = timezone.now()
        return self.filter(
            ended__isnull=True,
            last_activity__gte=lifecycle.idle_cutoff(now),
            created__gte=lifecycle.duration_cutoff(now),
        )

    def over(self) -> ReplaySessionQuerySet:
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
    # Parsed from user_agent when the session starts (ingest/useragent.py).
    browser = models.CharField(_("browser"), max_length=64, blank=True, db_index=True)
    os = models.CharField(_("OS"), max_length=64, blank=True, db_index=True)
    device = models.CharField(
        _("device"), max_length=16, blank=True, db_index=True, choices=DEVICES
    )
    # As IP_ADDRESSES says: by default the network only (privacy/addresses.py).
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # From SessionReplay.identify(id, traits) in the page; the last one wins.
    identity = models.CharField(_("identity"), max_length=255, blank=True, db_index=True)
    identity_traits = models.JSONField(_("identity traits"), default=dict, blank=True)
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
    # Counted by the Telemetry processor (timeline/telemetry.py).
    console_error_count = models.PositiveIntegerField(_("console errors"), default=0)
    js_error_count = models.PositiveIntegerField(_("JS errors"), default=0)
    failed_request_count = models.PositiveIntegerField(_("failed requests"), default=0)
    # Core Web Vitals, the 75th percentile of the session's page views (ms; CLS unitless).
    lcp_p75 = models.FloatField(_("LCP p75"), null=True, blank=True)
    cls_p75 = models.FloatField(_("CLS p75"), null=True, blank=True)
    inp_p75 = models.FloatField(_("INP p75"), null=True, blank=True)
    visible_ms = models.PositiveBigIntegerField(_("time on pages"), default=0)
    # Frustration signals, counted by the Signals processor (timeline/signals.py).
    rage_click_count = models.PositiveIntegerField(_("rage clicks"), default=0)
    dead_click_count = models.PositiveIntegerField(_("dead clicks"), default=0)
    error_click_count = models.PositiveIntegerField(_("error clicks"), default=0)
    thrashing_count = models.PositiveIntegerField(_("thrashing cursor"), default=0)
    quick_back_count = models.PositiveIntegerField(_("quick backs"), default=0)
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
        indexes = [
            # The dashboard's session figures by an index-only scan (PostgreSQL;
            # a database without covering indexes skips it): insights/stats.py.
            models.Index(
                fields=["created"],
                include=[
                    "id", "browser", "os", "device", "duration_ms",
                    "js_error_count", "console_error_count", "failed_request_count",
                ],
                name="session_replay_dashboard",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.entry_url or self.id} ({self.created:%Y-%m-%d %H:%M})"

    @property
    def is_active(self) -> bool:
        """Recording now: connected, or sent something within ACTIVE_WINDOW."""
        return lifecycle.is_active(self)

    @property
    def status(self) -> str:
        return "Active" if self.is_active else "Inactive"


class Visitor(models.Model):
    """One browser across its sessions (the recorder's visitor id): how many
    sessions it started and its time on site, the visible time of every page view."""

    visitor_id = models.CharField(max_length=64, primary_key=True)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    session_count = models.PositiveIntegerField(_("sessions"), default=0)
    visible_ms = models.PositiveBigIntegerField(_("time on site"), default=0)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.visitor_id


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


# The Core Web Vitals the dashboard shows and what an error on a page is: the
# dashboard's indexes are partial on them (insights/stats.py filters the same).
DASHBOARD_VITALS = ("LCP", "INP", "CLS")
PAGE_ERRORS = (
    Q(kind="js_error")
    | Q(kind="console", level__in=sorted(CONSOLE_ERRORS))
    | Q(kind="network", level="error")  # the Telemetry processor's level of a failed one
)


class TimelineEntry(models.Model):
    """One moment of a session worth finding without decompressing a chunk, from
    its events at ingest (timeline/): page views (a page load or a single-page-app
    navigation, with its title as ``label``), the browser telemetry and moments
    the Telemetry processor keeps (timeline/telemetry.py) and the server's
    requests, exceptions and log records. ``text`` is what search reads
    (timeline/search.py): on PostgreSQL a GIN index, on SQLite an FTS5 table,
    both made by migration 0007."""

    class Kind(models.TextChoices):
        PAGE_VIEW = "page_view", _("page view")
        CONSOLE = "console", _("console")
        JS_ERROR = "js_error", _("JS error")
        NETWORK = "network", _("network")
        WEB_VITAL = "web_vital", _("web vital")
        IDENTIFY = "identify", _("identify")
        PAGE_LEAVE = "page_leave", _("page leave")
        CLICK = "click", _("click")
        FOCUS = "focus", _("focus")
        CUSTOM = "custom", _("custom event")
        GAP = "gap", _("gap")
        # From the Django server (server/record.py).
        SERVER_REQUEST = "server_request", _("server request")
        SERVER_EXCEPTION = "server_exception", _("server exception")
        LOG = "log", _("log")
        # Frustration signals (timeline/signals.py).
        RAGE_CLICK = "rage_click", _("rage click")
        DEAD_CLICK = "dead_click", _("dead click")
        ERROR_CLICK = "error_click", _("error click")
        THRASHING = "thrashing", _("thrashing cursor")
        QUICK_BACK = "quick_back", _("quick back")

    session = models.ForeignKey(ReplaySession, on_delete=models.CASCADE, related_name="timeline")
    window = models.CharField(max_length=64)
    page = models.PositiveIntegerField()  # page load number within the window, from 1
    ts = models.BigIntegerField()  # the event's timestamp, ms since the epoch
    kind = models.CharField(max_length=32, choices=Kind.choices)
    label = models.CharField(max_length=512, blank=True)
    level = models.CharField(max_length=16, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # The words q searches (timeline/search.py entry_text), set when the row is made.
    text = models.TextField(blank=True, default="")
    # What the dashboard groups by (timeline/paths.py), set when the row is made:
    # the URL path of a page view, web vital, request or server request (for a
    # JS or console error, of its page), and a web vital's value. Nullable without a
    # default, so adding them (migration 0012) alters the table in place.
    path = models.CharField(max_length=300, null=True, blank=True)  # noqa: DJ001 (None: no URL)
    value = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["session", "ts", "id"]
        indexes = [
            models.Index(fields=["session", "ts"], name="session_replay_timeline_ts"),
            models.Index(fields=["kind"], name="session_replay_timeline_kind"),
            models.Index(fields=["kind", "label"], name="session_replay_timeline_label"),
            # The dashboard's page figures (insights/stats.py), each an index-only
            # scan on PostgreSQL (the columns in INCLUDE; elsewhere plain indexes).
            # The page view an error happened on, and its path (error_pages).
            models.Index(
                fields=["session", "window", "page", "ts", "id"],
                include=["path"],
                condition=Q(kind="page_view"),
                name="session_replay_timeline_pages",
            ),
            # Page views by path (top_pages).
            models.Index(
                fields=["path"],
                include=["session"],
                condition=Q(kind="page_view"),
                name="session_replay_timeline_path",
            ),
            # The errors of a page: JS errors, console errors, failed requests (error_pages).
            models.Index(
                fields=["session", "window", "page", "ts"],
                include=["kind", "path"],
                condition=PAGE_ERRORS,
                name="session_replay_timeline_error",
            ),
            # Each Core Web Vital's values by page (vitals).
            *(
                models.Index(
                    fields=["path", "value"],
                    include=["session"],
                    condition=Q(kind="web_vital", detail__name=name),
                    name=f"session_replay_vital_{name.lower()}",
                )
                for name in DASHBOARD_VITALS
            ),
            # Failed requests by path, console errors and rage clicks by label.
            models.Index(
                fields=["path"],
                include=["session", "label"],
                condition=Q(kind="network", level="error"),
                name="session_replay_timeline_failed",
            ),
            models.Index(
                fields=["label"],
                include=["session"],
                condition=Q(kind="console", level__in=sorted(CONSOLE_ERRORS)),
                name="session_replay_console_error",
            ),
            models.Index(
                fields=["label"],
                include=["session"],
                condition=Q(kind="rage_click"),
                name="session_replay_rage_click",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.kind} {self.ts}"


NOTE_MAX_LENGTH = 2000  # characters of a note's text
# A note's moment, ms since the epoch: JavaScript's largest safe integer at most,
# what the replay page (and any JSON client) holds exactly.
NOTE_MAX_TS = 2**53 - 1


class Note(models.Model):
    """What a staff member wrote about a moment of a session (the admin replay
    page, the notes API, the admin's Notes). ``ts`` is that moment on the
    recording's clock, ms since the epoch like TimelineEntry.ts; ``window`` the
    tab it was seen in (blank: the session as a whole)."""

    session = models.ForeignKey(
        ReplaySession, on_delete=models.CASCADE, related_name="notes", verbose_name=_("session")
    )
    window = models.CharField(_("tab"), max_length=64, blank=True)
    ts = models.BigIntegerField(
        _("moment"),
        validators=[MinValueValidator(0), MaxValueValidator(NOTE_MAX_TS)],
        help_text=_("In ms since the epoch, on the recording's clock (its timeline's ts)."),
    )
    text = models.TextField(
        _("text"), max_length=NOTE_MAX_LENGTH, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)]
    )
    # Kept when the user is deleted: the note stays, unsigned.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["session", "ts", "id"]
        indexes = [models.Index(fields=["session", "ts"], name="session_replay_note_ts")]

    def __str__(self) -> str:
        return self.text[:60]


class SessionSummary(models.Model):
    """A session told in a few sentences by the SUMMARY_BACKEND (insights/),
    cached: ``digest_hash`` is the hash of the timeline digest it was made from,
    so a session that changed since gets a new one. ``sentences`` holds
    ``[{"text": ..., "refs": [...]}]``, each ref a line of that digest."""

    session = models.OneToOneField(
        ReplaySession, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    text = models.TextField(blank=True)
    sentences = models.JSONField(default=list, blank=True)
    backend = models.CharField(max_length=255, blank=True)
    digest_hash = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(_("summarised"), default=timezone.now)

    class Meta:
        verbose_name = _("session summary")
        verbose_name_plural = _("session summaries")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.text[:60]}"


class SessionLink(models.Model):
    """A session touched this object: a LINK_MODELS instance a recorded request
    saved, or one named by ``django_session_replay.link(obj)`` (server/links.py)."""

    session = models.ForeignKey(ReplaySession, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=255)  # the pk as text: any pk type
    content_object = GenericForeignKey("content_type", "object_id")
    created = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        verbose_name = _("session link")
        verbose_name_plural = _("session links")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "content_type", "object_id"],
                name="session_replay_link_unique",
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="session_replay_link_object"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.content_type_id}:{self.object_id}"


class AuditEntry(models.Model):
    """Someone read a session: opened its replay, watched it live or read its
    events or its summary through the API (audit/). Kept after the session is
    purged (no database constraint, nothing cascades) so who watched what
    outlives the recording; AUDIT_RETENTION_DAYS bounds it instead."""

    class Action(models.TextChoices):
        REPLAY = "replay", _("replay opened")
        LIVE = "live", _("watched live")
        EVENTS = "events", _("events read (API)")
        SUMMARY = "summary", _("summary read (API)")
        EXPORT = "export", _("exported as an HTML file (API)")

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


class Dashboard(ReplaySession):
    """No table of its own: the admin index's "Dashboard" entry (admin/dashboard.py)."""

    class Meta:
        proxy = True
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboard")
