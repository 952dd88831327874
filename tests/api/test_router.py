"""The NinjaAPI object (api/router.py): every endpoint module registers on it."""

from __future__ import annotations

from django.test import Client


def test_openapi_schema_lists_the_endpoints(client: Client) -> None:
    schema = client.get("/session-replay/api/openapi.json").json()
    assert {
        "/session-replay/api/sessions",
        "/session-replay/api/sessions/{session_id}",
        "/session-replay/api/sessions/{session_id}/events",
        "/session-replay/api/ingest",
    } <= set(schema["paths"])
