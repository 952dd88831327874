"""The HTTP API (django-ninja): session queries for staff (sessions.py, the
summary in summary.py, staff's notes in notes.py, the dashboard's figures in
stats.py) and the HTTP ingest door (ingest.py), on one NinjaAPI (router.py)."""

from . import export, ingest, notes, sessions, stats, summary  # noqa: F401  (register their endpoints)
from .router import api

__all__ = ["api"]
