"""The admin replay workspace (issue 13) on the example project: one visit that
clicks, logs, fetches, fails, throws, tracks an event and reaches the server,
replayed with our own controls, the marker bar and the side panels."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    DemoServer,
    chromium,
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

FRAME = "#session-replay-player iframe"
VIEWPORT = {"width": 1366, "height": 768}
# The kinds the visit leaves on its timeline, each a marker, by its name's start.
MARKED = {
    "click": "Click",
    "page_view": "Page view",
    "console": "Console",  # console.error
    "js_error": "JS error",
    "network": "Network",  # the 404
    "custom": "Custom event",
    "server_request": "Server request",
    "server_exception": "Server exception",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("workspace")) as server:
        yield server


@pytest.fixture(scope="module")
def cookie(server: DemoServer) -> str:
    return server.login_cookie()


def api(server: DemoServer, cookie: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{server.url}/session-replay/api/{path}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def session_id(server: DemoServer, cookie: str) -> str:
    """A visit of about twenty seconds with every kind of moment the panels show
    (in a browser of its own, closed before the tests' per-test one opens)."""
    with chromium() as browser:
        return visit(browser, server, cookie)


def visit(browser: Any, server: DemoServer, cookie: str) -> str:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    sid: str = page.evaluate("window.SessionReplay.sessionId")
    page.wait_for_timeout(1500)
    page.click("#console-button")
    page.click("#fetch-button")
    page.wait_for_selector("#timeline-output:has-text('Server time')")
    page.wait_for_timeout(1500)
    page.click("#error-button")
    page.evaluate("() => console.error('workspace-console-canary')")
    page.evaluate("() => fetch('/no-such-page/').then(r => r.status)")
    page.evaluate("() => fetch('/boom/').then(r => r.status)")
    page.evaluate("() => window.SessionReplay.track('workspace-done')")
    page.wait_for_timeout(11_000)  # no input for longer than rrweb's 10 s: an inactive stretch
    page.click("#counter-button")
    page.wait_for_timeout(2500)  # a flush
    context.close()

    def kinds() -> set[str]:
        return {row["kind"] for row in api(server, cookie, f"sessions/{sid}/timeline")}

    try:
        wait_until(lambda: set(MARKED) <= kinds(), timeout=60, what="the visit's timeline")
    except AssertionError as error:
        raise AssertionError(f"{error}: {sorted(kinds())}\n{server.problems()}") from None
    return sid


def replay(
    browser: Any,
    server: DemoServer,
    sid: str,
    query: str = "",
    requests: list[str] | None = None,
    **options: Any,
) -> Any:
    """The replay page of `sid`, its frame up; `requests` collects the URLs of
    the events reads it makes."""
    context = browser.new_context(**{"viewport": VIEWPORT, **options})
    staff = context.new_page()
    login(staff, server)
    if requests is not None:
        staff.on(
            "request",
            lambda request: "/events" in request.url and requests.append(request.url),
        )
    staff.goto(f"{server.url}/admin/django_session_replay/replaysession/{sid}/replay/{query}")
    staff.frame_locator(FRAME).locator("h1").first.wait_for()
    staff.locator(".session-replay-time").wait_for()
    return staff


def ndjson(server: DemoServer, cookie: str, path: str) -> list[Any]:
    request = urllib.request.Request(
        f"{server.url}/session-replay/api/{path}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request) as response:
        return [json.loads(line) for line in response.read().splitlines() if line.strip()]


def position(staff: Any) -> int:
    return int(staff.get_by_role("slider", name="Position").input_value())


def offset_of(name: str) -> int:
    """The ms of a "… at m:ss: …" accessible name (to the second)."""
    found = re.search(r" at (\d+):(\d\d)", name)
    assert found, name
    return (int(found.group(1)) * 60 + int(found.group(2))) * 1000


def test_a_marker_of_each_kind_seeks_the_player_there(
    browser: Any, server: DemoServer, session_id: str
) -> None:
    staff = replay(browser, server, session_id)
    bar = staff.get_by_role("navigation", name="Markers")
    for kind, name in MARKED.items():
        marker = bar.locator(f'button[data-kind="{kind}"]')
        wait_until(lambda m=marker: m.count() > 0, timeout=10, what=f"a {kind} marker")
        label = marker.first.get_attribute("aria-label") or ""
        assert re.match(rf"^{re.escape(name)} at \d+:\d\d: .", label), label
    error = bar.get_by_role("button", name=re.compile(r"^JS error at \d+:\d\d: .*on purpose"))
    error.first.focus()
    staff.keyboard.press("Enter")
    want = offset_of(error.first.get_attribute("aria-label") or "")
    wait_until(lambda: want <= position(staff) < want + 1000, timeout=10, what="the seek")
    assert (
        staff.locator(".session-replay-time")
        .inner_text()
        .startswith(f"{want // 60000}:{want // 1000 % 60:02} / ")
    )
    # Paused there: the button offers Play.
    assert staff.get_by_role("button", name="Play", exact=True).count() == 1
    # The 11 s without input before the last click is shaded on the bar.
    stretch = staff.locator(".session-replay-inactive span")
    assert stretch.count() == 1
    assert re.fullmatch(r"Inactive 0:0\d–0:1\d", stretch.get_attribute("title") or "")
    staff.context.close()


def test_the_controls_fit_play_and_answer_the_keyboard(
    browser: Any, server: DemoServer, session_id: str
) -> None:
    staff = replay(browser, server, session_id)
    # AUTOPLAY is on by default: it plays, so the button offers Pause.
    pause = staff.get_by_role("button", name="Pause", exact=True)
    pause.wait_for()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    staff.screenshot(path=str(ARTIFACTS / "workspace-light.png"))
    for control in (
        pause,
        staff.get_by_role("slider", name="Position"),
        staff.get_by_role("combobox", name="Speed"),
        staff.get_by_role("checkbox", name="Skip inactivity"),
        staff.get_by_role("button", name="Copy link at this moment"),
        staff.get_by_role("button", name="Keyboard shortcuts"),
    ):
        box = control.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], control
    frame = staff.locator(FRAME).bounding_box()
    assert frame is not None and frame["y"] + frame["height"] <= VIEWPORT["height"]
    staff.locator("body").press(" ")
    staff.get_by_role("button", name="Play", exact=True).wait_for()
    before = position(staff)
    staff.locator("body").press("ArrowRight")
    wait_until(lambda: position(staff) >= before + 4900, timeout=5, what="5 s forward")
    # The replay focusing one of its fields must not take the keys away.
    assert staff.evaluate("document.activeElement.tagName") != "IFRAME"
    staff.locator("body").press(">")
    assert staff.get_by_role("combobox", name="Speed").input_value() == "2"
    staff.locator("body").press("i")
    assert not staff.get_by_role("checkbox", name="Skip inactivity").is_checked()
    staff.locator("body").press("?")
    staff.get_by_role("dialog", name="Keyboard shortcuts").wait_for()
    staff.keyboard.press("Escape")
    # The page's URL and title above the frame follow playback.
    assert staff.locator(".session-replay-location-url").inner_text().startswith(server.url + "/")
    staff.context.close()


def test_t_in_the_url_starts_playback_there(
    browser: Any, server: DemoServer, session_id: str
) -> None:
    staff = replay(browser, server, session_id, "?t=6000")
    wait_until(lambda: position(staff) > 0, timeout=10, what="the start")
    assert position(staff) >= 6000
    staff.context.close()


def test_the_link_at_this_moment_and_the_jump_to_live(
    browser: Any, server: DemoServer, session_id: str
) -> None:
    # Active (a live session) however long the tests before took.
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    server.query(
        "UPDATE django_session_replay_replaysession SET last_activity = ?, ended = NULL"
        " WHERE id = ?",
        now,
        session_id.replace("-", ""),
    )
    staff = replay(browser, server, session_id, "?t=3000")
    staff.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    staff.get_by_role("button", name="Pause", exact=True).click()
    at = position(staff)
    staff.get_by_role("button", name="Copy link at this moment").click()
    staff.get_by_text(re.compile(r"^Link to \d+:\d\d copied$")).wait_for()
    link = staff.evaluate("navigator.clipboard.readText()")
    replay_url = f"{server.url}/admin/django_session_replay/replaysession/{session_id}/replay/"
    assert link == f"{replay_url}?t={at}"
    # Behind the end of an active session the player offers to jump there.
    live = staff.get_by_role("button", name="Jump to live")
    live.click()
    total = int(staff.get_by_role("slider", name="Position").get_attribute("max") or 0)
    wait_until(lambda: position(staff) >= total - 1000, timeout=10, what="the live edge")
    wait_until(lambda: not live.is_visible(), timeout=10, what="no jump offered at the edge")
    staff.context.close()


def test_each_panel_shows_its_records(browser: Any, server: DemoServer, session_id: str) -> None:
    staff = replay(browser, server, session_id)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tabs = staff.get_by_role("tablist")
    names = ["Summary", "Activity", "Console", "Network", "Errors", "Server", "Pages", "Notes"]
    assert [t.inner_text() for t in tabs.get_by_role("tab").all()] == names
    # Summary first, its region as before.
    assert staff.get_by_role("region", name="Summary").count() == 1

    def panel(name: str) -> Any:
        tabs.get_by_role("tab", name=name, exact=True).click()
        shown = staff.get_by_role("tabpanel", name=name)
        shown.wait_for()
        return shown

    def picture(name: str) -> None:  # each panel, for the note
        staff.screenshot(path=str(ARTIFACTS / f"workspace-{name.lower()}.png"))

    activity = panel("Activity")
    activity.get_by_role("button", name=re.compile("workspace-done")).wait_for(timeout=10_000)
    wait_until(lambda: activity.locator('[aria-current="true"]').count() == 1, timeout=10,
               what="the current entry")  # fmt: skip
    picture("Activity")
    console = panel("Console")
    console.get_by_text("hello from the console button").first.wait_for(timeout=10_000)

    def shown(text: str) -> int:
        return int(console.locator("li:visible", has_text=text).count())

    console.get_by_role("combobox", name="Level").select_option("error")
    assert shown("hello from the console button") == 0
    assert shown("workspace-console-canary") == 1
    console.get_by_role("combobox", name="Level").select_option("")
    console.get_by_role("searchbox", name="Search").fill("hello from")
    assert shown("workspace-console-canary") == 0
    assert shown("hello from the console button") == 1
    picture("Console")
    network = panel("Network")
    assert network.locator("tr", has_text="/api/ping/").count() >= 1
    failed = network.locator("tr.session-replay-failed", has_text="/no-such-page/")
    assert failed.count() == 1 and "404" in failed.inner_text()
    opener = failed.get_by_role("button", name="/no-such-page/", exact=True)
    opener.click()
    assert opener.get_attribute("aria-expanded") == "true"
    detail = network.locator("#" + (opener.get_attribute("aria-controls") or ""))
    assert detail.is_visible() and detail.locator("dt", has_text="duration").count() == 1
    picture("Network")
    errors = panel("Errors")
    thrown = errors.locator("li", has_text="an error thrown on purpose").first
    assert "site.js" in thrown.locator("pre").inner_text()
    assert errors.locator("li", has_text="Server exception").count() >= 1
    picture("Errors")
    server_panel = panel("Server")
    boom = server_panel.locator("tr", has_text="/boom/")
    assert boom.count() >= 1 and "500" in boom.first.inner_text()
    picture("Server")
    pages = panel("Pages")
    assert pages.get_by_role("region", name="Page views").get_by_role("row").count() >= 2
    staff.context.close()


def test_a_note_added_in_the_form_is_a_marker_without_reload(
    browser: Any, server: DemoServer, cookie: str, session_id: str
) -> None:
    staff = replay(browser, server, session_id, "?t=4000", color_scheme="dark")
    staff.get_by_role("button", name="Pause", exact=True).click()
    # A request's details, open while the note is written.
    staff.get_by_role("tab", name="Network", exact=True).click()
    network = staff.get_by_role("tabpanel", name="Network")
    opener = network.get_by_role("button", name="/no-such-page/", exact=True)
    opener.click()
    assert opener.get_attribute("aria-expanded") == "true"
    staff.get_by_role("tab", name="Notes", exact=True).click()
    notes = staff.get_by_role("tabpanel", name="Notes")
    notes.get_by_role("textbox", name="Note").fill("the error dialog looks off")
    notes.get_by_role("button", name="Add note").click()
    bar = staff.get_by_role("navigation", name="Markers")
    marker = bar.get_by_role("button", name=re.compile(r"^Note at \d+:\d\d: the error dialog"))
    marker.wait_for(timeout=10_000)
    # The note redrew the panels (as live events do): the details stay open.
    staff.get_by_role("tab", name="Network", exact=True).click()
    reopened = network.get_by_role("button", name="/no-such-page/", exact=True)
    assert reopened.get_attribute("aria-expanded") == "true"
    assert network.locator("#" + (reopened.get_attribute("aria-controls") or "")).is_visible()
    staff.get_by_role("tab", name="Notes", exact=True).click()
    assert notes.get_by_text("the error dialog looks off").count() == 1
    stored = api(server, cookie, f"sessions/{session_id}/notes")
    assert [n["text"] for n in stored] == ["the error dialog looks off"]
    # The note is a row of the Activity list too.
    staff.get_by_role("tab", name="Activity", exact=True).click()
    activity = staff.get_by_role("tabpanel", name="Activity")
    row = activity.get_by_role("button", name=re.compile("the error dialog looks off"))
    row.wait_for()
    # Seeking to it (its row), the note is the current row.
    row.click()
    current = activity.locator('[aria-current="true"]')
    wait_until(lambda: "the error dialog looks off" in current.inner_text(), timeout=10,
               what="the note as the current row")  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    staff.screenshot(path=str(ARTIFACTS / "workspace-dark.png"))
    staff.context.close()


def test_a_live_session_is_followed_within_seconds_of_the_visitor(
    browser: Any, server: DemoServer
) -> None:
    """A visitor clicks for 20 s while staff watch: the watcher joins from the
    last full snapshot (the page loaded again) and the whole tab follows
    behind, the frame shows each click a few seconds after it at most, a seek
    back stops following until "Jump to live" and reaches the first page
    load, and the watcher is told when the visitor left."""
    visitor = browser.new_context(viewport={"width": 1200, "height": 900})
    page = visitor.new_page()
    page.goto(server.url + "/")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    sid: str = page.evaluate("window.SessionReplay.sessionId")
    page.wait_for_timeout(2500)  # the first page's events are stored
    page.goto(server.url + "/?again=1")  # the same tab: a second full snapshot
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    assert page.evaluate("window.SessionReplay.sessionId") == sid
    # The counter's digits are masked in page text (balanced mode): each click
    # also counts in an attribute, which the replay shows as it is.
    page.evaluate(
        "() => document.getElementById('counter-button').addEventListener('click', () =>"
        " { const b = document.body; b.dataset.clicks = Number(b.dataset.clicks || 0) + 1; })"
    )
    page.wait_for_timeout(2500)  # the second page's first batch is stored
    reads: list[str] = []
    staff = replay(browser, server, sid, requests=reads)
    frame = staff.frame_locator(FRAME)
    staff.get_by_text("Following the visitor live.").wait_for(timeout=10_000)
    # The join read the tab from its last full snapshot, then the whole tab.
    starts = [parse_qs(urlparse(url).query).get("start") for url in reads]
    assert starts[0] == ["last_snapshot"], reads
    wait_until(lambda: len(reads) >= 2, timeout=10, what="the whole tab read behind the join")
    later = [parse_qs(urlparse(url).query).get("start") for url in reads[1:]]
    assert later == [None] * len(later), reads
    # What the join read begins with the Meta and the full snapshot of the
    # second page load (its URL), not the first.
    cookie = server.login_cookie()
    window = parse_qs(urlparse(reads[0]).query)["window"][0]
    tail = ndjson(server, cookie, f"sessions/{sid}/events?window={window}&start=last_snapshot")
    whole = ndjson(server, cookie, f"sessions/{sid}/events?window={window}")
    assert [e["type"] for e in tail[:2]] == [4, 2]
    assert tail[0]["data"]["href"].endswith("/?again=1")
    assert whole[0]["data"]["href"] == server.url + "/" and len(whole) > len(tail)
    body = frame.locator("body")
    shown = lambda: body.get_attribute("data-clicks") or "0"  # noqa: E731
    lags = []
    for clicks in range(1, 21):
        page.click("#counter-button")
        clicked = time.monotonic()
        wait_until(lambda n=clicks: shown() == str(n), timeout=10, what=f"click {clicks} live")
        lags.append(time.monotonic() - clicked)
        page.wait_for_timeout(max(0, 1000 - int(lags[-1] * 1000)))
    # Within 3 s of the visitor: the recorder's 2 s flush, the socket and the replay.
    assert lags[-1] <= 3.0 and max(lags) <= 3.5, [round(lag, 2) for lag in lags]
    # The facts follow the session too (a refresh every 5 s).
    duration = staff.locator('[data-session-replay-fact="duration"]')
    wait_until(lambda: offset_of(f" at {duration.inner_text()}") >= 20_000, timeout=12,
               what="the duration brought up to date")  # fmt: skip

    # A seek back: the player stays there while the visitor goes on; the
    # whole tab is in, the first page load too.
    staff.get_by_role("slider", name="Position").fill("0")
    wait_until(lambda: position(staff) < 10_000, timeout=10, what="the seek back")
    shown_url = staff.locator(".session-replay-location-url")
    wait_until(lambda: "again" not in shown_url.inner_text(), timeout=5,
               what="the first page load, before the snapshot joined")  # fmt: skip
    # The player counts from the tab's first event: no marker before its start.
    markers = staff.get_by_role("navigation", name="Markers").get_by_role("button")
    names = [b.get_attribute("aria-label") or "" for b in markers.all()]
    assert sum(n.startswith("Page view at ") for n in names) == 2, names
    assert not any(" at −" in n for n in names), names
    page.click("#counter-button")
    page.wait_for_timeout(3500)
    assert position(staff) < 20_000 and shown() != "21"
    live = staff.get_by_role("button", name="Jump to live")
    live.click()
    wait_until(lambda: shown() == "21", timeout=10, what="the live edge again")
    staff.get_by_text("Following the visitor live.").wait_for(timeout=5000)

    page.goto("about:blank")  # the page hides for good: its leave record is the last event
    staff.get_by_text("The visitor left the page.").wait_for(timeout=20_000)
    staff.context.close()
    visitor.close()


def test_the_replay_follows_the_visitor_to_another_tab_unless_pinned(
    browser: Any, server: DemoServer
) -> None:
    """One session, two tabs: the bar shows both tabs' markers, each named by
    its tab; playing the first, the replay goes on in the second at the moment
    the visitor did, in place (no page load: a value set on the page before
    survives) with the URL kept on the tab; with "Pin this tab" it stays, and
    another tab's marker opens that tab there."""
    visitor = browser.new_context(viewport={"width": 1200, "height": 900})
    first = visitor.new_page()
    first.goto(server.url + "/")
    first.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    sid: str = first.evaluate("window.SessionReplay.sessionId")
    first.click("#counter-button")
    first.wait_for_timeout(1500)
    second = visitor.new_page()
    second.goto(server.url + "/products/")
    second.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    assert second.evaluate("window.SessionReplay.sessionId") == sid  # one session
    second.mouse.click(5, 5)
    second.wait_for_timeout(3000)  # a flush in each tab
    visitor.close()

    cookie = server.login_cookie()
    views = [e for e in api(server, cookie, f"sessions/{sid}/timeline") if e["kind"] == "page_view"]
    home, products = views[0]["window"], views[-1]["window"]
    assert home != products
    staff = replay(browser, server, sid, f"?window={home}")
    staff.evaluate("window.__marker = 'set before the switch'")
    markers = staff.get_by_role("navigation", name="Markers").get_by_role("button")

    def names() -> list[str]:
        return [b.get_attribute("aria-label") or "" for b in markers.all()]

    # The other tab's page view is on the bar, named by its tab and page title.
    products_title = views[-1]["label"]
    wait_until(lambda: any(n.startswith("Page view") and n.endswith(f" — Tab 2: {products_title}")
                           for n in names()), timeout=10, what="tab 2's markers")  # fmt: skip
    assert any(" — Tab" not in n for n in names())  # the tab shown's own, unlabelled

    # The page's own location: history.replaceState keeps it current, which
    # Playwright's page.url does not follow.
    query = lambda: parse_qs(staff.evaluate("location.search").lstrip("?"))  # noqa: E731
    wait_until(lambda: query().get("window") == [products], timeout=20, what="the switch")
    assert 0 <= int(query()["t"][0]) <= 6000
    staff.frame_locator(FRAME).locator("#product-list").wait_for(timeout=10_000)
    assert staff.evaluate("window.__marker") == "set before the switch"  # no navigation
    tabs = staff.get_by_role("navigation", name="Browser tabs of this session")
    assert tabs.locator('[aria-current="page"]').inner_text().startswith("Tab 2")
    # Now tab 1's markers are the other tab's.
    wait_until(lambda: any(n.endswith(" — Tab 1") or " — Tab 1: " in n for n in names()),
               timeout=10, what="tab 1's markers on tab 2's bar")  # fmt: skip
    # The Activity rows of both tabs, the other tab's with its badge and name.
    staff.get_by_role("tab", name="Activity", exact=True).click()
    activity = staff.get_by_role("tabpanel", name="Activity")
    activity.get_by_role("button", name=re.compile(r" — Tab 1: ")).first.wait_for(timeout=5000)
    assert activity.locator(".session-replay-row-tab").first.inner_text() == "Tab 1"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    staff.screenshot(path=str(ARTIFACTS / "workspace-tabs-light.png"))
    staff.emulate_media(color_scheme="dark")
    staff.wait_for_timeout(300)  # the admin's links fade to their colour
    staff.screenshot(path=str(ARTIFACTS / "workspace-tabs-dark.png"))
    staff.emulate_media(color_scheme="light")

    # The first tab again, in place, at the same moment; the watcher's choice
    # holds although the visitor was in the other tab then.
    tabs.get_by_role("link").first.click()
    wait_until(lambda: query().get("window") == [home], timeout=10, what="tab 1 again")
    staff.frame_locator(FRAME).locator("h1").first.wait_for()
    staff.wait_for_timeout(1500)
    assert query().get("window") == [home]
    staff.get_by_role("checkbox", name="Pin this tab").check()  # pinned, from the start
    assert query().get("pin") == ["1"]
    staff.get_by_role("slider", name="Position").fill("0")
    if staff.get_by_role("button", name="Play", exact=True).count():
        staff.get_by_role("button", name="Play", exact=True).click()
    staff.wait_for_timeout(5000)  # past the moment the visitor went on in the other tab
    assert query().get("window") == [home] and query().get("pin") == ["1"]
    assert staff.evaluate("window.__marker") == "set before the switch"

    # Another tab's marker: that tab, at that moment.
    other = next(n for n in names() if n.startswith("Page view") and " — Tab 2" in n)
    staff.get_by_role("button", name=other, exact=True).click()
    wait_until(lambda: query().get("window") == [products], timeout=10, what="the marker's tab")
    staff.frame_locator(FRAME).locator("#product-list").wait_for(timeout=10_000)
    assert staff.evaluate("window.__marker") == "set before the switch"
    staff.context.close()


def test_the_poster_frame_stands_in_until_the_player_draws(
    browser: Any, server: DemoServer, session_id: str
) -> None:
    """The recording's first page shows, sandboxed, where the player will be,
    while player.js is held back; once rrweb has drawn, it is gone."""
    context = browser.new_context(viewport=VIEWPORT)
    staff = context.new_page()
    login(staff, server)
    held: list[Any] = []
    staff.route("**/django_session_replay/player.js", lambda route: held.append(route))
    # Not to "load": that waits for the held player.js.
    url = f"{server.url}/admin/django_session_replay/replaysession/{session_id}/replay/"
    staff.goto(url, wait_until="commit")
    box = staff.locator("#session-replay-poster.session-replay-poster--fitted")
    box.wait_for(timeout=10_000)
    poster = staff.frame_locator("#session-replay-poster iframe")
    poster.locator("h1").first.wait_for(timeout=10_000)
    assert held, "player.js was not requested"
    assert staff.locator(FRAME).count() == 0  # the player has not started
    frame = staff.frame(url=re.compile(r"/replay/poster/"))
    assert frame is not None
    # No script runs in it: the sandbox and its own policy.
    assert frame.evaluate("() => document.scripts.length") == 0
    assert staff.locator("#session-replay-poster").get_attribute("inert") is not None
    poster_box = box.bounding_box()
    poster_page = staff.locator("#session-replay-poster iframe").bounding_box()
    staff.screenshot(path=str(ARTIFACTS / "workspace-poster.png"))
    for route in held:
        route.continue_()
    staff.frame_locator(FRAME).locator("h1").first.wait_for(timeout=20_000)
    wait_until(
        lambda: staff.locator("#session-replay-poster").count() == 0,
        timeout=10,
        what="the poster taken down",
    )
    # It stood where the player's frame is, its page scaled as the player's.
    player_box = staff.locator("#session-replay-player").bounding_box()
    player_page = staff.locator(FRAME).bounding_box()
    assert poster_box and poster_page and player_box and player_page
    for key in ("x", "y", "width"):
        assert abs(poster_box[key] - player_box[key]) <= 3, (key, poster_box, player_box)
    for key in ("x", "y", "width", "height"):
        assert abs(poster_page[key] - player_page[key]) <= 3, (key, poster_page, player_page)
    context.close()
