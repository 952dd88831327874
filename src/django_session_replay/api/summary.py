"""A session's summary for staff: its sentences, each with the offset of the
moment it cites first, so a player can seek there (insights/summaries.py)."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Schema

from django_session_replay.audit.record import record
from django_session_replay.insights.summaries import seekable, summary_with_digest
from django_session_replay.models import AuditEntry, ReplaySession

from .router import api


class SentenceOut(Schema):
    text: str
    refs: list[str]
    ts: int  # ms from the session's first event to the moment of refs[0]


class SummaryOut(Schema):
    """The session told in sentences (SessionSummary): ``backend`` says what made
    it (``rule-based``, ``llm:<model>``, or a fallback and its reason)."""

    text: str
    sentences: list[SentenceOut]
    backend: str
    created: datetime


@api.get("/sessions/{session_id}/summary", response=SummaryOut, url_name="summary")
def session_summary(request: HttpRequest, session_id: UUID) -> Any:
    """The stored summary while the session's timeline is as it was summarised,
    else a new one, made now (audited: it tells what the recording shows)."""
    session = get_object_or_404(ReplaySession, pk=session_id)
    record(AuditEntry.Action.SUMMARY, session.pk, request.user, request.META.get("REMOTE_ADDR"))
    summary, digest = summary_with_digest(session)
    sentences = [
        {
            "text": sentence.get("text", ""),
            "refs": sentence.get("refs") or [],
            "ts": sentence["line"].offset_ms if sentence["line"] is not None else 0,
        }
        for sentence in seekable(summary, digest)
    ]
    return {
        "text": summary.text,
        "sentences": sentences,
        "backend": summary.backend,
        "created": summary.created,
    }
