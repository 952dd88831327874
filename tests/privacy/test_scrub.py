"""Secret-looking query parameters (privacy/scrub.py) are replaced in what the
server stores outside events, whatever the client sent: the entry URL and the
referrer of hello."""

from __future__ import annotations

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from django_session_replay.models import ReplaySession
from django_session_replay.privacy.scrub import REDACTED, scrub_url
from tests.conftest import Client, hello_frame


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://a.example/r?token=abc&page=2", f"https://a.example/r?token={REDACTED}&page=2"),
        (
            "https://a.example/?Access_Token=x&X-Amz-Signature=y#f",
            f"https://a.example/?Access_Token={REDACTED}&X-Amz-Signature={REDACTED}#f",
        ),
        (
            "https://a.example/?sessionid=1&code=2",
            f"https://a.example/?sessionid={REDACTED}&code={REDACTED}",
        ),
        ("https://a.example/p?id=1&sort=new", "https://a.example/p?id=1&sort=new"),
        ("https://a.example/", "https://a.example/"),
        ("", ""),
    ],
)
def test_scrub_url(url: str, expected: str) -> None:
    assert scrub_url(url) == expected


def test_the_deny_list_is_a_setting() -> None:
    with override_settings(SESSION_REPLAY={"SCRUB_QUERY_PARAMETERS": ["coupon"]}):
        assert scrub_url("https://a.example/?coupon=X1&token=t") == (
            f"https://a.example/?coupon={REDACTED}&token=t"
        )
    with override_settings(SESSION_REPLAY={"SCRUB_QUERY_PARAMETERS": []}):
        assert scrub_url("https://a.example/?token=t") == "https://a.example/?token=t"


@pytest.mark.django_db(transaction=True)
async def test_hello_from_any_client_is_stored_scrubbed() -> None:
    page = {
        **hello_frame()["page"],
        "url": "http://testserver/reset?token=s3cret&step=2",
        "referrer": "https://mail.example/open?auth=abc",
    }
    async with Client() as client:
        welcome = await client.hello(page=page)
    session = await ReplaySession.objects.aget(pk=welcome["sid"])
    assert session.entry_url == f"http://testserver/reset?token={REDACTED}&step=2"
    assert session.referrer == f"https://mail.example/open?auth={REDACTED}"


@pytest.mark.django_db(transaction=True)
async def test_hello_page_text_loses_the_scrub_patterns_too() -> None:
    """A client that skipped the recorder's patterns (an old or foreign one) still
    cannot store an e-mail address, a card number or a token in the session's
    title, URL or referrer."""
    page = {
        **hello_frame()["page"],
        "url": "http://testserver/users/ann@example.com/",
        "title": "Order 4111 1111 1111 1111 for ann@example.com",
        "referrer": "https://app.example/?note=Bearer%20x",
    }
    async with Client() as client:
        welcome = await client.hello(page=page)
    session = await ReplaySession.objects.aget(pk=welcome["sid"])
    assert session.entry_url == "http://testserver/users/[email]/"
    assert session.entry_title == "Order [card] for [email]"
    assert "ann@example.com" not in session.entry_title + session.entry_url


@given(st.lists(st.sampled_from(list("abZ1_.+%-@ é\n") + ["co", "m"]), max_size=60).map("".join))
@settings(max_examples=2000, deadline=None)
def test_scrub_emails_replaces_what_the_address_regex_matches(text: str) -> None:
    from django_session_replay.privacy.patterns import EMAIL_TEXT, scrub_emails

    assert scrub_emails(text) == EMAIL_TEXT.sub("[email]", text)


def test_a_long_run_of_word_characters_is_scrubbed_in_one_pass() -> None:
    from django_session_replay.privacy.patterns import scrub_emails

    run = "x" * 50_000  # EMAIL_TEXT tries each of its starts: ~1.25 billion steps
    assert scrub_emails(f"{run} to a@b.com") == f"{run} to [email]"
    assert scrub_emails(f"{run}@b.com") == "[email]"
    assert scrub_emails("a@b.com+c@d.com") == "[email][email]"
