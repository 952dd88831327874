"""Django settings of the benchmarks.

Environment (set by the bench modules before Django starts):

``BENCH_WORKDIR``      temporary directory for the SQLite file and local chunk storage
``BENCH_PG_NAME``      a PostgreSQL database to use instead of SQLite (``PGHOST``,
                       ``PGPORT``, ``PGUSER`` as for psql; default 127.0.0.1:5432, postgres)
``BENCH_S3_ENDPOINT``  an S3 endpoint (moto): chunks go to the ``session_replay`` alias there
``BENCH_CONN_MAX_AGE`` Django's CONN_MAX_AGE for PostgreSQL (default 60; 0 reconnects for
                       every database_sync_to_async call, as Django's default does)
``BENCH_PG_OPTIONS``   JSON of the PostgreSQL OPTIONS (default ``{"server_side_binding": true}``)
``BENCH_SESSION_REPLAY`` JSON merged into SESSION_REPLAY, e.g. ``{"COMPRESSION_LEVEL": 19}``
"""

from __future__ import annotations

import json
import os
import tempfile

WORKDIR = os.environ.get("BENCH_WORKDIR") or tempfile.mkdtemp(prefix="session-replay-bench-")

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = "bench.urls"
ASGI_APPLICATION = "bench.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "channels",
    "django_session_replay",
]
MEDIA_ROOT = os.path.join(WORKDIR, "media")
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(WORKDIR, "db.sqlite3")}
}
if os.environ.get("BENCH_PG_NAME"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "NAME": os.environ["BENCH_PG_NAME"],
        "CONN_MAX_AGE": int(os.environ.get("BENCH_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        # Server-side binding sends batch payloads as binary parameters instead of
        # escaping them into the SQL text (docs/deployment.md has the figures).
        "OPTIONS": json.loads(os.environ.get("BENCH_PG_OPTIONS", '{"server_side_binding": true}')),
    }
# As docs/deployment.md says: the ASGI server's own message limit above MAX_FRAME_BYTES.
DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("BENCH_S3_ENDPOINT"):
    STORAGES["session_replay"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "session-replay-bench",
            "endpoint_url": os.environ["BENCH_S3_ENDPOINT"],
            "access_key": "testing",
            "secret_key": "testing",
            "region_name": "us-east-1",
            "file_overwrite": True,
        },
    }
# The ingest bench measures capacity, not the per-connection limits: lift them
# so that a fast server never closes a bench client with rate_limited (and its
# clients, all on 127.0.0.1, may start more than 30 sessions a minute).
SESSION_REPLAY = {
    "SITE_KEY": "bench-site-key",
    "MAX_FRAMES_PER_SECOND": 100_000,
    "MAX_BYTES_PER_SECOND": 1 << 30,
    "MAX_RAW_BYTES_PER_SECOND": 1 << 40,
    "NEW_SESSIONS_PER_MINUTE": 1_000_000_000,
}
SESSION_REPLAY.update(json.loads(os.environ.get("BENCH_SESSION_REPLAY", "{}")))
