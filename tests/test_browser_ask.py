"""The changelist's Ask box on the example project: reached with the keyboard,
a question in plain words lists the session it describes and not another one,
the filter sidebar shows what was understood, and a message says it; light and
dark screenshots (test-artifacts/ask-light.png, ask-dark.png)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, DemoServer, demo_server, login, wait_until
from tests.test_browser_timeline import api, lab_visit, shop_visit, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

QUESTION = "sessions with errors on /products/ today from the sale"
CHANGELIST = "/admin/django_session_replay/replaysession/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("ask")) as server:
        yield server


def test_asking_in_plain_words_lists_the_session_it_describes(
    browser: Any, server: DemoServer
) -> None:
    cookie = server.login_cookie()
    shop = visit(browser, server, lambda page: shop_visit(page, server))
    lab = visit(browser, server, lambda page: lab_visit(page, server))

    def with_errors() -> set[str]:
        page = api(server, cookie, "sessions", has_errors="true", visited="/products/")
        return {item["id"] for item in page["items"]}

    wait_until(lambda: shop in with_errors(), timeout=40, what="the shop visit's errors")
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, color_scheme=scheme)
        staff = context.new_page()
        login(staff, server)
        staff.goto(server.url + CHANGELIST)
        box = staff.get_by_role("searchbox", name="Ask")
        for _ in range(100):  # keyboard reachable: Tab from the top of the page
            if box.evaluate("element => element === document.activeElement"):
                break
            staff.keyboard.press("Tab")
        else:
            raise AssertionError("Tab never reached the Ask box")
        staff.keyboard.type(QUESTION)
        staff.keyboard.press("Enter")
        staff.wait_for_url(
            "**/replaysession/?has_errors=true&visited=%2Fproducts%2F&created__gte=*"
        )
        rows = staff.locator("#result_list tbody tr")
        assert rows.count() == 1
        assert staff.locator(f'a[href*="/{shop}/replay/"]').count() == 1
        assert staff.locator(f'a[href*="/{lab}/replay/"]').count() == 0
        message = staff.locator(".messagelist li").inner_text()
        assert message.startswith(f"“{QUESTION}”: Sessions with errors, that visited /products/")
        assert ", started today (from " in message and "Not understood: sale." in message
        sidebar = staff.locator("#changelist-filter")
        for chosen in ("With errors", "/products/", "Today"):
            assert sidebar.locator("li.selected", has_text=chosen).count() == 1, chosen
        assert staff.get_by_role("searchbox", name="Ask").input_value() == QUESTION
        staff.screenshot(path=str(ARTIFACTS / f"ask-{scheme}.png"))
        context.close()
