"""The demo's settings for bench.replay's server: the per-connection limits
lifted (the corpus goes through the door flat out, one ack at a time, from one
address) and bench.ingest's site key, so that bench.storage.send records into it.
"""

from __future__ import annotations

from example_project.settings import *  # noqa: F403
from example_project.settings import SESSION_REPLAY

SESSION_REPLAY = {
    **SESSION_REPLAY,
    "SITE_KEY": "bench-site-key",  # bench.ingest.SITE_KEY
    "NEW_SESSIONS_PER_MINUTE": 10**9,
    "MAX_FRAMES_PER_SECOND": 100_000,
    "MAX_BYTES_PER_SECOND": 1 << 30,
    "MAX_RAW_BYTES_PER_SECOND": 1 << 40,
}
