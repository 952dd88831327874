"""The rules that read a question (ask.py): each a pattern and what its words
set, applied in order, each blanking the words it understood so that the next
rules and the list of words left over do not see them again."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import dates
from .words import BROWSERS, DEVICES, OS_NAMES, STOP_WORDS, real_username

READ = "\x00"  # what replaces the words read; never in a question (SessionFilters)
NAME = r"[\w.+-][\w.@+-]{0,149}"  # a Django username
QUOTED = r'"[^"]{1,200}"|“[^”]{1,200}”'
EVENT = (
    r"(?:tracked|triggered|fired)\s+(?:the\s+)?(?:(?:custom\s+)?event\s+)?"
    r"|(?:custom\s+)?events?\s+(?:named\s+|called\s+)?"
)
# "not on mobile": the list has no filter that leaves a value out, so words
# after these are not read (but "without errors" and "not active" are filters).
NEGATED = re.compile(
    r"\b(?:not|no|never|except|excluding|without|other\s+than|apart\s+from)\s+"
    r"(?:(?:on|in|with|from|by|using|via|a|an|the|any)\s+)*$",
    re.IGNORECASE,
)


Rule = Callable[[re.Match[str], "Reading"], bool]


@dataclass
class Reading:
    """A question being read: each rule blanks the words it understood in
    ``rest`` with READ, which no pattern matches, not even ``\\s``: the words
    either side of them are not read as one phrase ("on /products/ today" is
    not "on today")."""

    text: str
    now: datetime
    rest: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dates: str | None = None
    browser: str | None = None  # a key of BROWSERS, named once the OS and device are known

    def __post_init__(self) -> None:
        self.text = self.text.replace(READ, " ")
        self.rest = self.text

    def left(self) -> list[str]:
        """The words no rule read."""
        return self.rest.replace(READ, " ").split()

    def apply(self, pattern: re.Pattern[str], rule: Rule) -> None:
        for match in list(pattern.finditer(self.rest)):
            negation = NEGATED.search(self.text[: match.start()])
            if negation:
                words = " ".join(self.text[negation.start() : match.end()].split())
                self.notes.append(f"“{words}” was left out: the list cannot leave things out.")
            elif rule(match, self):
                start, end = match.span()
                self.rest = self.rest[:start] + READ * (end - start) + self.rest[end:]

    def set(self, name: str, value: Any, words: str) -> bool:
        """Sets one filter; a second, different value for it is left unread."""
        if self.values.get(name, value) != value:
            self.notes.append(f"“{words}” was left out: the list takes one {name} filter.")
            return False
        self.values[name] = value
        return True


def _word(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/-])(?:{pattern})(?![\w-])", re.IGNORECASE)


def _unquoted(value: str) -> str:
    return value.strip().strip("\"'“”‘’").strip()


def _event(match: re.Match[str], reading: Reading) -> bool:
    name = _unquoted(match["name"]).rstrip(".:")
    return bool(name) and name.lower() not in STOP_WORDS and reading.set("event", name, match[0])


def _search(match: re.Match[str], reading: Reading) -> bool:
    words = _unquoted(match["q"])
    if not words:
        return False
    current = reading.values.pop("q", None)
    return reading.set("q", f"{current} {words}" if current else words, match[0])


def _visited(match: re.Match[str], reading: Reading) -> bool:
    address = match[0].rstrip(".,;:!?)")  # the sentence's punctuation, not the URL's
    return bool(address) and reading.set("visited", address, address)


def _dating(read: dates.Read) -> Rule:
    def rule(match: re.Match[str], reading: Reading) -> bool:
        try:
            span = read(match, reading.now)
        except (ValueError, OverflowError):  # past the years 1 to 9999
            return False
        if span is None:
            return False
        if reading.dates is not None:
            reading.notes.append(f"“{span.label}” was left out: the question already says when.")
            return False
        reading.values["started_after"], reading.values["started_before"] = span.start, span.end
        reading.dates = span.label
        return True

    return rule


SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
           "h": 3600, "hr": 3600, "hour": 3600}  # fmt: skip


def _duration(match: re.Match[str], reading: Reading) -> bool:
    unit = match["unit"].lower()
    unit = unit if unit in SECONDS else unit.rstrip("s")
    seconds = float(match["n"].replace(",", ".")) * SECONDS[unit]
    return reading.set("min_duration", seconds, match[0])


def _setting(name: str, value: Any) -> Rule:
    return lambda match, reading: reading.set(name, value, match[0])


def _browser(match: re.Match[str], reading: Reading) -> bool:
    words = match[0]
    key = next(key for key, (pattern, _) in BROWSERS.items() if re.fullmatch(pattern, words, re.I))
    if reading.browser not in (None, key):
        reading.notes.append(f"“{match[0]}” was left out: the list takes one browser filter.")
        return False
    reading.browser = key
    return True


def _user(match: re.Match[str], reading: Reading) -> bool:
    """Only a user who exists: "by mobile" or "of them" name nobody."""
    name = real_username(match["name"].rstrip("."))
    return name is not None and reading.set("username", name, match[0])


RULES: list[tuple[re.Pattern[str], Rule]] = [
    # Quoted words first: they may hold anything.
    (re.compile(rf"(?<![\w/-])(?:{EVENT})(?P<name>{QUOTED}|'[^']{{1,255}}')", re.I), _event),
    (
        re.compile(
            rf"(?<![\w/-])(?:containing|mentioning|matching|saying|search(?:ing)?\s+for)\s+"
            rf"(?P<q>{QUOTED}|'[^']{{1,200}}'|[^\s\"“\x00]{{1,200}})",
            re.IGNORECASE,
        ),
        _search,
    ),
    (re.compile(rf"(?P<q>{QUOTED})"), _search),
    (re.compile(r"\bhttps?://[^\s\"'<>\x00]{1,2000}", re.IGNORECASE), _visited),
    (re.compile(r"(?<![\w.:/-])/[^\s\"'<>\x00]{0,2000}"), _visited),
    *((pattern, _dating(read)) for pattern, read in dates.RULES),
    # After dates: "event signup last week".
    (
        re.compile(rf"(?<![\w/-])(?:{EVENT})(?P<name>\w[\w.:-]{{0,254}})", re.IGNORECASE),
        _event,
    ),
    (
        re.compile(
            r"(?:(?<![\w-])(?:longer\s+than|more\s+than|over|above|at\s+least|lasting"
            r"(?:\s+(?:over|more\s+than|at\s+least|longer\s+than))?)\s+|>=?\s*)"
            r"(?P<n>\d{1,7}(?:[.,]\d{1,3})?)\s*"
            r"(?P<unit>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)(?![\w-])",
            re.IGNORECASE,
        ),
        _duration,
    ),
    # Signals before errors: "error clicks" is a signal.
    (_word(r"rage[\s-]*click(?:s|ed|ing)?|rage"), _setting("signal", "rage_click")),
    (
        _word(r"dead[\s-]*clicks?|unresponsive\s+clicks?|clicks?\s+(?:that|which)\s+did\s+nothing"),
        _setting("signal", "dead_click"),
    ),
    (_word(r"error[\s-]*clicks?"), _setting("signal", "error_click")),
    (
        _word(
            r"thrash(?:ing|ed)?(?:\s+(?:cursors?|mouse|pointers?))?"
            r"|(?:frustrated|frantic)\s+(?:cursors?|mouse|pointers?)"
            r"|(?:cursor|mouse|pointer)\s+thrash(?:ing|ed)?"
        ),
        _setting("signal", "thrashing"),
    ),
    (
        _word(
            r"quick(?:ly)?[\s-]*backs?|bounced?\s+back|went\s+back\s+quickly|came\s+back\s+quickly"
        ),
        _setting("signal", "quick_back"),
    ),
    (
        _word(r"(?:without|no|zero)\s+(?:any\s+)?(?:errors?|exceptions?|failures?)|error[\s-]free"),
        _setting("has_errors", False),
    ),
    (
        _word(
            r"(?:(?:with|had|having|any|some)\s+)?(?:(?:js|javascript|console|server|network)\s+)?"
            r"(?:errors?|exceptions?|crash(?:es|ed)?|failures?|failed(?:\s+requests?)?|failing"
            r"|broken|bugs?|(?:(?:an?|http)\s+)?[45]\d\d(?:s|\s+errors?)?)"
        ),
        _setting("has_errors", True),
    ),
    (
        _word(r"inactive|ended|finished|completed|no\s+longer\s+active|not\s+(?:active|live)"),
        _setting("active", False),
    ),
    (
        _word(
            r"(?:active|live)(?:\s+(?:right\s+)?now)?|(?:right\s+)?now|ongoing|in\s+progress"
            r"|currently|at\s+the\s+moment|being\s+recorded"
        ),
        _setting("active", True),
    ),
    # The OS before devices and browsers: "iPhone" says both, "Chrome OS" is not Chrome.
    *((_word(pattern), _setting("os", name)) for pattern, name in OS_NAMES),
    (_word(r"iphones?"), lambda m, r: r.set("os", "iOS", m[0]) and r.set("device", "mobile", m[0])),
    *((_word(pattern), _setting("device", name)) for pattern, name in DEVICES),
    (_word("|".join(pattern for pattern, _ in BROWSERS.values())), _browser),
    # Users last: the words before a name are common words otherwise.
    (re.compile(rf"\bwhat\s+(?:did|has|have)\s+(?P<name>{NAME})\s+(?:do|done)\b", re.I), _user),
    (
        re.compile(
            r"(?:\b(?:by|for|from|of)\s+(?:the\s+)?(?:user(?:name)?\s+)?|\buser(?:name)?\s+"
            r"|(?<![\w@])@)"
            rf"(?P<name>{NAME})",
            re.IGNORECASE,
        ),
        _user,
    ),
    (re.compile(rf"(?<![\w.@+-])(?P<name>{NAME})['’]s\b", re.IGNORECASE), _user),
]
