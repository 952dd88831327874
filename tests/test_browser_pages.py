"""The rest of a real page, recorded by Chromium through daphne and replayed in
admin: iframes (same-origin, and cross-origin with the opt-in), an open shadow
root with a constructed stylesheet, canvas on and off, and single-page-app
navigations as page views. The example project's lab page (shop/lab.html) has
each of them."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    DemoServer,
    demo_server,
    login,
    wait_until,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

CUSTOM, INCREMENTAL, CANVAS_MUTATION = 5, 3, 9
REPLAY_FRAME = "#session-replay-player iframe"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("pages")) as server:
        yield server


@pytest.fixture(scope="module")
def cookie(server: DemoServer) -> str:
    return server.login_cookie()


def events_of(server: DemoServer, cookie: str, session_id: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"{server.url}/session-replay/api/sessions/{session_id}/events",
        headers={"Cookie": cookie},
    )
    with urllib.request.urlopen(request) as response:
        return [json.loads(line) for line in response.read().decode().splitlines() if line]


def record(browser: Any, server: DemoServer, cookie: str, url: str, act: Any = None) -> str:
    """Visits ``url`` in a fresh context, does ``act(page)``, and returns the
    session id once everything up to a final custom event is stored."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    visitor = context.new_page()
    visitor.goto(url)
    visitor.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    session_id: str = visitor.evaluate("window.SessionReplay.sessionId")
    if act:
        act(visitor)
    visitor.evaluate("window.SessionReplay.track('test-done')")

    def done() -> bool:
        return any(
            e["type"] == CUSTOM and e["data"].get("tag") == "test-done"
            for e in events_of(server, cookie, session_id)
        )

    wait_until(done, timeout=30, what="the recording to be stored")
    context.close()
    return session_id


def open_replay(browser: Any, server: DemoServer, session_id: str, **options: Any) -> Any:
    """The admin replay page of the session, the player moved to its end."""
    context = browser.new_context(**{"viewport": {"width": 1366, "height": 768}, **options})
    staff = context.new_page()
    login(staff, server)
    staff.goto(f"{server.url}/admin/django_session_replay/replaysession/{session_id}/replay/")
    staff.wait_for_selector(REPLAY_FRAME)
    staff.frame_locator(REPLAY_FRAME).locator("h1").first.wait_for()
    position = staff.get_by_role("slider", name="Position")
    position.focus()
    staff.keyboard.press("End")
    staff.wait_for_timeout(800)
    return staff


def replayed(staff: Any, script: str) -> Any:
    """Runs ``script`` (a function of the replay's document) from the admin page:
    the replay iframe runs no script of its own."""
    return staff.evaluate(
        f"() => {{ const doc = document.querySelector({REPLAY_FRAME!r}).contentDocument;"
        f" return ({script})(doc); }}"
    )


def test_the_replay_iframe_is_never_allowed_scripts(
    browser: Any, server: DemoServer, cookie: str
) -> None:
    session_id = record(browser, server, cookie, server.url + "/lab/")
    staff = open_replay(browser, server, session_id)
    sandbox = staff.eval_on_selector(REPLAY_FRAME, "el => el.getAttribute('sandbox')")
    assert "allow-same-origin" in sandbox
    assert "allow-scripts" not in sandbox
    staff.context.close()


def frame_text(frame_id: str) -> str:
    """A script for replayed(): the text of #frame-text inside the iframe frame_id."""
    return (
        f"doc => {{ const f = doc.getElementById('{frame_id}');"
        " const t = f && f.contentDocument && f.contentDocument.getElementById('frame-text');"
        " return t && t.textContent; }"
    )


def test_a_same_origin_iframe_is_replayed_in_place(
    browser: Any, server: DemoServer, cookie: str
) -> None:
    session_id = record(browser, server, cookie, server.url + "/lab/")
    staff = open_replay(browser, server, session_id)
    host = server.url.removeprefix("http://")
    text = replayed(staff, frame_text("same-frame"))
    assert text == f"Frame at {host}"
    staff.context.close()


def test_a_cross_origin_iframe_is_replayed_in_place_when_both_pages_opt_in(
    browser: Any, server: DemoServer, cookie: str
) -> None:
    # The lab page at 127.0.0.1 frames itself at localhost: two origins, one server.
    session_id = record(
        browser,
        server,
        cookie,
        server.url + "/lab/",
        lambda page: page.frame_locator("#cross-frame").locator("#frame-text").wait_for(),
    )
    events = events_of(server, cookie, session_id)
    localhost = server.url.replace("127.0.0.1", "localhost").removeprefix("http://")
    assert f"Frame at {localhost}".encode() in json.dumps(events).encode()
    # The frame opened no session of its own: every stored session is a top page's.
    urls = [
        row[0] for row in server.query("SELECT entry_url FROM django_session_replay_replaysession")
    ]
    assert all("/lab-frame/" not in url for url in urls)
    staff = open_replay(browser, server, session_id)
    text = replayed(staff, frame_text("cross-frame"))
    assert text == f"Frame at {localhost}"
    staff.context.close()


def test_an_open_shadow_root_and_its_adopted_stylesheet_replay(
    browser: Any, server: DemoServer, cookie: str
) -> None:
    session_id = record(browser, server, cookie, server.url + "/lab/")
    staff = open_replay(browser, server, session_id)
    badge = replayed(
        staff,
        "doc => { const host = doc.getElementById('shadow-host');"
        " const b = host && host.shadowRoot && host.shadowRoot.getElementById('shadow-badge');"
        " return b && {text: b.textContent, color: doc.defaultView.getComputedStyle(b).color,"
        " weight: doc.defaultView.getComputedStyle(b).fontWeight}; }",
    )
    assert badge == {"text": "Inside the shadow root", "color": "rgb(0, 128, 0)", "weight": "700"}
    staff.context.close()


def pixel(staff: Any, x: int, y: int) -> list[int]:
    result: list[int] = replayed(
        staff,
        f"doc => Array.from(doc.getElementById('lab-canvas').getContext('2d')"
        f".getImageData({x}, {y}, 1, 1).data)",
    )
    return result


def seen(staff: Any, fx: float, fy: float) -> list[int]:
    """The colour staff see at a fraction of the replayed canvas's box: a
    screenshot of it, read back in the admin page."""
    import base64

    canvas = staff.frame_locator(REPLAY_FRAME).locator("#lab-canvas")
    canvas.scroll_into_view_if_needed()
    png = base64.b64encode(canvas.screenshot()).decode()
    result: list[int] = staff.evaluate(
        """async ([png, fx, fy]) => {
            const img = new Image();
            img.src = 'data:image/png;base64,' + png;
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.width;
            c.height = img.height;
            const ctx = c.getContext('2d');
            ctx.drawImage(img, 0, 0);
            return Array.from(ctx.getImageData(img.width * fx | 0, img.height * fy | 0, 1, 1).data);
        }""",
        [png, fx, fy],
    )
    return result


def is_near(rgba: list[int], rgb: tuple[int, int, int]) -> bool:
    # WebP at quality 0.4 is lossy: near, not equal.
    return all(abs(a - b) < 60 for a, b in zip(rgba[:3], rgb, strict=True)) and rgba[3] > 200


def is_canvas_image(event: dict[str, Any]) -> bool:
    return event["type"] == INCREMENTAL and event["data"].get("source") == CANVAS_MUTATION


def draw_again(server: DemoServer, cookie: str, *, image_expected: bool = True) -> Any:
    """An act for record(): the lab page's Draw button moves the blue bar from
    x 10-34 to x 38-62. With canvas recording on it waits until an image
    sampled after the click is stored: under load rrweb's sampling (2 per
    second, encoded in a worker) can lag a fixed wait."""

    def act(page: Any) -> None:
        page.wait_for_timeout(700)  # rrweb's first canvas image, at 2 per second
        clicked: int = page.evaluate("Date.now()")
        page.click("#canvas-button")
        if not image_expected:
            page.wait_for_timeout(1500)  # time enough for an image, were one sent
            return
        session_id: str = page.evaluate("window.SessionReplay.sessionId")
        wait_until(
            lambda: any(
                is_canvas_image(e) and e["timestamp"] >= clicked
                for e in events_of(server, cookie, session_id)
            ),
            timeout=30,
            what="a canvas image sampled after the click to be stored",
        )

    return act


def test_canvas_on_replays_the_sampled_images(
    browser: Any, server: DemoServer, cookie: str
) -> None:
    session_id = record(browser, server, cookie, server.url + "/lab/", draw_again(server, cookie))
    events = events_of(server, cookie, session_id)
    frames = [e for e in events if is_canvas_image(e)]
    assert frames
    assert "image/webp" in json.dumps(frames[-1])
    staff = open_replay(browser, server, session_id)
    # Only the plugin's drawing of the last image shows the bar where it moved:
    # on the canvas's bitmap, and on screen (a canvas in the sandbox shows no
    # bitmap; the plugin makes the image its CSS content). The image decodes
    # asynchronously after the seek to the end, so the bitmap is waited for.
    wait_until(
        lambda: is_near(pixel(staff, 50, 40), (0, 0, 255)),
        timeout=10,
        what="the last canvas image (the bar at x 38-62) on the replayed bitmap",
    )
    assert is_near(pixel(staff, 20, 40), (255, 0, 0)), pixel(staff, 20, 40)
    assert is_near(seen(staff, 50 / 160, 0.5), (0, 0, 255)), seen(staff, 50 / 160, 0.5)
    assert is_near(seen(staff, 20 / 160, 0.5), (255, 0, 0)), seen(staff, 20 / 160, 0.5)
    assert "allow-scripts" not in staff.eval_on_selector(
        REPLAY_FRAME, "el => el.getAttribute('sandbox')"
    )
    staff.context.close()


def test_canvas_off_records_no_image(browser: Any, server: DemoServer, cookie: str) -> None:
    session_id = record(
        browser,
        server,
        cookie,
        server.url + "/lab/?canvas=off",
        draw_again(server, cookie, image_expected=False),
    )
    events = events_of(server, cookie, session_id)
    assert not [e for e in events if is_canvas_image(e)]
    assert b"rr_dataURL" not in json.dumps(events).encode()
    staff = open_replay(browser, server, session_id)
    assert pixel(staff, 20, 40)[3] == 0  # a blank canvas
    staff.context.close()


def navigate(page: Any) -> None:
    page.wait_for_timeout(500)
    page.click("#tab-details")  # pushState, then the title 50 ms later
    page.wait_for_timeout(800)
    page.click("#tab-notes")  # a hash link
    page.wait_for_timeout(800)
    page.go_back()  # back to /lab/details/: the hash changes
    page.wait_for_timeout(800)
    page.go_back()  # back to /lab/: popstate only
    page.wait_for_timeout(800)


def test_spa_navigations_are_page_views_stored_and_shown(
    browser: Any, server: DemoServer, cookie: str
) -> None:
    session_id = record(browser, server, cookie, server.url + "/lab/", navigate)

    def page_views() -> list[tuple[Any, ...]]:
        return server.query(
            "SELECT page, label, detail FROM django_session_replay_timelineentry"
            " WHERE session_id = ? AND kind = 'page_view' ORDER BY ts",
            session_id.replace("-", ""),
        )

    # The processor runs after the ack: the events may be readable a moment before.
    try:
        wait_until(lambda: len(page_views()) >= 5, timeout=60, what="the page views processed")
    except AssertionError as error:  # say why: a processor failure is in the server's log
        held = server.query(
            "SELECT kind, ts, label FROM django_session_replay_timelineentry WHERE session_id = ?",
            session_id.replace("-", ""),
        )
        customs = [e["data"] for e in events_of(server, cookie, session_id) if e["type"] == CUSTOM]
        raise AssertionError(
            f"{error}\ntimeline: {held}\ncustom events: {customs}\n{server.log.read_text()[-4000:]}"
        ) from None
    rows = page_views()
    views = [(page, label, json.loads(detail)) for page, label, detail in rows]
    lab = server.url + "/lab/"
    details = lab + "details/"
    assert [(page, label, d["url"], d["nav"], d["referrer"]) for page, label, d in views] == [
        (1, "Overview · Lab", lab, "load", ""),
        (1, "Details · Lab", details, "push", lab),
        (1, "Details · Lab", details + "#notes", "hash", details),
        (1, "Details · Lab", details, "hash", details + "#notes"),
        (1, "Overview · Lab", lab, "pop", details),
    ]
    session = server.query(
        "SELECT entry_title, referrer FROM django_session_replay_replaysession WHERE id = ?",
        session_id.replace("-", ""),
    )
    assert session == [("Overview · Lab", "")]

    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        staff = open_replay(browser, server, session_id, color_scheme=scheme)
        staff.get_by_role("tab", name="Pages", exact=True).click()
        table = staff.get_by_role("tabpanel", name="Pages").get_by_role("region", name="Page views")
        assert table.get_by_role("cell", name="Details · Lab", exact=True).count() == 3
        assert table.get_by_text(details, exact=True).count() == 2
        assert staff.locator("dd", has_text="Overview · Lab").count() == 1  # the entry title
        seek = table.get_by_role("button", name="Details · Lab").first
        seek.focus()
        staff.keyboard.press("Enter")  # keyboard reachable; moves the player there
        content = staff.frame_locator(REPLAY_FRAME).locator("#tab-content")
        content.filter(has_text="The details tab.").wait_for(timeout=10_000)  # the seek applied
        assert content.inner_text() == "The details tab."
        staff.screenshot(path=str(ARTIFACTS / f"replay-page-views-{scheme}.png"), full_page=True)
        staff.context.close()
