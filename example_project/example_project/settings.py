"""Settings of the django-session-replay demo site.

With no environment variables set, everything is embedded and nothing else has
to run: SQLite, the in-memory channel layer and the local file system. That is
the one-process setup ``./example_project/demo`` starts.

Environment variables (all optional):

``DEMO_DEBUG``
    ``1`` (default) or ``0``. With ``0``, run ``manage.py collectstatic`` and
    serve ``STATIC_ROOT`` yourself: runserver only serves static files in debug.
``DJANGO_SECRET_KEY``
    The secret key. The default is an insecure demo key: never deploy with it.
``DEMO_ALLOWED_HOSTS``
    Extra hosts, comma separated, added to ``127.0.0.1``, ``localhost`` and
    ``[::1]``. They also bound the origins the recorder's WebSocket accepts.
``DEMO_CSRF_TRUSTED_ORIGINS``
    Comma separated origins (``https://demo.example.com``) for HTTPS proxies.
``DEMO_SQLITE_PATH``
    Path of the SQLite database (default ``example_project/db.sqlite3``).
``DEMO_MEDIA_ROOT``
    Directory of local file storage (default ``example_project/media``). Session
    replay chunks land there unless ``S3_ENDPOINT_URL`` is set.
``DEMO_PRIVACY_MODE``
    the recorder's privacy mode: ``strict``, ``balanced`` (default) or ``relaxed``
``DEMO_MASK_ALL_INPUTS``
    ``0`` records what is typed into inputs, except the fields Django knows are
    sensitive (default ``1``: every input masked)
``DEMO_MAX_BUFFER_BYTES``
    what a recorder holds while it cannot deliver (default 2 MiB, the setting's
    own default; the fault tests raise it)
``DATABASE_URL``
    ``postgres://USER:PASSWORD@HOST:PORT/NAME`` (``postgresql://`` too; query
    parameters such as ``?sslmode=require`` become connection options) switches
    to PostgreSQL. Needs ``psycopg`` installed. ``sqlite:///absolute/path.sqlite3``
    is accepted as well.
``REDIS_URL``
    ``redis://HOST:PORT/DB`` switches the channel layer to
    ``channels_redis.core.RedisChannelLayer`` (the ``redis`` extra), which several
    ASGI workers need to share live sessions.
``S3_ENDPOINT_URL``
    ``http://127.0.0.1:9000`` or any S3-compatible endpoint: session replay
    chunks go to the ``session_replay`` storage alias on S3 (the ``s3`` extra),
    configured with ``S3_BUCKET`` (default ``session-replay``, must exist),
    ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``S3_REGION``
    (default ``us-east-1``).

The app's own settings live in ``SESSION_REPLAY`` below; every key is described
in docs/configuration.md.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import django
from django.core.exceptions import ImproperlyConfigured

# example_project/ (the directory holding manage.py)
BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """A ``DATABASES`` entry from a ``postgres://`` or ``sqlite:///`` URL."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
        }
        options = dict(parse_qsl(parts.query))
        if options:
            config["OPTIONS"] = options
        return config
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path) or ":memory:"}
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")


SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",
    "django-insecure-session-replay-demo-key-do-not-use-in-production",
)

DEBUG = os.environ.get("DEMO_DEBUG", "1").strip().lower() in ("1", "true", "yes", "on")

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *env_list("DEMO_ALLOWED_HOSTS")]
CSRF_TRUSTED_ORIGINS = env_list("DEMO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First, so that ``manage.py runserver`` is daphne's and serves WebSockets.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_session_replay",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Requests of recorded browsers, their SQL and exceptions on the session's
    # timeline (docs/server.md).
    "django_session_replay.middleware.ServerTimelineMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

ASGI_APPLICATION = "example_project.asgi.application"

# Database: SQLite by default, PostgreSQL with DATABASE_URL.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DEMO_SQLITE_PATH") or BASE_DIR / "db.sqlite3",
            # The socket and the beacon may write at once: wait for the lock
            # instead of failing, and take it up front (Django 5.1+).
            "OPTIONS": {"timeout": 20}
            | ({"transaction_mode": "IMMEDIATE"} if django.VERSION >= (5, 1) else {}),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer: in-memory (one process) by default, Redis with REDIS_URL.
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # No read timeout: redis-py 8's default of 5 s kills quiet sockets (W018).
            "CONFIG": {"hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": None}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Files: local by default. Without a "session_replay" alias the app stores its
# chunks in "default" (MEDIA_ROOT/session_replay/...); S3_ENDPOINT_URL adds one on S3.
MEDIA_URL = "media/"
MEDIA_ROOT = os.environ.get("DEMO_MEDIA_ROOT") or BASE_DIR / "media"
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static_root"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("S3_ENDPOINT_URL"):
    STORAGES["session_replay"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", "session-replay"),
            "endpoint_url": os.environ["S3_ENDPOINT_URL"],
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY"),
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "file_overwrite": True,
            "default_acl": None,  # private objects; the bucket's policy decides
            "querystring_auth": True,
        },
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The app's settings, at their defaults but one: recording on for every page,
# all inputs masked, chunks in the "session_replay" storage alias (else
# "default"); the pipeline runs the three built-in processors and the demo's
# own (shop/processors.py, docs/extending.md), which logs each session's event
# counts. Every key is documented in docs/configuration.md.
# runserver (daphne) cuts a WebSocket message over 1 MiB before the app sees it;
# at uvicorn's 16 MiB, a frame over MAX_FRAME_BYTES reaches the app, which
# answers it with frame_too_large (system check W020, docs/deployment.md).
DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
DAPHNE_WEBSOCKET_MAX_FRAME_SIZE = 16 * 1024 * 1024

SESSION_REPLAY = {
    # DEMO_PRIVACY_MODE: strict, balanced (the default) or relaxed (docs/configuration.md).
    "PRIVACY_MODE": os.environ.get("DEMO_PRIVACY_MODE", "balanced"),
    # DEMO_MASK_ALL_INPUTS=0 leaves inputs in clear, except the fields Django
    # knows are sensitive (the sign-up view's sensitive_post_parameters).
    "MASK_ALL_INPUTS": os.environ.get("DEMO_MASK_ALL_INPUTS", "1") != "0",
    # DEMO_AUTOPLAY=0 opens replays paused (tests that press Play themselves).
    "AUTOPLAY": os.environ.get("DEMO_AUTOPLAY", "1") != "0",
    # DEMO_MAX_BUFFER_BYTES: what a recorder holds while it cannot deliver (the
    # fault tests' outages, with the reconnect backoff, outlast the default).
    "MAX_BUFFER_BYTES": int(os.environ.get("DEMO_MAX_BUFFER_BYTES", 2 * 1024 * 1024)),
    "PROCESSORS": [
        "django_session_replay.live.processor.LivePublish",
        "django_session_replay.storage.processor.TailCompaction",
        "django_session_replay.timeline.processor.PageViews",
        "django_session_replay.timeline.telemetry.Telemetry",
        "django_session_replay.timeline.signals.Signals",
        "shop.processors.CountEvents",
    ],
}

# Log lines of a recorded request end with the replay's URL at that moment, and
# its warnings and errors go onto the session's timeline (docs/server.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"replay": {"()": "django_session_replay.logging.ReplayContextFilter"}},
    "formatters": {"replay": {"format": "%(levelname)s %(name)s: %(message)s %(replay_url)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["replay"],
            "formatter": "replay",
        }
    },
    "loggers": {
        "django_session_replay": {"handlers": ["console"], "level": "INFO"},
        "shop": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
