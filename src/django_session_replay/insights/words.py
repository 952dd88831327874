"""The words of the session list, for questions (ask.py, rules.py): browsers,
OS and device types as the sessions store them (ingest/useragent.py: ua-parser's
families and our device rule), the words a question may do without, and the
clauses that say what a filter finds."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from django_session_replay.api.filters import SessionFilters

# A browser's word and its family on a desktop, on Android or a phone or
# tablet, and on iOS: ua-parser names Chrome on Android "Chrome Mobile".
BROWSERS: dict[str, tuple[str, tuple[str, str, str]]] = {
    "headless": (r"headless\s*chrom(?:e|ium)", ("HeadlessChrome",) * 3),
    "chrome": (r"(?:google\s+)?chrome", ("Chrome", "Chrome Mobile", "Chrome Mobile iOS")),
    "chromium": (r"chromium", ("Chromium",) * 3),
    "firefox": (r"(?:mozilla\s+)?firefox", ("Firefox", "Firefox Mobile", "Firefox iOS")),
    "safari": (r"safari", ("Safari", "Mobile Safari", "Mobile Safari")),
    "edge": (r"(?:microsoft\s+)?edge", ("Edge", "Edge Mobile", "Edge Mobile")),
    "opera": (r"opera", ("Opera", "Opera Mobile", "Opera Mobile")),
    "samsung": (r"samsung\s+(?:internet|browser)", ("Samsung Internet",) * 3),
}
BROWSER_NAMES = sorted({name for _, names in BROWSERS.values() for name in names})
# Longer names first: "Chrome OS" is not Chrome, "Mac OS X" not "OS X".
OS_NAMES = [
    (r"chrome\s*os|chromebooks?", "Chrome OS"),
    (r"windows", "Windows"),
    (r"mac\s*os(?:\s*x)?|os\s*x|macs?|macbooks?|apple\s+computers?", "Mac OS X"),
    (r"ubuntu", "Ubuntu"),
    (r"linux", "Linux"),
    (r"android", "Android"),
    (r"ios|ipados", "iOS"),
]
OS_FAMILIES = sorted({name for _, name in OS_NAMES})
DEVICES = [
    (r"(?:mobile|cell|smart)?\s*phones?|mobiles?|smartphones?|cellphones?", "mobile"),
    (r"tablets?|ipads?", "tablet"),
    (r"desktops?|computers?|laptops?|pcs?", "desktop"),
    (r"bots?|crawlers?|spiders?", "bot"),
]
DEVICE_TYPES = ["desktop", "mobile", "tablet", "bot", "other"]
SIGNALS = {"rage_click": "rage clicks", "dead_click": "dead clicks", "error_click": "error clicks",
           "thrashing": "a thrashing cursor", "quick_back": "quick backs"}  # fmt: skip
# Words a question may hold that ask for nothing (never reported as unread).
_STOP = """a an the and or but of on in at to for from by with within that which who whom whose
    what where when how did do does done had has have having was were is are be been being
    sessions session recordings recording replays replay visits visit visited users user
    visitors visitor people someone anyone anybody customers customer me us i we you show
    find list get give see want let all any some my our your their them they it its this
    these those there here please using use used via during over while into onto about
    happened happen page pages site website app ones one like got hit saw seen went came
    experienced encountered run ran made make time times s just only also"""
STOP_WORDS = frozenset(_STOP.split())


def browser_for(key: str, os: str | None, device: str | None) -> str:
    desktop, mobile, ios = BROWSERS[key][1]
    if os == "iOS":
        return ios
    return mobile if os == "Android" or device in ("mobile", "tablet") else desktop


def real_username(name: str) -> str | None:
    """The stored username a question names (any case), None if there is none."""
    users = get_user_model()._default_manager
    try:
        users.model._meta.get_field("username")
    except FieldDoesNotExist:  # the list filters by user__username
        return None
    names = list(users.filter(username__iexact=name).values_list("username", flat=True)[:5])
    return name if name in names else (min(names) if names else None)


def _moment(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _seconds(value: float) -> str:
    if value >= 3600 and value % 3600 == 0:
        return f"{value / 3600:g} h"
    if value >= 60 and value % 60 == 0:
        return f"{value / 60:g} min"
    return f"{value:g} s"


def clauses(filters: SessionFilters, dates: str | None = None) -> list[str]:
    """What ``filters`` find, clause by clause ("with errors", "that visited /a/")."""
    said: list[str] = []
    if filters.active is not None:
        said.append("active now" if filters.active else "no longer active")
    if filters.has_errors is not None:
        said.append("with errors" if filters.has_errors else "without errors")
    if filters.signal:
        said.append(f"with {SIGNALS[filters.signal]}")
    if filters.visited:
        said.append(f"that visited {filters.visited}")
    if filters.url:
        said.append(f"entered at a URL containing {filters.url}")
    if filters.event:
        said.append(f"that tracked the event “{filters.event}”")
    if filters.q:
        said.append(f"whose timeline mentions “{filters.q}”")
    if filters.username:
        said.append(f"of the user {filters.username}")
    if filters.user_id is not None:
        said.append(f"of the user #{filters.user_id}")
    for name, word in (("device", "on"), ("os", "on"), ("browser", "in")):
        if getattr(filters, name):
            said.append(f"{word} {getattr(filters, name)}")
    if filters.min_duration is not None:
        said.append(f"lasting at least {_seconds(filters.min_duration)}")
    start, end = filters.started_after, filters.started_before
    spans = [f"from {_moment(start)}" if start else "", f"before {_moment(end)}" if end else ""]
    span = " ".join(part for part in spans if part).replace(" before ", " to ")
    if span:
        zone = timezone.get_current_timezone_name()
        said.append(f"started {dates} ({span}, {zone})" if dates else f"started {span} ({zone})")
    return said
