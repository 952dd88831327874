"""The timeline index and search (issue 12) on the example project: a visit of
three pages with a custom event, a failed request and a server exception is one
timeline in time order, and the list's filters find that session and not
another one."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
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

CONSOLE_TEXT = "timeline-console-canary"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("timeline")) as server:
        yield server


def api(server: DemoServer, cookie: str, path: str, **params: str) -> Any:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(
        f"{server.url}/session-replay/api/{path}{query}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def visit(browser: Any, server: DemoServer, act: Any) -> str:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    act(page)
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    session_id: str = page.evaluate("window.SessionReplay.sessionId")
    page.wait_for_timeout(2500)  # a flush interval
    context.close()  # the rest goes by the page-hide beacon
    return session_id


def ready(page: Any) -> None:
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")


def shop_visit(page: Any, server: DemoServer) -> None:
    page.goto(server.url + "/")
    ready(page)
    page.click("#nav-products")
    page.wait_for_selector("#product-list")
    ready(page)
    page.evaluate("() => window.SessionReplay.track('checkout-started', {step: 1})")
    page.evaluate(f"() => console.error('{CONSOLE_TEXT}')")
    page.click("#nav-signup")
    page.wait_for_selector("#id_username")
    ready(page)
    status = page.evaluate("() => fetch('/boom/').then(r => r.status)")
    assert status == 500


def lab_visit(page: Any, server: DemoServer) -> None:
    page.goto(server.url + "/lab/")
    ready(page)


def test_one_visit_is_one_timeline_and_the_filters_find_it(
    browser: Any, server: DemoServer
) -> None:
    cookie = server.login_cookie()
    shop = visit(browser, server, lambda page: shop_visit(page, server))
    lab = visit(browser, server, lambda page: lab_visit(page, server))

    def timeline() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = api(server, cookie, f"sessions/{shop}/timeline")
        return rows

    def complete() -> bool:
        kinds = {row["kind"] for row in timeline()}
        return {"page_view", "custom", "console", "server_exception", "network"} <= kinds

    try:
        wait_until(complete, timeout=60, what="the shop visit's timeline")
    except AssertionError as error:  # say what is there, and the server's log
        kinds = sorted({row["kind"] for row in timeline()})
        raise AssertionError(f"{error}: {kinds}\n{server.problems()}") from None
    rows = timeline()
    assert [row["ts"] for row in rows] == sorted(row["ts"] for row in rows)
    assert set(rows[0]) == {"ts", "kind", "window", "label", "level", "detail"}
    paths = [
        urllib.parse.urlsplit(row["detail"]["url"]).path
        for row in rows
        if row["kind"] == "page_view"
    ]
    assert paths == ["/", "/products/", "/signup/"], server.problems()
    custom = [row for row in rows if row["kind"] == "custom"]
    assert [row["label"] for row in custom] == ["checkout-started"]
    errors = [row for row in rows if row["kind"] == "server_exception"]
    assert errors and errors[0]["level"] == "error"
    # ordered with the browser's events: after the products page, where the
    # custom event was tracked (the sign-up page's view is stamped once its
    # title settled, which may be after the fetch)
    tracked_ts = custom[0]["ts"]
    assert errors[0]["ts"] >= tracked_ts
    assert any(row["kind"] == "server_request" and "/boom/" in row["label"] for row in rows)

    def found(**params: str) -> set[str]:
        page = api(server, cookie, "sessions", **params)
        return {item["id"] for item in page["items"]}

    wait_until(lambda: lab in found(visited="/lab/"), what="the lab visit's page view")
    for params in (
        {"visited": "/products/"},
        {"event": "checkout-started"},
        {"has_errors": "true"},
        {"q": CONSOLE_TEXT},
    ):
        matched = found(**params)
        assert shop in matched, params
        assert lab not in matched, params
    assert found(visited="/lab/") >= {lab} and shop not in found(visited="/lab/")
    assert lab in found(has_errors="false") and shop not in found(has_errors="false")


def frustrated_visit(page: Any, server: DemoServer) -> None:
    page.goto(server.url + "/")
    ready(page)
    page.wait_for_timeout(300)
    box = page.locator("#signals-heading").bounding_box()
    for _ in range(5):  # a heading: no handler, not a control; straight from the mouse,
        page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)  # no waits between
        page.wait_for_timeout(60)
    page.wait_for_timeout(500)
    page.click("#dead-button")  # a button whose click changes nothing
    page.wait_for_timeout(3500)  # the dead-click watch's 2.5 s, and a flush


def test_rage_and_dead_clicks_are_on_the_timeline_and_filter_the_list(
    browser: Any, server: DemoServer
) -> None:
    cookie = server.login_cookie()
    frustrated = visit(browser, server, lambda page: frustrated_visit(page, server))
    calm = visit(browser, server, lambda page: lab_visit(page, server))

    def signals() -> list[dict[str, Any]]:
        rows = api(server, cookie, f"sessions/{frustrated}/timeline")
        return [row for row in rows if row["kind"] in ("rage_click", "dead_click")]

    wait_until(lambda: len(signals()) == 2, timeout=60, what="a rage click and a dead click")
    rage, dead = sorted(signals(), key=lambda row: row["kind"] != "rage_click")
    assert rage["kind"] == "rage_click" and rage["label"].startswith("h2#signals-heading")
    assert rage["detail"]["clicks"] == 5
    assert dead["kind"] == "dead_click" and dead["label"].startswith("button#dead-button")
    assert rage["ts"] < dead["ts"]
    for signal in ("rage_click", "dead_click"):
        listed = {s["id"] for s in api(server, cookie, "sessions", signal=signal)["items"]}
        assert frustrated in listed and calm not in listed, signal
    other = {s["id"] for s in api(server, cookie, "sessions", signal="quick_back")["items"]}
    assert frustrated not in other
    # On the replay page each is a marker, named by kind, time and target, that seeks there.
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, color_scheme=scheme)
        staff = context.new_page()
        login(staff, server)
        staff.goto(f"{server.url}/admin/django_session_replay/replaysession/{frustrated}/replay/")
        staff.frame_locator("#session-replay-player iframe").locator("h1").first.wait_for()
        bar = staff.get_by_role("navigation", name="Markers")
        rage_marker = bar.get_by_role("button", name=re.compile(r"^Rage click at 0:0\d: h2#"))
        dead_marker = bar.get_by_role("button", name=re.compile(r"^Dead click at 0:0\d: button#"))
        assert rage_marker.count() == 1 and dead_marker.count() == 1
        dead_marker.focus()
        staff.keyboard.press("Enter")
        shown = re.search(r"at 0:0(\d)", dead_marker.get_attribute("aria-label") or "")
        assert shown
        clock = staff.locator(".session-replay-time")
        want = f"0:0{shown.group(1)} / "
        wait_until(lambda c=clock, w=want: c.inner_text().startswith(w), timeout=10,
                   what="the player at the dead click")  # fmt: skip
        staff.screenshot(path=str(ARTIFACTS / f"replay-markers-{scheme}.png"))
        context.close()
