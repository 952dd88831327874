"""Questions in plain words (insights/ask.py, rules.py, dates.py): a table of
phrasings read at a fixed moment, what is left unread, and the LLM reading the
rest against a local chat-completions server (tests/insights/llm_server.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from django_session_replay.api.filters import SessionFilters
from django_session_replay.insights import ask

from .llm_server import ChatServer, chat_server

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 2, 14, 30, tzinfo=PARIS)  # a Wednesday


def day(month: int, date: int, year: int = 2026) -> datetime:
    """Midnight of that day in Paris, the current time zone of these tests."""
    return datetime(year, month, date, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def paris_and_users() -> Iterator[None]:
    User.objects.create_user("alice")
    User.objects.create_user("bob")
    with timezone.override(PARIS):
        yield


def read(question: str) -> dict[str, Any]:
    return ask.read(question, NOW).filters.model_dump(exclude_none=True)


PHRASINGS: list[tuple[str, dict[str, Any]]] = [
    ("sessions with errors on /checkout/ last week",
     {"has_errors": True, "visited": "/checkout/",
      "started_after": day(11, 23), "started_before": day(11, 30)}),
    ("rage clicks on mobile yesterday",
     {"signal": "rage_click", "device": "mobile",
      "started_after": day(12, 1), "started_before": day(12, 2)}),
    ("what did alice do today",
     {"username": "alice", "started_after": day(12, 2), "started_before": day(12, 3)}),
    ("dead clicks this week",
     {"signal": "dead_click", "started_after": day(11, 30), "started_before": day(12, 7)}),
    ("Error clicks this month",
     {"signal": "error_click", "started_after": day(12, 1), "started_before": day(1, 1, 2027)}),
    ("thrashing cursor last month",
     {"signal": "thrashing", "started_after": day(11, 1), "started_before": day(12, 1)}),
    ("frustrated cursor in the last 3 days",
     {"signal": "thrashing", "started_after": NOW - timedelta(days=3)}),
    ("quick backs in the past 24 hours",
     {"signal": "quick_back", "started_after": NOW - timedelta(hours=24)}),
    ("visitors who bounced back since Monday",
     {"signal": "quick_back", "started_after": day(11, 30)}),
    ("sessions that failed on 2026-11-30",
     {"has_errors": True, "started_after": day(11, 30), "started_before": day(12, 1)}),
    ("errors on https://shop.example/checkout/?step=2.",
     {"has_errors": True, "visited": "https://shop.example/checkout/?step=2"}),
    ("by alice on /products/", {"username": "alice", "visited": "/products/"}),
    ("user bob on a tablet", {"username": "bob", "device": "tablet"}),
    ("Alice's sessions in Firefox", {"username": "alice", "browser": "Firefox"}),
    ("chrome on windows", {"browser": "Chrome", "os": "Windows"}),
    ("safari on iPhone", {"browser": "Mobile Safari", "os": "iOS", "device": "mobile"}),
    ("mobile chrome on android", {"browser": "Chrome Mobile", "os": "Android", "device": "mobile"}),
    ("desktop sessions on macOS longer than 5 minutes",
     {"device": "desktop", "os": "Mac OS X", "min_duration": 300.0}),
    ("linux over 30 s", {"os": "Linux", "min_duration": 30.0}),
    ("at least 1.5 hours on a phone", {"min_duration": 5400.0, "device": "mobile"}),
    ("who is active now?", {"active": True}),
    ("live sessions on edge", {"active": True, "browser": "Edge"}),
    ("ended sessions", {"active": False}),
    ("who tracked checkout-started", {"event": "checkout-started"}),
    ("event signup in the last 2 hours",
     {"event": "signup", "started_after": NOW - timedelta(hours=2)}),
    ("sessions without errors", {"has_errors": False}),
    ('sessions mentioning "card declined"', {"q": "card declined"}),
    ("js errors since 2026-11-25", {"has_errors": True, "started_after": day(11, 25)}),
    ("between 2026-11-01 and 2026-11-15", {"started_after": day(11, 1),
                                           "started_before": day(11, 16)}),
    ("what did bob do on Monday",
     {"username": "bob", "started_after": day(11, 30), "started_before": day(12, 1)}),
    ("crawlers on chrome os", {"device": "bot", "os": "Chrome OS"}),
    ("on 30 November", {"started_after": day(11, 30), "started_before": day(12, 1)}),
    ("in March", {"started_after": day(3, 1), "started_before": day(4, 1)}),
    ("2 days ago", {"started_after": day(11, 30), "started_before": day(12, 1)}),
    ("who got a 500 this morning", {"has_errors": True, "started_after": day(12, 2),
                                    "started_before": day(12, 2) + timedelta(hours=12)}),
    ('event "sign up" by @alice', {"event": "sign up", "username": "alice"}),
    ("sessions not active", {"active": False}),
]  # fmt: skip


@pytest.mark.parametrize(("question", "expected"), PHRASINGS, ids=[q for q, _ in PHRASINGS])
def test_a_phrasing_reads_into_the_filters_of_the_list(
    question: str, expected: dict[str, Any]
) -> None:
    answer = ask.read(question, NOW)
    assert answer.filters.model_dump(exclude_none=True) == expected
    assert answer.unparsed == ()
    assert answer.understood  # each reading says what it found


def test_the_table_covers_every_signal_device_and_form_asked_for() -> None:
    found = [read(question) for question, _ in PHRASINGS]
    assert len(PHRASINGS) >= 20
    assert {f.get("signal") for f in found} >= {
        "rage_click", "dead_click", "error_click", "thrashing", "quick_back"
    }  # fmt: skip
    assert {f.get("device") for f in found} >= {"mobile", "tablet", "desktop"}


def test_what_was_understood_is_said_in_words() -> None:
    answer = ask.read("sessions with errors on /checkout/ last week", NOW)
    assert answer.description() == (
        "Sessions with errors, that visited /checkout/, started last week "
        "(from 2026-11-23 00:00 to 2026-11-30 00:00, Europe/Paris)"
    )
    assert ask.read("", NOW).description() == "All sessions"


def test_dates_are_midnights_of_the_current_time_zone() -> None:
    with timezone.override(ZoneInfo("America/New_York")):
        found = read("today")
    new_york = ZoneInfo("America/New_York")
    assert found["started_after"] == datetime(2026, 12, 2, tzinfo=new_york)
    assert found["started_before"] == datetime(2026, 12, 3, tzinfo=new_york)


def test_words_either_side_of_what_was_read_are_not_one_phrase() -> None:
    answer = ask.read("errors on /products/ today", NOW)
    assert answer.dates == "today"  # not "on today"
    assert ask.read("tracked /x/ signup", NOW).filters.event is None


def test_unknown_words_are_reported_and_not_searched() -> None:
    answer = ask.read("sessions by carol on the checkout page, please", NOW)
    assert answer.filters.model_dump(exclude_none=True) == {}  # carol is nobody
    assert answer.unparsed == ("carol", "checkout")
    assert "q" not in read("pricing trouble")


def test_a_second_value_for_one_filter_is_left_out_and_said() -> None:
    answer = ask.read("rage clicks and dead clicks today and yesterday", NOW)
    assert answer.filters.signal == "rage_click"
    assert answer.filters.started_after == day(12, 2)
    assert answer.unparsed == ("dead", "clicks", "yesterday")
    assert any("dead clicks" in note for note in answer.notes)
    assert any("yesterday" in note for note in answer.notes)


def test_what_a_question_leaves_out_is_not_applied() -> None:
    answer = ask.read("errors in chrome not on mobile, except firefox", NOW)
    assert answer.filters.model_dump(exclude_none=True) == {"has_errors": True, "browser": "Chrome"}
    assert answer.unparsed == ("not", "mobile", "except", "firefox")
    assert answer.notes == (
        "“not on mobile” was left out: the list cannot leave things out.",
        "“except firefox” was left out: the list cannot leave things out.",
    )


def test_values_the_list_refuses_are_left_out() -> None:
    answer = ask.read("longer than 9999999 hours on 2026-02-31", NOW)
    assert answer.filters.model_dump(exclude_none=True) == {}
    assert any("min_duration" in note for note in answer.notes)
    assert "2026-02-31" in answer.unparsed


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "/" * 300,
        "last 999999 months",
        "last 999999 days",
        "after 9999-12-31",
        "since 0001-01-01",
        "by " * 100,
        '"' * 300,
        "on " * 100 + "2026-11-30",
        "\u0301" * 300,
    ],
)
def test_odd_questions_read_without_error(question: str) -> None:
    SessionFilters.model_validate(ask.read(question, NOW).filters.model_dump())


# -- the LLM reads what the rules leave --------------------------------------------------


@pytest.fixture
def model(settings: Any) -> Iterator[ChatServer]:
    with chat_server() as server:
        settings.SESSION_REPLAY = {
            "LLM_BASE_URL": server.url,
            "LLM_MODEL": "test-model",
            "LLM_TIMEOUT": 1,
        }
        yield server


def test_the_llm_turns_what_the_rules_cannot_read_into_filters(model: ChatServer) -> None:
    model.reply = json.dumps({"visited": "/basket/", "signal": "quick_back", "os": "ios"})
    question = "people who gave up on the basket on mobile"
    answer = ask.answer(question, NOW)
    assert answer.filters.model_dump(exclude_none=True) == {
        "device": "mobile",  # the rules'
        "visited": "/basket/",
        "signal": "quick_back",
        "os": "iOS",  # the stored spelling
    }
    assert answer.backend == "rules+llm"
    assert answer.unparsed == ("gave", "up", "basket")
    (body,) = model.requests
    system, user = body["messages"]
    assert user == {"role": "user", "content": question}  # only the question
    assert "2026-12-02T14:30+01:00 (Wednesday)" in system["content"]
    for name in ("visited", "signal", "rage_click", "Mobile Safari", "min_duration"):
        assert name in system["content"]
    assert body["response_format"] == {"type": "json_object"}


def test_what_the_model_invents_is_dropped(model: ChatServer) -> None:
    model.reply = "```json\n" + json.dumps({
        "visited": "/cart/", "colour": "red", "device": "watch", "min_duration": -5,
        "signal": "sad_click", "username": "nobody", "started_after": "not a date",
        "has_errors": None,
    }) + "\n```"  # fmt: skip
    answer = ask.answer("sessions where the cart went wrong", NOW)
    assert answer.filters.model_dump(exclude_none=True) == {"visited": "/cart/"}
    (note,) = [note for note in answer.notes if note.startswith("Left out")]
    for name in ("colour", "device", "min_duration", "signal", "username", "started_after"):
        assert name in note


def test_the_rules_win_over_the_model(model: ChatServer) -> None:
    model.reply = json.dumps({"signal": "dead_click", "device": "tablet",
                              "started_after": "2026-01-01T00:00:00"})  # fmt: skip
    answer = ask.answer("rage clicks yesterday near the basket", NOW)
    found = answer.filters.model_dump(exclude_none=True)
    assert found == {"signal": "rage_click", "device": "tablet",
                     "started_after": day(12, 1), "started_before": day(12, 2)}  # fmt: skip


def test_a_naive_time_from_the_model_is_local_time(model: ChatServer) -> None:
    model.reply = json.dumps({"started_after": "2026-11-20T09:00:00"})
    answer = ask.answer("since the sale started", NOW)
    assert answer.filters.started_after == datetime(2026, 11, 20, 9, tzinfo=PARIS)


def test_a_timeout_falls_back_to_the_rules(model: ChatServer) -> None:
    model.delay = 3
    model.reply = json.dumps({"device": "tablet"})
    answer = ask.answer("errors near the basket", NOW)
    assert answer.filters.model_dump(exclude_none=True) == {"has_errors": True}
    assert answer.backend == "rules"
    assert any("LLM gave no answer" in note and "could not be reached" in note
               for note in answer.notes)  # fmt: skip


def test_an_answer_that_is_no_json_object_falls_back(model: ChatServer) -> None:
    model.reply = "I think you want tablets."
    answer = ask.answer("errors near the basket", NOW)
    assert answer.filters.model_dump(exclude_none=True) == {"has_errors": True}
    assert any("no JSON object" in note for note in answer.notes)


def test_the_llm_is_asked_only_for_words_left(model: ChatServer) -> None:
    model.reply = json.dumps({"device": "tablet"})
    assert ask.answer("errors on /checkout/ yesterday", NOW).backend == "rules"
    assert model.requests == []


def test_without_an_llm_nothing_is_sent(settings: Any) -> None:
    settings.SESSION_REPLAY = {}
    answer = ask.answer("errors near the basket", NOW)
    assert (answer.backend, answer.unparsed) == ("rules", ("near", "basket"))
