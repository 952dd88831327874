from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client


@pytest.fixture
def viewer(client: Client) -> User:
    """A logged-in staff user with the app's view permission."""
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    return user
