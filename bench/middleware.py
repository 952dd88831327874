"""``python -m bench.middleware``: what ServerTimelineMiddleware adds to a request.

A view running 5 queries is called in this process through Django's request
handler (``BaseHandler.get_response``: every middleware, URL resolution, the
view; no HTTP, no test client) in three variants, interleaved request by request:
no ServerTimelineMiddleware; with it, a request without the context cookie; with
it, a recorded request (a valid cookie: the session read, the queries counted and
timed, a ``server_request`` row written and published to the in-memory channel
layer). Prints median and p90 per variant and what each adds to the first.

Options: ``--requests N`` (default 3000 per variant), ``--pg`` (PostgreSQL at
127.0.0.1:5432, a temporary database created next to ``test``; else a SQLite file).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TIMELINE = "django_session_replay.middleware.ServerTimelineMiddleware"


def five_queries(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.models import User

    for pk in range(5):
        User.objects.filter(pk=pk).exists()
    return HttpResponse("ok")


urlpatterns = [path("five/", five_queries)]


def configure(pg: bool) -> None:
    workdir = tempfile.mkdtemp(prefix="session-replay-bench-middleware-")
    database: dict[str, Any] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(workdir, "db.sqlite3"),
        "TEST": {"NAME": os.path.join(workdir, "bench.sqlite3")},
    }
    if pg:
        database = {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "NAME": "test",
            "TEST": {"NAME": f"bench_middleware_{os.getpid()}"},
            "CONN_MAX_AGE": 60,
        }
    settings.configure(
        SECRET_KEY="bench-only-not-secret",
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        ROOT_URLCONF="bench.middleware",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "channels",
            "django_session_replay",
        ],
        MIDDLEWARE=MIDDLEWARE,
        DATABASES={"default": database},
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        MEDIA_ROOT=os.path.join(workdir, "media"),
        LOGGING_CONFIG=None,
    )
    django.setup()


def handler(middleware: list[str]) -> Callable[[HttpRequest], Any]:
    from django.core.handlers.base import BaseHandler
    from django.test import override_settings

    with override_settings(MIDDLEWARE=middleware):
        base = BaseHandler()
        base.load_middleware()
    return base.get_response


def recorded_cookie() -> str:
    from django_session_replay.ingest import sessions
    from django_session_replay.server import context
    from django_session_replay.wire import frames

    hello = frames.parse_hello(
        {"v": 1, "key": "k", "token": None, "win": "tab-1", "page": {"url": "http://x/"}}
    )
    opened = sessions.open_session(hello, None)
    return context.sign(opened.session_id, "tab-1")


def run(requests: int) -> dict[str, list[float]]:
    from django.test import RequestFactory

    factory = RequestFactory()
    cookie = recorded_cookie()
    variants: dict[str, tuple[Callable[[HttpRequest], Any], str | None]] = {
        "none": (handler(MIDDLEWARE), None),
        "not_recorded": (handler([TIMELINE, *MIDDLEWARE]), None),
        "recorded": (handler([TIMELINE, *MIDDLEWARE]), cookie),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    times.update({f"{name}+close": [] for name in variants})
    names = list(variants)
    for index in range(requests + requests // 10):  # the first tenth warms up
        # Each request in turn goes first: the first of a round runs on colder caches.
        for name in names[index % 3 :] + names[: index % 3]:
            get_response, value = variants[name]
            request = factory.get("/five/")
            if value is not None:
                request.COOKIES["sr_ctx"] = value
            started = time.perf_counter()
            response = get_response(request)
            answered = time.perf_counter()
            response.close()  # what a server calls once it sent the response
            closed = time.perf_counter()
            assert response.status_code == 200, response
            if index >= requests // 10:
                times[name].append((answered - started) * 1000)
                times[f"{name}+close"].append((closed - started) * 1000)
    return times


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--pg", action="store_true")
    args = parser.parse_args()
    configure(args.pg)
    from django.db import connection

    from django_session_replay.models import TimelineEntry

    test_db = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        times = run(args.requests)
        rows = TimelineEntry.objects.filter(kind="server_request").count()
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
    print(f"# {connection.vendor}, {args.requests} requests per variant, 5 queries each")
    print("# response: until get_response returns; +close: also response.close(), where")
    print("# the recorded request's row is written and published (after the server sent it)")
    print(f"{'variant':<20}{'median_ms':>10}{'p90_ms':>10}{'added_median_ms':>17}")
    for name, values in times.items():
        base = statistics.median(times["none+close" if name.endswith("+close") else "none"])
        median = statistics.median(values)
        print(f"{name:<20}{median:>10.3f}{p90(values):>10.3f}{median - base:>17.3f}")

    def added(name: str, measure: Callable[[list[float]], float] = statistics.median) -> str:
        base = "none+close" if name.endswith("+close") else "none"
        return f"{measure(times[name]) - measure(times[base]):.3f}"

    print(
        f"TOTAL median_added_ms={added('recorded')} p90_added_ms={added('recorded', p90)} "
        f"with_close_median_added_ms={added('recorded+close')} "
        f"not_recorded_median_added_ms={added('not_recorded')} "
        f"rows={rows} database={connection.vendor}"
    )


if __name__ == "__main__":
    main()
