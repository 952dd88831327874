"""One end-to-end path: a real browser records the example project through daphne,
and staff replay it in Django admin."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import zstandard

from django_session_replay.storage import codec
from tests.browser import ARTIFACTS, CHROMIUM, chromium, demo_server, login, wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

VISIBLE = "visible-canary-123"
SECRET = "secret-canary-456"


def stored_bytes(server) -> bytes:
    """Everything the server kept of the recording, decompressed."""
    batches = [
        codec.inflate(row[0])
        for row in server.query(
            "SELECT payload FROM django_session_replay_batch WHERE payload IS NOT NULL"
        )
    ]
    chunks = [
        zstandard.ZstdDecompressor().decompress(path.read_bytes())
        for path in server.media.rglob("*.msgpack.zst")
    ]
    return b"".join(batches + chunks)


def test_record_in_a_browser_and_replay_in_admin(tmp_path: Path) -> None:
    with demo_server(tmp_path) as server, chromium() as browser:
        visitor = browser.new_page(viewport={"width": 1200, "height": 800})
        visitor.goto(server.url + "/")
        visitor.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
        visitor.click("#counter-button")
        visitor.click("#counter-button")
        visitor.click("#nav-products")
        visitor.wait_for_selector("#product-list")
        visitor.mouse.wheel(0, 1500)
        visitor.wait_for_timeout(300)
        visitor.click("#nav-signup")
        visitor.fill("#id_username", "")
        visitor.type("#id_username", VISIBLE)
        visitor.type("#id_password", SECRET)
        csrf = visitor.eval_on_selector("input[name=csrfmiddlewaretoken]", "el => el.value")
        visitor.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
        session_id = visitor.evaluate("window.SessionReplay.sessionId")
        # pages: home, products, sign-up; wait until the typed input events are acked
        wait_until(
            lambda: (
                server.query(
                    "SELECT page_count FROM django_session_replay_replaysession WHERE id = ?",
                    session_id.replace("-", ""),
                )
                == [(3,)]
            ),
            what="three recorded pages",
        )
        visitor.wait_for_timeout(3000)  # one more flush interval for the typing
        visitor.close()

        recorded = stored_bytes(server)
        assert b"Session Replay Demo Shop" in recorded  # the recording is really there
        assert VISIBLE.encode() not in recorded
        assert SECRET.encode() not in recorded
        assert csrf and csrf.encode() not in recorded  # hidden inputs are blocked
        assert b"csrfmiddlewaretoken" not in recorded  # not even their names

        staff = browser.new_page(viewport={"width": 1400, "height": 1000})
        login(staff, server)
        staff.goto(server.url + "/admin/django_session_replay/replaysession/")
        staff.click("a:has-text('▶ Replay')")
        staff.wait_for_selector("#session-replay-player iframe")
        heading = staff.frame_locator("#session-replay-player iframe").locator("h1")
        heading.first.wait_for()
        assert heading.first.inner_text() == "Session Replay Demo Shop"
        staff.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        staff.screenshot(path=str(ARTIFACTS / "admin-replay.png"), full_page=True)
        shutil.copy(server.log, ARTIFACTS / "browser-test-server.log")
