"""Test settings: SQLite + in-memory channel layer + local files by default;
SESSION_REPLAY_TEST_STACK=full switches to PostgreSQL, Redis and the S3 server."""

from __future__ import annotations

import os
import tempfile

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = "tests.urls"
ASGI_APPLICATION = "tests.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_session_replay",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
MEDIA_ROOT = tempfile.mkdtemp(prefix="session-replay-tests-")
# A file, not :memory:, so a live server in another process can share it.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(MEDIA_ROOT, "db.sqlite3"),
        "TEST": {"NAME": os.path.join(MEDIA_ROOT, "test.sqlite3")},
        "OPTIONS": {"timeout": 20},
    }
}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if os.environ.get("SESSION_REPLAY_TEST_STACK") == "full":
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "NAME": os.environ.get("PGDATABASE", "test"),
        # Unique per run, so a concurrent run never meets this one's test database.
        "TEST": {"NAME": f"test_session_replay_{os.getpid()}"},
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # No read timeout: channels_redis's 5 s blocking read bounds each wait,
            # and redis-py 8's default of 5 s kills quiet sockets (W018).
            "CONFIG": {
                "hosts": [
                    {
                        "address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                        "socket_timeout": None,
                    }
                ]
            },
        }
    }
    from tests import s3

    STORAGES["session_replay"] = s3.storage_settings(s3.endpoint_from_env_or_start())
    # A real task queue (tests/test_tasks.py): django-tasks-db keeps it in the test
    # database, and its db_worker, started by the test, runs the tasks.
    import django

    framework = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {
        "default": {"BACKEND": f"{framework}.backends.immediate.ImmediateBackend"},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
