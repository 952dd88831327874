from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from tests.admin.staff import login
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_session_replay/replaysession/"


def replay_url(sid) -> str:
    return f"{CHANGELIST}{sid}/replay/"


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


def test_changelist_filters_and_search_by_what_happened(client: Client) -> None:
    from tests.api.test_timeline import session
    from tests.timeline.test_moments import custom
    from tests.timeline.test_telemetry import START, console, page_view

    login(client, permission=True)
    failing = session([page_view("http://x/products/", START),
                       console("error", "card declined", ts=START + 1)])  # fmt: skip
    tracked = session([custom("checkout-started", {}, START)])

    def listed(query: str) -> set[str]:
        response = client.get(f"{CHANGELIST}?{query}")
        assert response.status_code == 200
        assert "?e=1" not in response.get("Location", "")
        page = response.content.decode()
        return {str(sid) for sid in (failing, tracked) if replay_url(sid) in page}

    assert listed("") == {str(failing), str(tracked)}
    assert listed("has_errors=true") == {str(failing)}
    assert listed("has_errors=false") == {str(tracked)}
    assert listed("event=checkout-started") == {str(tracked)}
    assert listed("visited=/products/") == {str(failing)}
    assert listed("q=declined") == {str(failing)}
    assert listed("q=visitor-1") == {str(failing), str(tracked)}  # search_fields still apply
    page = client.get(CHANGELIST).content.decode()
    assert "checkout-started" in page  # the event filter offers the tracked names


def test_the_replay_page_marks_signals_and_errors_along_the_tab(client: Client) -> None:
    """Each signal and error of the tab shown is a marker: a button named by
    its kind, time and label that seeks the player there, placed along the
    tab's recorded length; other moments and other tabs are not marked."""
    import re

    from django_session_replay.models import TimelineEntry

    login(client, permission=True)
    start = 1_700_000_000_000
    sid = record([events(2, start=start), events(1, start=start + 10_000)]).session_id

    def row(kind: str, ts: int, label: str, level: str = "", window: str = "tab-1") -> None:
        TimelineEntry.objects.create(session_id=sid, window=window, page=1, ts=ts, kind=kind,
                                     label=label, level=level)  # fmt: skip

    row("rage_click", start + 2_500, 'button#buy "Add to cart" ×5', "warn")
    row("js_error", start + 5_000, "TypeError: x is undefined", "error")
    row("console", start + 6_000, "just a warning", "warn")  # not an error: no marker
    row("click", start + 7_000, "button#ok")  # a plain click: no marker
    row("dead_click", start + 8_000, "button#noop", "warn", window="tab-2")  # another tab
    page = client.get(replay_url(sid)).content.decode()
    marks = re.findall(
        r'style="left: ([\d.]+)%">\s*<button[^>]*'
        r'data-session-replay-ts="(\d+)"[^>]*aria-label="([^"]*)"',
        page,
    )
    assert [(float(left), int(ts), name) for left, ts, name in marks] == [
        (25.0, start + 2_500, "Rage click at 0:02: button#buy &quot;Add to cart&quot; ×5"),
        (50.0, start + 5_000, "JS error at 0:05: TypeError: x is undefined"),
    ]
    assert 'aria-label="Markers"' in page


def player_config(page: str) -> dict[str, Any]:
    found = re.search(r'id="session-replay-player-config"[^>]*>(.*?)</script>', page, re.S)
    assert found, "no player configuration"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_the_workspace_page_has_its_panels_links_and_player_config(
    client: Client, settings: Any
) -> None:
    """The replay workspace (issue 13): no nav sidebar, a tab per panel, the
    session's details folded away, an Export link, and the URLs and settings the
    player reads (frontend/src/workspace.js)."""
    from django_session_replay.models import TimelineEntry

    user = login(client, permission=True)
    user.user_permissions.add(Permission.objects.get(codename="add_note"))
    start = 1_700_000_000_000
    sid = record([events(2, start=start)]).session_id
    TimelineEntry.objects.create(
        session_id=sid, window="tab-1", page=1, ts=start + 500, kind="page_view",
        label="Home", detail={"url": "http://testserver/", "nav": "load"},
    )  # fmt: skip
    TimelineEntry.objects.create(
        session_id=sid, window="tab-1", page=1, ts=start + 65_500, kind="page_view",
        label="Cart", detail={"url": "http://testserver/cart", "nav": "push"},
    )  # fmt: skip
    page = client.get(replay_url(sid)).content.decode()
    assert 'id="nav-sidebar"' not in page
    tabs = re.findall(r'role="tab"[^>]*>([^<]+)</button>', page)
    assert tabs == [
        "Summary",
        "Activity",
        "Console",
        "Network",
        "Errors",
        "Server",
        "Pages",
        "Notes",
    ]
    assert "<summary>More about this session</summary>" in page
    assert f'href="/session-replay/api/sessions/{sid}/export.html"' in page
    assert 'name="note"' in page and "Add note" in page and "csrfmiddlewaretoken" in page
    # Time on each page: until the next view (the last one: until the last event).
    assert "<td>1:05</td>" in page
    config = player_config(page)
    assert config["timelineUrl"] == f"/session-replay/api/sessions/{sid}/timeline?window=tab-1"
    assert config["notesUrl"] == f"/session-replay/api/sessions/{sid}/notes"
    assert config["sessionUrl"] == f"/session-replay/api/sessions/{sid}"
    assert (config["window"], config["canAddNote"], config["autoplay"]) == ("tab-1", True, True)
    assert config["kindLabels"]["js_error"] == "JS error"
    assert config["kindLabels"]["note"] == "Note"
    settings.SESSION_REPLAY = {"AUTOPLAY": False}
    assert player_config(client.get(replay_url(sid)).content.decode())["autoplay"] is False


def test_the_workspace_links_the_previous_and_next_session_of_the_list(client: Client) -> None:
    user = login(client, permission=True)
    older = record([events(1)]).session_id
    newer = record([events(1)]).session_id
    # The list by creation time, oldest first: the column's number as this user's
    # changelist counts it (an action checkbox comes first only with actions).
    from django.contrib import admin
    from django.test import RequestFactory

    from django_session_replay.models import ReplaySession

    request = RequestFactory().get(CHANGELIST)
    request.user = user
    changelist = admin.site._registry[ReplaySession].get_changelist_instance(request)
    column = changelist.list_display.index("created")
    filters = f"o={column}"
    page = client.get(replay_url(older), {"_changelist_filters": filters}).content.decode()
    assert f'href="{replay_url(newer)}?_changelist_filters=o%3D{column}" rel="next"' in page
    assert 'rel="prev"' not in page


def test_a_session_of_several_tabs_gives_the_player_each_tab_and_its_start(
    client: Client,
) -> None:
    """The replay follows the visitor from tab to tab (frontend/src/tabs.js): it
    reads each tab's first event and the timeline of every tab; one tab, none."""
    from django_session_replay.ingest import store
    from django_session_replay.wire import frames

    login(client, permission=True)
    start = 1_700_000_000_000
    sid = record([events(2, start=start)]).session_id
    one = player_config(client.get(replay_url(sid)).content.decode())
    assert one["tabs"] == []
    batch = {"seq": 1, "events": events(2, start=start + 4000)}
    later = frames.parse_batch(batch, max_bytes=1 << 20)
    store.append_batch(sid, "tab-2", later)
    page = client.get(replay_url(sid)).content.decode()
    config = player_config(page)
    assert config["tabs"] == [
        {"window": "tab-1", "start": start, "number": 1, "title": ""},
        {"window": "tab-2", "start": start + 4000, "number": 2, "title": ""},
    ]
    assert config["sessionTimelineUrl"] == f"/session-replay/api/sessions/{sid}/timeline"
    assert 'id="session-replay-pin"' in page and "Pin this tab" in page
