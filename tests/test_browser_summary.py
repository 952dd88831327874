"""A session's summary (issue 14) on the example project: a visit that throws a
JS error, clicks a button in a rush, gets a server error and moves on is told
in sentences that name its pages and its error, read back through the API and
at the top of the admin replay page, whose sentence times seek the player (by
keyboard too), in light and dark mode."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, DemoServer, demo_server, login, wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

REPLAY_FRAME = "#session-replay-player iframe"
THROWN = "Demo shop: an error thrown on purpose"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("summary")) as server:
        yield server


def api(server: DemoServer, cookie: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{server.url}/session-replay/api/{path}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def ready(page: Any) -> None:
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")


def shop_visit(browser: Any, server: DemoServer) -> str:
    """Home: throw an error, click the counter six times in a rush; a server error;
    then the products page. Returns the session id."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/")
    ready(page)
    session_id: str = page.evaluate("window.SessionReplay.sessionId")
    page.wait_for_timeout(500)
    page.click("#error-button")
    for _ in range(6):
        page.click("#counter-button", delay=10)
    assert page.evaluate("() => fetch('/boom/').then(r => r.status)") == 500
    page.wait_for_timeout(1000)
    page.click("#nav-products")
    page.wait_for_selector("#product-list")
    ready(page)
    page.wait_for_timeout(2500)  # a flush interval
    context.close()  # the rest goes by the page-hide beacon
    return session_id


def test_a_recorded_visit_is_summarised_in_the_api_and_on_the_replay_page(
    browser: Any, server: DemoServer
) -> None:
    cookie = server.login_cookie()
    session_id = shop_visit(browser, server)

    def timeline_kinds() -> set[str]:
        return {row["kind"] for row in api(server, cookie, f"sessions/{session_id}/timeline")}

    wanted = {"page_view", "js_error", "click", "server_exception", "network"}
    wait_until(lambda: wanted <= timeline_kinds(), timeout=60, what="the visit's timeline")
    summary = api(server, cookie, f"sessions/{session_id}/summary")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "summary.json").write_text(json.dumps(summary, indent=2))
    rows = api(server, cookie, f"sessions/{session_id}/timeline")
    (ARTIFACTS / "summary-timeline.json").write_text(json.dumps(rows, indent=2))
    text = summary["text"]
    assert summary["backend"] == "rule-based"
    assert text.startswith("Landed on / ('")
    assert "/products/" in text
    assert f"Hit a JS error: Error: {THROWN}." in text
    assert "from GET /boom/" in text  # the server's 500
    sentences = summary["sentences"]
    assert all(sentence["refs"] for sentence in sentences)
    # In time order after the landing (a server request may come before its page view).
    assert [s["ts"] for s in sentences[1:]] == sorted(s["ts"] for s in sentences[1:])
    assert "favicon" not in text and "logged" not in text  # an asset's 404, Django restating
    assert api(server, cookie, f"sessions/{session_id}/summary") == summary  # kept
    assert re.fullmatch(r"Still open at \d+ s on /products/\.", sentences[-1]["text"])

    # Closed as idle by the compaction command: the task made the ended session's
    # summary in that process, and the API answers that one.
    idle = (datetime.now(timezone.utc) - timedelta(minutes=31)).strftime("%Y-%m-%d %H:%M:%S")
    server.query(
        "UPDATE django_session_replay_replaysession SET last_activity = ? WHERE id = ?",
        idle,
        session_id.replace("-", ""),
    )
    server.manage("session_replay_compact")
    ((stored_text, backend),) = server.query(
        "SELECT text, backend FROM django_session_replay_sessionsummary WHERE session_id = ?",
        session_id.replace("-", ""),
    )
    assert backend == "rule-based"
    assert re.search(r" Left after \d+ s on /products/\.$", stored_text), stored_text
    summary = api(server, cookie, f"sessions/{session_id}/summary")
    (ARTIFACTS / "summary.json").write_text(json.dumps(summary, indent=2))
    assert summary["text"] == stored_text
    sentences = summary["sentences"]

    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, color_scheme=scheme)
        staff = context.new_page()
        login(staff, server)
        staff.goto(f"{server.url}/admin/django_session_replay/replaysession/{session_id}/replay/")
        staff.wait_for_selector(REPLAY_FRAME)
        replay = staff.frame_locator(REPLAY_FRAME)
        replay.locator("h1").first.wait_for()
        # The Summary panel, shown first.
        block = staff.get_by_role("tabpanel", name="Summary").get_by_role("region", name="Summary")
        assert block.get_by_role("listitem").count() == len(sentences)
        for sentence in sentences:
            assert block.get_by_text(sentence["text"], exact=True).count() == 1
        assert block.get_by_role("button").count() == len(sentences)
        # Keyboard reachable, named by time and sentence; each moves the player.
        last = block.get_by_role("button", name=re.compile(r"^Go to \d+:\d\d: (Left|Still)"))
        last.focus()
        staff.keyboard.press("Enter")
        replay.locator("#product-list").wait_for(timeout=5000)
        first = block.get_by_role("button", name=re.compile(r"^Go to 0:00: Landed on \/ "))
        first.focus()
        staff.keyboard.press("Enter")
        replay.locator("#counter-card").wait_for(timeout=5000)
        assert replay.locator("#product-list").count() == 0
        staff.evaluate("() => document.activeElement && document.activeElement.blur()")
        staff.screenshot(path=str(ARTIFACTS / f"summary-{scheme}.png"))
        context.close()
