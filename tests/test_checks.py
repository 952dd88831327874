from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from django_session_replay.checks import check_setup


def ids(**settings) -> set[str]:
    with override_settings(**settings):
        return {message.id for message in check_setup()}


def test_a_correct_setup_has_no_messages() -> None:
    assert ids() == set()


def test_channels_missing() -> None:
    apps = ["django.contrib.auth", "django.contrib.contenttypes", "django_session_replay"]
    assert "django_session_replay.E001" in ids(INSTALLED_APPS=apps)


def test_asgi_application_missing() -> None:
    assert "django_session_replay.E002" in ids(ASGI_APPLICATION=None)


def test_channel_layers_missing() -> None:
    assert "django_session_replay.W003" in ids(CHANNEL_LAYERS={})


def test_storage_alias_unresolvable() -> None:
    broken = {
        "default": {"BACKEND": "no.such.Storage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert "django_session_replay.E004" in ids(STORAGES=broken)


@pytest.mark.parametrize(
    "hosts, warned",
    [
        (["redis://127.0.0.1:6379/0"], True),  # redis-py 8's 5 s timeout applies
        ([{"address": "redis://127.0.0.1:6379/0"}], True),
        ([{"address": "redis://127.0.0.1:6379/0", "socket_timeout": 5}], True),
        ([{"address": "redis://127.0.0.1:6379/0", "socket_timeout": 30}], True),
        ([{"address": "redis://127.0.0.1:6379/0", "socket_timeout": None}], False),
    ],
)
def test_w018_a_redis_layer_that_times_out_quiet_sockets(
    settings: Any, monkeypatch: pytest.MonkeyPatch, hosts: list[Any], warned: bool
) -> None:
    from django_session_replay.config import channel_layers

    monkeypatch.setattr(channel_layers, "redis_major", lambda: 8)
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": hosts}}
    }
    ids = [message.id for message in check_setup()]
    assert ("django_session_replay.W018" in ids) is warned
    monkeypatch.setattr(channel_layers, "redis_major", lambda: 7)
    assert "django_session_replay.W018" not in [message.id for message in check_setup()]
