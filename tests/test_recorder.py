"""What the recorder is told (recorder.py): its ``protocol`` block carries the
close codes, the pace and the id rule, so frontend/src retypes no server constant."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client, override_settings

from django_session_replay.models import ReplaySession
from django_session_replay.recorder import protocol_rules, recorder_config
from django_session_replay.wire import frames
from django_session_replay.wire.codes import BATCH_REFUSED, FATAL, Code, ProtocolError

REPO = Path(__file__).resolve().parent.parent


def documented_codes() -> dict[str, int]:
    """docs/protocol.md's "Error codes" table: the contract the recorder and the server share."""
    text = (REPO / "docs" / "protocol.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{4}) \| \d{3} \|", text, flags=re.M)
    return {name: int(close) for name, close in rows}


IDS = {  # id: whether the documented rule allows it
    "tab-1": True,
    "A_z-09": True,
    "x" * 64: True,
    "x" * 65: False,
    "": False,
    "tab-1\n": False,  # Python's `$` would let this one through; the rule must not
    "\ntab-1": False,
    "bad id!": False,
    "tåb": False,
    "tab/1": False,
}


def config(**overrides: Any) -> dict[str, Any]:
    arguments = {
        "sample_rate": 1,
        "autostart": True,
        "mask_text_selector": None,
        "block_selector": None,
    }
    return recorder_config(**{**arguments, **overrides})


def test_codes_carry_every_close_code_as_documented() -> None:
    protocol = config()["protocol"]
    assert protocol["codes"] == {code.text: code.close_code for code in Code}
    assert protocol["codes"] == documented_codes()
    assert protocol["seqConflict"] == Code.SEQ_CONFLICT.close_code == 4014
    assert protocol["sessionFull"] == Code.SESSION_FULL.close_code == 4009


def test_fatal_and_refused_closes() -> None:
    """After a fatal close the recorder stops for the page; after a refused one it
    replaces the batch with a gap marker (docs/protocol.md)."""
    protocol = protocol_rules()
    assert protocol["fatal"] == [code.close_code for code in FATAL]
    assert sorted(protocol["fatal"]) == [4004, 4005, 4007]  # bad_key, origin, version
    assert protocol["refused"] == [code.close_code for code in BATCH_REFUSED]
    # bad_frame, invalid_field, frame_too_large; part_missing, part_unexpected, event_too_large
    assert sorted(protocol["refused"]) == [4000, 4002, 4003, 4015, 4016, 4017]
    # A close that asks the recorder to retry is neither.
    for code in (Code.RATE_LIMITED, Code.SERVER_ERROR, Code.SESSION_FULL):
        assert code.close_code not in protocol["fatal"] + protocol["refused"]


@pytest.mark.parametrize(
    "limits, pace",
    [
        # the defaults, as documented
        ({}, {"frames": 25, "bytes": 2 * 1024 * 1024, "rawBytes": 8 * 1024 * 1024}),
        (
            {
                "MAX_FRAMES_PER_SECOND": 9,
                "MAX_BYTES_PER_SECOND": 10_001,
                "MAX_RAW_BYTES_PER_SECOND": 100_001,
            },
            {"frames": 4, "bytes": 5000, "rawBytes": 50_000},
        ),
        (
            {"MAX_FRAMES_PER_SECOND": 2, "MAX_BYTES_PER_SECOND": 4096},
            {"frames": 1, "bytes": 2048, "rawBytes": 8 * 1024 * 1024},
        ),
    ],
)
def test_pace_is_half_the_servers_rate_limits(limits: dict[str, int], pace: dict[str, int]) -> None:
    with override_settings(SESSION_REPLAY=limits):
        assert protocol_rules()["pace"] == pace


def test_the_config_is_json_and_carries_the_limits() -> None:
    limits = {"IDLE_TIMEOUT": 600, "MAX_DURATION": 7200, "MAX_FRAME_BYTES": 65536}
    with override_settings(SESSION_REPLAY=limits):
        rendered = json.loads(json.dumps(config()))
    assert rendered["v"] == frames.VERSION
    assert (rendered["idleTimeoutMs"], rendered["maxDurationMs"]) == (600_000, 7_200_000)
    assert rendered["maxFrameBytes"] == 65536
    assert rendered["protocol"]["idPattern"] == frames.ID_PATTERN


def server_accepts(window: str) -> bool:
    try:
        frames.parse_window(window)
    except ProtocolError as error:
        assert error.code is Code.INVALID_FIELD
        return False
    return True


def js_test(pattern: str, value: str) -> bool:
    """RegExp(pattern).test(value) without flags: `^` and `$` are the ends of the
    text (Python's `$` also matches before a final newline, so require the end)."""
    match = re.search(pattern, value)
    return match is not None and match.end() == len(value)


@pytest.mark.parametrize("window", IDS)
def test_the_id_pattern_accepts_what_the_server_accepts(window: str) -> None:
    pattern = protocol_rules()["idPattern"]
    assert pattern == frames.ID_PATTERN
    assert server_accepts(window) is IDS[window]
    assert js_test(pattern, window) is IDS[window]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for a real RegExp")
def test_the_id_pattern_in_a_javascript_regexp() -> None:
    script = (
        "const [pattern, ids] = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(ids.map((id) => new RegExp(pattern).test(id))));"
    )
    argument = json.dumps([protocol_rules()["idPattern"], list(IDS)])
    node = shutil.which("node")
    assert node is not None
    output = subprocess.run(
        [node, "-e", script, argument], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(output) == list(IDS.values())


@pytest.mark.django_db
def test_the_api_reads_window_ids_by_the_same_rule(client: Client) -> None:
    """The events endpoint's ?window= takes the same pattern (pydantic's regex)."""
    user = User.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    session = ReplaySession.objects.create()
    url = f"/session-replay/api/sessions/{session.pk}/events"
    for window, allowed in IDS.items():
        if not window:
            continue  # an empty ?window= means no window filter
        response = client.get(url, {"window": window})
        assert response.status_code == (200 if allowed else 422), repr(window)
        if response.streaming:
            b"".join(response.streaming_content)


def test_the_frontend_tests_read_what_the_tag_renders() -> None:
    """frontend/test/server-config.json is the config the JS unit tests run with:
    it must be what the server renders with the default settings."""
    fixture = json.loads((REPO / "frontend" / "test" / "server-config.json").read_text())
    rendered = recorder_config(
        sample_rate=1, autostart=True, mask_text_selector=None, block_selector=None
    )
    assert fixture == {**rendered, "key": "site-key"}


def test_hidden_inputs_are_always_blocked() -> None:
    hidden = 'input[type="hidden" i]'
    alone = recorder_config(
        sample_rate=1, autostart=True, mask_text_selector=None, block_selector=None
    )
    assert alone["blockSelector"] == hidden
    both = recorder_config(
        sample_rate=1, autostart=True, mask_text_selector=None, block_selector=".ads"
    )
    assert both["blockSelector"] == f".ads, {hidden}"


def test_the_context_cookie_and_interactions_are_configured(settings: Any) -> None:
    settings.SESSION_REPLAY = {
        "CONTEXT_COOKIE": "ctx",
        "IDLE_TIMEOUT": 600,
        "DEAD_CLICK_TIMEOUT_MS": 4000,
        "THRASHING_WINDOW_MS": 900,
    }
    config = recorder_config(
        sample_rate=1, autostart=True, mask_text_selector=None, block_selector=None
    )
    assert (config["contextCookie"], config["contextCookieMaxAge"]) == ("ctx", 600)
    assert config["interactions"] == {
        "enabled": True,
        "signals": {"deadClickMs": 4000, "thrashingChanges": 8, "thrashingWindowMs": 900},
    }
    settings.SESSION_REPLAY = {"RECORD_INTERACTIONS": False}
    off = recorder_config(
        sample_rate=1, autostart=True, mask_text_selector=None, block_selector=None
    )
    assert off["interactions"]["enabled"] is False
    tag_on = recorder_config(
        sample_rate=1,
        autostart=True,
        mask_text_selector=None,
        block_selector=None,
        record_interactions=True,
    )
    assert tag_on["interactions"]["enabled"] is True
