"""The NinjaAPI object every endpoint module registers on."""

from __future__ import annotations

from ninja import NinjaAPI

from .auth import StaffWithViewPermission
from .docs import LocalSwagger

api = NinjaAPI(
    title="Session replay",
    version="1",
    urls_namespace="session_replay",
    auth=StaffWithViewPermission(),
    docs=LocalSwagger(),  # Swagger UI from our static files, never a CDN
)
