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
    # Opened paused (DEMO_AUTOPLAY=0): the first page stays on screen to be read.
    with demo_server(tmp_path, {"DEMO_AUTOPLAY": "0"}) as server, chromium() as browser:
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


def forged_recording(page_url: str, tracker: str) -> list[dict]:
    """A full snapshot whose page holds an image, a stylesheet and a CSS url() on
    another site: what a forged recording would use to see staff watching."""
    start = 1_700_000_000_000
    img = {
        "type": 2,
        "tagName": "img",
        "attributes": {"src": tracker + "/img.png"},
        "childNodes": [],
        "id": 6,
    }
    css = {
        "type": 2,
        "tagName": "style",
        "attributes": {},
        "childNodes": [
            {"type": 3, "textContent": f"body {{ background: url({tracker}/bg.png) }}", "id": 8}
        ],
        "id": 7,
    }
    link = {
        "type": 2,
        "tagName": "link",
        "attributes": {"rel": "stylesheet", "href": tracker + "/style.css"},
        "childNodes": [],
        "id": 9,
    }
    heading = {
        "type": 2,
        "tagName": "h1",
        "attributes": {},
        "childNodes": [{"type": 3, "textContent": "Forged page", "id": 11}],
        "id": 10,
    }
    head = {"type": 2, "tagName": "head", "attributes": {}, "childNodes": [css, link], "id": 3}
    body = {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [heading, img], "id": 4}
    html = {"type": 2, "tagName": "html", "attributes": {}, "childNodes": [head, body], "id": 2}
    document = {"type": 0, "childNodes": [html], "id": 1}
    return [
        {"type": 4, "timestamp": start, "data": {"href": page_url, "width": 1000, "height": 700}},
        {
            "type": 2,
            "timestamp": start + 1,
            "data": {"node": document, "initialOffset": {"left": 0, "top": 0}},
        },
        {"type": 3, "timestamp": start + 2000, "data": {"source": 3, "id": 1, "x": 0, "y": 10}},
    ]


def test_a_replay_loads_nothing_from_another_site(tmp_path: Path) -> None:
    """The replay page's CSP (admin/csp.py): staff's browser fetches nothing a
    recording points at outside the recorded site and the admin."""
    import http.server
    import threading

    import msgpack
    from websockets.sync.client import connect

    from tests.conftest import hello_frame
    from tests.s3 import free_port

    hits: list[str] = []

    class Tracker(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    tracker = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Tracker)
    threading.Thread(target=tracker.serve_forever, daemon=True).start()
    tracker_url = f"http://127.0.0.1:{tracker.server_address[1]}"
    try:
        with demo_server(tmp_path) as server, chromium() as browser:
            key = server.recorder_config()["key"]
            ws_url = server.url.replace("http", "ws") + "/ws/session-replay/"
            with connect(ws_url, origin=server.url) as socket:
                socket.send(msgpack.packb(hello_frame(key=key, page={"url": server.url + "/"})))
                assert msgpack.unpackb(socket.recv())["t"] == "welcome"
                events = forged_recording(server.url + "/", tracker_url)
                socket.send(msgpack.packb({"t": "batch", "seq": 1, "events": events}))
                assert msgpack.unpackb(socket.recv()) == {"t": "ack", "seq": 1}
            staff = browser.new_page()
            login(staff, server)
            staff.goto(server.url + "/admin/django_session_replay/replaysession/")
            staff.click("a:has-text('▶ Replay')")
            frame = staff.frame_locator("#session-replay-player iframe")
            frame.locator("h1").first.wait_for()
            assert frame.locator("h1").first.inner_text() == "Forged page"
            staff.wait_for_timeout(1500)
    finally:
        tracker.shutdown()
        tracker.server_close()
    assert hits == []


def scripted_recording(page_url: str) -> list[dict]:
    """A forged full snapshot carrying script in every form a page can: a script
    element, an inline handler, a javascript: URL, an srcdoc frame and an SVG
    onload. Each would set window.top.__pwned in the admin page if it ran."""
    start = 1_700_000_000_000
    run = "window.top.__pwned = '{}'"

    def element(node_id: int, tag: str, attributes: dict, children: list | None = None) -> dict:
        return {
            "type": 2,
            "tagName": tag,
            "attributes": attributes,
            "childNodes": children or [],
            "id": node_id,
        }

    script = element(5, "script", {}, [{"type": 3, "textContent": run.format("script"), "id": 6}])
    heading = element(7, "h1", {}, [{"type": 3, "textContent": "Scripted page", "id": 8}])
    img = element(9, "img", {"src": "data:,", "onerror": run.format("onerror")})
    link = element(10, "a", {"id": "js-link", "href": f"javascript:{run.format('href')}"})
    frame = element(11, "iframe", {"srcdoc": f"<script>{run.format('srcdoc')}</script>"})
    svg = element(12, "svg", {"onload": run.format("svg")})
    body = element(4, "body", {}, [heading, script, img, link, frame, svg])
    html = element(2, "html", {}, [element(3, "head", {}), body])
    return [
        {"type": 4, "timestamp": start, "data": {"href": page_url, "width": 1000, "height": 700}},
        {
            "type": 2,
            "timestamp": start + 1,
            "data": {
                "node": {"type": 0, "childNodes": [html], "id": 1},
                "initialOffset": {"left": 0, "top": 0},
            },
        },
        {"type": 3, "timestamp": start + 2000, "data": {"source": 3, "id": 1, "x": 0, "y": 10}},
    ]


def test_a_recorded_script_never_runs_in_the_admin(tmp_path: Path) -> None:
    """The replayer's iframe never has allow-scripts, and the replay page's CSP
    allows no inline script: a forged recording's script element, inline
    handler, javascript: URL, srcdoc frame and SVG onload all stay inert."""
    import msgpack
    from websockets.sync.client import connect

    from tests.conftest import hello_frame

    # Opened paused (DEMO_AUTOPLAY=0): the test presses Play itself.
    with demo_server(tmp_path, {"DEMO_AUTOPLAY": "0"}) as server, chromium() as browser:
        key = server.recorder_config()["key"]
        ws_url = server.url.replace("http", "ws") + "/ws/session-replay/"
        with connect(ws_url, origin=server.url) as socket:
            socket.send(msgpack.packb(hello_frame(key=key, page={"url": server.url + "/"})))
            sid = msgpack.unpackb(socket.recv())["sid"]
            events = scripted_recording(server.url + "/")
            socket.send(msgpack.packb({"t": "batch", "seq": 1, "events": events}))
            assert msgpack.unpackb(socket.recv()) == {"t": "ack", "seq": 1}
        staff = browser.new_page()
        login(staff, server)
        response = staff.goto(
            f"{server.url}/admin/django_session_replay/replaysession/{sid}/replay/"
        )
        assert response is not None
        policy = response.headers.get("content-security-policy", "")
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        frame = staff.frame_locator("#session-replay-player iframe")
        frame.locator("h1").first.wait_for()
        assert frame.locator("h1").first.inner_text() == "Scripted page"
        sandbox = staff.locator("#session-replay-player iframe").first.get_attribute("sandbox")
        assert sandbox is not None and "allow-scripts" not in sandbox
        frame.locator("#js-link").dispatch_event("click")  # a javascript: URL followed
        staff.get_by_role("button", name="Play", exact=True).click()  # played to the end
        staff.wait_for_timeout(2500)
        assert staff.evaluate("window.__pwned") is None
