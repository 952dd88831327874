"""Notes in admin (admin/notes.py): listed with their session, moment and author,
searched by text, signed by whoever adds one; the sessions changelist counts
them in its one query; and the notes as the replay page's markers (timeline/notes.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from django_session_replay.admin.sessions import ReplaySessionAdmin
from django_session_replay.models import Note, ReplaySession
from django_session_replay.timeline.notes import note_markers
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db

NOTES = "/admin/django_session_replay/note/"
SESSIONS = "/admin/django_session_replay/replaysession/"
START = 1_700_000_000_000  # the first event's timestamp of tests.conftest.events


def staff(client: Client, *codenames: str) -> User:
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def session(**hello: Any) -> ReplaySession:
    return ReplaySession.objects.get(pk=record([events(3)], **hello).session_id)


def test_the_notes_list_shows_session_moment_excerpt_and_author(client: Client) -> None:
    user = staff(client, "view_note")
    recorded = session()
    Note.objects.create(
        session=recorded, window="tab-1", ts=START + 83_000, text="x" * 300, author=user
    )
    page = client.get(NOTES)
    assert page.status_code == 200
    html = page.content.decode()
    replay = f"{SESSIONS}{recorded.pk}/replay/?window=tab-1"
    assert f'href="{replay}"' in html
    assert "1:23 (" in html  # 83 s into the recording, then the moment's date
    assert "x" * 79 + "…" in html and "x" * 81 not in html
    assert "staff" in html


def test_the_notes_list_searches_the_text(client: Client) -> None:
    staff(client, "view_note")
    recorded = session()
    Note.objects.create(session=recorded, ts=START, text="checkout froze")
    Note.objects.create(session=recorded, ts=START, text="pricing looked fine")
    html = client.get(NOTES, {"q": "froze"}).content.decode()
    assert "checkout froze" in html and "pricing looked fine" not in html


def test_a_note_added_in_admin_is_signed_by_its_writer(client: Client) -> None:
    user = staff(client, "add_note", "change_note", "view_note")
    recorded = session()
    form = {"session": str(recorded.pk), "window": "tab-1", "ts": START + 5, "text": "hi"}
    response = client.post(NOTES + "add/", form)
    assert response.status_code == 302, response.content.decode()
    note = Note.objects.get()
    assert (note.author_id, note.text, note.ts) == (user.pk, "hi", START + 5)
    # Editing it, someone else's edit keeps the author.
    other = User.objects.create_superuser("other", password="pw")
    client.force_login(other)
    change = {**form, "text": "hi again"}
    assert client.post(f"{NOTES}{note.pk}/change/", change).status_code == 302
    note.refresh_from_db()
    assert (note.author_id, note.text) == (user.pk, "hi again")


@pytest.mark.parametrize(
    "changes, field",
    [({"text": "x" * 2001}, "text"), ({"ts": -1}, "ts"), ({"ts": 2**53}, "ts")],
)
def test_admin_refuses_what_the_api_refuses(
    client: Client, changes: dict[str, Any], field: str
) -> None:
    staff(client, "add_note", "view_note")
    form = {"session": str(session().pk), "ts": START, "text": "x", **changes}
    response = client.post(NOTES + "add/", form)
    assert response.status_code == 200  # the form again, with its error
    assert field in response.context["adminform"].form.errors
    assert not Note.objects.exists()


def test_the_sessions_changelist_counts_notes_in_one_query(client: Client) -> None:
    staff(client, "view_replaysession")
    noted = session(page={"url": "http://testserver/noted"})
    for ts in (START, START + 1, START + 2):
        Note.objects.create(session=noted, ts=ts, text="n")
    for visitor in "bcde":
        session(visitor=visitor)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(SESSIONS).content.decode()
    assert '<td class="field-note_count">3</td>' in html
    assert html.count('<td class="field-note_count">0</td>') == 4
    notes_queries = [q["sql"] for q in queries if "session_replay_note" in q["sql"]]
    assert len(notes_queries) == 1, notes_queries  # the page's own, not one per row

    # Ordered by it, the noted session comes first; a search keeps the count.
    column = ReplaySessionAdmin.list_display.index("note_count")  # no action checkbox here
    ordered = client.get(SESSIONS, {"o": f"-{column}"}).content.decode()
    assert ordered.index("/noted") < ordered.index('<td class="field-note_count">0</td>')
    ascending = client.get(SESSIONS, {"o": str(column)}).content.decode()
    assert ascending.index("/noted") > ascending.index('<td class="field-note_count">0</td>')
    found = client.get(SESSIONS, {"q": "noted"}).content.decode()
    assert '<td class="field-note_count">3</td>' in found


def test_note_markers_are_the_notes_by_time_with_a_short_label() -> None:
    recorded = session()
    late = Note.objects.create(session=recorded, window="tab-2", ts=START + 9, text="late")
    early = Note.objects.create(session=recorded, ts=START + 1, text="y" * 500)
    Note.objects.create(session=session(visitor="b"), ts=START, text="another session's")
    assert note_markers(recorded.pk) == [
        {
            "ts": START + 1,
            "window": "",
            "kind": "note",
            "label": "y" * 200,
            "level": "info",
            "id": early.pk,
        },
        {
            "ts": START + 9,
            "window": "tab-2",
            "kind": "note",
            "label": "late",
            "level": "info",
            "id": late.pk,
        },
    ]
