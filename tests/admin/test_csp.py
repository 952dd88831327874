"""The replay page's Content-Security-Policy (admin/csp.py): a recording may make
staff's browser load images, styles, fonts and media only from the recorded
site, the admin and REPLAY_ALLOWED_SOURCES; scripts only from the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client, override_settings

from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db


def policy_of(client: Client, entry_url: str) -> dict[str, list[str]]:
    user = User.objects.create_user("csp-viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    sid = record([events(2)], page={"url": entry_url}).session_id
    response = client.get(f"/admin/django_session_replay/replaysession/{sid}/replay/")
    assert response.status_code == 200
    header: str = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split("; "))}


def test_loads_come_from_the_recorded_site_and_the_admin_only(client: Client) -> None:
    policy = policy_of(client, "https://shop.example:8443/cart?x=1")
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]  # never the recorded site's
    for kind in ("img-src", "style-src", "font-src", "media-src"):
        assert "https://shop.example:8443" in policy[kind]
        assert "*" not in policy[kind] and "https:" not in policy[kind]
    assert "testserver" in policy["img-src"]  # ALLOWED_HOSTS, through ALLOWED_ORIGINS
    assert "'none'" in policy["object-src"] and "'none'" in policy["base-uri"]


@override_settings(
    SESSION_REPLAY={"REPLAY_ALLOWED_SOURCES": ["https://cdn.example"]},
    ALLOWED_HOSTS=["*", ".example.org", "testserver", "[::1]"],
)
def test_extra_sources_and_host_patterns(client: Client) -> None:
    policy = policy_of(client, "javascript:alert(1)")  # no origin to add
    assert "https://cdn.example" in policy["img-src"]
    assert {"example.org", "*.example.org"} <= set(policy["img-src"])
    assert "*" not in policy["img-src"]  # ALLOWED_HOSTS "*" widens nothing
    assert "[::1]" not in policy["img-src"]  # no CSP syntax for it: browsers reject it


@pytest.mark.parametrize("sources", [["https://a.example; script-src *"], ["a b"], "https://x"])
def test_a_source_that_could_break_the_header_is_refused(settings: Any, sources: Any) -> None:
    from django_session_replay.config.checks import check_settings

    settings.SESSION_REPLAY = {"REPLAY_ALLOWED_SOURCES": sources}
    assert [message.id for message in check_settings()] == ["django_session_replay.E012"]
