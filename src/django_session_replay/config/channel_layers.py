"""A channel layer setting that breaks sockets on today's Redis client.

channels_redis waits for messages with a 5-second blocking read; redis-py 8
made 5 seconds the default socket timeout, so the read times out first and the
consumer dies with ``redis.exceptions.TimeoutError`` after 5 quiet seconds (a
recording socket between batches, a live watcher of a quiet session). A host
given as a dict with ``"socket_timeout": None`` is fine: channels_redis's own
5-second wait bounds each read. (A longer timeout, 30 s, was seen to leave a
cancelled receive waiting for ever in the test suite, so None is what to set.)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning

PREFIX = "django_session_replay"
REDIS_LAYERS = (
    "channels_redis.core.RedisChannelLayer",
    "channels_redis.pubsub.RedisPubSubChannelLayer",
)
BLOCKING_READ_SECONDS = 5  # channels_redis's brpop_timeout


def redis_major() -> int | None:
    try:
        return int(version("redis").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return None


def times_out(host: Any) -> bool:
    if not isinstance(host, dict):
        return True  # a URL or an address pair: redis-py's default timeout applies
    return "socket_timeout" not in host or host["socket_timeout"] is not None


def check_channel_layers() -> list[CheckMessage]:
    major = redis_major()
    if major is None or major < 8:
        return []
    messages: list[CheckMessage] = []
    for alias, layer in (getattr(settings, "CHANNEL_LAYERS", None) or {}).items():
        if not isinstance(layer, dict) or layer.get("BACKEND") not in REDIS_LAYERS:
            continue
        hosts = (layer.get("CONFIG") or {}).get("hosts") or ["redis://localhost:6379"]
        if any(times_out(host) for host in hosts):
            messages.append(
                Warning(
                    f"CHANNEL_LAYERS[{alias!r}]: with redis-py {major}, a socket quiet for "
                    f"{BLOCKING_READ_SECONDS} s is closed by a Redis read timeout.",
                    hint='Give each host as {"address": "redis://...", "socket_timeout": None} '
                    "(docs/deployment.md, Redis).",
                    id=f"{PREFIX}.W018",
                )
            )
    return messages
