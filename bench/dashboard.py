"""``python -m bench.dashboard``: the time of the dashboard's queries on 100,000 sessions.

Creates the PostgreSQL database ``session_replay_bench_dashboard`` (127.0.0.1:5432,
``PGHOST``/``PGPORT``/``PGUSER`` as for psql; dropped at the end, and first if
a run before left it), migrates it, fills it with generated sessions and their
timelines (COPY; a realistic mix of about 8 rows a session: page views with
single-page-app navigations and query strings, clicks, page leaves, web
vitals, and in some sessions console and JS errors, failed and slow requests
and frustration signals; sessions spread over 60 days), ANALYZEs it, then
computes the dashboard's figures (insights/stats.py, as the admin page and
the API do) for the last 30 days: a warm-up, then ``--runs`` times, timing
each query with ``connection.execute_wrapper``. Prints the queries of the
median run and ``TOTAL queries_ms= queries=``.

Options: ``--sessions N`` (100,000), ``--runs R`` (7), ``--keep`` (leave the
database for EXPLAIN; it is dropped first by the next run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import setup_django

DATABASE = "session_replay_bench_dashboard"
DAYS = 60
RANGE_DAYS = 30

PATHS = [
    "/", "/products/", "/products/shoes/", "/products/hats/", "/cart/", "/checkout/",
    "/checkout/payment/", "/account/", "/login/", "/signup/", "/blog/", "/blog/launch/",
    "/help/", "/contact/", "/search/", "/about/", "/pricing/", "/docs/", "/docs/install/",
    "/orders/",
]  # fmt: skip
PATH_WEIGHTS = [1 / (rank + 1) for rank in range(len(PATHS))]  # a few pages get most views
BROWSERS = [("Chrome", 60), ("Safari", 18), ("Firefox", 10), ("Edge", 8), ("", 4)]
SYSTEMS = [("Windows", 40), ("Mac OS X", 20), ("iOS", 15), ("Android", 15), ("Linux", 10)]
DEVICES = [("desktop", 65), ("mobile", 30), ("tablet", 5)]
BUTTONS = ['button#buy "Add to cart"', 'a.nav "Pricing"', 'button.submit "Pay"',
           'div.hero "Welcome"', 'img#logo', 'button#search "Search"']  # fmt: skip
CONSOLE = ["checkout failed", "Cannot read properties of undefined", "Payment widget timed out",
           "Deprecated API used", "Failed to load resource"]  # fmt: skip
ENDPOINTS = [("POST", "/api/cart/"), ("GET", "/api/products/"), ("POST", "/api/checkout/"),
             ("GET", "/api/recommendations/")]  # fmt: skip
HOST = "https://shop.example"
SESSION_COLUMNS = [
    "id", "created", "last_activity", "ended", "visitor_id", "entry_url", "entry_title",
    "referrer", "user_agent", "browser", "os", "device", "identity", "identity_traits",
    "page_count", "event_count", "byte_count", "duration_ms", "pending_bytes",
    "console_error_count", "js_error_count", "failed_request_count", "lcp_p75", "cls_p75",
    "inp_p75", "visible_ms", "rage_click_count", "dead_click_count", "error_click_count",
    "thrashing_count", "quick_back_count", "legal_hold",
]  # fmt: skip
TIMELINE_COLUMNS = [
    "session_id",
    "window",
    "page",
    "ts",
    "kind",
    "label",
    "level",
    "detail",
    "text",
    "path",
    "value",
]


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


class Rows:
    """One session's timeline rows, a moment apart each."""

    def __init__(self, rng: random.Random, sid: uuid.UUID, ts: int) -> None:
        self.rng, self.sid, self.ts = rng, sid, ts
        self.rows: list[list[Any]] = []
        self.page_path: str | None = None

    def add(self, page: int, kind: str, label: str, level: str = "", /, **detail: Any) -> None:
        """A row as the processors write it: its text, path and value too (a JS
        or console error's path: the page's, as Telemetry takes it from the page view)."""
        from django_session_replay.timeline.paths import row_path, row_value
        from django_session_replay.timeline.search import entry_text

        self.ts += self.rng.randint(200, 20_000)
        text = entry_text(label, detail)
        path = self.page_path if kind in ("js_error", "console") else row_path(kind, detail)
        if kind == "page_view":
            self.page_path = path
        row = [self.sid, "tab-1", page, self.ts, kind, label[:512], level, json.dumps(detail), text]
        self.rows.append([*row, path, row_value(kind, detail)])


def generate(
    count: int, now: dt.datetime, seed: int = 14
) -> Iterator[tuple[list[Any], list[list[Any]]]]:
    """Each session's row and its timeline rows."""
    rng = random.Random(seed)
    for _ in range(count):
        sid = uuid.UUID(int=rng.getrandbits(128), version=4)
        created = now - dt.timedelta(seconds=rng.uniform(0, DAYS * 86400))
        duration = int(min(rng.lognormvariate(11, 1.2), 4 * 3600 * 1000))
        writer = Rows(rng, sid, int(created.timestamp() * 1000))
        add, rows = writer.add, writer.rows
        counts = {"console": 0, "js": 0, "failed": 0, "rage": 0, "dead": 0}
        lcps: list[float] = []

        pages = rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0]
        entry = ""
        for page in range(1, pages + 1):
            path = rng.choices(PATHS, PATH_WEIGHTS)[0]
            url = HOST + path + (f"?page={rng.randint(2, 5)}" if rng.random() < 0.15 else "")
            entry = entry or url
            add(page, "page_view", path.strip("/") or "Home", url=url, referrer="", nav="load")
            if rng.random() < 0.5:
                name, value = ("LCP", rng.lognormvariate(7.3, 0.5))
                lcps.append(value)
                add(page, "web_vital", f"LCP {value:.0f} ms", name=name, value=value,
                    rating="good", url=url)  # fmt: skip
            if rng.random() < 0.15:
                value = rng.random() * 0.3
                add(page, "web_vital", f"CLS {value:.3f}", name="CLS", value=value, url=url)
            for _ in range(rng.choices([0, 1, 2], [30, 40, 30])[0]):
                add(
                    page,
                    "click",
                    rng.choice(BUTTONS),
                    x=rng.randint(0, 1300),
                    y=rng.randint(0, 700),
                )
            if rng.random() < 0.06:
                counts["console"] += 1
                label = rng.choice(CONSOLE)
                add(page, "console", label, "error", message=label, trace=[])
            if rng.random() < 0.04:
                counts["js"] += 1
                add(page, "js_error", "TypeError: x is undefined", "error", kind="error",
                    name="TypeError", message="x is undefined")  # fmt: skip
            if rng.random() < 0.05:
                counts["failed"] += 1
                method, endpoint = rng.choice(ENDPOINTS)
                status = rng.choice([500, 502, 404])
                add(page, "network", f"{method} {endpoint} {status}", "error",
                    url=f"{HOST}{endpoint}?id={rng.randint(1, 999)}", method=method,
                    status=status, failed=True)  # fmt: skip
            if rng.random() < 0.04:
                counts["rage"] += 1
                add(page, "rage_click", rng.choice(BUTTONS), "warn", count=rng.randint(3, 8))
            if rng.random() < 0.03:
                counts["dead"] += 1
                add(page, "dead_click", rng.choice(BUTTONS), "warn")
            add(page, "page_leave", f"{url} (5.0 s)", url=url, visibleMs=rng.randint(500, 60_000))
        ended = created + dt.timedelta(milliseconds=duration)
        lcps.sort()
        session = [
            sid, created, ended, ended, f"v{rng.getrandbits(40):x}", entry, "", "", "bench",
            pick(rng, BROWSERS), pick(rng, SYSTEMS), pick(rng, DEVICES), "", "{}",
            pages, 100 * pages, 20_000 * pages, duration, 0,
            counts["console"], counts["js"], counts["failed"],
            lcps[max(0, -(-3 * len(lcps) // 4) - 1)] if lcps else None, None, None,
            duration // 2, counts["rage"], counts["dead"], 0, 0, 0, False,
        ]  # fmt: skip
        yield session, rows


def copy_sql(table: str, columns: list[str]) -> str:
    quoted = ", ".join(f'"{column}"' for column in columns)  # "window" is a keyword
    return f"COPY {table} ({quoted}) FROM STDIN"


def fill(count: int, now: dt.datetime) -> int:
    from django.db import connection

    timeline_rows = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY
        sessions = copy_sql("django_session_replay_replaysession", SESSION_COLUMNS)
        timeline = copy_sql("django_session_replay_timelineentry", TIMELINE_COLUMNS)
        generated = list(generate(count, now))
        with raw.copy(sessions) as copy:
            for session, _ in generated:
                copy.write_row(session)
        with raw.copy(timeline) as copy:
            for _, rows in generated:
                for row in rows:
                    copy.write_row(row)
                timeline_rows += len(rows)
    # As autovacuum leaves a table that has settled: statistics and the visibility map.
    connection.cursor().execute("VACUUM ANALYZE")
    print(f"# generated {count} sessions and {timeline_rows} timeline rows in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    return timeline_rows


class Timer:
    """Each query's SQL and milliseconds, as connection.execute_wrapper sees them."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []
        self.params: list[Any] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))
            self.params.append(params)


def measure(runs: int) -> list[Timer]:
    from django.db import connection
    from django.utils import timezone

    from django_session_replay.insights import stats

    today = timezone.localdate()
    picked = stats.date_range(today - dt.timedelta(days=RANGE_DAYS - 1), today)
    stats.compute(picked)  # warm-up: caches, plans
    timers = []
    for _ in range(runs):
        timer = Timer()
        with connection.execute_wrapper(timer):
            stats.compute(picked)
        timers.append(timer)
    return timers


def explain(timer: Timer) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for (ms, sql), params in zip(timer.queries, timer.params, strict=True):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print(f"-- {ms:.1f} ms: {sql}")
            print("\n".join(row[0] for row in cursor.fetchall()))


@contextmanager
def database(keep: bool) -> Iterator[None]:
    import psycopg

    params = {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "postgres"),
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query")
    args = parser.parse_args()
    with database(args.keep):
        setup_django(BENCH_PG_NAME=DATABASE)
        from django.db import connection
        from django.utils import timezone

        rows = fill(args.sessions, timezone.now())
        timers = measure(args.runs)
        totals = [sum(ms for ms, _ in timer.queries) for timer in timers]
        median = sorted(range(len(timers)), key=lambda index: totals[index])[len(timers) // 2]
        print(
            f"# {connection.vendor} {connection.pg_version}, {args.sessions} sessions, {rows} "
            f"timeline rows, the last {RANGE_DAYS} days; the median of {args.runs} runs:"
        )
        for ms, sql in timers[median].queries:
            print(f"{ms:8.1f} ms  {sql[:150]}")
        if args.explain:
            explain(timers[median])
        print(f"# all runs: {', '.join(f'{total:.0f}' for total in totals)} ms")
        print(
            f"TOTAL queries_ms={statistics.median(totals):.1f} "
            f"queries={len(timers[median].queries)} sessions={args.sessions} "
            f"timeline_rows={rows} range_days={RANGE_DAYS}"
        )


if __name__ == "__main__":
    main()
