"""Which session a recorder joins: resume the one its token names while
lifecycle.may_continue says so, else start a new one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, F, Max

from django_session_replay import lifecycle
from django_session_replay.models import Batch, ReplaySession
from django_session_replay.privacy import addresses
from django_session_replay.privacy.patterns import scrub_text
from django_session_replay.privacy.scrub import scrub_url
from django_session_replay.wire.frames import Hello

from . import useragent, visitors
from .tokens import make_token, read_token

logger = logging.getLogger(__name__)

CLOSE_AT_ONCE = 500  # sessions ended by one UPDATE (their ids are listed first)


@dataclass(frozen=True)
class Opened:
    session_id: UUID
    token: str
    seq: int  # every seq 1..seq of the window is durable
    resumed: bool


def resumable(session_id: UUID | None) -> ReplaySession | None:
    """The session, if it may take more batches; one found past its end is ended."""
    if session_id is None:
        return None
    session = ReplaySession.objects.filter(pk=session_id).first()
    if session is None or session.ended is not None:
        return None
    if not lifecycle.may_continue(session):
        end_session(session)
        return None
    return session


def end_session(session: ReplaySession) -> None:
    """End the session at its last activity, and have it summarised."""
    ended = ReplaySession.objects.filter(pk=session.pk, ended__isnull=True)
    if ended.update(ended=F("last_activity")):
        sessions_ended([session.pk])


def close_idle_sessions() -> int:
    """Give every session that may no longer continue its end time (its last
    activity), and have each summarised."""
    idle = ReplaySession.objects.over().filter(ended__isnull=True)
    closed = 0
    while ids := list(idle.values_list("pk", flat=True)[:CLOSE_AT_ONCE]):
        closed += ReplaySession.objects.filter(pk__in=ids, ended__isnull=True).update(
            ended=F("last_activity")
        )
        sessions_ended(ids)
    return closed


def sessions_ended(session_ids: list[UUID]) -> None:
    """What follows a session's end: its summary (tasks/summaries.py), once
    committed. Never the reason a session fails to end or a recorder to start."""
    try:
        # Imported here: declaring a task needs TASKS["default"] (E017 says so),
        # which ingest must not need.
        from django_session_replay.tasks.summaries import summarise_when_committed

        summarise_when_committed(session_ids)
    except Exception:
        logger.exception("session replay: ended sessions not summarised")


def open_session(hello: Hello, user_id: int | None, address: str | None = None) -> Opened:
    """Resume the session the hello's token names when it may go on, else start
    one; ``address`` is the visitor's (privacy/addresses.client_address)."""
    session = resumable(read_token(hello.token, hello.visitor))
    if session is None:
        page = hello.page
        client = useragent.parse(page.ua)
        session = ReplaySession.objects.create(
            user_id=user_id,
            visitor_id=hello.visitor,
            # The hello's page fields travel outside the events: scrubbed here
            # as the recorder scrubs them, whatever client sent them.
            entry_url=scrub_text(scrub_url(page.url)),
            entry_title=scrub_text(page.title),
            referrer=scrub_text(scrub_url(page.referrer)),
            user_agent=page.ua,
            browser=client.browser,
            os=client.os,
            device=client.device,
            ip_address=addresses.stored(address),
            screen_width=page.screen[0] if page.screen else None,
            screen_height=page.screen[1] if page.screen else None,
            viewport_width=page.viewport[0] if page.viewport else None,
            viewport_height=page.viewport[1] if page.viewport else None,
        )
        visitors.session_started(hello.visitor, session.created)
        return Opened(session.pk, make_token(session.pk, hello.visitor), 0, resumed=False)
    if user_id is not None and session.user_id is None:
        ReplaySession.objects.filter(pk=session.pk).update(user_id=user_id)
    seq = acked_through(session.pk, hello.window)
    return Opened(session.pk, make_token(session.pk, hello.visitor), seq, resumed=True)


def acked_through(session_id: UUID, window: str) -> int:
    """The highest seq such that every seq from 1 to it is stored."""
    held = Batch.objects.filter(session_id=session_id, window=window)
    summary = held.aggregate(count=Count("seq"), top=Max("seq"))
    if summary["count"] == (summary["top"] or 0):
        count: int = summary["count"]
        return count
    expected = 1
    for seq in held.order_by("seq").values_list("seq", flat=True).iterator():
        if seq != expected:
            break
        expected += 1
    return expected - 1
