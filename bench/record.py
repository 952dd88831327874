"""Make the storage bench's own recordings: Chromium browses the example project.

    python -m bench.record [N] [--seconds S]

Starts the example project (daphne ``manage.py runserver`` on a temporary SQLite
file and media folder), lets N fresh browser profiles each browse it like a user
for about S seconds, then writes every recorded session's events, read back
through the app's reader, as a JSON array to bench/recordings/<n>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.browser import CHROMIUM, CHROMIUM_ARGS

from bench.common import RECORDINGS, REPO, free_port

EXAMPLE = REPO / "example_project"
WORDS = ["lamp", "chair", "mug", "desk", "shelf", "kettle", "rug", "vase", "clock", "sofa"]


class Visitor:
    """One person on the demo shop: clicks, moves, scrolls, types, navigates."""

    def __init__(self, page: Any, url: str, rng: random.Random) -> None:
        self.page, self.url, self.rng = page, url, rng

    def pause(self, low: float = 0.3, high: float = 1.5) -> None:
        self.page.wait_for_timeout(int(self.rng.uniform(low, high) * 1000))

    def wander(self, moves: int = 6) -> None:
        size = self.page.viewport_size or {"width": 1200, "height": 800}
        for _ in range(moves):
            x = self.rng.randrange(20, size["width"] - 20)
            y = self.rng.randrange(20, size["height"] - 20)
            self.page.mouse.move(x, y, steps=self.rng.randrange(5, 25))
            self.pause(0.05, 0.4)

    def scroll(self) -> None:
        for _ in range(self.rng.randrange(2, 6)):
            self.page.mouse.wheel(0, self.rng.choice([-300, 200, 400, 600]))
            self.pause(0.2, 0.6)

    def click(self, selector: str) -> None:
        self.page.hover(selector)
        self.pause(0.1, 0.5)
        self.page.click(selector)
        self.pause()

    def go(self, nav: str, ready: str) -> None:
        self.click(nav)
        self.page.wait_for_selector(ready)
        self.page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")

    def home(self) -> None:
        for _ in range(self.rng.randrange(2, 7)):
            self.click("#counter-button")
        if self.rng.random() < 0.5:
            self.click("#counter-reset")
        self.click("#details-toggle")
        self.wander()
        self.click(self.rng.choice(["#console-button", "#fetch-button", "#error-button"]))
        self.click("#fetch-button")
        self.scroll()

    def products(self) -> None:
        self.scroll()
        word = self.rng.choice(WORDS)
        self.page.click("#product-filter")
        self.page.type("#product-filter", word[: self.rng.randrange(1, len(word) + 1)], delay=120)
        self.pause()
        self.page.fill("#product-filter", "")
        self.page.dispatch_event("#product-filter", "input")
        buttons = self.page.locator(".add-to-cart")
        for _ in range(self.rng.randrange(1, 4)):
            button = buttons.nth(self.rng.randrange(buttons.count()))
            button.scroll_into_view_if_needed()
            button.click()
            self.pause()
        self.wander()

    def signup(self) -> None:
        self.page.type(
            "#id_username", f"{self.rng.choice(WORDS)}{self.rng.randrange(100)}", delay=90
        )
        self.pause()
        if self.rng.random() < 0.5:  # forget the password first: the form comes back
            self.click("#signup-submit")
            self.page.wait_for_selector("#signup-form")
        self.page.type("#id_password", "correct horse battery", delay=70)
        self.click("#signup-submit")
        self.page.wait_for_selector("#thanks-message")
        self.pause()

    def browse(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        self.page.goto(self.url + "/")
        self.page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
        while True:
            self.home()
            self.go("#nav-products", "#product-list")
            self.products()
            if time.monotonic() > deadline:
                break
            width, height = self.rng.choice([(1200, 800), (900, 700), (1400, 900)])
            self.page.set_viewport_size({"width": width, "height": height})
            self.go("#nav-signup", "#signup-form")
            self.signup()
            self.go("#nav-home", "#counter-card")


def start_server(workdir: Path) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "DEMO_SQLITE_PATH": str(workdir / "demo.sqlite3"),
        "DEMO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "PYTHONUNBUFFERED": "1",
        # the server runs in example_project/: keep a relative PYTHONPATH=src working
        "PYTHONPATH": os.pathsep.join(
            os.path.abspath(entry)
            for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
            if entry
        ),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"],
        cwd=EXAMPLE,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    log = open(workdir / "server.log", "ab")  # noqa: SIM115 (the server holds it)
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=EXAMPLE,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(url + "/", timeout=1).close()
            return server, url, env
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"the example project did not start:\n{(workdir / 'server.log').read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def record(count: int, seconds: float, url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for number in range(1, count + 1):
                context = browser.new_context(viewport={"width": 1200, "height": 800})
                page = context.new_page()
                Visitor(page, url, random.Random(number)).browse(seconds)
                page.wait_for_timeout(3000)  # one more flush interval, then the page hides
                page.close(run_before_unload=True)
                time.sleep(1)
                context.close()
                print(f"browsed {number}/{count}", flush=True)
        finally:
            browser.close()


def dump(env: dict[str, str]) -> list[Path]:
    """Every session of the demo database, through the reader, into bench/recordings/."""
    os.environ.update({key: env[key] for key in ("DEMO_SQLITE_PATH", "DEMO_MEDIA_ROOT")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_project.settings"
    sys.path.insert(0, str(EXAMPLE))
    import django

    django.setup()
    from django_session_replay.models import ReplaySession
    from django_session_replay.storage import reader

    RECORDINGS.mkdir(exist_ok=True)
    written = []
    for number, session in enumerate(ReplaySession.objects.order_by("created"), start=1):
        events = list(reader.iter_events(session.pk))
        path = RECORDINGS / f"demo-shop-{number:02d}.json"
        path.write_text(json.dumps(events, separators=(",", ":"), ensure_ascii=False))
        print(f"{path.relative_to(REPO)}: {len(events)} events, {path.stat().st_size} bytes")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=3, help="recordings (default 3)")
    parser.add_argument("--seconds", type=float, default=40, help="browsing per recording")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="session-replay-record-") as tmp:
        workdir = Path(tmp)
        server, url, env = start_server(workdir)
        try:
            record(args.count, args.seconds, url)
        finally:
            stop(server)
        if not dump(env):
            raise SystemExit(f"no session was recorded; see the server log:\n{env}")


if __name__ == "__main__":
    main()
