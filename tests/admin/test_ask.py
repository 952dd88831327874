"""The changelist's Ask box (admin/ask.py): a question redirects to the
changelist with the filters it found as the changelist's own parameters, and a
message says what was understood."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from django_session_replay.models import ReplaySession
from tests.admin.test_sessions import CHANGELIST, login, replay_url
from tests.api.test_timeline import session
from tests.timeline.test_telemetry import START, console, page_view

pytestmark = pytest.mark.django_db

ASK = CHANGELIST + "ask/"


def listed(client: Client, url: str, *sessions: object) -> set[str]:
    """The sessions among ``sessions`` the changelist at ``url`` lists; it must
    take every parameter (an unknown one redirects to ?e=1)."""
    response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    return {str(sid) for sid in sessions if replay_url(sid) in page}


def test_asking_redirects_to_the_changelist_filtered_to_the_answer(client: Client) -> None:
    login(client, permission=True)
    failing = session([page_view("http://x/checkout/", START), console("error", "no", ts=START)])
    clean = session([page_view("http://x/checkout/", START)])
    elsewhere = session([page_view("http://x/products/", START), console("error", "x", ts=START)])
    response = client.get(ASK, {"ask": "sessions with errors on /checkout/"})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?has_errors=true&visited=%2Fcheckout%2F"
    page = client.get(response["Location"]).content.decode()  # shows the message once
    assert {str(sid) for sid in (failing, clean, elsewhere) if replay_url(sid) in page} == {
        str(failing)
    }
    assert "“sessions with errors on /checkout/”: Sessions with errors, that visited" in page
    assert 'class="success"' in page  # every word understood
    assert 'value="sessions with errors on /checkout/"' in page  # the question, to edit
    other = client.get(f"{CHANGELIST}?has_errors=true").content.decode()
    assert 'value="sessions with' not in other  # a list the question did not ask for


def test_every_parameter_an_answer_makes_is_one_the_changelist_takes(client: Client) -> None:
    user = login(client, permission=True)
    question = (
        "active sessions with rage clicks and errors by staff on /checkout/ "
        "tracked checkout-started in firefox on linux on desktop longer than 5 minutes "
        'last week mentioning "declined"'
    )
    location = client.get(ASK, {"ask": question})["Location"]
    query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    assert set(query) == {
        "status", "has_errors", "signal", "visited", "event", "browser", "os", "device",
        "min_duration", "created__gte", "created__lt", "user__id__exact", "q",
    }  # fmt: skip
    assert query["user__id__exact"] == str(user.pk)
    assert (query["browser"], query["os"], query["min_duration"]) == ("Firefox", "Linux", "300")
    listed(client, location)  # 200, not ?e=1
    for other in ("ended sessions without errors", "in the last 2 hours", "on 2026-11-30"):
        listed(client, client.get(ASK, {"ask": other})["Location"])


def test_the_dates_read_find_the_sessions_of_those_days(client: Client) -> None:
    login(client, permission=True)
    today = session([])
    old = session([])
    ReplaySession.objects.filter(pk=old).update(created=timezone.now() - timedelta(days=3))
    location = client.get(ASK, {"ask": "today"})["Location"]
    assert listed(client, location, today, old) == {str(today)}
    page = client.get(location).content.decode()
    # The date filter's own "Today" link shows as chosen.
    assert re.search(r'<li class="selected">\s*<a href="[^"]*">Today</a>', page)


def test_words_not_understood_are_said(client: Client) -> None:
    login(client, permission=True)
    response = client.get(ASK, {"ask": "errors near the basket"}, follow=True)
    assert response.redirect_chain == [(f"{CHANGELIST}?has_errors=true", 302)]
    page = response.content.decode()
    assert 'class="warning"' in page
    assert "Not understood: near, basket." in page


def test_an_empty_or_long_question_goes_back_to_the_whole_list(client: Client) -> None:
    login(client, permission=True)
    assert client.get(ASK, {"ask": "  "})["Location"] == CHANGELIST
    response = client.get(ASK, {"ask": "x" * 301}, follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert "Ask in at most 300 characters." in response.content.decode()


def test_the_changelist_has_the_ask_box(client: Client) -> None:
    login(client, permission=True)
    page = client.get(CHANGELIST).content.decode()
    assert '<label for="session-replay-ask-input">Ask</label>' in page
    assert f'action="{ASK}"' in page
    assert 'placeholder="sessions with errors on /checkout/ last week"' in page
    assert 'id="searchbar"' in page  # the search box is still there


def test_asking_needs_the_view_permission(client: Client) -> None:
    assert client.get(ASK, {"ask": "today"})["Location"].startswith("/admin/login/")
    login(client, permission=False)
    assert client.get(ASK, {"ask": "today"}).status_code == 403


def test_the_duration_filter(client: Client) -> None:
    login(client, permission=True)
    short = session([], duration_ms=20_000)
    long = session([], duration_ms=400_000)
    assert listed(client, f"{CHANGELIST}?min_duration=300", short, long) == {str(long)}
    assert listed(client, f"{CHANGELIST}?min_duration=12.5", short, long) == {str(short), str(long)}
    for bad in ("abc", "-1", "nan", "1e12"):
        response = client.get(f"{CHANGELIST}?min_duration={bad}")
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), bad
