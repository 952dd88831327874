"""The HTTP API (django-ninja): session queries for staff (sessions.py) and the
HTTP ingest door (ingest.py), on one NinjaAPI (router.py)."""

from . import ingest, sessions  # noqa: F401  (register their endpoints)
from .router import api

__all__ = ["api"]
