"""Background work, off the ack path: compacting a session's tail, summarising
a session that ended.

Each unit of work is a task of Django's Tasks framework (framework.py picks
``django.tasks`` or the backport). Task functions are idempotent (compacting
twice writes each chunk once; summarising an unchanged session keeps its
summary), so a queue that delivers twice is harmless.

``SESSION_REPLAY["TASK_BACKEND"]`` chooses where they run: None (the default)
runs them in this process on one background thread (runner.py), with no worker
to deploy; an alias of ``settings.TASKS`` hands them to that backend's queue
(docs/deployment.md, "Background tasks").
"""

from __future__ import annotations

from .compaction import compact_session, compacting, enqueue_compaction
from .summaries import enqueue_summary, summarise_session, summarise_when_committed, summarising

__all__ = [
    "compact_session",
    "compacting",
    "enqueue_compaction",
    "enqueue_summary",
    "summarise_session",
    "summarise_when_committed",
    "summarising",
]
