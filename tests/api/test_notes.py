"""Staff's notes through the API (api/notes.py): listed by time, added with the
add_note permission and a CSRF token, bad input refused with 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from django_session_replay.models import Note, ReplaySession
from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def notes_url(session_id: Any) -> str:
    return f"/session-replay/api/sessions/{session_id}/notes"


@pytest.fixture
def writer(viewer: User) -> User:
    """The viewer, allowed to add notes too."""
    viewer.user_permissions.add(Permission.objects.get(codename="add_note"))
    return viewer


@pytest.fixture
def session() -> ReplaySession:
    return ReplaySession.objects.get(pk=record([events(2)]).session_id)


def post(client: Client, session_id: Any, body: Any) -> Any:
    return client.post(notes_url(session_id), body, content_type="application/json")


def test_a_note_is_added_and_listed_by_time(
    client: Client, writer: User, session: ReplaySession
) -> None:
    later = post(client, session.pk, {"ts": 1_700_000_000_500, "window": "tab-1", "text": "b"})
    assert later.status_code == 201, later.content
    body = later.json()
    assert body["author"] == "viewer" and body["text"] == "b" and body["window"] == "tab-1"
    assert body["ts"] == 1_700_000_000_500 and isinstance(body["id"], int) and body["created"]
    # window may be left out (the session as a whole); the text is kept trimmed.
    earlier = post(client, session.pk, {"ts": 1_700_000_000_100, "text": "  a \n"})
    assert earlier.status_code == 201, earlier.content
    assert (earlier.json()["window"], earlier.json()["text"]) == ("", "a")

    listed = client.get(notes_url(session.pk))
    assert listed.status_code == 200
    assert [(n["text"], n["ts"]) for n in listed.json()] == [
        ("a", 1_700_000_000_100),
        ("b", 1_700_000_000_500),
    ]
    note = Note.objects.get(text="b")
    assert (note.session_id, note.author_id) == (session.pk, writer.pk)


def test_the_author_is_null_once_the_user_is_gone(
    client: Client, writer: User, session: ReplaySession
) -> None:
    Note.objects.create(session=session, ts=1, text="left", author=User.objects.create_user("gone"))
    User.objects.get(username="gone").delete()
    (note,) = client.get(notes_url(session.pk)).json()
    assert (note["text"], note["author"]) == ("left", None)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"ts": 1, "text": ""}, "text"),
        ({"ts": 1, "text": "   \n\t"}, "text"),
        ({"ts": 1, "text": "x" * 2001}, "text"),
        ({"ts": 1, "text": "a\x00b"}, "text"),
        ({"ts": 1}, "text"),
        ({"ts": -1, "text": "x"}, "ts"),
        ({"ts": 12.5, "text": "x"}, "ts"),
        ({"ts": 12.0, "text": "x"}, "ts"),
        ({"ts": "12", "text": "x"}, "ts"),
        ({"ts": True, "text": "x"}, "ts"),
        ({"ts": 2**53, "text": "x"}, "ts"),
        ({"text": "x"}, "ts"),
        ({"ts": 1, "text": "x", "window": "bad id!"}, "window"),
        ({"ts": 1, "text": "x", "window": "w" * 65}, "window"),
    ],
)
def test_bad_notes_get_422_naming_the_field(
    client: Client, writer: User, session: ReplaySession, body: dict[str, Any], field: str
) -> None:
    response = post(client, session.pk, body)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert ["body", "note", field] in [error["loc"] for error in detail], detail
    assert all(error["msg"] for error in detail)
    assert not Note.objects.exists()


def test_the_longest_note_and_a_lone_surrogate(
    client: Client, writer: User, session: ReplaySession
) -> None:
    assert post(client, session.pk, {"ts": 0, "text": "x" * 2000}).status_code == 201
    # JSON can escape half of a surrogate pair, which no database can store.
    raw = '{"ts": 1, "text": "\\ud800"}'
    response = client.post(notes_url(session.pk), raw, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "note", "text"]


def test_a_blank_text_says_so(client: Client, writer: User, session: ReplaySession) -> None:
    (error,) = post(client, session.pk, {"ts": 1, "text": "  "}).json()["detail"]
    assert "must not be blank" in error["msg"]


def test_an_unknown_session_is_404(client: Client, writer: User) -> None:
    assert client.get(notes_url(UNKNOWN)).status_code == 404
    assert post(client, UNKNOWN, {"ts": 1, "text": "x"}).status_code == 404


def test_adding_needs_the_add_note_permission(
    client: Client, viewer: User, session: ReplaySession
) -> None:
    response = post(client, session.pk, {"ts": 1, "text": "x"})
    assert response.status_code == 403
    assert "add_note" in response.json()["detail"]
    assert client.get(notes_url(session.pk)).status_code == 200  # reading needs view only
    assert not Note.objects.exists()


def test_a_superuser_may_add_without_the_permission(client: Client, session: ReplaySession) -> None:
    admin = User.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert post(client, session.pk, {"ts": 1, "text": "x"}).status_code == 201


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_and_staff_without_view_permission_are_refused(
    client: Client, session: ReplaySession, method: str
) -> None:
    call = getattr(client, method)
    assert call(notes_url(session.pk), content_type="application/json").status_code == 401
    user = User.objects.create_user("staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_note"))
    client.force_login(user)
    assert call(notes_url(session.pk), content_type="application/json").status_code == 403


def test_a_cookie_post_needs_the_csrf_token(session: ReplaySession) -> None:
    """What the replay page does: the session cookie, and X-CSRFToken."""
    client = Client(enforce_csrf_checks=True)
    user = User.objects.create_superuser("root", password="pw")
    client.force_login(user)
    body = {"ts": 1, "text": "x"}
    refused = client.post(notes_url(session.pk), body, content_type="application/json")
    assert refused.status_code == 403
    assert not Note.objects.exists()

    client.get("/admin/")  # the admin sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        notes_url(session.pk), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content
