"""Staff's notes on a session: list them, add one (the admin replay page does,
with its session cookie and CSRF token)."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja.errors import HttpError

from django_session_replay.models import Note, ReplaySession
from django_session_replay.permissions import ADD_NOTE_PERMISSION

from .router import api
from .schemas import NoteIn, NoteOut

ADD_PERMISSION = ADD_NOTE_PERMISSION
# The first notes by time the list answers, at most (notes are written by hand).
MAX_NOTES = 1000


@api.get("/sessions/{session_id}/notes", response=list[NoteOut], url_name="notes")
def session_notes(request: HttpRequest, session_id: UUID) -> Any:
    """The session's notes by time, of every tab (not audited: staff wrote them,
    they are not the recording)."""
    if not ReplaySession.objects.filter(pk=session_id).exists():
        raise Http404("No such session")
    notes = Note.objects.filter(session_id=session_id).select_related("author")
    return list(notes.order_by("ts", "id")[:MAX_NOTES])


@api.post("/sessions/{session_id}/notes", response={201: NoteOut}, url_name="add_note")
def add_note(request: HttpRequest, session_id: UUID, note: NoteIn) -> Any:
    """Write a note as the logged-in user, who needs the add_note permission.
    The session cookie's CSRF check is ninja's SessionAuth (api/auth.py): a POST
    without the X-CSRFToken header gets 403."""
    user: Any = request.user
    if not user.has_perm(ADD_PERMISSION):
        raise HttpError(403, "You need the permission to add notes (add_note).")
    session = get_object_or_404(ReplaySession, pk=session_id)
    # The one status of `response`: ninja answers 201 (a returned tuple is deprecated).
    return Note.objects.create(
        session=session, ts=note.ts, window=note.window, text=note.text, author=user
    )
