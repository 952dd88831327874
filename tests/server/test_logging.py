"""ReplayContextFilter (logging.py): records of a recorded request link to its
replay; its warnings go onto the timeline."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from django_session_replay.logging import ReplayContextFilter
from django_session_replay.models import ReplaySession, TimelineEntry

pytestmark = pytest.mark.usefixtures("server_settings")


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(ReplayContextFilter())
        self.setFormatter(logging.Formatter("%(message)s %(replay_session_id)s %(replay_url)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)  # never fails: both attributes are always set
        self.records.append(record)


@pytest.fixture
def kept() -> Iterator[Keep]:
    handler = Keep()
    logger = logging.getLogger("tests.server")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


def test_records_of_a_recorded_request_link_to_the_replay(
    recorded_session: Any, kept: Keep
) -> None:
    session_id, cookie = recorded_session
    client = Client()
    client.cookies["sr_ctx"] = cookie
    client.get("/warn/")
    info, warning = kept.records
    session = ReplaySession.objects.get(pk=session_id)
    for record in (info, warning):
        assert record.replay_session_id == str(session_id)
        url = urlsplit(record.replay_url)
        assert (url.scheme, url.netloc) == ("http", "testserver")
        assert url.path == f"/admin/django_session_replay/replaysession/{session_id}/replay/"
        query = parse_qs(url.query)
        assert query["window"] == ["tab-1"]
        assert int(query["t"][0]) == int(record.created * 1000) - session.first_timestamp
    (row,) = TimelineEntry.objects.filter(session_id=session_id, kind="log")
    assert row.label == "checkout failed for order 7"
    assert row.level == "warning"
    assert row.detail == {"logger": "tests.server"}
    assert row.window == "tab-1"


def test_records_outside_a_recorded_request_get_empty_attributes(db: None, kept: Keep) -> None:
    Client().get("/warn/")
    logging.getLogger("tests.server").error("outside any request")
    assert len(kept.records) == 3
    assert all(r.replay_session_id == "" and r.replay_url == "" for r in kept.records)
    assert not TimelineEntry.objects.filter(kind="log").exists()


def test_the_500_error_log_of_a_recorded_request_is_on_the_timeline(
    recorded_session: Any,
) -> None:
    handler = Keep()
    logging.getLogger("django.request").addHandler(handler)
    try:
        session_id, cookie = recorded_session
        client = Client(raise_request_exception=False)
        client.cookies["sr_ctx"] = cookie
        client.get("/boom/")
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    (record,) = handler.records
    assert str(session_id) in record.replay_url
    row = TimelineEntry.objects.get(session_id=session_id, kind="log")
    assert row.label == "Internal Server Error: /boom/"
    assert row.level == "error"


def test_the_filter_loads_before_the_apps() -> None:
    """LOGGING is configured before the apps are loaded: no model may be imported."""
    import os
    import subprocess
    import sys

    code = (
        "import django, logging.config\n"
        "from django.conf import settings\n"
        "settings.configure()\n"
        "logging.config.dictConfig({'version': 1, 'filters': {'r': "
        "{'()': 'django_session_replay.logging.ReplayContextFilter'}}})\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
