"""Staff's notes as markers of the replay page's timeline, beside its signals
and errors (timeline/read.py markers)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django_session_replay.models import Note

# A marker shows the start of its note; the whole text is the notes API's.
LABEL_LENGTH = 200
# The first notes by time, at most: a page has room for only so many markers.
MAX_NOTE_MARKERS = 300


def note_markers(session_id: UUID) -> list[dict[str, Any]]:
    """The session's notes by time, of every tab: ``{ts, window, kind: "note",
    label, level: "info", id}``, ``ts`` in ms since the epoch, ``label`` the
    first LABEL_LENGTH characters of the text."""
    notes = (
        Note.objects.filter(session_id=session_id)
        .order_by("ts", "id")
        .values_list("id", "ts", "window", "text")[:MAX_NOTE_MARKERS]
    )
    return [
        {
            "ts": ts,
            "window": window,
            "kind": "note",
            "label": text[:LABEL_LENGTH],
            "level": "info",
            "id": pk,
        }
        for pk, ts, window, text in notes
    ]
