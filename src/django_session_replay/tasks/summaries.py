"""Summarising a session once it ends, as a task (insights/summaries.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Future
from uuid import UUID

from django.db import transaction

from django_session_replay.insights.summaries import summary_of
from django_session_replay.models import ReplaySession

from . import runner
from .framework import task

logger = logging.getLogger(__name__)


@task()
def summarise_session(session_id: str) -> str:
    """Make (or keep) the session's summary; returns its digest hash, "" when the
    session is gone. Idempotent: an unchanged digest keeps the stored summary."""
    session = ReplaySession.objects.filter(pk=UUID(session_id)).first()
    return "" if session is None else summary_of(session).digest_hash


# Sessions queued or being summarised on this process's background thread.
summarising: dict[UUID, Future[str]] = {}


def enqueue_summary(session_id: UUID) -> None:
    """Summarise the session soon (runner.enqueue_per_session)."""
    runner.enqueue_per_session(summarising, summarise_session, session_id)


def summarise_when_committed(session_ids: Iterable[UUID]) -> None:
    """After the transaction that ended these sessions commits, summarise each;
    a queue that refuses is logged, never the reason ending a session fails."""
    ids = list(session_ids)

    def enqueue() -> None:
        for session_id in ids:
            try:
                enqueue_summary(session_id)
            except Exception:
                logger.exception("session replay: summary of %s not queued", session_id)

    if ids:
        transaction.on_commit(enqueue)
