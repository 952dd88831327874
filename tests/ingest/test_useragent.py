"""Browser, OS and device type from a user agent (ingest/useragent.py), kept
on the session when it starts."""

from __future__ import annotations

import pytest

from django_session_replay.ingest.useragent import parse
from django_session_replay.models import ReplaySession
from tests.conftest import events
from tests.factories import record

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    "user_agent, browser, os, device",
    [
        (CHROME_WINDOWS, "Chrome", "Windows", "desktop"),
        (IPHONE, "Mobile Safari", "iOS", "mobile"),
        (IPAD, "Mobile Safari", "iOS", "tablet"),
        (GOOGLEBOT, "Googlebot", "", "bot"),
        (ANDROID_PHONE, "Chrome Mobile", "Android", "mobile"),
        (ANDROID_TABLET, "Chrome", "Android", "tablet"),
        ("pytest", "", "", "other"),
        ("", "", "", "other"),
    ],
)
def test_parse(user_agent: str, browser: str, os: str, device: str) -> None:
    client = parse(user_agent)
    assert (client.browser, client.os, client.device) == (browser, os, device)


def test_parses_are_cached() -> None:
    parse.cache_clear()
    parse(CHROME_WINDOWS)
    parse(CHROME_WINDOWS)
    assert parse.cache_info().hits == 1


@pytest.mark.django_db
def test_a_new_session_keeps_what_its_user_agent_says() -> None:
    page = {"url": "http://x/", "title": "", "referrer": "", "ua": IPHONE}
    session = ReplaySession.objects.get(pk=record([events(1)], page=page).session_id)
    assert (session.browser, session.os, session.device) == ("Mobile Safari", "iOS", "mobile")
    assert session.user_agent == IPHONE
