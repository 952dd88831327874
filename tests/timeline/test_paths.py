"""The path and value timeline rows are stored with (timeline/paths.py), the
migration that adds them (0012) and fills them in for rows already stored."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from django_session_replay.models import ReplaySession, TimelineEntry
from django_session_replay.timeline import paths
from django_session_replay.timeline.search import FTS_TABLE, sessions_matching

MIGRATION = importlib.import_module("django_session_replay.migrations.0012_timeline_path")


@pytest.mark.parametrize(
    "url, trim, path",
    [
        ("https://shop.test/products/?page=2#top", True, "/products"),
        ("https://shop.test/products/?page=2#top", False, "/products/"),
        ("https://shop.test", True, "/"),
        ("https://shop.test/", True, "/"),
        ("http://[::1]:8000/a/b", True, "/a/b"),
        ("/relative?x", True, "/relative"),
        ("http://h/a//", True, "/a"),
        ("http://h/" + "x" * 400, True, "/" + "x" * 299),
    ],
)
def test_path_of_a_url(url: str, trim: bool, path: str) -> None:
    assert paths.path_of(url, trim) == path
    assert MIGRATION.path_of(url, trim) == path  # its frozen copy


@pytest.mark.parametrize(
    "kind, detail, path, value",
    [
        ("page_view", {"url": "https://a.test/cart/?x=1"}, "/cart", None),
        ("web_vital", {"name": "LCP", "value": 1200, "url": "https://a.test/"}, "/", 1200.0),
        ("web_vital", {"name": "CLS", "value": 0.1, "url": ""}, None, 0.1),  # no page URL
        ("network", {"url": "https://a.test/api/cart/?id=7", "method": "POST"}, "/api/cart/", None),
        ("server_request", {"path": "/orders/12/", "method": "GET"}, "/orders/12", None),
        ("click", {"url": "https://a.test/x"}, None, None),  # a kind without a path
        ("web_vital", {"name": "LCP", "value": True}, None, None),
        ("page_view", "not a dict", None, None),
    ],
)
def test_the_path_and_value_of_a_row(
    kind: str, detail: Any, path: str | None, value: float | None
) -> None:
    assert (paths.row_path(kind, detail), paths.row_value(kind, detail)) == (path, value)
    if kind in MIGRATION.URL_KEYS:
        assert MIGRATION.columns(kind, detail) == (path, value)


@pytest.mark.django_db
def test_the_migration_fills_in_the_rows_already_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    session = ReplaySession.objects.create()
    made = [
        ("page_view", {"url": "https://a.test/cart/?x=1"}),
        ("web_vital", {"name": "INP", "value": 80, "url": "https://a.test/cart"}),
        ("network", {"url": "https://a.test/api/cart/", "failed": True}),
        ("console", {"message": "boom"}),
    ]
    TimelineEntry.objects.bulk_create(
        TimelineEntry(session=session, window="w", page=1, ts=ts, kind=kind, detail=detail)
        for ts, (kind, detail) in enumerate(made)
    )
    monkeypatch.setattr(MIGRATION, "BATCH", 2)  # more than one pk range
    MIGRATION.backfill(apps, connection.schema_editor())
    held = TimelineEntry.objects.filter(session=session).order_by("ts")
    assert list(held.values_list("path", "value")) == [
        ("/cart", None),
        ("/cart", 80.0),
        ("/api/cart/", None),
        (None, None),
    ]


@pytest.mark.django_db
def test_after_the_migration_new_rows_are_still_found_by_their_words() -> None:
    """Adding the columns must not rebuild the SQLite table, which would drop
    the FTS5 triggers of migration 0007 (then new rows are never found)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {name for (name,) in cursor.fetchall()}
        assert {f"{FTS_TABLE}_ai", f"{FTS_TABLE}_ad", f"{FTS_TABLE}_au"} <= triggers
    session = ReplaySession.objects.create()
    TimelineEntry.objects.create(
        session=session, window="w", page=1, ts=1, kind="console", text="checkout exploded"
    )
    assert list(sessions_matching(ReplaySession.objects.all(), "exploded")) == [session]
