"""What the replay page's workspace shows around the player besides the
recording: its side panels, the tabs of the session by their first page, the
time on each page, and the timeline kinds' names the markers use."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from django_session_replay.models import TimelineEntry
from django_session_replay.timeline import read as timeline

from .formatting import human_duration

# The side panels, as (id, tab name); the first one is shown first.
PANELS = [
    ("summary", _("Summary")),
    ("activity", _("Activity")),
    ("console", _("Console")),
    ("network", _("Network")),
    ("errors", _("Errors")),
    ("server", _("Server")),
    ("pages", _("Pages")),
    ("notes", _("Notes")),
]


def tab_labels(session_id: UUID, windows: list[str]) -> list[dict[str, Any]]:
    """Each tab (window) of the session with its number and its first page's
    title (or URL): what the tab switcher shows instead of bare numbers."""
    first: dict[str, str] = {}
    for view in timeline.page_views(session_id, None):
        first.setdefault(view.window, view.title or view.url)
    return [
        {"number": index, "window": name, "title": first.get(name, "")}
        for index, name in enumerate(windows, start=1)
    ]


def tab_starts(session_id: UUID, labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each tab (window) with the time of its first event, from which its
    player counts (where another tab's moment falls in it), and its number and
    first page's title from ``labels`` (tab_labels): the markers and rows of
    the other tabs say which tab they are in."""
    starts = timeline.window_starts(session_id, None)
    by_start = sorted(starts.items(), key=lambda item: item[1])
    named = {label["window"]: label for label in labels}
    return [
        {
            "window": name,
            "start": start,
            "number": named[name]["number"] if name in named else index,
            "title": named[name]["title"] if name in named else "",
        }
        for index, (name, start) in enumerate(by_start, start=1)
    ]


def page_times(views: list[timeline.PageViewRow], end: int | None) -> list[str]:
    """How long each page view lasted: until the next view of the tab, the last
    one until the session's last event (blank when that is unknown)."""
    times = []
    for index, view in enumerate(views):
        until = views[index + 1].ts if index + 1 < len(views) else end
        times.append(human_duration(max(0, until - view.ts)) if until is not None else "")
    return times


def kind_labels() -> dict[str, str]:
    """The marker's name of each timeline kind ("JS error", "Rage click") and of
    a note: the player's markers and rows read them instead of retyping them."""
    labels = {kind: str(capfirst(str(label))) for kind, label in TimelineEntry.Kind.choices}
    return {**labels, "note": str(_("Note"))}
