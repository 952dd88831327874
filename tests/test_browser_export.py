"""The self-contained export (issue 13) on the example project: a visit recorded in
two tabs by Chromium, downloaded as export.html, written to a file and opened from
disk (file://) in a fresh, offline browser context, replays each tab's page."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, DemoServer, demo_server, wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

FRAME = "#session-replay-player .replayer-wrapper iframe"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("export")) as server:
        yield server


def ready(page: Any) -> str:
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    session_id: str = page.evaluate("window.SessionReplay.sessionId")
    return session_id


def download(server: DemoServer, cookie: str, session_id: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(
        f"{server.url}/session-replay/api/sessions/{session_id}/export.html",
        headers={"Cookie": cookie},
    )
    with urllib.request.urlopen(request) as response:
        return response.read(), dict(response.headers)


def sizes(server: DemoServer, session_id: str) -> tuple[int, int]:
    """The session's recorded bytes (byte_count: the events' msgpack) and what
    storage holds of them compressed (batch payloads not compacted yet, chunks)."""
    pk = session_id.replace("-", "")  # a UUIDField's column on SQLite
    table = "django_session_replay_"
    queries = [
        f"SELECT byte_count FROM {table}replaysession WHERE id = ?",
        f"SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM {table}batch WHERE session_id = ?",
        f"SELECT COALESCE(SUM(stored_bytes), 0) FROM {table}chunk WHERE session_id = ?",
    ]
    recorded, payloads, chunks = (int(server.query(sql, pk)[0][0]) for sql in queries)
    return recorded, payloads + chunks


def test_the_exported_file_replays_from_disk_offline(
    browser: Any, server: DemoServer, tmp_path: Path
) -> None:
    cookie = server.login_cookie()
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    home = context.new_page()
    home.goto(server.url + "/")
    session_id = ready(home)
    heading = home.inner_text("h1")
    products = context.new_page()  # a second tab: a second window of the session
    products.goto(server.url + "/products/")
    assert ready(products) == session_id
    second_heading = products.inner_text("h1")
    home.wait_for_timeout(2500)  # a flush interval
    context.close()  # the rest goes by the page-hide beacon

    def windows() -> int:
        rows = server.query(
            "SELECT COUNT(DISTINCT window) FROM django_session_replay_batch WHERE session_id = ?",
            session_id.replace("-", ""),
        )
        return int(rows[0][0])

    wait_until(lambda: windows() == 2, timeout=30, what="both tabs' batches")
    body, headers = download(server, cookie, session_id)
    assert headers["Content-Disposition"] == (
        f'attachment; filename="session-replay-{session_id}.html"'
    )
    exported = tmp_path / f"session-replay-{session_id}.html"
    exported.write_bytes(body)
    ARTIFACTS.mkdir(exist_ok=True)
    recorded, compressed = sizes(server, session_id)
    offline = browser.new_context(viewport={"width": 1200, "height": 900})
    offline.set_offline(True)
    page = offline.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(exported.as_uri())
    frame = page.frame_locator(FRAME)
    frame.locator("h1").first.wait_for(timeout=20_000)
    assert frame.locator("h1").first.inner_text() == heading
    page.screenshot(path=str(ARTIFACTS / "export-offline.png"))

    # Two windows: a chooser, the first shown; the second plays its own page.
    buttons = page.locator("#session-replay-export-windows button")
    assert buttons.count() == 2
    assert buttons.nth(0).get_attribute("aria-pressed") == "true"
    buttons.nth(1).click()
    wait_until(
        lambda: frame.locator("h1").first.inner_text() == second_heading,
        timeout=20,
        what="the second window's page",
    )
    assert buttons.nth(1).get_attribute("aria-pressed") == "true"

    # Nothing but the file itself was asked for, and no script was refused.
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
    assert not [text for text in violations if "script-src" in text], violations
    # Recorded content runs no script: rrweb's iframe is sandboxed without allow-scripts.
    sandbox = page.locator(FRAME).get_attribute("sandbox") or ""
    assert "allow-scripts" not in sandbox.split()
    offline.close()
    print(
        f"\nexport.html {len(body)} bytes; session byte_count (msgpack) {recorded} bytes;"
        f" stored compressed (batch payloads + chunks) {compressed} bytes;"
        f" CSP reports {violations or 'none'}"
    )
