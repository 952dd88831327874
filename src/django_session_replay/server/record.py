"""What a recorded request leaves on its session's timeline: one ``server_request``
row, a ``server_exception`` row when the view raised, a ``log`` row per WARNING
or above (logging.py), written once the response is ready and published to the
session's live viewers. Nothing here may break the response: a failure is
logged and the request goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.db import connections, models, router
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter, get_exception_reporter_filter

from django_session_replay import lifecycle
from django_session_replay.ingest.db import retrying_lock_conflicts
from django_session_replay.models import Batch, ReplaySession, TimelineEntry
from django_session_replay.privacy.patterns import scrub_text
from django_session_replay.timeline.paths import row_path

from . import context, links

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)

MAX_FRAMES = 50
MAX_MESSAGE = 500
MAX_LABEL = 200


def now_ms() -> int:
    return int(time.time() * 1000)


def lookup(session_id: UUID, window: str) -> tuple[int | None, int] | None:
    """The window's start (ms) and latest page of a session that may go on, or None.

    One query in plain SQL: the ORM spends ~0.8 ms compiling this one with its
    two subqueries on every request, the SQL itself takes ~0.05 ms
    (bench/README.md, "Server timeline middleware")."""
    alias = router.db_for_read(ReplaySession)
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = ReplaySession._meta
    now = timezone.now()

    def prep(name: str, value: Any) -> Any:
        field = cast("models.Field[Any, Any]", meta.get_field(name))
        return field.get_db_prep_value(value, connection)

    batch, timeline = qn(Batch._meta.db_table), qn(TimelineEntry._meta.db_table)
    sql = (
        f"SELECT s.{qn('first_timestamp')}, "
        f"(SELECT MIN(b.{qn('first_timestamp')}) FROM {batch} b"
        f" WHERE b.{qn('session_id')} = s.{qn('id')} AND b.{qn('window')} = %s), "
        f"(SELECT MAX(t.{qn('page')}) FROM {timeline} t"
        f" WHERE t.{qn('session_id')} = s.{qn('id')} AND t.{qn('window')} = %s"
        f" AND t.{qn('kind')} = %s) "
        f"FROM {qn(meta.db_table)} s WHERE s.{qn('id')} = %s AND s.{qn('ended')} IS NULL"
        f" AND s.{qn('last_activity')} >= %s AND s.{qn('created')} >= %s"
    )
    params = [
        window,
        window,
        TimelineEntry.Kind.PAGE_VIEW.value,
        prep("id", session_id),
        prep("last_activity", lifecycle.idle_cutoff(now)),
        prep("created", lifecycle.duration_cutoff(now)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    session_start, window_start, page = row
    start = window_start if window_start is not None else session_start
    return (None if start is None else int(start)), int(page or 1)


def is_recorder_traffic(request: HttpRequest) -> bool:
    """The recorder's own beacons to the HTTP ingest door carry the recording;
    they are not something the visitor's page asked of the server (and, put on
    the timeline, each would show as the session's newest moment)."""
    try:
        return request.path_info == reverse("session_replay:ingest")
    except NoReverseMatch:
        return False


def begin(request: HttpRequest, cookie: str) -> context.Recorded | None:
    """The request's Recorded when the cookie is ours and names a session that may
    go on (lifecycle.may_continue), else None (and nothing is ever written for it)."""
    if is_recorder_traffic(request):
        return None
    named = context.unsign(cookie)
    if named is None:
        return None
    session_id, window = named
    try:
        found = lookup(session_id, window)
    except Exception:
        logger.warning("session replay: could not read session %s", session_id, exc_info=True)
        return None
    if found is None:
        return None
    window_start, page = found
    return context.Recorded(
        session_id=session_id,
        window=window,
        window_start=window_start,
        page=page,
        request=request,
        started=time.perf_counter(),
        ts=now_ms(),
    )


def counting(recorded: context.Recorded) -> ExitStack:
    """Count and time every query of the request, on each configured database alias."""
    stack = ExitStack()

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            recorded.sql_count += 1
            recorded.sql_seconds += time.perf_counter() - started

    for alias in connections:
        stack.enter_context(connections[alias].execute_wrapper(wrapper))
    return stack


def exception_detail(request: HttpRequest, exc: BaseException) -> dict[str, Any]:
    """Type, message and frames (file, line, function) of the traceback, as Django's
    exception reporter walks it (chained exceptions too) with the request's
    exception reporter filter (SafeExceptionReporterFilter by default). Only
    where each frame is is kept: never its variables, the settings or POST data."""
    reporter = ExceptionReporter(request, type(exc), exc, exc.__traceback__)
    reporter.filter = get_exception_reporter_filter(request)
    frames = [
        {"file": str(frame["filename"]), "line": frame["lineno"], "function": frame["function"]}
        for frame in reporter.get_traceback_frames()
    ]
    return {
        "type": type(exc).__qualname__,
        "message": scrub_text(str(exc)[:MAX_MESSAGE]),
        "frames": frames[-MAX_FRAMES:],
    }


def exception_raised(exc: BaseException) -> None:
    recorded = context.recorded()
    if recorded is None:
        return
    try:
        recorded.exception = {"ts": now_ms(), **exception_detail(recorded.request, exc)}
    except Exception:
        logger.warning("session replay: could not describe %r", type(exc), exc_info=True)


def request_detail(recorded: context.Recorded, response: HttpResponseBase) -> dict[str, Any]:
    request = recorded.request
    match = getattr(request, "resolver_match", None)
    return {
        "method": request.method or "",
        "path": scrub_text(request.path),
        "url_name": (match.view_name or "") if match else "",
        "view": getattr(match, "_func_path", "") if match else "",
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - recorded.started) * 1000, 3),
        "sql_count": recorded.sql_count,
        "sql_ms": round(recorded.sql_seconds * 1000, 3),
    }


def rows(recorded: context.Recorded, response: HttpResponseBase) -> list[TimelineEntry]:
    detail = request_detail(recorded, response)
    page = recorded.page

    def entry(ts: int, kind: str, label: str, level: str, info: dict[str, Any]) -> TimelineEntry:
        return TimelineEntry(
            session_id=recorded.session_id,
            window=recorded.window,
            page=page,
            ts=ts,
            kind=kind,
            label=label[:MAX_LABEL],
            level=level,
            detail=info,
            path=row_path(kind, info),
        )

    status = detail["status"]
    level = "error" if status >= 500 else "warning" if status >= 400 else ""
    label = f"{detail['method']} {detail['path']} {status}"
    found = [entry(recorded.ts, TimelineEntry.Kind.SERVER_REQUEST, label, level, detail)]
    if recorded.exception is not None:
        info = dict(recorded.exception)
        ts = info.pop("ts")
        label = f"{info['type']}: {info['message']}"
        found.append(entry(ts, TimelineEntry.Kind.SERVER_EXCEPTION, label, "error", info))
    for log in recorded.logs:
        found.append(
            entry(log["ts"], TimelineEntry.Kind.LOG, log["message"], log["level"], log["detail"])
        )
    return found


def finish(recorded: context.Recorded, response: HttpResponseBase) -> None:
    """Describe the request now; store its rows and links and tell live viewers once
    the response is closed (after the server sent it: WSGI and ASGI servers call
    ``close()``). Never raises."""
    try:
        found = rows(recorded, response)
    except Exception:
        logger.warning("session replay: could not describe a request", exc_info=True)
        return
    closers = getattr(response, "_resource_closers", None)
    if isinstance(closers, list):
        closers.append(lambda: store(recorded, found))
    else:
        store(recorded, found)


def store(recorded: context.Recorded, found: list[TimelineEntry]) -> None:
    try:
        write(recorded, found)
    except Exception:
        logger.warning(
            "session replay: the server timeline of %s was not stored",
            recorded.session_id,
            exc_info=True,
        )
        return
    try:
        from django_session_replay.live import groups

        groups.publish_server_events(recorded.session_id, recorded.window, found)
    except Exception:
        logger.warning("session replay: server events not published", exc_info=True)


@retrying_lock_conflicts  # the browser's batches may be committing at the same moment
def write(recorded: context.Recorded, found: list[TimelineEntry]) -> None:
    TimelineEntry.objects.bulk_create(found)
    links.store(recorded)
