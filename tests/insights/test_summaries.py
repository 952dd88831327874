"""Summaries (insights/summaries.py): the rule-based sentences of a recorded
session; the LLM backend against a local chat-completions server (a good
answer, an invented ref, no refs, a timeout, not JSON: the last four fall back
or drop); the cache; the task when a session ends; the E022 check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import django
import pytest
from django.test import override_settings
from django.utils import timezone

from django_session_replay import tasks
from django_session_replay.config.checks import check_settings
from django_session_replay.ingest import sessions
from django_session_replay.insights import digest, summaries
from django_session_replay.insights.summaries import Sentence, Summariser
from django_session_replay.models import ReplaySession, SessionSummary, TimelineEntry
from django_session_replay.wire import frames
from tests.conftest import events, hello_frame
from tests.factories import record
from tests.insights.llm_server import ChatServer, chat_server
from tests.insights.test_digest import START, add_row, shop_session

pytestmark = pytest.mark.django_db

FRAMEWORK = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
IMMEDIATE = {"BACKEND": f"{FRAMEWORK}.backends.immediate.ImmediateBackend"}
LLM = "django_session_replay.insights.summaries.LLMSummariser"
Kind = TimelineEntry.Kind


def session_of(sid: UUID) -> ReplaySession:
    return ReplaySession.objects.get(pk=sid)


def the_digest(sid: UUID) -> digest.Digest:
    return digest.digest_of(session_of(sid))


def refs_of(sid: UUID, kind: str) -> list[str]:
    return [line.ref for line in the_digest(sid).moments(kind)]


def test_the_rule_based_summary_names_the_pages_the_signal_and_the_error() -> None:
    sid = shop_session()
    found = the_digest(sid)
    sentences = summaries.RuleBasedSummariser().summarise(found)
    (rage,) = refs_of(sid, Kind.RAGE_CLICK)
    (js,) = refs_of(sid, Kind.JS_ERROR)
    (network,) = refs_of(sid, Kind.NETWORK)
    (server,) = refs_of(sid, Kind.SERVER_REQUEST)
    (exception,) = refs_of(sid, Kind.SERVER_EXCEPTION)
    products, cart = refs_of(sid, Kind.PAGE_VIEW)
    (vital,) = refs_of(sid, Kind.WEB_VITAL)
    assert sentences == [
        Sentence("Landed on /products/ ('Products · Shop').", (products,)),
        Sentence("Rage-clicked 'Add to cart'.", (rage,)),
        Sentence("Got a 500 from POST /cart/.", (server, network)),
        Sentence("The server raised ValueError: out of stock.", (exception,)),
        Sentence("Hit a JS error: TypeError: cart is undefined.", (js,)),
        Sentence("Went on to /cart/.", (cart,)),
        Sentence("Had poor web vitals: LCP 4200 ms.", (vital,)),
        Sentence("Left after 12 s on /cart/.", ("END", cart)),
    ]
    summary = summaries.summary_of(session_of(sid))
    assert summary.backend == "rule-based"
    assert summary.text == " ".join(sentence.text for sentence in sentences)
    assert summary.sentences[1] == {"text": "Rage-clicked 'Add to cart'.", "refs": [rage]}
    assert summary.digest_hash == found.hash


def test_alike_moments_are_one_sentence_and_an_open_session_is_still_open() -> None:
    sid = ReplaySession.objects.create(first_timestamp=START, last_timestamp=START + 75_000).pk
    for ts in (1000, 2000, 9000):
        add_row(sid, Kind.DEAD_CLICK, START + ts, 'a#more "More"', "warn", text="More")
    found = the_digest(sid)
    assert [s.text for s in summaries.RuleBasedSummariser().summarise(found)] == [
        "Clicked 'More' 3 times, which did nothing.",
        "Still open at 1 min 15 s.",
    ]


@pytest.fixture
def endpoint(settings: Any) -> Iterator[ChatServer]:
    with chat_server() as server:
        settings.SESSION_REPLAY = {
            "SUMMARY_BACKEND": LLM,
            "LLM_BASE_URL": server.url,
            "LLM_MODEL": "test-model",
            "LLM_TIMEOUT": 1,
        }
        yield server


def answer(*sentences: tuple[str, list[str]]) -> str:
    return json.dumps({"sentences": [{"text": text, "refs": refs} for text, refs in sentences]})


def test_the_llm_summary_keeps_the_sentences_that_cite_the_digest(endpoint: ChatServer) -> None:
    sid = shop_session()
    (rage,) = refs_of(sid, Kind.RAGE_CLICK)
    (js,) = refs_of(sid, Kind.JS_ERROR)
    endpoint.reply = answer(
        ("The visitor rage-clicked Add to cart.", [rage]),
        ("Then  a JS error\nbroke the cart.", [js, rage, js]),
    )
    summary = summaries.summary_of(session_of(sid))
    assert summary.backend == "llm:test-model"
    assert summary.sentences == [
        {"text": "The visitor rage-clicked Add to cart.", "refs": [rage]},
        {"text": "Then a JS error broke the cart.", "refs": [js, rage]},
    ]
    (body,) = endpoint.requests
    system, user = body["messages"]
    assert system["role"] == "system" and '"refs"' in system["content"]
    assert user["content"] == "The digest:\n" + the_digest(sid).text
    assert body["response_format"] == {"type": "json_object"}


def test_a_sentence_citing_an_invented_ref_is_dropped(endpoint: ChatServer) -> None:
    sid = shop_session()
    (rage,) = refs_of(sid, Kind.RAGE_CLICK)
    endpoint.reply = "```json\n" + answer(
        ("The visitor rage-clicked Add to cart.", [rage]),
        ("They paid with a card ending 4242.", [rage, "E999999"]),
        ("And left happy.", ["L3"]),
    ) + "\n```"  # fmt: skip
    summary = summaries.summary_of(session_of(sid))
    assert summary.backend == "llm:test-model"
    assert summary.text == "The visitor rage-clicked Add to cart."


@pytest.mark.parametrize(
    "reply, why",
    [
        (answer(("A visit happened.", []), ("Nothing cited.", [])), "no sentence of the answer"),
        ("Sure! The visitor was unhappy.", "the answer is not JSON"),
        (json.dumps({"summary": "x"}), 'no "sentences" list'),
    ],
)
def test_an_unusable_answer_falls_back_to_the_rule_based_summary(
    endpoint: ChatServer, reply: str, why: str
) -> None:
    sid = shop_session()
    endpoint.reply = reply
    summary = summaries.summary_of(session_of(sid))
    rule_based = summaries.RuleBasedSummariser().summarise(the_digest(sid))
    assert summary.text == " ".join(sentence.text for sentence in rule_based)
    assert summary.backend.startswith("rule-based (LLM fallback: ")
    assert why in summary.backend


def test_a_timeout_falls_back_to_the_rule_based_summary(endpoint: ChatServer) -> None:
    sid = shop_session()
    endpoint.delay = 3  # LLM_TIMEOUT is 1
    summary = summaries.summary_of(session_of(sid))
    assert summary.backend.startswith("rule-based (LLM fallback: the LLM endpoint could not")
    assert summary.text.startswith("Landed on /products/")


def test_with_no_llm_configured_the_llm_backend_says_so(settings: Any) -> None:
    settings.SESSION_REPLAY = {"SUMMARY_BACKEND": LLM}
    summary = summaries.summary_of(session_of(shop_session()))
    assert summary.backend == (
        "rule-based (LLM fallback: no LLM is configured (LLM_BASE_URL and LLM_MODEL))"
    )


class Counting(Summariser):
    """Counts its calls; its sentence cites the session line."""

    name = "counting"
    calls = 0

    def summarise(self, digest: digest.Digest) -> list[Sentence]:
        Counting.calls += 1
        return [Sentence(f"Summary {Counting.calls}.", ("S",)), Sentence("Uncited.", ())]


class Broken(Summariser):
    def summarise(self, digest: digest.Digest) -> list[Sentence]:
        raise RuntimeError("out of tokens")


def test_the_same_digest_is_not_summarised_again_and_a_new_row_is(settings: Any) -> None:
    settings.SESSION_REPLAY = {"SUMMARY_BACKEND": f"{__name__}.Counting"}
    Counting.calls = 0
    sid = shop_session()
    first = summaries.summary_of(session_of(sid))
    assert (first.text, first.backend, Counting.calls) == ("Summary 1.", "counting", 1)
    again = summaries.summary_of(session_of(sid))
    assert (again.text, again.created, Counting.calls) == ("Summary 1.", first.created, 1)
    add_row(sid, Kind.CONSOLE, START + 9000, "checkout failed", "error", message="x")
    changed = summaries.summary_of(session_of(sid))
    assert (changed.text, Counting.calls) == ("Summary 2.", 2)
    assert changed.digest_hash == the_digest(sid).hash != first.digest_hash
    assert SessionSummary.objects.count() == 1


def test_a_backend_that_raises_falls_back_to_the_rule_based_summary(settings: Any) -> None:
    settings.SESSION_REPLAY = {"SUMMARY_BACKEND": f"{__name__}.Broken"}
    summary = summaries.summary_of(session_of(shop_session()))
    assert summary.backend == "rule-based (RuntimeError: out of tokens)"
    assert summary.text.startswith("Landed on /products/")


# -- the task, when a session ends -----------------------------------------------------


@pytest.fixture
def immediate(settings: Any) -> None:
    settings.TASKS = {"default": IMMEDIATE, "now": IMMEDIATE}
    settings.SESSION_REPLAY = {"TASK_BACKEND": "now", "IDLE_TIMEOUT": 600}


def idle(sid: UUID) -> None:
    past = timezone.now() - timedelta(seconds=601)
    ReplaySession.objects.filter(pk=sid).update(last_activity=past)


def test_a_session_closed_as_idle_is_summarised(
    immediate: None, django_capture_on_commit_callbacks: Any
) -> None:
    going = record([events(1)]).session_id
    ended = [shop_session(), record([events(2)], visitor="b").session_id]
    ReplaySession.objects.filter(pk__in=ended).update(ended=None)
    for sid in ended:
        idle(sid)
    with django_capture_on_commit_callbacks(execute=True):
        assert sessions.close_idle_sessions() == 2
    summarised = dict(SessionSummary.objects.values_list("session_id", "text"))
    assert set(summarised) == set(ended)
    assert summarised[ended[0]].endswith("Left after 12 s on /cart/.")
    assert not SessionSummary.objects.filter(session_id=going).exists()
    assert not tasks.summarising  # the background thread was not used


def test_a_session_ended_when_its_recorder_comes_back_is_summarised(
    immediate: None, django_capture_on_commit_callbacks: Any
) -> None:
    opened = record([events(1)])
    idle(opened.session_id)
    hello = frames.parse_hello(hello_frame(token=opened.token))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = sessions.open_session(hello, None)
    assert again.session_id != opened.session_id and len(callbacks) == 1
    summary = SessionSummary.objects.get(session_id=opened.session_id)
    assert summary.digest_hash == the_digest(opened.session_id).hash
    assert summary.text.startswith("Left after")


@pytest.mark.django_db(transaction=True)
def test_by_default_the_summary_is_made_on_the_background_thread(settings: Any) -> None:
    settings.SESSION_REPLAY = {"IDLE_TIMEOUT": 600}
    sid = shop_session()
    ReplaySession.objects.filter(pk=sid).update(ended=None)
    idle(sid)
    assert sessions.close_idle_sessions() == 1  # autocommit: enqueued at once
    future = tasks.summarising.get(sid)
    if future is not None:
        assert future.result(timeout=20) == the_digest(sid).hash
    assert SessionSummary.objects.get(session_id=sid).text.startswith("Landed on /products/")


def test_the_task_is_idempotent_and_ignores_a_purged_session(immediate: None) -> None:
    sid = shop_session()
    digest_hash = tasks.summarise_session.call(str(sid))
    created = SessionSummary.objects.get(session_id=sid).created
    assert tasks.summarise_session.call(str(sid)) == digest_hash
    assert SessionSummary.objects.get(session_id=sid).created == created
    assert tasks.summarise_session.call("00000000-0000-0000-0000-000000000000") == ""


# -- E022 ------------------------------------------------------------------------------


def not_a_class() -> None:
    pass


@pytest.mark.parametrize(
    "path, problem",
    [
        ("no.such.Summariser", "cannot be imported"),
        ("django_session_replay.conf.Settings", "is not a subclass"),
        (f"{__name__}.not_a_class", "is not a subclass"),
        (LLM, None),
        (f"{__name__}.Counting", None),
    ],
)
def test_e022_the_summary_backend_is_an_importable_summariser(
    path: str, problem: str | None
) -> None:
    with override_settings(SESSION_REPLAY={"SUMMARY_BACKEND": path}):
        messages = check_settings()
    if problem is None:
        assert messages == []
        return
    (message,) = messages
    assert message.id == "django_session_replay.E022"
    assert message.msg.startswith(f"SESSION_REPLAY['SUMMARY_BACKEND'] ({path!r}) {problem}")
