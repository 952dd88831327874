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


def test_opening_a_replay_adds_an_audit_entry_and_lists_earlier_viewers(client: Client) -> None:
    from django_session_replay.models import AuditEntry

    user = login(client, permission=True)
    sid = record([events(2)]).session_id
    first = client.get(replay_url(sid), REMOTE_ADDR="203.0.113.77").content.decode()
    assert "Nobody else has watched this session yet." in first
    entry = AuditEntry.objects.get()
    assert (entry.session_id, entry.user_id, entry.username) == (sid, user.pk, "staff")
    assert (entry.action, entry.address) == ("replay", "203.0.113.0")
    AuditEntry.objects.create(session_id=sid, username="bob", action="live")
    page = client.get(replay_url(sid)).content.decode()
    assert 'aria-labelledby="session-replay-watched-title"' in page
    assert ">Watched by</h2>" in page
    section = page.split('id="session-replay-watched-title"')[1].split("</section>")[0]
    # newest first: bob's live watch, then staff's first visit
    assert section.index("<td>bob</td>") < section.index("<td>staff</td>")
    assert "watched live" in section and "replay opened" in section
    assert AuditEntry.objects.filter(session_id=sid).count() == 3


def test_session_change_page_lists_the_audit_trail(client: Client) -> None:
    from django_session_replay.models import AuditEntry

    login(client, permission=True)
    sid = record([events(1)]).session_id
    change = f"{CHANGELIST}{sid}/change/"
    assert "Nobody has opened this session yet." in client.get(change).content.decode()
    AuditEntry.objects.create(session_id=sid, username="ann", action="events", address="10.0.0.0")
    page = client.get(change).content.decode()
    assert "Audit trail" in page
    assert '<th scope="col">User</th>' in page
    assert "<td>ann</td><td>events read (API)</td>" in page
    assert "<td>10.0.0.0</td>" in page


def test_only_a_superuser_places_and_releases_a_legal_hold(client: Client) -> None:
    from django_session_replay.models import ReplaySession

    sid = record([events(1)]).session_id
    login(client, permission=True)
    assert "place_on_legal_hold" not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "place_on_legal_hold", "_selected_action": [str(sid)]})
    assert not ReplaySession.objects.get(pk=sid).legal_hold
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    page = client.get(CHANGELIST).content.decode()
    assert "place_on_legal_hold" in page and "Place on legal hold" in page
    for action, held in (("place_on_legal_hold", True), ("release_legal_hold", False)):
        response = client.post(CHANGELIST, {"action": action, "_selected_action": [str(sid)]})
        assert response.status_code == 302
        assert ReplaySession.objects.get(pk=sid).legal_hold is held
