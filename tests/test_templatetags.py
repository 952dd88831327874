from __future__ import annotations

import json
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from django_session_replay.conf import conf


def render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    return Template("{% load session_replay %}" + source).render(
        Context({"request": request, **context})
    )


def config_of(html: str) -> dict:
    match = re.search(
        r'<script id="session-replay-config" type="application/json"[^>]*>(.*?)</script>', html
    )
    assert match, html
    return json.loads(match.group(1))


def test_renders_script_and_configuration() -> None:
    html = render("{% session_replay_recorder %}")
    assert '<script src="/static/django_session_replay/recorder.js" defer></script>' in html
    config = config_of(html)
    assert config["ws"] == "/ws/session-replay/"
    assert config["ingest"] == "/session-replay/api/ingest"
    assert config["key"] == conf.SITE_KEY
    assert config["maskAllInputs"] is True
    assert config["maxFrameBytes"] == 512 * 1024
    assert config["maxEventBytes"] == 32 * 1024 * 1024
    # fetched by recorder.js, the loader
    assert config["main"] == "/static/django_session_replay/recorder-main.js"


def test_the_recorder_url_is_the_static_storage_s(settings) -> None:
    """The loader fetches the name the server renders: a hashed one where the
    storage hashes (ManifestStaticFilesStorage), a CDN's where STATIC_URL is one."""
    settings.STATIC_URL = "https://cdn.example/s/"
    config = config_of(render("{% session_replay_recorder %}"))
    assert config["main"] == "https://cdn.example/s/django_session_replay/recorder-main.js"


def test_tag_arguments_override_settings() -> None:
    html = render(
        '{% session_replay_recorder sample_rate=0.25 autostart=False block_selector=".private" %}'
    )
    config = config_of(html)
    assert (config["sampleRate"], config["autostart"], config["blockSelector"]) == (
        0.25,
        False,
        '.private, input[type="hidden" i]',  # hidden inputs stay blocked whatever the tag says
    )


def test_csp_nonce_is_passed_through() -> None:
    html = render("{% session_replay_recorder %}", csp_nonce="abc123")
    assert html.count('nonce="abc123"') == 2


def test_disabled_renders_nothing(settings) -> None:
    settings.SESSION_REPLAY = {"ENABLED": False}
    assert render("{% session_replay_recorder %}") == ""


def test_site_key_setting_wins(settings) -> None:
    settings.SESSION_REPLAY = {"SITE_KEY": "public-key-1"}
    assert config_of(render("{% session_replay_recorder %}"))["key"] == "public-key-1"


@pytest.mark.parametrize("value, rate", [(-1, 0.0), (7, 1.0), (0.5, 0.5)])
def test_sample_rate_is_clamped(value: float, rate: float) -> None:
    config = config_of(render(f"{{% session_replay_recorder sample_rate={value} %}}"))
    assert config["sampleRate"] == rate


def test_a_setting_that_breaks_its_rule_renders_with_the_default(settings) -> None:
    """manage.py check reports it (E012); a page never fails on it."""
    settings.SESSION_REPLAY = {"SAMPLE_RATE": "20%", "FLUSH_BYTES": "64k", "AUTOSTART": "no"}
    config = config_of(render("{% session_replay_recorder %}"))
    assert (config["sampleRate"], config["flushBytes"], config["autostart"]) == (
        1.0,
        64 * 1024,
        True,
    )


@pytest.mark.parametrize("value", ['"20%"', '"abc"', '"nan"'])
def test_an_unreadable_tag_sample_rate_records_nobody(value: str) -> None:
    config = config_of(render(f"{{% session_replay_recorder sample_rate={value} %}}"))
    assert config["sampleRate"] == 0.0


def test_canvas_and_cross_origin_frames_are_off_unless_asked_for(settings) -> None:
    config = config_of(render("{% session_replay_recorder %}"))
    assert (config["recordCanvas"], config["recordCrossOriginIframes"]) == (False, False)
    assert config["canvas"] == {"fps": 2, "quality": 0.4, "type": "image/webp"}
    settings.SESSION_REPLAY = {"RECORD_CANVAS": True, "CANVAS_FPS": 5, "CANVAS_QUALITY": 0.8}
    config = config_of(render("{% session_replay_recorder %}"))
    assert config["recordCanvas"] is True
    assert config["canvas"] == {"fps": 5, "quality": 0.8, "type": "image/webp"}


def test_canvas_and_cross_origin_tag_arguments_override_settings(settings) -> None:
    settings.SESSION_REPLAY = {"RECORD_CANVAS": True}
    source = "{% session_replay_recorder record_canvas=False record_cross_origin_iframes=True %}"
    config = config_of(render(source))
    assert (config["recordCanvas"], config["recordCrossOriginIframes"]) == (False, True)


def test_telemetry_config_follows_the_settings() -> None:
    config = config_of(render("{% session_replay_recorder %}"))
    assert config["console"] == {"enabled": True, "maxRecords": 1000, "maxChars": 5000}
    assert config["errors"] == {"enabled": True}
    assert config["performance"] == {"enabled": True}
    assert config["network"]["enabled"] is True
    assert config["network"]["headers"] is False
    assert config["network"]["bodyUrls"] == []
    assert config["network"]["maxBodyBytes"] == 150_000
    assert "authorization" in config["network"]["redactHeaders"]
    assert config["scrubPatterns"] == ["email", "card", "bearer"]


def test_telemetry_tag_arguments_override_the_settings(settings) -> None:
    settings.SESSION_REPLAY = {
        "RECORD_CONSOLE": False,
        "RECORD_ERRORS": False,
        "RECORD_NETWORK": True,
        "RECORD_PERFORMANCE": True,
        "CONSOLE_MAX_RECORDS": 50,
        "NETWORK_RECORD_HEADERS": True,
        "NETWORK_BODY_URLS": ["^https://api\\.example/"],
        "NETWORK_MAX_BODY_BYTES": 2000,
        "NETWORK_REDACT_HEADERS": ["X-Shop-Secret", "Cookie"],
        "SCRUB_PATTERNS": ["card", "ORD-\\d{6}"],
    }
    alone = config_of(render("{% session_replay_recorder %}"))
    assert (alone["console"]["enabled"], alone["errors"]["enabled"]) == (False, False)
    assert (alone["network"]["enabled"], alone["performance"]["enabled"]) == (True, True)
    assert alone["console"]["maxRecords"] == 50
    assert alone["network"]["headers"] is True
    assert alone["network"]["bodyUrls"] == ["^https://api\\.example/"]
    assert alone["network"]["maxBodyBytes"] == 2000
    redacted = alone["network"]["redactHeaders"]
    assert redacted[-1] == "x-shop-secret" and redacted.count("cookie") == 1
    assert alone["scrubPatterns"] == ["card", "ORD-\\d{6}"]
    tagged = config_of(
        render(
            "{% session_replay_recorder record_console=True record_errors=True "
            "record_network=False record_performance=False %}"
        )
    )
    assert (tagged["console"]["enabled"], tagged["errors"]["enabled"]) == (True, True)
    assert (tagged["network"]["enabled"], tagged["performance"]["enabled"]) == (False, False)
