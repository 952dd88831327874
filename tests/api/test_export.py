"""The self-contained export (api/export.py, export.py): one HTML file with the
player, its styles and every window's events, behind the session endpoints'
permission, audited, packed so that no recorded text leaves its script element."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from django_session_replay import export
from django_session_replay.ingest import store
from django_session_replay.models import AuditEntry
from django_session_replay.wire import frames
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db

# A bundle whose text holds what must not end its element early.
SCRIPT = 'console.log("</script><!-- player");\n'
STYLE = ".rr-player{color:red}/* </style> */\n"
HOSTILE = "</script><script>alert(1)</script><!-- & \u2028\u2029 </SCRIPT >"


@pytest.fixture
def bundles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Stand-in built bundles, found as the static files finders would find them."""
    files = {export.SCRIPT: tmp_path / "export.js", export.STYLE: tmp_path / "player.css"}
    files[export.SCRIPT].write_text(SCRIPT)
    files[export.STYLE].write_text(STYLE)

    def find(name: str, **kwargs: Any) -> str | None:
        path = files.get(name)
        return str(path) if path and path.exists() else None

    monkeypatch.setattr(export.finders, "find", find)
    return files


class Elements(HTMLParser):
    """The script, style and meta elements of a document, as a browser's tokenizer
    splits them (script and style content runs to the first ``</script`` / ``</style``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None], str]] = []
        self.open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.open = (tag, dict(attrs))
            self.found.append((tag, dict(attrs), ""))
        elif tag == "meta":
            self.found.append((tag, dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            tag, attrs, text = self.found[-1]
            self.found[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        self.open = None

    def of(self, tag: str) -> list[tuple[dict[str, str | None], str]]:
        return [(attrs, text) for name, attrs, text in self.found if name == tag]


def parsed(document: str) -> Elements:
    elements = Elements()
    elements.feed(document)
    elements.close()
    return elements


def exported(client: Client, sid: Any) -> str:
    response = client.get(f"/session-replay/api/sessions/{sid}/export.html")
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_the_file_holds_every_window_the_player_and_its_style(
    client: Client, viewer: User, bundles: dict[str, Path]
) -> None:
    sid = record([events(3, start=10), events(2, start=20)]).session_id
    second = frames.parse_batch({"seq": 1, "events": events(2, start=5)}, 1 << 20)
    store.append_batch(sid, "tab-2", second)
    response = client.get(f"/session-replay/api/sessions/{sid}/export.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="session-replay-{sid}.html"'
    assert response["Cache-Control"] == "private, no-store"
    document = b"".join(response.streaming_content).decode()
    assert document.startswith("<!DOCTYPE html>")

    data = export.events_in(document)
    assert data["session"]["id"] == str(sid)
    assert data["session"]["windows"] == ["tab-2", "tab-1"]  # the first recorded first
    assert [w["id"] for w in data["windows"]] == ["tab-2", "tab-1"]
    ndjson = client.get(f"/session-replay/api/sessions/{sid}/events")
    lines = b"".join(ndjson.streaming_content).decode().splitlines()
    assert [e for w in data["windows"] for e in w["events"]] == [json.loads(x) for x in lines]

    elements = parsed(document)
    scripts = elements.of("script")
    assert [attrs.get("type") for attrs, _ in scripts] == ["application/gzip", None]
    player = scripts[1][1]
    assert player == SCRIPT.replace("</script", "<\\/script")
    (style,) = elements.of("style")
    assert STYLE.replace("</style", "<\\/style") in style[1]

    (policy,) = [a["content"] for a, _ in elements.of("meta") if a.get("http-equiv")]
    assert policy is not None
    digest = base64.b64encode(hashlib.sha256(player.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-eval" not in policy
    assert response["Content-Security-Policy"] == policy
    # (the NDJSON read above is audited as "events")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, session_id=sid).count() == 1


def test_recorded_text_cannot_leave_its_script_element(
    client: Client, viewer: User, bundles: dict[str, Path]
) -> None:
    text = {"type": 3, "timestamp": 11, "data": {"source": 0, "texts": [{"value": HOSTILE}]}}
    sid = record([[*events(1, start=10), text]]).session_id
    document = exported(client, sid)

    elements = parsed(document)
    scripts = elements.of("script")
    assert len(scripts) == 2  # the data and the player: nothing recorded became one
    (data_attrs, data_text), _ = scripts
    assert data_attrs == {"type": "application/gzip", "id": export.DATA_ID}
    # base64: no character of it can end the element.
    assert re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", data_text)
    embedded = export.events_in(document)["windows"][0]["events"]
    assert embedded[1]["data"]["texts"][0]["value"] == HOSTILE
    assert document.lower().count("</script") == 2


def test_unknown_session_is_404(client: Client, viewer: User, bundles: dict[str, Path]) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/session-replay/api/sessions/{missing}/export.html").status_code == 404


def test_anonymous_gets_401_and_staff_without_the_permission_403(
    client: Client, bundles: dict[str, Path]
) -> None:
    sid = record([events(2)]).session_id
    url = f"/session-replay/api/sessions/{sid}/export.html"
    assert client.get(url).status_code == 401
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.exists()


def test_without_the_built_bundles_it_says_to_build_them(
    client: Client, viewer: User, bundles: dict[str, Path]
) -> None:
    bundles[export.SCRIPT].unlink()
    sid = record([events(2)]).session_id
    response = client.get(f"/session-replay/api/sessions/{sid}/export.html")
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "npm run build" in detail and export.SCRIPT in detail
    assert not AuditEntry.objects.exists()


def test_past_the_cap_it_is_refused_with_the_limit(
    client: Client, viewer: User, bundles: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = record([events(50)]).session_id
    monkeypatch.setattr(export, "MAX_EXPORT_BYTES", 100)
    response = client.get(f"/session-replay/api/sessions/{sid}/export.html")
    assert response.status_code == 413
    assert "an export holds at most" in response.json()["detail"]
    assert not AuditEntry.objects.exists()


def test_the_real_bundles_are_inlined_once_built(client: Client, viewer: User) -> None:
    if export.finders.find(export.SCRIPT) is None:
        pytest.skip("the frontend is not built (npm run build in frontend/)")
    sid = record([events(2)]).session_id
    document = exported(client, sid)
    elements = parsed(document)
    assert len(elements.of("script")) == 2
    assert "rr-player" in elements.of("style")[0][1]


@given(data=st.binary(max_size=5000), cuts=st.lists(st.integers(0, 5000), max_size=8))
def test_the_pieces_join_into_one_base64_gzip_of_the_whole(data: bytes, cuts: list[int]) -> None:
    packed = export.Base64Gzip()
    bounds = [0, *sorted(c for c in cuts if c <= len(data)), len(data)]
    text = b"".join(packed.feed(data[a:b]) for a, b in itertools.pairwise(bounds)) + packed.end()
    assert gzip.decompress(base64.b64decode(text, validate=True)) == data
