from __future__ import annotations

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
