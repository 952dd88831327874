"""GET /session-replay/api/sessions/{id}/summary (api/summary.py): the summary's
text and sentences, each with the offset of the moment it cites first; made on
demand, kept while the timeline is unchanged; audited; staff only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from django_session_replay.insights.digest import digest_of
from django_session_replay.models import AuditEntry, ReplaySession, SessionSummary, TimelineEntry
from tests.insights.test_digest import START, add_row, shop_session

pytestmark = pytest.mark.django_db
SESSIONS = "/session-replay/api/sessions"


def test_the_summary_has_its_sentences_with_the_offsets_to_seek_to(
    client: Client, viewer: User
) -> None:
    sid = shop_session()
    response = client.get(f"{SESSIONS}/{sid}/summary", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"text", "sentences", "backend", "created"}
    assert body["backend"] == "rule-based"
    assert body["text"].startswith("Landed on /products/ ('Products · Shop'). Rage-clicked")
    assert body["text"] == " ".join(sentence["text"] for sentence in body["sentences"])
    lines = digest_of(ReplaySession.objects.get(pk=sid)).refs
    for sentence in body["sentences"]:
        assert set(sentence) == {"text", "refs", "ts"}
        assert sentence["ts"] == lines[sentence["refs"][0]].offset_ms
    timed = [(sentence["text"], sentence["ts"]) for sentence in body["sentences"]]
    assert timed[0] == ("Landed on /products/ ('Products · Shop').", 0)
    assert timed[1] == ("Rage-clicked 'Add to cart'.", 3400)
    assert timed[-1] == ("Left after 12 s on /cart/.", 12_000)
    entry = AuditEntry.objects.get()
    assert (entry.session_id, entry.username, entry.action) == (sid, "viewer", "summary")
    assert entry.get_action_display() == "summary read (API)"


def test_the_summary_is_kept_until_the_timeline_changes(client: Client, viewer: User) -> None:
    sid = shop_session()
    first = client.get(f"{SESSIONS}/{sid}/summary").json()
    assert client.get(f"{SESSIONS}/{sid}/summary").json() == first
    add_row(sid, TimelineEntry.Kind.JS_ERROR, START + 9000, "Error: late", "error")
    again = client.get(f"{SESSIONS}/{sid}/summary").json()
    assert again["created"] > first["created"]
    assert "Hit a JS error: Error: late." in again["text"]
    assert SessionSummary.objects.count() == 1


def test_an_unknown_session_is_404_and_audits_nothing(client: Client, viewer: User) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"{SESSIONS}/{missing}/summary").status_code == 404
    assert client.get(f"{SESSIONS}/not-a-uuid/summary").status_code in (404, 422)
    assert not AuditEntry.objects.exists()


def test_the_summary_needs_the_view_permission(client: Client) -> None:
    sid = shop_session()
    assert client.get(f"{SESSIONS}/{sid}/summary").status_code == 401
    client.force_login(User.objects.create_user("nobody", password="pw", is_staff=True))
    assert client.get(f"{SESSIONS}/{sid}/summary").status_code == 403
    assert not SessionSummary.objects.exists() and not AuditEntry.objects.exists()
