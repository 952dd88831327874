"""Self-hosted session replay for Django."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def link(obj: Any, session: Any = None) -> bool:
    """Link a saved model instance to ``session`` (a ReplaySession or its id), or to
    the session of the recorded request being handled; False when there is none
    (docs/server.md). Imported lazily: the package imports no model at import time."""
    from .server.links import link as link_object

    return link_object(obj, session)
