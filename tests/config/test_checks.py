"""The checks of settings.SESSION_REPLAY (config/checks.py, ids in docs/checks.md):
its shape (E010), unknown keys (E011), each value's rule (E012), the keys that
bound each other (E013) and the processors' paths (E014)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.checks import CheckMessage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from django_session_replay.config.checks import check_settings
from django_session_replay.config.spec import KEYS
from django_session_replay.ingest.pipeline import Processor
from django_session_replay.storage.encryption import new_key


class Valid(Processor):
    pass


def not_a_class() -> None:
    pass


def ids(messages: Sequence[CheckMessage]) -> list[str]:
    return [message.id or "" for message in messages]


def checked(value: Any) -> list[CheckMessage]:
    with override_settings(SESSION_REPLAY=value):
        return check_settings()


def check_command_refuses(value: Any) -> str:
    """What `manage.py check` says when it refuses the setting."""
    with override_settings(SESSION_REPLAY=value), pytest.raises(SystemCheckError) as refused:
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
    return str(refused.value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        {name: key.default for name, key in KEYS.items()},  # every key at its default
        {"SAMPLE_RATE": 0, "FLUSH_BYTES": 1024, "PROCESSORS": [f"{__name__}.Valid"]},
        {"SAMPLE_RATE": 0.25, "ALLOWED_ORIGINS": ["example.com"], "SITE_KEY": "k"},
    ],
)
def test_valid_settings_have_no_messages(value: dict[str, Any]) -> None:
    assert checked(value) == []


def test_the_check_command_passes_the_test_settings() -> None:
    out = io.StringIO()
    call_command("check", stdout=out, stderr=io.StringIO())
    assert "no issues" in out.getvalue()


@pytest.mark.parametrize("value", [["SAMPLE_RATE", 0.5], "SAMPLE_RATE=0.5", None])
def test_e010_not_a_dict(value: Any) -> None:
    assert ids(checked(value)) == ["django_session_replay.E010"]
    message = check_command_refuses(value)
    assert "django_session_replay.E010" in message
    assert f"SESSION_REPLAY must be a dict, not {type(value).__name__}." in message


def test_e011_unknown_key_names_the_closest_known_one() -> None:
    (message,) = checked({"SAMPLE_RAT": 0.5})
    assert message.id == "django_session_replay.E011"
    assert message.hint == "Did you mean 'SAMPLE_RATE'?"
    refused = check_command_refuses({"SAMPLE_RAT": 0.5})
    assert "django_session_replay.E011" in refused
    assert "Did you mean 'SAMPLE_RATE'?" in refused


def test_e011_without_a_close_key_points_at_the_docs() -> None:
    (message,) = checked({"COLOUR": "blue"})
    assert message.id == "django_session_replay.E011"
    assert message.hint == "See docs/configuration.md."


@pytest.mark.parametrize(
    "name, value",
    [
        ("SAMPLE_RATE", "20%"),
        ("SAMPLE_RATE", 1.5),
        ("SAMPLE_RATE", True),
        ("ENABLED", "yes"),
        ("IDLE_TIMEOUT", True),  # a bool is no integer here
        ("IDLE_TIMEOUT", 5),  # below 10
        ("MAX_FRAME_BYTES", 32 * 1024 * 1024),  # above uvicorn's default message limit
        ("COMPRESSION_LEVEL", 23),
        ("WEBSOCKET_PATH", "ws/session-replay/"),
        ("SITE_KEY", "  "),
        ("ALLOWED_ORIGINS", "example.com"),
        ("PROCESSORS", "django_session_replay.live.processor.LivePublish"),
        ("PRIVACY_MODE", "loose"),
        ("MASK_TEXT_PATTERNS", ["(unclosed"]),
        ("MASK_TEXT_PATTERNS", ["x*"]),  # matches the empty text
        ("MASK_TEXT_PATTERNS", "\\d+"),  # one string, not a list
        ("NETWORK_BODY_URLS", ["^https://api\\.example/(v1"]),
        ("NETWORK_BODY_URLS", [""]),
        ("NETWORK_BODY_URLS", "^https://"),
        ("NETWORK_MAX_BODY_BYTES", 0),
        ("NETWORK_REDACT_HEADERS", ["x-secret: 1"]),
        ("CONSOLE_MAX_RECORDS", 0),
        ("RECORD_CONSOLE", "on"),
        ("SCRUB_PATTERNS", ["email", "[0-9"]),
        ("SCRUB_PATTERNS", ["\\d*"]),  # matches the empty text
        ("IP_ADDRESSES", "anonymize"),
        ("IP_ADDRESSES", None),
        ("TRUSTED_PROXIES", ["10.0.0.0/33"]),
        ("TRUSTED_PROXIES", ["proxy.internal"]),
        ("TRUSTED_PROXIES", "10.0.0.1"),
    ],
)
def test_e012_a_value_that_breaks_its_rule(name: str, value: Any) -> None:
    (message,) = checked({name: value})
    assert message.id == "django_session_replay.E012"
    assert message.msg.startswith(f"SESSION_REPLAY[{name!r}] ")
    assert message.msg.endswith(f"; it is {value!r}.")
    assert message.hint == f"The default is {KEYS[name].default!r}; see docs/configuration.md."


def test_telemetry_settings_that_are_fine() -> None:
    assert not checked(
        {
            "NETWORK_BODY_URLS": [".*", "^https://api\\.example/"],
            "SCRUB_PATTERNS": ["card", "ORD-\\d{6}"],
            "TRUSTED_PROXIES": ["10.0.0.0/8", "2001:db8::/32", "127.0.0.1", "10.1.2.3/8"],
            "IP_ADDRESSES": "full",
            "NETWORK_REDACT_HEADERS": ["X-Session-Secret"],
        }
    )


def test_a_bad_body_url_pattern_fails_the_check_command() -> None:
    refused = check_command_refuses({"NETWORK_BODY_URLS": ["(api"]})
    assert "SESSION_REPLAY['NETWORK_BODY_URLS'] holds '(api', which is not a regular" in refused


def test_e012_through_the_check_command() -> None:
    refused = check_command_refuses({"SAMPLE_RATE": "20%"})
    assert "django_session_replay.E012" in refused
    assert "SESSION_REPLAY['SAMPLE_RATE'] must be a number from 0 to 1; it is '20%'." in refused


def test_e011_and_e012_are_reported_together() -> None:
    assert sorted(ids(checked({"SAMPLE_RAT": 1, "SAMPLE_RATE": "20%"}))) == [
        "django_session_replay.E011",
        "django_session_replay.E012",
    ]


@pytest.mark.parametrize(
    "value, low, high",
    [
        ({"FLUSH_BYTES": 4096, "MAX_FRAME_BYTES": 2048}, "FLUSH_BYTES", "MAX_FRAME_BYTES"),
        ({"FLUSH_BYTES": 512 * 1024 + 1}, "FLUSH_BYTES", "MAX_FRAME_BYTES"),  # the default
        (
            {"MAX_BYTES_PER_SECOND": 8192, "MAX_FRAME_BYTES": 16384, "FLUSH_BYTES": 1024},
            "MAX_FRAME_BYTES",
            "MAX_BYTES_PER_SECOND",
        ),
        ({"IDLE_TIMEOUT": 7200, "MAX_DURATION": 3600}, "IDLE_TIMEOUT", "MAX_DURATION"),
        (
            {"MAX_FRAME_BYTES": 2**20, "MAX_EVENT_BYTES": 2**19},
            "MAX_FRAME_BYTES",
            "MAX_EVENT_BYTES",
        ),
        (
            {"MAX_EVENT_BYTES": 2**26, "MAX_SESSION_BYTES": 2**25},
            "MAX_EVENT_BYTES",
            "MAX_SESSION_BYTES",
        ),
    ],
)
def test_e013_a_key_larger_than_the_one_that_bounds_it(
    value: dict[str, int], low: str, high: str
) -> None:
    (message,) = checked(value)
    assert message.id == "django_session_replay.E013"
    assert message.msg.startswith(f"SESSION_REPLAY[{low!r}] (")
    assert f"is larger than {high!r}" in message.msg
    assert "django_session_replay.E013" in check_command_refuses(value)


def test_e013_equal_is_allowed() -> None:
    assert checked({"FLUSH_BYTES": 2048, "MAX_FRAME_BYTES": 2048}) == []


def test_e013_waits_for_valid_values() -> None:
    value = {"FLUSH_BYTES": 4096, "MAX_FRAME_BYTES": 2048, "SAMPLE_RATE": "20%"}
    assert ids(checked(value)) == ["django_session_replay.E012"]


@pytest.mark.parametrize(
    "path, problem",
    [
        ("no.such.Processor", "cannot be imported"),
        (f"{__name__}.Missing", "cannot be imported"),
        ("django_session_replay.conf.Settings", "is not a subclass"),  # a class, not a Processor
        (f"{__name__}.not_a_class", "is not a subclass"),
        ("django_session_replay.live.processor.LivePublish", None),
    ],
)
def test_e014_processors_are_importable_processor_subclasses(
    path: str, problem: str | None
) -> None:
    messages = checked({"PROCESSORS": [f"{__name__}.Valid", path]})
    if problem is None:
        assert messages == []
        return
    (message,) = messages
    assert message.id == "django_session_replay.E014"
    assert message.msg.startswith(f"SESSION_REPLAY['PROCESSORS'] entry {path!r} {problem}")
    assert "django_session_replay.E014" in check_command_refuses({"PROCESSORS": [path]})


def test_e014_waits_for_known_keys() -> None:
    value = {"PROCESSORS": ["no.such.Processor"], "SAMPLE_RAT": 1}
    assert ids(checked(value)) == ["django_session_replay.E011"]


@pytest.mark.parametrize(
    "keys, problem",
    [
        (["c2hvcnQ="], "at position 0 of 5 bytes, not 32"),
        ([new_key(), "not base64 at all!"], "at position 1 that is not URL-safe base64"),
        (["A" * 43 + "="] * 2, "the same key twice"),
    ],
)
def test_e012_encryption_keys_are_checked_and_never_printed(keys: list[str], problem: str) -> None:
    (message,) = checked({"ENCRYPTION_KEYS": keys})
    assert message.id == "django_session_replay.E012"
    assert problem in message.msg
    assert message.msg.endswith("; it is not shown (a secret).")
    assert not any(key[:10] in message.msg for key in keys)
