"""ServerTimelineMiddleware (middleware.py, server/record.py): what a recorded
request leaves on the timeline, and that nothing else leaves anything."""

from __future__ import annotations

import json
from typing import Any

import msgpack
import pytest
from django.apps import apps
from django.db import connection
from django.test import AsyncClient, Client
from django.test.utils import CaptureQueriesContext

from django_session_replay.models import ReplaySession, TimelineEntry
from django_session_replay.server import context
from tests.server.urls import LOCAL_CANARY

pytestmark = pytest.mark.usefixtures("server_settings")
POST_CANARY = "post-canary-91c2"


def get(path: str, cookie: str | None = None, **kwargs: Any) -> Any:
    client = Client(raise_request_exception=False)
    if cookie is not None:
        client.cookies["sr_ctx"] = cookie
    return client.get(path, **kwargs)


def test_a_recorded_request_counts_and_times_its_queries(recorded_session: Any) -> None:
    session_id, cookie = recorded_session
    assert get("/five/", cookie).status_code == 200
    row = TimelineEntry.objects.get(session_id=session_id, kind="server_request")
    assert row.label == "GET /five/ 200"
    assert (row.window, row.page, row.level) == ("tab-1", 1, "")
    detail = row.detail
    assert detail["method"] == "GET" and detail["path"] == "/five/"
    assert row.path == "/five"  # as the dashboard groups pages (timeline/paths.py)
    assert detail["url_name"] == "five"
    assert detail["view"] == "tests.server.urls.five_queries"
    assert detail["status"] == 200
    # The view's five, plus what the session and auth middleware read (nothing here).
    assert detail["sql_count"] == 5
    assert detail["sql_ms"] > 0
    assert detail["duration_ms"] >= detail["sql_ms"]


def test_a_request_without_the_cookie_writes_nothing_and_runs_no_extra_query(
    recorded_session: Any, settings: Any
) -> None:
    with CaptureQueriesContext(connection) as without:
        get("/five/")
    assert len(without) == 5  # the view's own, no more
    assert not TimelineEntry.objects.filter(kind="server_request").exists()


@pytest.mark.parametrize(
    "cookie",
    [
        "forged",
        "00000000-0000-0000-0000-000000000000:tab-1:wrongsignature",
        context.sign("00000000-0000-0000-0000-000000000000", "tab-1"),  # no such session
    ],
)
def test_a_cookie_that_is_not_ours_writes_nothing(recorded_session: Any, cookie: str) -> None:
    session_id, good = recorded_session
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")
    for value in (cookie, tampered):
        assert get("/five/", value).status_code == 200
    assert not TimelineEntry.objects.filter(kind__startswith="server_").exists()


def test_the_recorders_own_beacons_are_not_on_the_timeline(recorded_session: Any) -> None:
    """A beacon to the HTTP ingest door carries the recording; put on the
    timeline it would be the session's newest moment after the page was left."""
    session_id, cookie = recorded_session
    client = Client(raise_request_exception=False)
    client.cookies["sr_ctx"] = cookie
    client.post("/session-replay/api/ingest", b"not msgpack", content_type="application/msgpack")
    get("/five/", cookie)  # the same cookie on a page's request is recorded
    rows = TimelineEntry.objects.filter(session_id=session_id, kind__startswith="server_")
    assert [row.label for row in rows] == ["GET /five/ 200"]


def test_an_ended_session_is_not_recorded(recorded_session: Any) -> None:
    session_id, cookie = recorded_session
    ReplaySession.objects.filter(pk=session_id).update(ended="2020-01-01T00:00:00Z")
    get("/five/", cookie)
    assert not TimelineEntry.objects.filter(kind="server_request").exists()


def test_the_exception_keeps_no_local_variable_and_no_post_value(recorded_session: Any) -> None:
    session_id, cookie = recorded_session
    client = Client(raise_request_exception=False)
    client.cookies["sr_ctx"] = cookie
    response = client.post("/boom/", {"password": POST_CANARY, "note": POST_CANARY})
    assert response.status_code == 500
    request_row = TimelineEntry.objects.get(session_id=session_id, kind="server_request")
    assert request_row.label == "POST /boom/ 500"
    assert request_row.level == "error"
    row = TimelineEntry.objects.get(session_id=session_id, kind="server_exception")
    assert row.label == "ValueError: on purpose (17)"
    assert row.level == "error"
    assert row.detail["type"] == "ValueError"
    frames = row.detail["frames"]
    assert frames[-1]["function"] == "boom"
    assert frames[-1]["file"].endswith("tests/server/urls.py")
    assert all(set(frame) == {"file", "line", "function"} for frame in frames)
    # Nothing anywhere in the database holds either canary.
    for model in apps.get_models():
        for values in model._default_manager.values():
            dumped = json.dumps(values, default=str)
            assert LOCAL_CANARY not in dumped, model
            assert POST_CANARY not in dumped, model


@pytest.mark.django_db(transaction=True)
async def test_the_async_path_records_the_same(recorded_session: Any) -> None:
    session_id, cookie = recorded_session
    client = AsyncClient(raise_request_exception=False)
    client.cookies["sr_ctx"] = cookie
    response = await client.get("/five/")
    assert response.status_code == 200
    response = await client.get("/boom/")
    assert response.status_code == 500
    kinds = [row.kind async for row in TimelineEntry.objects.filter(session_id=session_id)]
    assert kinds.count("server_request") == 2
    assert "server_exception" in kinds
    five = await TimelineEntry.objects.aget(session_id=session_id, label="GET /five/ 200")
    assert five.detail["sql_count"] == 5


def test_a_failing_write_never_breaks_the_response(
    recorded_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id, cookie = recorded_session

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(TimelineEntry.objects, "bulk_create", broken)
    assert get("/five/", cookie).status_code == 200


def test_the_rows_reach_live_viewers(
    recorded_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_session_replay.live import groups

    sent: list[Any] = []
    monkeypatch.setattr(
        groups, "get_channel_layer", lambda: type("L", (), {"group_send": fake_send(sent)})()
    )
    session_id, cookie = recorded_session
    get("/five/", cookie)
    ((group, message),) = sent
    assert group == groups.group_name(session_id)
    assert message["type"] == "replay.batch" and message["seq"] == 0
    (event,) = msgpack.unpackb(message["packed"])
    assert event["type"] == 5
    assert event["data"]["tag"] == "session-replay-server"
    assert event["data"]["payload"]["kind"] == "server_request"


def fake_send(sent: list[Any]) -> Any:
    async def group_send(self: Any, group: str, message: Any) -> None:
        sent.append((group, message))

    return group_send


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_lock_conflict_is_tried_again(
    recorded_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browser's batches may commit at the same moment: SQLite then fails one
    of two deadlocking transactions at once (Django 4.2, or 5.1+ without
    ``transaction_mode`` IMMEDIATE). The request's rows are written again."""
    from django.db import OperationalError

    from django_session_replay.ingest import db

    session_id, cookie = recorded_session
    bulk_create = TimelineEntry.objects.bulk_create
    conflicts = [OperationalError("database is locked")]

    def locked_once(*args: Any, **kwargs: Any) -> Any:
        if conflicts:
            raise conflicts.pop()
        return bulk_create(*args, **kwargs)

    monkeypatch.setattr(db, "LOCK_RETRY_DELAY", 0.001)
    monkeypatch.setattr(TimelineEntry.objects, "bulk_create", locked_once)
    assert get("/five/", cookie).status_code == 200
    assert not conflicts
    assert TimelineEntry.objects.filter(session_id=session_id, kind="server_request").count() == 1
