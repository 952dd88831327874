from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_session_replay/replaysession/"


def replay_url(sid) -> str:
    return f"{CHANGELIST}{sid}/replay/"


def login(client: Client, *, permission: bool) -> User:
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    return user


def test_anonymous_is_sent_to_login(client: Client) -> None:
    sid = record([events(1)]).session_id
    for url in (CHANGELIST, replay_url(sid)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_staff_without_permission_gets_403(client: Client) -> None:
    login(client, permission=False)
    sid = record([events(1)]).session_id
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(replay_url(sid)).status_code == 403


def test_changelist_shows_sessions_with_filters_and_search(client: Client) -> None:
    user = login(client, permission=True)
    record([events(4, kind=4)], page={"url": "http://testserver/pricing"}, user_id=user.pk)
    record([events(1)], page={"url": "http://testserver/blog"})
    page = client.get(CHANGELIST).content.decode()
    for text in ("staff", "/pricing", "/blog", "Replay"):
        assert text in page
    assert page.count('<td class="field-status_label">Active</td>') == 2
    found = client.get(CHANGELIST, {"q": "pricing"}).content.decode()
    assert "/pricing" in found and "/blog" not in found
    active = client.get(CHANGELIST, {"status": "inactive"}).content.decode()
    assert "/pricing" not in active
    by_user = client.get(CHANGELIST, {"user__id__exact": user.pk}).content.decode()
    assert "/pricing" in by_user and "/blog" not in by_user


def test_replay_page_renders_the_player(client: Client) -> None:
    login(client, permission=True)
    sid = record([events(2)], page={"url": "http://testserver/entry"}).session_id
    response = client.get(replay_url(sid))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="session-replay-player"' in page
    assert "django_session_replay/player.js" in page
    assert f"/session-replay/api/sessions/{sid}/events?window=tab-1" in page
    assert "http://testserver/entry" in page
    assert 'class="breadcrumbs"' in page  # extends admin/base_site.html


def test_replay_of_unknown_session_is_404(client: Client) -> None:
    login(client, permission=True)
    assert client.get(replay_url("00000000-0000-0000-0000-000000000000")).status_code == 404


def test_sessions_cannot_be_added_or_changed(client: Client) -> None:
    user = login(client, permission=True)
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="replaysession"))
    assert client.get(CHANGELIST + "add/").status_code == 403
