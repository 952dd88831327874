"""Real parts for browser tests: the example project served by daphne in its own
process, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.s3 import BUCKET, CREDENTIALS, free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXAMPLE = REPO / "example_project"
ARTIFACTS = REPO / "test-artifacts"


class DemoServer:
    """The example project on a temporary SQLite file and media folder."""

    def __init__(self, workdir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = workdir / "demo.sqlite3"
        self.media = workdir / "media"
        self.log = workdir / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "DEMO_SQLITE_PATH": str(self.db_path),
            "DEMO_MEDIA_ROOT": str(self.media),
            "DJANGO_SETTINGS_MODULE": "example_project.settings",
            "PYTHONUNBUFFERED": "1",
            # Used only when the full stack exported S3_ENDPOINT_URL.
            "S3_BUCKET": BUCKET,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str, **env: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=EXAMPLE,
            env={**self.env, **env},
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def recorder_config(self) -> dict[str, Any]:
        """The configuration the tag renders into the site's pages."""
        with urllib.request.urlopen(self.url + "/") as response:
            page = response.read().decode()
        found = re.search(r'id="session-replay-config"[^>]*>(.*?)</script>', page, re.S)
        assert found, "the home page has no recorder configuration"
        config: dict[str, Any] = json.loads(found.group(1))
        return config

    def login_cookie(self) -> str:
        """A session cookie of the staff user, logged in through the admin form."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(self.url + "/admin/login/").close()
        csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": "staff", "password": "staff-password", "csrfmiddlewaretoken": csrf}
        ).encode()
        request = urllib.request.Request(
            self.url + "/admin/login/?next=/admin/", data=form, headers={"Referer": self.url}
        )
        opener.open(request).close()
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)

    def prepare(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage(
            "createsuperuser",
            "--noinput",
            "--username",
            "staff",
            "--email",
            "staff@example.com",
            DJANGO_SUPERUSER_PASSWORD="staff-password",
        )

    def start(self, command: list[str] | None = None) -> None:
        """Serve with ``runserver`` (daphne's), or with ``command`` run in the
        example project's folder (another ASGI server, on ``self.port``)."""
        if command is None:
            address = f"127.0.0.1:{self.port}"
            command = [sys.executable, "manage.py", "runserver", "--noreload", address]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=EXAMPLE,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(f"the demo server did not start:\n{self.log.read_text()}")

    def problems(self, limit: int = 6000) -> str:
        """The server log without its access lines: warnings, errors, tracebacks."""
        lines = self.log.read_text(errors="replace").splitlines()
        kept = [line for line in lines if not line.startswith(("HTTP ", "WebSocket "))]
        return "\n".join(kept)[-limit:]

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=15)
        self.process = None

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(sql, params).fetchall()


@contextmanager
def demo_server(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[DemoServer]:
    server = DemoServer(workdir, extra_env)
    server.prepare()
    server.start()
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def login(page: Any, server: DemoServer) -> None:
    page.goto(server.url + "/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "staff-password")
    page.click("input[type=submit]")
    page.wait_for_url(server.url + "/admin/")


def wait_until(predicate: Any, timeout: float = 20, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
