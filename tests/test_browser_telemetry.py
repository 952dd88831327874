"""What the page did, recorded next to what it showed: the example project's
console, network and error buttons, a failed fetch with a token in its URL, an
unhandled rejection, identify(), a single-page-app navigation and the page's
vitals, all read back through the API (issue 11)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, DemoServer, demo_server, wait_until
from tests.test_browser import stored_bytes
from tests.test_browser_pages import events_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

PLUGIN = 6
CANARY = "CANARY-value"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("telemetry")) as server:
        yield server


def plugin_payloads(events: list[dict[str, Any]], plugin: str) -> list[dict[str, Any]]:
    return [
        e["data"]["payload"]
        for e in events
        if e["type"] == PLUGIN and e["data"].get("plugin") == plugin
    ]


def session_detail(server: DemoServer, cookie: str, session_id: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{server.url}/session-replay/api/sessions/{session_id}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request) as response:
        detail: dict[str, Any] = json.loads(response.read())
    return detail


def test_the_demo_buttons_and_the_page_leave_telemetry_in_the_stored_session(
    browser: Any, server: DemoServer
) -> None:
    cookie = server.login_cookie()
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    session_id: str = page.evaluate("window.SessionReplay.sessionId")

    page.click("#console-button")
    page.click("#fetch-button")
    page.wait_for_selector("#timeline-output:has-text('Server time')")
    page.click("#error-button")
    status = page.evaluate(
        "() => fetch('/no-such-page/?token=" + CANARY + "&page=2').then(r => r.status)"
    )
    assert status == 404
    page.evaluate("() => { Promise.reject(new Error('rejected on purpose')); }")
    page.evaluate("() => window.SessionReplay.identify('customer-42', {plan: 'pro'})")
    page.evaluate("() => history.pushState({}, '', '/spa/step-2/')")
    page.wait_for_timeout(500)
    # Leaving the page reports the last vitals and the time on page, by beacon.
    page.goto(server.url + "/products/")
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    page.evaluate("window.SessionReplay.track('test-done')")

    def stored() -> list[dict[str, Any]]:
        return events_of(server, cookie, session_id)

    def done() -> bool:
        events = stored()
        vitals = {p.get("name") for p in plugin_payloads(events, "session-replay/page@1")}
        ended = any(e["type"] == 5 and e["data"].get("tag") == "test-done" for e in events)
        return ended and "LCP" in vitals

    wait_until(done, timeout=40, what="the telemetry and the next page stored")
    context.close()
    events = stored()

    console = plugin_payloads(events, "rrweb/console@1")
    assert any(
        c["level"] == "log" and "hello from the console button" in c["payload"][0] for c in console
    )

    requests = [r for p in plugin_payloads(events, "rrweb/network@1") for r in p["requests"]]
    ping = [r for r in requests if "/api/ping/" in r["name"]]
    assert ping and ping[0]["status"] == 200 and ping[0]["method"] == "GET"
    missing = [r for r in requests if "/no-such-page/" in r["name"]]
    assert missing, requests
    assert missing[0]["status"] == 404
    assert missing[0]["duration"] >= 0 and "startTime" in missing[0]
    assert "page=2" in missing[0]["name"] and CANARY not in missing[0]["name"]
    # The recorder's own traffic is never recorded.
    assert not [r for r in requests if "/session-replay/" in r["name"]]

    errors = plugin_payloads(events, "session-replay/error@1")
    thrown = [e for e in errors if "an error thrown on purpose" in e["message"]]
    assert thrown and thrown[0]["kind"] == "error"
    assert "site.js" in thrown[0]["source"] and thrown[0]["line"] > 0
    assert "site.js" in thrown[0]["stack"]
    rejected = [e for e in errors if "rejected on purpose" in e["message"]]
    assert rejected and rejected[0]["kind"] == "unhandledrejection" and rejected[0]["stack"]

    identities = plugin_payloads(events, "session-replay/identify@1")
    assert identities == [{"id": "customer-42", "traits": {"plan": "pro"}}]

    page_events = plugin_payloads(events, "session-replay/page@1")
    loads = [p for p in page_events if p["kind"] == "load"]
    assert loads and loads[0]["timing"]["load"] >= loads[0]["timing"]["ttfb"] >= 0
    vitals = {p["name"]: p for p in page_events if p["kind"] == "vital"}
    assert {"TTFB", "FCP", "LCP"} <= set(vitals), vitals
    leaves = [p for p in page_events if p["kind"] == "leave"]
    assert leaves and all(p["visibleMs"] >= 0 for p in leaves)
    # the SPA navigation ended the first view; leaving the page ended the second
    assert {p["url"].split("?")[0].removeprefix(server.url) for p in leaves} >= {
        "/",
        "/spa/step-2/",
    }

    # Indexed on the session, read without decompressing anything.
    def indexed() -> bool:  # the Telemetry processor runs after the ack
        detail = session_detail(server, cookie, session_id)
        return detail["lcp_p75"] is not None and detail["js_error_count"] >= 2

    wait_until(indexed, what="the session's telemetry columns")
    detail = session_detail(server, cookie, session_id)
    assert detail["js_error_count"] >= 2
    assert detail["failed_request_count"] >= 1
    assert detail["identity"] == "customer-42"
    assert detail["browser"] and detail["os"] and detail["device"] == "desktop"
    assert detail["lcp_p75"] is not None and detail["visible_ms"] > 0

    # The token never reached storage: events, chunks, the session and its timeline.
    assert CANARY.encode() not in stored_bytes(server)
    rows = server.query("SELECT * FROM django_session_replay_replaysession")
    rows += server.query("SELECT label, detail FROM django_session_replay_timelineentry")
    assert CANARY not in repr(rows)
