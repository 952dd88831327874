"""Sessions in Django admin: a read-only changelist and a replay view."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from django_session_replay.api.filters import MAX_DURATION
from django_session_replay.audit import read as audit
from django_session_replay.audit.record import record
from django_session_replay.conf import conf
from django_session_replay.insights.summaries import seekable, summary_with_digest
from django_session_replay.models import (
    NOTE_MAX_LENGTH,
    AuditEntry,
    ReplaySession,
    ReplaySessionQuerySet,
    TimelineEntry,
)
from django_session_replay.permissions import ADD_NOTE_PERMISSION
from django_session_replay.storage import reader
from django_session_replay.timeline import find, search
from django_session_replay.timeline import read as timeline

from . import ask
from .csp import replay_policy
from .formatting import client_label, human_bytes, human_duration
from .neighbours import SessionChangeList, neighbours
from .notes import with_note_count
from .poster import URL_NAME as POSTER_URL_NAME
from .poster import poster_context, poster_response
from .workspace import PANELS, kind_labels, page_times, tab_labels, tab_starts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # ModelAdmin is generic in the stubs only; at run time it takes no subscript.
    SessionModelAdmin = admin.ModelAdmin[ReplaySession]
else:
    SessionModelAdmin = admin.ModelAdmin


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [("active", _("Active")), ("inactive", _("Inactive"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The changelist's queryset comes from ReplaySession.objects (the base class
        # types it QuerySet[Any]).
        sessions = cast(ReplaySessionQuerySet, queryset)
        if self.value() == "active":
            return sessions.active()
        if self.value() == "inactive":
            return sessions.inactive()
        return queryset


class HasErrorsFilter(admin.SimpleListFilter):
    """A JS error, a console error, a failed request or a server exception."""

    title = _("errors")
    parameter_name = "has_errors"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [("true", _("With errors")), ("false", _("Without errors"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("true", "false"):
            return find.with_errors(queryset, self.value() == "true")
        return queryset


class EventFilter(admin.SimpleListFilter):
    """A custom event the page tracked: the most frequent names, or any one
    given as ``?event=<name>``."""

    title = _("custom event")
    parameter_name = "event"
    shown = 10

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        names = (
            TimelineEntry.objects.filter(kind=TimelineEntry.Kind.CUSTOM)
            .values("label")
            .annotate(count=Count("id"))
            .order_by("-count", "label")
            .values_list("label", flat=True)[: self.shown]
        )
        choices: list[str] = list(names)
        current = self.value()
        if current and current not in choices:
            choices.append(current)
        return [(name, name) for name in choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return find.with_event(queryset, value) if value else queryset


class VisitedFilter(admin.SimpleListFilter):
    """A page of the session (a path or a full URL), given as ``?visited=/products/``;
    shown only while it is in use."""

    title = _("visited")
    parameter_name = "visited"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return find.visited(queryset, value) if value else queryset


class SignalFilter(admin.SimpleListFilter):
    """A frustration signal the session had (timeline/signals.py)."""

    title = _("signal")
    parameter_name = "signal"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [(kind.value, kind.label) for kind in find.SIGNAL_COUNTERS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in {kind.value for kind in find.SIGNAL_COUNTERS}:
            return find.with_signal(queryset, value)
        return queryset


class MinDurationFilter(admin.SimpleListFilter):
    """Sessions lasting at least ``?min_duration=`` seconds (the API's
    min_duration): a few choices, and any other value while it is in use."""

    title = _("duration")
    parameter_name = "min_duration"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        choices: list[tuple[str, StrOrPromise]] = [
            ("60", _("At least 1 minute")),
            ("300", _("At least 5 minutes")),
            ("1800", _("At least 30 minutes")),
        ]
        value = self.value()
        if value and value not in dict(choices):
            choices.append((value, _("At least %(value)s s") % {"value": value}))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            seconds = float(value)
        except ValueError:
            raise IncorrectLookupParameters(value) from None
        if not 0 <= seconds <= MAX_DURATION:  # also NaN
            raise IncorrectLookupParameters(value)
        return queryset.filter(duration_ms__gte=round(seconds * 1000))


@admin.register(ReplaySession)
class ReplaySessionAdmin(SessionModelAdmin):
    list_display = [
        "replay_link",
        "status_label",
        "user",
        "entry_url",
        "created",
        "duration",
        "page_count",
        "client",
        "js_error_count",
        "console_error_count",
        "failed_request_count",
        "event_count",
        "size",
        "note_count",
    ]
    list_filter = [
        StatusFilter,
        "created",
        ("user", admin.RelatedOnlyFieldListFilter),
        "device",
        "browser",
        "os",
        HasErrorsFilter,
        SignalFilter,
        EventFilter,
        VisitedFilter,
        MinDurationFilter,
        "legal_hold",
    ]
    actions = ["place_on_legal_hold", "release_legal_hold"]
    search_fields = ["entry_url", "user__username", "user__email", "visitor_id", "identity"]
    date_hierarchy = "created"
    list_select_related = ["user"]
    readonly_fields = [*(field.name for field in ReplaySession._meta.fields), "audit_trail"]
    list_display_links = ["entry_url"]
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReplaySession]:
        return with_note_count(super().get_queryset(request))

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[SessionChangeList]:
        """Its rows carry the list's filters to their replay links (admin/neighbours.py)."""
        return SessionChangeList

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """The search box finds what ``search_fields`` find and what the API's
        ``q`` finds (timeline/search.py: the timeline's text, the entry URL and title)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, duplicates
        return found | search.sessions_matching(queryset, search_term), duplicates

    def has_legal_hold_permission(self, request: HttpRequest) -> bool:
        """Holding evidence is a superuser's call: a held session outlives purges."""
        return bool(request.user.is_active and request.user.is_superuser)

    @admin.action(description=_("Place on legal hold"), permissions=["legal_hold"])
    def place_on_legal_hold(self, request: HttpRequest, queryset: Any) -> None:
        count = queryset.update(legal_hold=True)
        self.message_user(
            request, _("%(count)d session(s) placed on legal hold.") % {"count": count}
        )

    @admin.action(description=_("Release legal hold"), permissions=["legal_hold"])
    def release_legal_hold(self, request: HttpRequest, queryset: Any) -> None:
        count = queryset.update(legal_hold=False)
        self.message_user(request, _("%(count)d session(s) released.") % {"count": count})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("replay"))
    def replay_link(self, obj: ReplaySession) -> str:
        url = reverse("admin:django_session_replay_replaysession_replay", args=[obj.pk])
        # The list's own filters, for the replay page's previous and next session.
        filters = getattr(obj, "changelist_filters", "")
        return format_html(
            '<a href="{}">▶ {}</a>', f"{url}?{filters}" if filters else url, _("Replay")
        )

    @admin.display(description=_("Notes"), ordering="note_count")
    def note_count(self, obj: ReplaySession) -> int:
        count: int = getattr(obj, "note_count", 0)  # with_note_count's annotation
        return count

    @admin.display(description=_("status"), ordering="last_activity")
    def status_label(self, obj: ReplaySession) -> str:
        return obj.status

    @admin.display(description=_("duration"), ordering="duration_ms")
    def duration(self, obj: ReplaySession) -> str:
        return human_duration(obj.duration_ms)

    @admin.display(description=_("browser"), ordering="browser")
    def client(self, obj: ReplaySession) -> str:
        return client_label(obj)

    @admin.display(description=_("size"), ordering="byte_count")
    def size(self, obj: ReplaySession) -> str:
        return human_bytes(obj.byte_count)

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj: ReplaySession) -> str:
        """The last entries of who read this session (all of them: the audit API)."""
        entries = list(audit.entries(obj.pk)[: audit.ADMIN_ENTRIES])
        if not entries:
            return str(_("Nobody has opened this session yet."))
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td><time datetime="{}">{}</time></td><td>{}</td></tr>',
            (
                (
                    entry.username or "—",
                    entry.get_action_display(),
                    entry.created.isoformat(),
                    date_format(localtime(entry.created), "DATETIME_FORMAT"),
                    entry.address or "—",
                )
                for entry in entries
            ),
        )
        return format_html(
            '<table><caption class="visually-hidden">{}</caption><thead><tr>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("Who opened this session"),
            _("User"),
            _("Action"),
            _("Time"),
            _("Address"),
            rows,
        )

    def get_urls(self) -> list[URLPattern]:
        replay = path(
            "<uuid:session_id>/replay/",
            self.admin_site.admin_view(self.replay_view),
            name="django_session_replay_replaysession_replay",
        )
        asking = path(
            "ask/",
            self.admin_site.admin_view(self.ask_view),
            name="django_session_replay_replaysession_ask",
        )
        poster = path(
            "<uuid:session_id>/replay/poster/",
            self.admin_site.admin_view(self.poster_view),
            name=POSTER_URL_NAME,
        )
        return [replay, poster, asking, *super().get_urls()]

    def poster_view(self, request: HttpRequest, session_id: Any) -> HttpResponse:
        """The first frame of the recording as static HTML (admin/poster.py),
        for whoever may open its replay."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        session = get_object_or_404(ReplaySession, pk=session_id)
        return poster_response(request, session)

    def ask_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """The changelist's Ask box (admin/ask.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return ask.ask_view(request, self)

    def replay_view(self, request: HttpRequest, session_id: Any) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        session = get_object_or_404(ReplaySession.objects.select_related("user"), pk=session_id)
        windows = reader.windows(session.pk)
        window = request.GET.get("window")
        if window not in windows:
            window = windows[0] if windows else None
        # Read before this view is recorded: "watched by" lists the others before you.
        watched_by = audit.watched_by(session.pk)
        record(AuditEntry.Action.REPLAY, session.pk, request.user, request.META.get("REMOTE_ADDR"))
        events_url = reverse("session_replay:events", args=[session.pk])
        timeline_url = reverse("session_replay:timeline", args=[session.pk])
        live_url = f"{conf.WEBSOCKET_PATH}live/{session.pk}/"
        previous_url, next_url = neighbours(self, request, session)
        page_views = timeline.page_views(session.pk, window)
        tabs = tab_labels(session.pk, windows) if len(windows) > 1 else []
        context = {
            **self.admin_site.each_context(request),
            # The page has no nav sidebar (replay.html): nor its stylesheet and
            # script, which the admin's <head> would fetch before the poster.
            "is_nav_sidebar_enabled": False,
            "title": _("Replay of %(session)s") % {"session": session},
            "opts": self.model._meta,
            "session": session,
            "windows": windows,
            "window": window,
            "tabs": tabs,
            "previous_url": previous_url,
            "next_url": next_url,
            "export_url": reverse("session_replay:export", args=[session.pk]),
            "duration": human_duration(session.duration_ms),
            "client": client_label(session),
            "visible": human_duration(session.visible_ms),
            "size": human_bytes(session.byte_count),
            "page_views": [
                (view, human_duration(view.offset_ms), spent)
                for view, spent in zip(
                    page_views, page_times(page_views, session.last_timestamp), strict=True
                )
            ],
            "max_page_views": timeline.MAX_PAGE_VIEWS,
            "markers": [
                (marker, human_duration(marker.offset_ms))
                for marker in (timeline.markers(session.pk, window) if window else [])
            ],
            "watched_by": watched_by,
            "panels": PANELS,
            "note_max_length": NOTE_MAX_LENGTH,
            **summary_context(session, windows, window),
            **poster_context(session, window),
            "player_config": {
                "eventsUrl": f"{events_url}?window={window}" if window else events_url,
                "live": session.is_active,
                "liveUrl": live_url if session.is_active else None,
                # The workspace (frontend/src/workspace.js): markers and panels from
                # the timeline, notes read and written through the notes API.
                "timelineUrl": f"{timeline_url}?window={window}" if window else timeline_url,
                "notesUrl": reverse("session_replay:notes", args=[session.pk]),
                "canAddNote": request.user.has_perm(ADD_NOTE_PERMISSION),
                "window": window or "",
                "autoplay": conf.AUTOPLAY,
                "kindLabels": kind_labels(),
                # A live session's facts are brought up to date from its API detail.
                "sessionUrl": reverse("session_replay:session", args=[session.pk]),
                # Several tabs: the replay follows the visitor from one to the next
                # (frontend/src/tabs.js), by every tab's timeline and first event;
                # the markers and rows of every tab are drawn on the one bar.
                "tabs": tab_starts(session.pk, tabs) if len(windows) > 1 else [],
                "sessionTimelineUrl": timeline_url,
            },
        }
        response = TemplateResponse(
            request, "admin/django_session_replay/replaysession/replay.html", context
        )
        response["Content-Security-Policy"] = replay_policy(request, session.entry_url)
        return response


logger = logging.getLogger(__name__)


def summary_context(
    session: ReplaySession, windows: list[str], window: str | None
) -> dict[str, Any]:
    """The summary block of the replay page: each sentence with the moment it
    cites first, ``ts`` to seek to and ``offset`` as the player counts it (from
    its tab's first event); ``window`` its tab, and ``tab`` that tab's number
    when it is not the tab shown. A summary that cannot be made leaves the block empty: the replay
    page is served anyway."""
    try:
        summary, digest = summary_with_digest(session)
    except Exception:
        logger.exception("session replay: no summary of %s for the replay page", session.pk)
        return {"summary": None, "summary_sentences": []}
    starts = timeline.window_starts(session.pk, None)
    sentences = []
    for sentence in seekable(summary, digest):
        line = sentence["line"]
        shown = {"text": sentence.get("text", ""), "ts": None, "offset": "", "tab": None}
        if line is not None:
            tab: str = line.window or window or ""  # the S and END lines: the tab shown
            start = starts.get(tab)
            if start is None:
                start = min(starts.values(), default=line.ts)
            shown["ts"] = line.ts
            shown["offset"] = human_duration(max(0, line.ts - start))
            if tab in windows:
                # The player opens the tab in place (seek.js), from whichever shown.
                shown["window"] = tab
            if tab != window and tab in windows:
                shown["tab"] = windows.index(tab) + 1
        sentences.append(shown)
    return {"summary": summary, "summary_sentences": sentences}
