"""The date words of a question (ask.py), read against a given moment in its
own time zone: the caller passes ``now`` already in the current time zone, so
"today" starts at that zone's midnight. Weeks start on Monday (ISO 8601).

Each rule turns the words it matches into a ``Span``: a start (inclusive) and
an end (exclusive), either of which may be open.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2,
            "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}  # fmt: skip
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
               "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})  # fmt: skip


def _alternatives(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


WD = _alternatives(WEEKDAYS)
MO = _alternatives(MONTHS)
ORD = r"(?:st|nd|rd|th)?"
ISO = r"\d{4}-\d{1,2}-\d{1,2}"
# One day, as a question names it; a bare weekday only in full ("sat" and
# "sun" are words too).
DATE = (
    rf"{ISO}|\d{{1,2}}{ORD}\s+(?:of\s+)?(?:{MO})\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{MO})\.?\s+\d{{1,2}}{ORD}(?:,?\s+\d{{4}})?|today|yesterday"
)
DAY = rf"(?:{DATE}|(?:last\s+)?(?:{WD}))"
FULL_WD = _alternatives({name: day for name, day in WEEKDAYS.items() if len(name) > 5})
BARE_DAY = rf"(?:{DATE}|(?:last\s+)?(?:{FULL_WD}))"
UNITS = {"minute": "minutes", "min": "minutes", "hour": "hours", "hr": "hours",
         "h": "hours", "day": "days", "week": "weeks", "month": "months"}  # fmt: skip


@dataclass(frozen=True)
class Span:
    start: datetime | None
    end: datetime | None  # exclusive
    label: str  # the question's words, e.g. "last week"


def midnight(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time(), tzinfo=now.tzinfo)


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _dated(day: int, month: int, year: str | None, today: date) -> date:
    if year:
        return date(int(year), month, day)
    guess = date(today.year, month, day)
    # Without a year, the most recent such day: "30 Nov" in January is last year's.
    return guess if guess <= today else date(today.year - 1, month, day)


def day_of(text: str, today: date) -> date | None:
    """The day ``text`` (one DAY) names; None when it names none (31 February)."""
    words = " ".join(text.lower().replace(",", " ").replace(".", " ").split())
    try:
        if re.fullmatch(ISO, words):
            year, month, day = (int(part) for part in words.split("-"))
            return date(year, month, day)
        if words in ("today", "yesterday"):
            return today - timedelta(days=0 if words == "today" else 1)
        last, _, name = words.rpartition(" ")
        if name in WEEKDAYS and last in ("", "last"):
            back = (today.weekday() - WEEKDAYS[name]) % 7
            return today - timedelta(days=back or (7 if last else 0))
        found = re.fullmatch(rf"(\d+){ORD} (?:of )?({MO})(?: (\d{{4}}))?", words)
        if found:
            return _dated(int(found[1]), MONTHS[found[2]], found[3], today)
        found = re.fullmatch(rf"({MO}) (\d+){ORD}(?: (\d{{4}}))?", words)
        if found:
            return _dated(int(found[2]), MONTHS[found[1]], found[3], today)
    except (ValueError, OverflowError):
        return None
    return None


def _label(match: re.Match[str]) -> str:
    return " ".join(match[0].split())


def _days(match: re.Match[str], now: datetime) -> Span | None:
    """between/from D to D, since/after/before/until D, on D, D."""
    today = now.date()
    first = day_of(match["a"], today)
    if first is None:
        return None
    word = (match.groupdict().get("word") or "on").lower()
    if word in ("between", "from"):
        last = day_of(match["b"], today)
        if last is None or last < first:
            return None
        return Span(midnight(first, now), midnight(last + timedelta(days=1), now), _label(match))
    if word == "since":
        return Span(midnight(first, now), None, _label(match))
    if word == "after":
        return Span(midnight(first + timedelta(days=1), now), None, _label(match))
    if word == "before":
        return Span(None, midnight(first, now), _label(match))
    if word == "until":
        return Span(None, midnight(first + timedelta(days=1), now), _label(match))
    return Span(midnight(first, now), midnight(first + timedelta(days=1), now), _label(match))


def _calendar(match: re.Match[str], now: datetime) -> Span:
    """this/last/previous week, month or year."""
    today = now.date()
    back = 0 if match["which"].lower() == "this" else 1
    unit = match["unit"].lower()
    if unit == "week":
        start = today - timedelta(days=today.weekday() + 7 * back)
        end = start + timedelta(days=7)
    elif unit == "month":
        start = add_months(today.replace(day=1), -back)
        end = add_months(start, 1)
    else:
        start = date(today.year - back, 1, 1)
        end = date(start.year + 1, 1, 1)
    return Span(midnight(start, now), midnight(end, now), _label(match))


def _rolling(match: re.Match[str], now: datetime) -> Span:
    """last/past N minutes, hours, days, weeks or months; last/past hour or day;
    past week or month: that long before ``now``."""
    groups = match.groupdict()
    count = int(groups.get("n") or 1)
    unit = UNITS[(match["unit"] or groups["one"]).lower().rstrip("s")]
    if unit == "months":
        start = datetime.combine(add_months(now.date(), -count), now.timetz())
    else:
        start = now - timedelta(**{unit: count})
    label = _label(match)  # "started in the last 3 days", however it was asked
    framed = re.match(r"(?:in|over|during|within)\s", label, re.IGNORECASE)
    return Span(start, None, label if framed else f"in the {label}")


def _ago(match: re.Match[str], now: datetime) -> Span:
    day = now.date() - timedelta(days=int(match["n"]))
    return Span(midnight(day, now), midnight(day + timedelta(days=1), now), _label(match))


def _month(match: re.Match[str], now: datetime) -> Span:
    """in November (the most recent one), November 2026."""
    today = now.date()
    month = MONTHS[match["month"].lower().rstrip(".")]
    year = int(match["year"]) if match["year"] else today.year
    if not match["year"] and month > today.month:
        year -= 1
    start = date(year, month, 1)
    return Span(midnight(start, now), midnight(add_months(start, 1), now), _label(match))


PARTS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (18, 24), "tonight": (18, 24)}


def _part(match: re.Match[str], now: datetime) -> Span:
    """this morning (midnight to noon), this afternoon (to 18:00), this evening, tonight."""
    first, last = PARTS[match["part"].split()[-1].lower()]
    today = midnight(now.date(), now)  # + hours: wall-clock time, as Python adds them
    return Span(today + timedelta(hours=first), today + timedelta(hours=last), _label(match))


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/-]){pattern}(?![\w/-])", re.IGNORECASE)


Read = Callable[[re.Match[str], datetime], "Span | None"]
RULES: list[tuple[re.Pattern[str], Read]] = [
    (_rule(rf"(?P<word>between)\s+(?P<a>{DAY})\s+and\s+(?P<b>{DAY})"), _days),
    (_rule(rf"(?P<word>from)\s+(?P<a>{DAY})\s+(?:to|until|till)\s+(?P<b>{DAY})"), _days),
    (_rule(rf"(?P<word>since|after|before|until)\s+(?P<a>{DAY})"), _days),
    (_rule(r"(?P<which>this|last|previous)\s+(?P<unit>week|month|year)"), _calendar),
    (_rule(r"(?P<part>this\s+(?:morning|afternoon|evening)|tonight)"), _part),
    (
        _rule(
            r"(?:(?:in|over|during|within)\s+the\s+)?(?:last|past|previous)\s+(?:(?P<n>\d{1,6})\s+"
            r"(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?)|(?P<one>hour|day))"
        ),
        _rolling,
    ),
    (_rule(r"(?:(?:in|over|during|within)\s+the\s+)?past\s+(?P<unit>week|month)"), _rolling),
    (_rule(r"(?P<n>\d{1,5})\s+days?\s+ago"), _ago),
    (_rule(rf"(?P<word>on)\s+(?P<a>{DAY})"), _days),
    (_rule(rf"(?:in\s+)(?P<month>{MO})\.?(?:\s+(?P<year>\d{{4}}))?"), _month),
    (_rule(rf"(?P<month>{MO})\.?\s+(?P<year>\d{{4}})"), _month),
    (_rule(rf"(?P<a>{BARE_DAY})"), _days),
]
