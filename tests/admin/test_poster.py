"""The replay page's poster frame (admin/poster.py): who may see it, what it
answers and with which headers, and how the replay page frames it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client, override_settings

from django_session_replay.models import AuditEntry
from tests.admin.staff import login
from tests.conftest import hello_frame
from tests.factories import record

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_session_replay/replaysession/"
START = 1_700_000_000_000


def poster_url(sid: Any) -> str:
    return f"{CHANGELIST}{sid}/replay/poster/"


def page(text: str, width: int = 1024, height: int = 640, start: int = START) -> list[dict]:
    """A Meta event and a full snapshot of a page whose body says ``text``."""
    body = {"type": 2, "tagName": "body", "attributes": {}, "id": 4, "childNodes": [
        {"type": 2, "tagName": "p", "attributes": {"onclick": "x()"}, "id": 5, "childNodes": [
            {"type": 3, "textContent": text, "id": 6}
        ]},
        {"type": 2, "tagName": "script", "attributes": {}, "id": 7, "childNodes": []},
    ]}  # fmt: skip
    html = {"type": 2, "tagName": "html", "attributes": {}, "id": 2, "childNodes": [
        {"type": 2, "tagName": "head", "attributes": {}, "id": 3, "childNodes": []}, body
    ]}  # fmt: skip
    node = {"type": 0, "id": 1, "childNodes": [
        {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 8}, html
    ]}  # fmt: skip
    return [
        {"type": 4, "timestamp": start, "data": {"href": "http://testserver/", "width": width,
                                                 "height": height}},
        {"type": 2, "timestamp": start + 1, "data": {"node": node, "initialOffset": {}}},
        {"type": 3, "timestamp": start + 2, "data": {"source": 2, "type": 1}},
    ]  # fmt: skip


def test_anonymous_is_sent_to_login_and_staff_without_permission_refused(
    client: Client,
) -> None:
    sid = record([page("secret")]).session_id
    response = client.get(poster_url(sid))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    login(client, permission=False)
    response = client.get(poster_url(sid))
    assert response.status_code == 403
    assert b"secret" not in response.content


def test_an_unknown_session_is_404(client: Client) -> None:
    login(client, permission=True)
    assert client.get(poster_url("00000000-0000-0000-0000-000000000000")).status_code == 404


def test_the_first_full_snapshot_as_static_html_with_strict_headers(client: Client) -> None:
    login(client, permission=True)
    sid = record([page("Hello <world>")], page={"url": "https://shop.example/cart"}).session_id
    response = client.get(poster_url(sid))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("<!DOCTYPE html><html><head>")
    assert "<p>Hello &lt;world&gt;</p>" in body
    assert "script" not in body.replace("noscript{", "") and "onclick" not in body
    policy = response["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))
    assert directives["sandbox"] == ""
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives  # default-src 'none': nothing runs
    for name in ("img-src", "style-src", "font-src"):
        assert "https://shop.example" in directives[name].split()
        assert "*" not in directives[name].split()  # the recorded sources only
    assert "data:" in directives["img-src"] and "'unsafe-inline'" in directives["style-src"]
    assert directives["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    actions = list(AuditEntry.objects.filter(session_id=sid).values_list("action", flat=True))
    assert actions == [AuditEntry.Action.EVENTS]


def test_the_frame_options_middleware_keeps_sameorigin(client: Client) -> None:
    middleware = [*settings.MIDDLEWARE, "django.middleware.clickjacking.XFrameOptionsMiddleware"]
    with override_settings(MIDDLEWARE=middleware, X_FRAME_OPTIONS="DENY"):
        login(client, permission=True)
        sid = record([page("x")]).session_id
        assert client.get(poster_url(sid))["X-Frame-Options"] == "SAMEORIGIN"
        # The rest of the admin stays DENY.
        assert client.get(f"{CHANGELIST}{sid}/replay/")["X-Frame-Options"] == "DENY"


def test_a_session_without_a_full_snapshot_answers_no_content(client: Client) -> None:
    login(client, permission=True)
    events = [{"type": 4, "timestamp": START, "data": {"href": "x", "width": 5, "height": 5}}]
    sid = record([events]).session_id
    response = client.get(poster_url(sid))
    assert response.status_code == 204
    assert response.content == b""
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert not AuditEntry.objects.filter(session_id=sid).exists()


def test_the_window_asked_for_and_the_first_one_otherwise(client: Client) -> None:
    login(client, permission=True)
    opened = record([page("first tab")], window="tab-1")
    from django_session_replay.ingest import sessions, store
    from django_session_replay.wire import frames

    second = sessions.open_session(
        frames.parse_hello(hello_frame(win="tab-2", token=opened.token)), None
    )
    assert second.session_id == opened.session_id
    batch = frames.parse_batch(
        {"seq": 1, "events": page("second tab", start=START + 10)}, max_bytes=1 << 20
    )
    store.append_batch(opened.session_id, "tab-2", batch)
    sid = opened.session_id
    assert "second tab" in client.get(poster_url(sid), {"window": "tab-2"}).content.decode()
    assert "first tab" in client.get(poster_url(sid)).content.decode()
    assert "first tab" in client.get(poster_url(sid), {"window": "nope"}).content.decode()


def test_the_replay_page_frames_the_poster_sandboxed_and_out_of_the_way(
    client: Client,
) -> None:
    login(client, permission=True)
    sid = record([page("x")]).session_id  # the hello's viewport: 1200 x 700
    markup = client.get(f"{CHANGELIST}{sid}/replay/").content.decode()
    frame = re.search(r'<div class="session-replay-poster"[^>]*>\s*<iframe [^>]*>', markup)
    assert frame, "no poster frame on the replay page"
    tag = frame.group(0)
    assert " inert" in tag and 'aria-hidden="true"' in tag
    assert f'src="{poster_url(sid)}?window=tab-1"' in tag
    assert 'sandbox=""' in tag and 'tabindex="-1"' in tag
    assert 'width="1200" height="700"' in tag
    assert 'title="Poster frame: first page of the recording"' in tag
    assert "django_session_replay/poster.js" in markup
    # The bundle is preloaded in the head; poster.js runs it once the poster
    # is in (frontend/src/poster.js startPlayerAfterPoster), so no script tag
    # would run it first.
    player = static("django_session_replay/player.js")
    assert f'<link rel="preload" href="{player}" as="script">' in markup
    assert f'data-player="{player}"' in markup
    assert f'<script src="{player}"' not in markup
    # No nav sidebar on this page: nor its files, fetched before the poster.
    assert not re.search(r"nav_sidebar\.(css|js)", markup)


def test_without_a_hello_viewport_the_poster_is_sized_by_the_meta_event(
    client: Client,
) -> None:
    login(client, permission=True)
    hello = hello_frame()
    del hello["page"]["viewport"]
    sid = record([page("x", width=390, height=844)], page=hello["page"]).session_id
    markup = client.get(f"{CHANGELIST}{sid}/replay/").content.decode()
    assert 'width="390" height="844"' in markup


def test_a_session_with_no_events_has_no_poster(client: Client) -> None:
    login(client, permission=True)
    sid = record([]).session_id
    markup = client.get(f"{CHANGELIST}{sid}/replay/").content.decode()
    assert "session-replay-poster" not in markup
    # Nothing to wait for: the player runs as the page is parsed.
    player = static("django_session_replay/player.js")
    assert f'<script src="{player}" defer></script>' in markup
    assert 'rel="preload"' not in markup
