"""Who may use the session endpoints (api/auth.py): logged-in staff holding the
view permission; anonymous callers get 401, the others 403."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import events
from tests.factories import record

pytestmark = pytest.mark.django_db

PATHS = ["/sessions", "/sessions/{sid}", "/sessions/{sid}/events", "/sessions/{sid}/audit"]


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_gets_401(client: Client, path: str) -> None:
    sid = record([events(2)]).session_id
    response = client.get("/session-replay/api" + path.format(sid=sid))
    assert response.status_code == 401


@pytest.mark.parametrize("path", PATHS)
def test_staff_without_view_permission_gets_403(client: Client, path: str) -> None:
    client.force_login(User.objects.create_user("staff", is_staff=True))
    sid = record([events(2)]).session_id
    response = client.get("/session-replay/api" + path.format(sid=sid))
    assert response.status_code == 403
