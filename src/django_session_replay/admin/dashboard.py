"""The insights dashboard in admin: "Dashboard" under Session replay on the
admin index (a proxy model), for whoever may view sessions. Its figures come
from insights/stats.py; its charts are SVG drawn here, no script."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_session_replay.insights import stats
from django_session_replay.models import Dashboard
from django_session_replay.permissions import VIEW_PERMISSION

from .formatting import human_duration

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    DashboardModelAdmin = admin.ModelAdmin[Dashboard]
else:
    DashboardModelAdmin = admin.ModelAdmin

CHART_WIDTH = 1000
CHART_HEIGHT = 160


class RangeForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            cleaned["range"] = stats.date_range(cleaned.get("start"), cleaned.get("end"))
        except stats.RangeError as error:
            raise forms.ValidationError(str(error).capitalize() + ".") from None
        return cleaned


@dataclass(frozen=True)
class Bar:
    day: stats.Day
    x: float
    y: float
    width: float
    height: float
    label: str


def day_bars(days: list[stats.Day]) -> tuple[list[Bar], int]:
    """The sessions-per-day bars in a CHART_WIDTH × CHART_HEIGHT box, and the tallest value."""
    highest = max((day.sessions for day in days), default=0)
    step = CHART_WIDTH / max(len(days), 1)
    gap = min(step * 0.2, 4)
    bars = []
    for index, day in enumerate(days):
        height = CHART_HEIGHT * day.sessions / highest if highest else 0
        label = ngettext(
            "%(date)s: %(count)d session", "%(date)s: %(count)d sessions", day.sessions
        ) % {
            "date": date_format(day.date, "DATE_FORMAT"),
            "count": day.sessions,
        }
        bars.append(
            Bar(day, index * step + gap / 2, CHART_HEIGHT - height, step - gap, height, label)
        )
    return bars, highest


def share(count: int, highest: int) -> float:
    """A top list's bar length, in percent of the longest."""
    return round(100 * count / highest, 1) if highest else 0.0


def top_list(rows: list[stats.Row]) -> list[tuple[stats.Row, float]]:
    highest = max((row.count for row in rows), default=0)
    return [(row, share(row.count, highest)) for row in rows]


@dataclass(frozen=True)
class TopList:
    key: str
    title: StrOrPromise
    what: StrOrPromise  # the first column's heading
    counted: StrOrPromise  # the count's heading
    rows: list[tuple[stats.Row, float]]
    by_session: bool = False  # the count is of sessions: no second column for them


def top_lists(figures: stats.Stats) -> list[TopList]:
    return [
        TopList(
            "pages", _("Top pages by views"), _("Page"), _("Views"), top_list(figures.top_pages)
        ),
        TopList(
            "error-pages", _("Top pages by errors"), _("Page"), _("Errors"),
            top_list(figures.error_pages),
        ),
        TopList(
            "rage", _("Top rage-click elements"), _("Element"), _("Rage clicks"),
            top_list(figures.rage_clicks),
        ),
        TopList(
            "console", _("Top console errors"), _("Message"), _("Errors"),
            top_list(figures.console_errors),
        ),
        TopList(
            "failed", _("Failed requests by endpoint"), _("Endpoint"), _("Failures"),
            top_list(figures.failed_requests),
        ),
        TopList(
            "browsers", _("Browsers"), _("Browser"), _("Sessions"), top_list(figures.browsers),
            True,
        ),
        TopList(
            "os", _("Operating systems"), _("OS"), _("Sessions"),
            top_list(figures.operating_systems), True,
        ),
        TopList(
            "devices", _("Devices"), _("Device"), _("Sessions"), top_list(figures.devices), True
        ),
    ]  # fmt: skip


def figures_context(figures: stats.Stats) -> dict[str, Any]:
    bars, highest = day_bars(figures.days)
    median = figures.median_duration_ms
    return {
        "bars": bars,
        "highest": highest,
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "first_day": figures.days[0].date,
        "last_day": figures.days[-1].date,
        "median_duration": human_duration(median) if median is not None else None,
        "error_percent": (
            round(100 * figures.error_share, 1) if figures.error_share is not None else None
        ),
        "lists": top_lists(figures),
    }


@admin.register(Dashboard)
class DashboardAdmin(DashboardModelAdmin):
    """Only a changelist, which is the dashboard; viewing it takes the
    session's view permission (not the proxy's own)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.has_perm(VIEW_PERMISSION))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name="{}_{}_changelist".format(*info))]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RangeForm(request.GET or None)
        picked: stats.DateRange | None = None
        if not request.GET:
            picked = stats.date_range()
        elif form.is_valid():
            picked = form.cleaned_data["range"]
        if picked is not None and not request.GET:
            form = RangeForm(initial={"start": picked.start, "end": picked.end})
        figures = stats.compute(picked) if picked is not None else None
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Dashboard"),
            "opts": self.opts,
            "form": form,
            "figures": figures,
        }
        if figures is not None:
            context.update(figures_context(figures))
        context.update(extra_context or {})
        return TemplateResponse(request, "admin/django_session_replay/dashboard.html", context)


__all__ = ["DashboardAdmin", "RangeForm"]
