"""A staff user logged into the test client, with or without the permission
to view sessions (the replay page's and the poster's)."""

from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.test import Client


def login(client: Client, *, permission: bool) -> User:
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    return user
