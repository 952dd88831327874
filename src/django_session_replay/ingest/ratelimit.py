"""Counters shared by every worker (Django's cache, ``default`` alias): how many
HTTP ingest requests a token or a client address sent, how many sessions a
client address started, in the current fixed window.

With the default local-memory cache each process counts alone; a shared cache
(Redis, Memcached) makes the limits hold across workers (docs/deployment.md).
The counters are best effort: a cache that fails admits the request, since
ingest must never depend on the cache being up.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import caches

logger = logging.getLogger(__name__)

PREFIX = "session-replay:rate"
clock = time.time  # the windows' clock (tests hold it still)


def _key(scope: str, subject: str, window: int) -> str:
    digest = hashlib.blake2b(subject.encode(), digest_size=12).hexdigest()  # bounded key length
    return f"{PREFIX}:{scope}:{digest}:{int(clock()) // window}"


async def admit(scope: str, subject: str, limit: int, window: int) -> bool:
    """Count one more for ``subject`` in this window; False once it is over ``limit``."""
    cache = caches["default"]
    key = _key(scope, subject, window)
    try:
        if await cache.aadd(key, 1, timeout=window + 1):
            return True
        count = await cache.aincr(key)
    except ValueError:  # the key expired between add and incr: a new window
        return True
    except Exception:
        logger.warning("session replay rate limit counter unavailable", exc_info=True)
        return True
    return count <= limit
