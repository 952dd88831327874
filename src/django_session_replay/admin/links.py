"""An object's sessions on its admin change page, each with its replay link.

``SessionReplayLinksMixin`` adds a read-only "Session replays" section to any
ModelAdmin (``class OrderAdmin(SessionReplayLinksMixin, admin.ModelAdmin)``).
django.contrib.auth's own UserAdmin gets it by default (``link_user_admin``).
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from django_session_replay.permissions import can_view
from django_session_replay.server.links import sessions_of

from .formatting import human_duration

logger = logging.getLogger(__name__)

FIELD = "session_replays"
MAX_SESSIONS = 20
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "django_session_replay_admin_request", default=None
)


def sessions_table(obj: Any, request: HttpRequest | None) -> str:
    if request is None or not can_view(request.user):
        return str(_("You may not view session replays."))
    sessions = list(sessions_of(obj).order_by("-created")[:MAX_SESSIONS])
    if not sessions:
        return str(_("No recorded session."))
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">▶ {}</a></td><td><time datetime="{}">{}</time></td>'
        "<td>{}</td><td>{}</td></tr>",
        (
            (
                reverse("admin:django_session_replay_replaysession_replay", args=[session.pk]),
                _("Replay"),
                session.created.isoformat(),
                date_format(localtime(session.created), "DATETIME_FORMAT"),
                human_duration(session.duration_ms),
                session.entry_url or "—",
            )
            for session in sessions
        ),
    )
    return format_html(
        '<table class="session-replay-links"><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("Replay"),
        _("Started"),
        _("Duration"),
        _("Entry URL"),
        rows,
    )


class SessionReplayLinksMixin:
    """Lists the object's sessions (its SessionLinks; for a user, their sessions too)
    on the change page, to staff who may view sessions."""

    session_replay_fieldset_title = _("Session replays")

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _request.set(request)
        try:
            response: HttpResponse = super().changeform_view(  # type: ignore[misc]
                request, *args, **kwargs
            )
            # A TemplateResponse renders after the view returns: render it now.
            render = getattr(response, "render", None)
            if render is not None and not getattr(response, "is_rendered", True):
                render()
            return response
        finally:
            _request.reset(token)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*fields, FIELD] if obj is not None and FIELD not in fields else fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if obj is None:
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = [field for field in options.get("fields", ()) if field != FIELD]
            kept.append((name, {**options, "fields": fields}))
        return [*kept, (self.session_replay_fieldset_title, {"fields": [FIELD]})]

    @admin.display(description=_("sessions"))
    def session_replays(self, obj: Any) -> str:
        return sessions_table(obj, _request.get())


def link_user_admin(site: admin.AdminSite | None = None) -> bool:
    """Give the User admin the mixin when it is django.contrib.auth's own UserAdmin
    (a project's own User admin is left alone: add the mixin to it)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.admin import UserAdmin

    site = site or admin.site
    user_model = get_user_model()
    registered = site._registry.get(user_model)
    if type(registered) is not UserAdmin:
        return False
    linked = type("UserAdmin", (SessionReplayLinksMixin, UserAdmin), {"__module__": __name__})
    site.unregister(user_model)
    site.register(user_model, linked)
    return True
