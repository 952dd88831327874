"""Consent and privacy signals in a real Chromium on the example project: with
Global Privacy Control, Do Not Track, no consent yet, or a staff user, no
session is stored and the recorder writes nothing to the browser's storage;
consent starts recording and is kept; a withdrawal stops it and clears ours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, DemoServer, demo_server, login, wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'});"
OURS = """() => ({
  local: Object.keys(localStorage).filter((k) => k.startsWith('sr:')).sort(),
  tab: Object.keys(sessionStorage).filter((k) => k.startsWith('sr:')).sort(),
  cookies: document.cookie,
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("privacy")) as server:
        yield server


def sessions(server: DemoServer) -> int:
    return int(server.query("SELECT count(*) FROM django_session_replay_replaysession")[0][0])


def visit_quietly(page: Any, url: str) -> dict[str, Any]:
    """Load the page, give a recorder time to connect and flush, say what it stored."""
    page.goto(url)
    page.wait_for_function("() => window.SessionReplay")
    page.wait_for_timeout(3000)  # longer than a flush interval and the first heartbeat
    assert page.evaluate("window.SessionReplay.sessionId") is None
    stored: dict[str, Any] = page.evaluate(OURS)
    return stored


NOTHING = {"local": [], "tab": [], "cookies": ""}


@pytest.mark.parametrize(
    "script, headers",
    [(GPC, {"Sec-GPC": "1"}), (GPC, {}), (DNT, {"DNT": "1"}), (DNT, {})],
    ids=["gpc", "gpc-in-the-browser-only", "dnt", "dnt-in-the-browser-only"],
)
def test_a_privacy_signal_records_and_stores_nothing(
    server: DemoServer, browser: Any, script: str, headers: dict[str, str]
) -> None:
    before = sessions(server)
    context = browser.new_context(extra_http_headers=headers)
    context.add_init_script(script)
    page = context.new_page()
    assert visit_quietly(page, server.url + "/") == NOTHING
    page.evaluate("window.SessionReplay.consent(true)")  # the signal wins over consent
    page.wait_for_timeout(500)
    assert page.evaluate(OURS)["tab"] == []
    context.close()
    assert sessions(server) == before


def test_a_staff_user_is_not_recorded(server: DemoServer, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    login(page, server)
    before = sessions(server)
    stored = visit_quietly(page, server.url + "/")
    assert stored["local"] == [] and stored["tab"] == []
    context.close()
    assert sessions(server) == before


def test_consent_starts_recording_is_kept_and_its_withdrawal_clears_ours(
    server: DemoServer, browser: Any
) -> None:
    context = browser.new_context()
    page = context.new_page()
    before = sessions(server)
    assert visit_quietly(page, server.url + "/consent/") == NOTHING  # autostart=False
    assert sessions(server) == before
    page.click("#consent-yes")
    page.wait_for_function("() => window.SessionReplay.sessionId")
    wait_until(lambda: sessions(server) == before + 1, what="the consented session stored")
    # The next page with autostart=False records by itself: the choice was kept.
    page.goto(server.url + "/consent/")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    page.click("#consent-no")
    declined = {"local": ["sr:consent"], "tab": [], "cookies": ""}
    assert page.evaluate(OURS) == declined
    assert page.evaluate("localStorage.getItem('sr:consent')") == "0"
    # Declined is kept too: even a page with autostart on records nothing now.
    assert visit_quietly(page, server.url + "/") == declined
    context.close()
    assert sessions(server) == before + 1
