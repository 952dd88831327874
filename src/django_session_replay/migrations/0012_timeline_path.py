import re
from typing import Any

from django.db import migrations, models

# Frozen copies of timeline/paths.py's rules as they were when this migration
# was written (a migration must not change when the code does).
MAX_PATH = 300
NOT_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*|[?#].*$")
URL_KEYS = {"page_view": "url", "web_vital": "url", "network": "url", "server_request": "path"}
BATCH = 2000  # rows of a pk range read and updated at a time


def path_of(url: str, trim: bool) -> str:
    path = NOT_PATH.sub("", url)
    if trim:
        path = path.rstrip("/")
    return ("/" + path.lstrip("/"))[:MAX_PATH]


def columns(kind: str, detail: Any) -> tuple[str | None, float | None]:
    if not isinstance(detail, dict):
        return None, None
    url = detail.get(URL_KEYS[kind])
    path = path_of(url, trim=kind != "network") if isinstance(url, str) and url else None
    value = detail.get("value") if kind == "web_vital" else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = None
    return path, None if value is None else float(value)


def backfill(apps: Any, schema_editor: Any) -> None:
    """The new columns of the rows already stored, a pk range at a time (JS
    and console errors keep none: the dashboard looks their page up)."""
    entry = apps.get_model("django_session_replay", "TimelineEntry")
    rows = entry.objects.using(schema_editor.connection.alias)
    top = rows.aggregate(top=models.Max("pk"))["top"] or 0
    for start in range(0, top + 1, BATCH):
        changed = []
        batch = rows.filter(pk__gte=start, pk__lt=start + BATCH, kind__in=list(URL_KEYS))
        for row in batch.only("kind", "detail"):
            row.path, row.value = columns(row.kind, row.detail)
            if row.path is not None or row.value is not None:
                changed.append(row)
        rows.bulk_update(changed, ["path", "value"])


STATISTICS = "session_replay_timeline_kinds"


def kind_statistics(apps: Any, schema_editor: Any) -> None:
    """PostgreSQL's statistics of kind, level and a vital's name together: the
    planner multiplies their selectivities otherwise (a web vital named LCP,
    a network row at level error), expects a few hundred rows where there are
    tens of thousands and joins them to the sessions by a nested loop."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON kind, level, (detail -> 'name') "
            "FROM django_session_replay_timelineentry"
        )


def drop_kind_statistics(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    """``TimelineEntry.path`` and ``value`` (timeline/paths.py), what the
    dashboard's page figures group by (insights/stats.py), filled in for the
    rows already stored, and the partial indexes those figures read (index-only
    scans on PostgreSQL). Both columns are nullable without a default: on
    SQLite that is an ALTER TABLE ADD COLUMN, where a default or NOT NULL
    would rebuild the table and lose the FTS5 triggers of migration 0007."""

    dependencies = [
        ('django_session_replay', '0011_dashboard'),
    ]

    operations = [
        migrations.AddField(
            model_name='timelineentry',
            name='path',
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.AddField(
            model_name='timelineentry',
            name='value',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('kind', 'page_view')), fields=['session', 'window', 'page', 'ts', 'id'], include=('path',), name='session_replay_timeline_pages'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('kind', 'page_view')), fields=['path'], include=('session',), name='session_replay_timeline_path'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('kind', 'js_error'), models.Q(('kind', 'console'), ('level__in', ['assert', 'error'])), models.Q(('kind', 'network'), ('level', 'error')), _connector='OR'), fields=['session', 'window', 'page', 'ts'], include=('kind', 'path'), name='session_replay_timeline_error'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('detail__name', 'LCP'), ('kind', 'web_vital')), fields=['path', 'value'], include=('session',), name='session_replay_vital_lcp'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('detail__name', 'INP'), ('kind', 'web_vital')), fields=['path', 'value'], include=('session',), name='session_replay_vital_inp'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('detail__name', 'CLS'), ('kind', 'web_vital')), fields=['path', 'value'], include=('session',), name='session_replay_vital_cls'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('kind', 'network'), ('level', 'error')), fields=['path'], include=('session', 'label'), name='session_replay_timeline_failed'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('kind', 'console'), ('level__in', ['assert', 'error'])), fields=['label'], include=('session',), name='session_replay_console_error'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('kind', 'rage_click')), fields=['label'], include=('session',), name='session_replay_rage_click'),
        ),
        migrations.RunPython(kind_statistics, drop_kind_statistics),
        # Replaced by session_replay_timeline_pages, which holds the path too.
        migrations.RemoveIndex(
            model_name='timelineentry',
            name='session_replay_timeline_page',
        ),
    ]
