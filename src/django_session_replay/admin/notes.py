"""Notes in Django admin: every note staff wrote, each linked to its session's
replay; and the sessions changelist's count of them (``with_note_count``)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from django_session_replay.models import Note

from .formatting import human_duration

if TYPE_CHECKING:
    # ModelAdmin is generic in the stubs only; at run time it takes no subscript.
    NoteModelAdmin = admin.ModelAdmin[Note]
else:
    NoteModelAdmin = admin.ModelAdmin

EXCERPT_CHARACTERS = 80


def with_note_count(sessions: QuerySet[Any]) -> QuerySet[Any]:
    """Each session with ``note_count``, counted in a subquery of the same query:
    a join and GROUP BY would multiply with the joins the changelist's filters and
    search add, and a page of sessions costs no query per row."""
    counts = (
        Note.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    counted: QuerySet[Any] = sessions.annotate(
        note_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )
    return counted


@admin.register(Note)
class NoteAdmin(NoteModelAdmin):
    list_display = ["session_link", "moment", "excerpt", "author", "created"]
    list_select_related = ["session", "author"]
    search_fields = ["text"]
    raw_id_fields = ["session"]  # sessions are far too many for a select
    fields = ["session", "window", "ts", "text", "author", "created"]
    readonly_fields = ["author", "created"]
    date_hierarchy = "created"
    list_per_page = 50

    def save_model(self, request: HttpRequest, obj: Note, form: Any, change: bool) -> None:
        # Whoever writes a note signs it; a later edit keeps its author.
        if not change:
            obj.author = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.display(description=_("session"), ordering="session__created")
    def session_link(self, obj: Note) -> str:
        url = reverse("admin:django_session_replay_replaysession_replay", args=[obj.session_id])
        if obj.window:
            url += "?" + urlencode({"window": obj.window})
        return format_html('<a href="{}">▶ {}</a>', url, obj.session)

    @admin.display(description=_("moment"), ordering="ts")
    def moment(self, obj: Note) -> str:
        """Where in the recording, as the player counts (from the session's first
        event), and when that was."""
        # NOTE_MAX_TS is far past any date a datetime holds.
        try:
            moment = localtime(datetime.fromtimestamp(obj.ts / 1000, tz=timezone.utc))
        except (OverflowError, OSError, ValueError):
            when = str(obj.ts)
        else:
            when = date_format(moment, "DATETIME_FORMAT")
        first = obj.session.first_timestamp
        if first is None:
            return when
        return f"{human_duration(max(0, obj.ts - first))} ({when})"

    @admin.display(description=_("text"))
    def excerpt(self, obj: Note) -> str:
        return Truncator(obj.text).chars(EXCERPT_CHARACTERS)
