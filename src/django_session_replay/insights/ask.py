"""Questions in plain words: "sessions with errors on /checkout/ last week"
read into the session list's own filters (api/filters.py's SessionFilters),
with what was understood and the words that were not.

``read`` applies the rules (rules.py, dates.py; deterministic, no network).
``answer`` adds, when an LLM is configured (insights/llm.py) and words are
left, the LLM's reading: it is sent the question and the filters' schema only,
and what it proposes is checked field by field through SessionFilters and
added where the rules set nothing (docs/insights.md, "Questions in plain words").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.utils import timezone
from pydantic import ValidationError

from django_session_replay.api.filters import SessionFilters

from . import llm
from .rules import RULES, Reading
from .words import (
    BROWSER_NAMES,
    DEVICE_TYPES,
    OS_FAMILIES,
    STOP_WORDS,
    browser_for,
    clauses,
    real_username,
)

MAX_QUESTION = 300  # SessionFilters.ask
HEADER = "X-Session-Replay-Filter"  # the list's applied filter, as JSON


@dataclass(frozen=True)
class Answer:
    filters: SessionFilters
    unparsed: tuple[str, ...] = ()  # the question's words no rule read, as typed
    notes: tuple[str, ...] = ()  # why something was left out, what the LLM did
    backend: str = "rules"  # or "rules+llm": the LLM read what the rules left
    dates: str | None = None  # the question's date words, e.g. "last week"

    @property
    def understood(self) -> list[str]:
        return clauses(self.filters, self.dates)

    def description(self) -> str:
        understood = self.understood
        return "Sessions " + ", ".join(understood) if understood else "All sessions"

    def as_json(self) -> dict[str, Any]:
        return {
            "filters": self.filters.model_dump(mode="json", exclude_none=True, exclude={"ask"}),
            "description": self.description(),
            "understood": self.understood,
            "unparsed": list(self.unparsed),
            "notes": list(self.notes),
            "backend": self.backend,
        }


def checked(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The values SessionFilters accepts, as it holds them, and the names of the others."""
    kept: dict[str, Any] = {}
    refused: list[str] = []
    for name, value in values.items():
        try:
            kept[name] = getattr(SessionFilters.model_validate({name: value}), name)
        except ValidationError:
            refused.append(name)
    return kept, refused


def read(question: str, now: datetime | None = None) -> Answer:
    """The rules' reading of ``question``; dates relative to ``now`` (default:
    the present) in the current time zone."""
    reading = Reading(question[:MAX_QUESTION], timezone.localtime(now or timezone.now()))
    for pattern, rule in RULES:
        reading.apply(pattern, rule)
    if reading.browser:
        reading.values["browser"] = browser_for(
            reading.browser, reading.values.get("os"), reading.values.get("device")
        )
    unparsed = [
        word
        for word in (token.strip(".,;:!?()[]{}'\"“”‘’") for token in reading.left())
        if any(c.isalnum() for c in word) and word.lower() not in STOP_WORDS
    ]
    values, refused = checked({k: v for k, v in reading.values.items() if v is not None})
    refusals = (f"The {name} it names is out of range." for name in refused)
    notes = list(dict.fromkeys([*reading.notes, *refusals]))  # a word may be noted twice
    return Answer(SessionFilters(**values), tuple(unparsed), tuple(notes), dates=reading.dates)


# What the LLM is told of each filter it may set (user_id is left out: it
# cannot know ids; url and visited overlap, visited is the one asked for).
SCHEMA = {
    "visited": "string: a path (/checkout/) or full URL of a page the session visited",
    "event": "string: the exact name of a custom event the page tracked",
    "has_errors": "boolean: true for sessions with a JS or console error, a failed request "
    "or a server exception; false for sessions with none",
    "signal": 'one of "rage_click", "dead_click", "error_click", "thrashing" (a thrashing '
    'cursor), "quick_back" (a page left within seconds for the one before)',
    "browser": "string, the browser as ua-parser names it: " + ", ".join(BROWSER_NAMES),
    "os": "string, as ua-parser names it: " + ", ".join(OS_FAMILIES),
    "device": "one of " + ", ".join(DEVICE_TYPES),
    "min_duration": "number: the least duration in seconds",
    "username": "string: the user's username",
    "started_after": "ISO 8601 date-time with its UTC offset: started at or after it",
    "started_before": "ISO 8601 date-time with its UTC offset: started before it",
    "active": "boolean: true for sessions being recorded now, false for the others",
    "q": "string: words to search for in what happened (page titles, clicked texts, "
    "messages); only for words the question asks to search",
}


def prompt(question: str, now: datetime) -> list[llm.Message]:
    fields = "\n".join(f"- {name}: {meaning}" for name, meaning in SCHEMA.items())
    system = (
        "You turn a question about recorded website sessions into the filters of the "
        "session list. Answer with one JSON object and nothing else. Use only these keys, "
        f"and leave out every key the question does not ask for:\n{fields}\n"
        f"Now is {now.isoformat(timespec='minutes')} ({now:%A}), time zone "
        f"{timezone.get_current_timezone_name()}; "
        "weeks start on Monday."
    )
    return [llm.Message("system", system), llm.Message("user", question)]


def proposed(reply: str) -> dict[str, Any] | None:
    """The JSON object of the reply, also when a model wrapped it in a code fence."""
    start, end = reply.find("{"), reply.rfind("}")
    try:
        found = json.loads(reply[start : end + 1]) if 0 <= start < end else None
    except json.JSONDecodeError:
        return None
    return found if isinstance(found, dict) else None


def from_llm(values: dict[str, Any], now: datetime) -> tuple[dict[str, Any], list[str]]:
    """The LLM's values that are filters and pass SessionFilters; the rest named."""
    dropped = [str(name)[:40] for name in values if name not in SCHEMA]
    given = {name: value for name, value in values.items() if name in SCHEMA and value is not None}
    for name in ("started_after", "started_before"):
        if isinstance(given.get(name), str):
            try:  # a time without an offset is the question's local time
                moment = datetime.fromisoformat(given[name])
                given[name] = moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
            except ValueError:
                pass  # SessionFilters says no, or reads what fromisoformat cannot
    kept, refused = checked(given)
    if kept.get("device") is not None and kept["device"] not in DEVICE_TYPES:
        refused.append("device")
        del kept["device"]
    if kept.get("username") is not None:
        kept["username"] = real_username(kept["username"])
        if kept["username"] is None:
            refused.append("username")
    for name, known in (("browser", BROWSER_NAMES), ("os", OS_FAMILIES)):
        value = kept.get(name)  # the admin's filters match the stored spelling only
        if isinstance(value, str):
            kept[name] = next((n for n in known if n.lower() == value.lower()), value)
    return {k: v for k, v in kept.items() if v is not None}, dropped + refused


def answer(question: str, now: datetime | None = None) -> Answer:
    """``read``, then, when an LLM is configured and words are left, the LLM's
    reading of the question for the filters the rules did not set."""
    rules = read(question, now)
    if not rules.unparsed or not llm.configured():
        return rules
    local = timezone.localtime(now or timezone.now())
    try:
        reply = llm.complete(prompt(question[:MAX_QUESTION], local), json_mode=True)
    except llm.LLMError as error:
        note = f"The LLM gave no answer ({error}): the rules' reading is applied alone."
        return replace(rules, notes=(*rules.notes, note))
    values = proposed(reply)
    if values is None:
        note = "The LLM's answer was no JSON object: the rules' reading is applied alone."
        return replace(rules, notes=(*rules.notes, note))
    kept, dropped = from_llm(values, local)
    ruled = rules.filters.model_dump(exclude_none=True)
    if rules.dates is not None:  # the rules' dates are one span, not two halves
        ruled.setdefault("started_after", None)
        ruled.setdefault("started_before", None)
    added = {name: value for name, value in kept.items() if name not in ruled}
    notes = list(rules.notes)
    if added:
        notes.append("The LLM read the rest: " + ", ".join(sorted(added)) + ".")
    if dropped:
        notes.append("Left out of the LLM's answer: " + ", ".join(dropped) + ".")
    filters = SessionFilters(**{**ruled, **added})
    return replace(rules, filters=filters, notes=tuple(notes), backend="rules+llm")


def applied(filters: SessionFilters, now: datetime | None = None) -> Answer:
    """What the session list applies for ``filters``: its ``ask`` read, then
    every parameter given beside it, which wins over the question."""
    found = answer(filters.ask or "", now)
    given = filters.model_dump(exclude_unset=True, exclude={"ask"})
    merged = found.filters.model_copy(update=given)
    dated = not ({"started_after", "started_before"} & given.keys())
    return replace(found, filters=merged, dates=found.dates if dated else None)
