"""Sessions in Django admin: a read-only changelist and a replay view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from django_session_replay.audit import read as audit
from django_session_replay.audit.record import record
from django_session_replay.conf import conf
from django_session_replay.models import AuditEntry, ReplaySession, ReplaySessionQuerySet
from django_session_replay.storage import reader
from django_session_replay.timeline import read as timeline

from .csp import replay_policy
from .formatting import human_bytes, human_duration

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
        "event_count",
        "size",
    ]
    list_filter = [
        StatusFilter,
        "created",
        ("user", admin.RelatedOnlyFieldListFilter),
        "legal_hold",
    ]
    actions = ["place_on_legal_hold", "release_legal_hold"]
    search_fields = ["entry_url", "user__username", "user__email", "visitor_id"]
    date_hierarchy = "created"
    list_select_related = ["user"]
    readonly_fields = [*(field.name for field in ReplaySession._meta.fields), "audit_trail"]
    list_display_links = ["entry_url"]
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

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
        return format_html('<a href="{}">▶ {}</a>', url, _("Replay"))

    @admin.display(description=_("status"), ordering="last_activity")
    def status_label(self, obj: ReplaySession) -> str:
        return obj.status

    @admin.display(description=_("duration"), ordering="duration_ms")
    def duration(self, obj: ReplaySession) -> str:
        return human_duration(obj.duration_ms)

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
        return [replay, *super().get_urls()]

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
        live_url = f"{conf.WEBSOCKET_PATH}live/{session.pk}/"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Replay of %(session)s") % {"session": session},
            "opts": self.model._meta,
            "session": session,
            "windows": windows,
            "window": window,
            "duration": human_duration(session.duration_ms),
            "size": human_bytes(session.byte_count),
            "page_views": [
                (view, human_duration(view.offset_ms))
                for view in timeline.page_views(session.pk, window)
            ],
            "max_page_views": timeline.MAX_PAGE_VIEWS,
            "watched_by": watched_by,
            "player_config": {
                "eventsUrl": f"{events_url}?window={window}" if window else events_url,
                "live": session.is_active,
                "liveUrl": live_url if session.is_active else None,
            },
        }
        response = TemplateResponse(
            request, "admin/django_session_replay/replaysession/replay.html", context
        )
        response["Content-Security-Policy"] = replay_policy(request, session.entry_url)
        return response
