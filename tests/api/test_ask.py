"""``ask=`` on the session list and ``GET /sessions/ask`` (api/sessions.py,
insights/ask.py): the question read into filters, explicit parameters winning,
the applied filter readable from the answer."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from django_session_replay.insights.ask import HEADER
from django_session_replay.models import ReplaySession
from tests.api.test_timeline import SESSIONS, session
from tests.timeline.test_telemetry import START, console, page_view

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> dict[str, str]:
    """Three sessions: errors on /checkout/, a clean /checkout/, errors elsewhere."""
    failing = session([page_view("http://x/checkout/", START), console("error", "no", ts=START)])
    clean = session([page_view("http://x/checkout/", START)])
    elsewhere = session([page_view("http://x/products/", START), console("error", "x", ts=START)])
    return {"failing": str(failing), "clean": str(clean), "elsewhere": str(elsewhere)}


def listed(client: Client, **params: Any) -> tuple[set[str], dict[str, Any]]:
    response = client.get(SESSIONS, params)
    assert response.status_code == 200, response.content
    applied = json.loads(response[HEADER]) if HEADER in response else {}
    return {item["id"] for item in response.json()["items"]}, applied


def test_the_list_is_filtered_by_the_question(
    client: Client, viewer: User, shop: dict[str, str]
) -> None:
    found, applied = listed(client, ask="sessions with errors on /checkout/ today")
    assert found == {shop["failing"]}
    assert applied["filters"]["has_errors"] is True
    assert applied["filters"]["visited"] == "/checkout/"
    assert {"started_after", "started_before"} <= applied["filters"].keys()
    assert applied["unparsed"] == []
    assert applied["description"].startswith("Sessions with errors, that visited /checkout/")
    assert listed(client, ask="errors on /checkout/ yesterday")[0] == set()


def test_explicit_parameters_win_over_the_question(
    client: Client, viewer: User, shop: dict[str, str]
) -> None:
    found, applied = listed(client, ask="with errors on /checkout/", has_errors="false")
    assert found == {shop["clean"]}
    assert applied["filters"] == {"has_errors": False, "visited": "/checkout/"}
    found, _ = listed(client, ask="with errors on /checkout/", visited="/products/")
    assert found == {shop["elsewhere"]}


def test_the_applied_filter_is_readable_without_listing(
    client: Client, viewer: User, shop: dict[str, str]
) -> None:
    response = client.get(f"{SESSIONS}/ask", {"ask": "rage clicks on mobile near the basket"})
    assert response.status_code == 200
    body = response.json()
    assert body["filters"] == {"signal": "rage_click", "device": "mobile"}
    assert body["understood"] == ["with rage clicks", "on mobile"]
    assert body["unparsed"] == ["near", "basket"]
    assert body["backend"] == "rules"
    # The same parameters as the list, explicit ones winning.
    both = client.get(f"{SESSIONS}/ask", {"ask": "on mobile", "device": "tablet", "os": "iOS"})
    assert both.json()["filters"] == {"device": "tablet", "os": "iOS"}


def test_dates_are_read_against_the_present(client: Client, viewer: User) -> None:
    today = str(session([]))
    old = session([])
    ReplaySession.objects.filter(pk=old).update(created=timezone.now() - timedelta(days=10))
    assert listed(client, ask="today")[0] == {today}
    assert listed(client, ask="in the last 30 days")[0] == {today, str(old)}
    # started_after given wins; the question still ends the span tonight
    found = listed(client, ask="today", started_after="2000-01-01T00:00:00Z")[0]
    assert found == {today, str(old)}


def test_a_user_named_in_the_question(client: Client, viewer: User) -> None:
    alice = User.objects.create_user("alice")
    theirs = str(session([]))
    ReplaySession.objects.filter(pk=UUID(theirs)).update(user=alice)
    session([])
    found, applied = listed(client, ask="what did alice do")
    assert (found, applied["filters"]) == ({theirs}, {"username": "alice"})
    found, applied = listed(client, ask="what did carol do")
    assert len(found) == 2 and applied["unparsed"] == ["carol"]


def test_no_question_no_header(client: Client, viewer: User) -> None:
    session([])
    assert HEADER not in client.get(SESSIONS)


@pytest.mark.parametrize("bad", ["x" * 301, "errors\x00today"])
def test_a_bad_question_is_a_422(client: Client, viewer: User, bad: str) -> None:
    for path in (SESSIONS, f"{SESSIONS}/ask"):
        response = client.get(path, {"ask": bad})
        assert response.status_code == 422, response.content
        (error,) = response.json()["detail"]
        assert error["loc"] == ["query", "ask"]


def test_asking_needs_the_view_permission(client: Client) -> None:
    assert client.get(f"{SESSIONS}/ask", {"ask": "today"}).status_code == 401
