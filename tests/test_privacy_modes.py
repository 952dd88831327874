"""Privacy modes in a real Chromium (privacy/modes.py, frontend/src/masking.js):
canaries typed into inputs, shown in page text and put in the page's URL, and
which of them reach the server's storage in each mode, as
docs/configuration.md says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, DemoServer, demo_server, wait_until
from tests.test_browser import stored_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

TYPED = "typedcanary"  # into the username field
PASSWORD = "passcanary"  # into the password field, 10 characters
DIGITS = "4111111111111111"
EMAIL = "canary.person@example.com"
WORD = "plainwordcanary"
QUERY = "querycanary"  # in the page's URL, ?token=...
SHOWN = f"Card {DIGITS} of {EMAIL}, code {WORD}."
# mode -> the canaries storage holds
KEPT = {
    "strict": set(),
    "balanced": {WORD},
    "relaxed": {WORD, DIGITS, EMAIL},
}


@pytest.fixture(params=list(KEPT))
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DemoServer]:
    with demo_server(tmp_path, {"DEMO_PRIVACY_MODE": request.param}) as server:
        yield server


def test_each_mode_stores_exactly_the_canaries_it_should(server: DemoServer, browser: Any) -> None:
    mode = server.env["DEMO_PRIVACY_MODE"]
    page = browser.new_page()
    page.goto(server.url + f"/signup/?token={QUERY}&step=1")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    page.evaluate(
        "text => { const p = document.createElement('p'); p.id = 'shown'; p.textContent = text;"
        " document.querySelector('main').appendChild(p); }",
        SHOWN,
    )
    page.fill("#id_username", "")
    page.type("#id_username", TYPED)
    page.type("#id_password", PASSWORD)
    page.wait_for_timeout(2500)  # a flush interval
    page.click("button[type=submit], input[type=submit]")
    # The next page echoes the username: masked whole by the session_replay_mask filter.
    page.wait_for_selector("#thanks-message")
    assert TYPED in page.inner_text("#thanks-message")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    page.wait_for_timeout(2500)
    page.close()  # the last batch goes by the page-hide flush
    wait_until(lambda: b"Demo Shop" in stored_bytes(server), what="the recording stored")
    wait_until(lambda: b"******" in stored_bytes(server), what="the typing stored")
    wait_until(lambda: b"Thank you" in stored_bytes(server), what="the next page stored")
    stored = stored_bytes(server)
    found = {c for c in (TYPED, PASSWORD, DIGITS, EMAIL, WORD) if c.encode() in stored}
    assert found == KEPT[mode], f"{mode}: {found}"
    assert b"*" * len(PASSWORD) not in stored, "a masked value kept its length"
    # The token in the URL is scrubbed in every mode: events, session, page views.
    assert QUERY.encode() not in stored
    rows = server.query("SELECT entry_url, referrer FROM django_session_replay_replaysession")
    rows += server.query("SELECT detail FROM django_session_replay_timelineentry")
    assert rows and QUERY not in repr(rows)
    assert "step=1" in repr(rows)


@pytest.fixture
def open_inputs(tmp_path: Path) -> Iterator[DemoServer]:
    with demo_server(tmp_path, {"DEMO_MASK_ALL_INPUTS": "0"}) as server:
        yield server


def test_fields_django_knows_are_sensitive_never_leave_with_inputs_unmasked(
    open_inputs: DemoServer, browser: Any
) -> None:
    """MASK_ALL_INPUTS off: a plain input is stored as typed (the control), while
    the sign-up view's sensitive_post_parameters fields are blocked."""
    server = open_inputs
    page = browser.new_page()
    page.goto(server.url + "/products/")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    page.type("#product-filter", "filtercanary")
    page.click("#nav-signup")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    page.type("#id_username", TYPED)
    page.type("#id_password", PASSWORD)
    page.wait_for_timeout(2500)  # a flush interval
    page.close()
    wait_until(lambda: b"filtercanary" in stored_bytes(server), what="the plain input stored")
    wait_until(lambda: b"/signup/" in stored_bytes(server), what="the sign-up page stored")
    stored = stored_bytes(server)
    assert TYPED.encode() not in stored
    assert PASSWORD.encode() not in stored
