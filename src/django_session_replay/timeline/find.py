"""Sessions found by what happened in them: the session list's filters, in the
API (api/filters.py) and in admin. Each reads the timeline or indexed session
columns, never a chunk; full-text ``q`` is search.py's."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet

from django_session_replay.models import TimelineEntry

Sessions = TypeVar("Sessions", bound=QuerySet[Any])

Kind = TimelineEntry.Kind


def address_pattern(value: str) -> str:
    """A regex for the URLs ``value`` names: a path (``/products/``) on any
    host, or a full URL; either with or without its trailing slash, and with
    any query string or fragment after it."""
    value = value.strip()
    base = value.rstrip("/")
    start = "^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*" if value.startswith("/") else "^"
    return f"{start}{re.escape(base)}/?([?#]|$)"


def rows(queryset: QuerySet[Any], kind: str, condition: Q) -> Exists:
    entries = TimelineEntry.objects.using(queryset.db).filter(condition, kind=kind)
    return Exists(entries.filter(session_id=OuterRef("pk")))


def visited(queryset: Sessions, value: str) -> Sessions:
    """Sessions with a page view of ``value`` (a path or a full URL), or entered there."""
    if not value.strip():
        return queryset
    pattern = address_pattern(value)
    views = rows(queryset, Kind.PAGE_VIEW, Q(detail__url__regex=pattern))
    return queryset.filter(views | Q(entry_url__regex=pattern))


def with_event(queryset: Sessions, name: str) -> Sessions:
    """Sessions in which the page tracked the custom event ``name``."""
    return queryset.filter(rows(queryset, Kind.CUSTOM, Q(label=name.strip())))


def errors() -> Q:
    """A JS error, a console error, a failed request or a server exception."""
    exceptions = TimelineEntry.objects.filter(kind=Kind.SERVER_EXCEPTION, session_id=OuterRef("pk"))
    return (
        Q(js_error_count__gt=0)
        | Q(console_error_count__gt=0)
        | Q(failed_request_count__gt=0)
        | Q(Exists(exceptions))
    )


def with_errors(queryset: Sessions, wanted: bool) -> Sessions:
    return queryset.filter(errors()) if wanted else queryset.exclude(errors())


# Each signal kind and the session counter the Signals processor keeps for it.
SIGNAL_COUNTERS = {
    Kind.RAGE_CLICK: "rage_click_count",
    Kind.DEAD_CLICK: "dead_click_count",
    Kind.ERROR_CLICK: "error_click_count",
    Kind.THRASHING: "thrashing_count",
    Kind.QUICK_BACK: "quick_back_count",
}


def with_signal(queryset: Sessions, kind: str) -> Sessions:
    """Sessions with at least one frustration signal of ``kind`` (its counter)."""
    return queryset.filter(**{f"{SIGNAL_COUNTERS[Kind(kind)]}__gt": 0})
