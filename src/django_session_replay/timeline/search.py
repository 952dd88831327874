"""Full-text search over the timeline (the session list's ``q``).

Every TimelineEntry keeps ``text``: the words of its label and of the
searchable parts of its detail (URLs, messages, names), lower-cased and split
on anything that is not a letter or digit, each word once, so ``/products/`` and ``products``
find the same rows on every backend. A query is cut into words the same way
and an entry matches when it holds every word as a word prefix. Which backend
answers (docs/api.md, "Search"):

- PostgreSQL: ``to_tsvector('simple', text)`` against a prefix ``tsquery``,
  served by the GIN index ``session_replay_timeline_search``;
- SQLite with FTS5: the external-content table ``session_replay_timeline_fts``,
  kept in sync by triggers;
- anything else (or SQLite without FTS5): ``icontains`` on ``text``.

Migration 0007 makes the index or the FTS5 table. A later migration that
rebuilds the timeline table on SQLite must make the triggers again (see
``FTS_TRIGGERS``).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from django_session_replay.models import TimelineEntry

Sessions = TypeVar("Sessions", bound=QuerySet[Any])

MAX_TEXT = 4000
MAX_WORDS = 20  # of a query
WORD = re.compile(r"[^\W_]+")
# Detail keys whose values are searched, besides the label.
SEARCHED = ("url", "path", "message", "name", "tag", "id", "text", "type", "method",
            "error", "reason", "view", "url_name", "logger")  # fmt: skip

TABLE = TimelineEntry._meta.db_table
FTS_TABLE = "session_replay_timeline_fts"
GIN_INDEX = "session_replay_timeline_search"
FTS_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content='{TABLE}', content_rowid='id')"
)
FTS_TRIGGERS = [
    f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END",
    f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF text ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
    f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
]


def words(value: str) -> list[str]:
    return WORD.findall(value.lower())


def entry_text(label: str, detail: dict[str, Any]) -> str:
    """The ``text`` of a timeline entry: what ``q`` can find it by."""
    parts: list[str] = [label]
    for key in SEARCHED:
        value = detail.get(key)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts += [item for item in value if isinstance(item, str)]
    return " ".join(dict.fromkeys(words(" ".join(parts))))[:MAX_TEXT]  # each word once


def backend(alias: str = "default") -> str:
    """``postgresql``, ``fts5`` or ``icontains``: which search answers on ``alias``."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return "postgresql"
    if connection.vendor == "sqlite":
        key = (alias, str(connection.settings_dict["NAME"]))
        if key not in _fts_tables:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
                _fts_tables[key] = cursor.fetchone() is not None
        if _fts_tables[key]:
            return "fts5"
    return "icontains"


_fts_tables: dict[tuple[str, str], bool] = {}


def entries_matching(q: str, alias: str = "default") -> QuerySet[TimelineEntry]:
    """The timeline entries holding every word of ``q`` (none for a query
    without any word)."""
    found = words(q)[:MAX_WORDS]
    entries = TimelineEntry.objects.using(alias)
    if not found:
        return entries.none()
    used = backend(alias)
    if used == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(" & ".join(f"{word}:*" for word in found), config="simple",
                            search_type="raw")  # fmt: skip
        return entries.annotate(found=SearchVector("text", config="simple")).filter(found=query)
    if used == "fts5":
        match = " ".join(f'"{word}"*' for word in found)
        rows = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        return entries.filter(id__in=rows)
    condition = Q()
    for word in found:
        condition &= Q(text__icontains=word)
    return entries.filter(condition)


def sessions_matching(queryset: Sessions, q: str) -> Sessions:
    """The sessions of ``queryset`` with a timeline entry matching ``q``, or
    whose entry URL or title contains it."""
    q = q.strip()
    if not q:
        return queryset
    entries = entries_matching(q, queryset.db).filter(session_id=OuterRef("pk"))
    return queryset.filter(
        Exists(entries) | Q(entry_url__icontains=q) | Q(entry_title__icontains=q)
    )
