"""The admin dashboard in Chromium, light and dark, at 1366×768: its charts are
drawn, its controls reachable from the keyboard, and a screenshot of each
scheme is kept (test-artifacts/dashboard-light.png, dashboard-dark.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, DemoServer, demo_server, login
from tests.conftest import REPO

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

DASHBOARD = "/admin/django_session_replay/dashboard/"
# Run in the demo's own process (its settings, its database): build()'s sessions
# three days ago and today, and a few more on most of the other days.
DATA = """
import datetime as dt, random
from django.utils import timezone
from tests.insights.test_stats import add_session, build
today = timezone.localdate()
build(today - dt.timedelta(days=2))
rng = random.Random(14)
browsers = ["Chrome", "Chrome", "Safari", "Firefox", "Edge"]
for back in range(3, 30):
    for _ in range(rng.randint(0, 12)):
        add_session(today - dt.timedelta(days=back), hour=rng.randint(0, 23),
                    browser=rng.choice(browsers), duration_ms=rng.randint(1000, 600000),
                    device=rng.choice(["desktop", "desktop", "mobile", "tablet"]))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("dashboard")) as server:
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        server.manage("shell", "-c", DATA, PYTHONPATH=path)
        yield server


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_dashboard_in_light_and_dark_mode(
    browser: Any, server: DemoServer, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, color_scheme=scheme)
    page = context.new_page()
    try:
        login(page, server)
        page.goto(server.url + "/admin/")
        page.click(f'a[href="{DASHBOARD}"]')
        page.wait_for_selector("svg.sr-days")
        assert page.locator("a.sr-day").count() == 30
        assert page.get_by_label("From", exact=True).input_value() != ""
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        bar = page.evaluate("getComputedStyle(document.querySelector('.sr-day .sr-bar')).fill")
        assert background != bar  # the bars stand out in either scheme
        if scheme == "dark":
            assert background != "rgb(255, 255, 255)"
        # The form and the figures' links are reached with the Tab key.
        page.get_by_label("From", exact=True).focus()
        reached = set()
        for _ in range(12):
            page.keyboard.press("Tab")
            reached.add(
                page.evaluate(
                    "document.activeElement.className.baseVal ?? document.activeElement.className"
                )
            )
        assert "sr-card" in reached
        page.evaluate("document.activeElement.blur()")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{scheme}.png"), full_page=False)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{scheme}-full.png"), full_page=True)
    finally:
        context.close()
