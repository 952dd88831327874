"""Objects a session touched (server/links.py), their admin section
(admin/links.py) and the LINK_MODELS check."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

import django_session_replay
from django_session_replay.admin import SessionReplayLinksMixin
from django_session_replay.models import ReplaySession, SessionLink
from django_session_replay.server.links import sessions_of

pytestmark = pytest.mark.usefixtures("server_settings")


def recorded_client(cookie: str) -> Client:
    client = Client()
    client.cookies["sr_ctx"] = cookie
    return client


def test_a_link_model_saved_during_a_recorded_request_is_linked(
    recorded_session: Any, settings: Any
) -> None:
    settings.SESSION_REPLAY = {"LINK_MODELS": ["auth.Group"]}
    session_id, cookie = recorded_session
    recorded_client(cookie).get("/save-group/?name=orders")
    Client().get("/save-group/?name=unrecorded")
    (link,) = SessionLink.objects.all()
    assert link.session_id == session_id
    assert link.content_object == Group.objects.get(name="orders")
    assert list(sessions_of(Group.objects.get(name="orders"))) == [
        ReplaySession.objects.get(pk=session_id)
    ]
    assert not sessions_of(Group.objects.get(name="unrecorded")).exists()


def test_models_not_listed_are_not_linked(recorded_session: Any) -> None:
    session_id, cookie = recorded_session
    recorded_client(cookie).get("/save-group/?name=orders")
    assert not SessionLink.objects.exists()


def test_link_names_an_object_explicitly(recorded_session: Any) -> None:
    session_id, cookie = recorded_session
    group = Group.objects.create(name="explicit")
    assert recorded_client(cookie).get("/link-group/?name=explicit").content == b"True"
    assert Client().get("/link-group/?name=explicit").content == b"False"
    recorded_client(cookie).get("/link-group/?name=explicit")  # twice: still one row
    (link,) = SessionLink.objects.all()
    assert (link.session_id, link.object_id) == (session_id, str(group.pk))
    other = Group.objects.create(name="given")
    assert django_session_replay.link(other, session=session_id)
    assert SessionLink.objects.filter(
        content_type=ContentType.objects.get_for_model(Group), object_id=str(other.pk)
    ).exists()


def test_the_user_change_page_lists_the_users_sessions(recorded_session: Any) -> None:
    session_id, cookie = recorded_session
    staff = User.objects.create_superuser("staff", "staff@example.com", "pw")
    visitor = User.objects.create_user("visitor")
    ReplaySession.objects.filter(pk=session_id).update(user=visitor)
    assert isinstance(admin.site._registry[User], SessionReplayLinksMixin)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:auth_user_change", args=[visitor.pk]))
    replay = reverse("admin:django_session_replay_replaysession_replay", args=[session_id])
    assert page.status_code == 200
    assert f'href="{replay}"' in page.content.decode()
    page = client.get(reverse("admin:auth_user_change", args=[staff.pk]))
    assert "No recorded session." in page.content.decode()
    assert client.get(reverse("admin:auth_user_add")).status_code == 200


def test_the_section_is_hidden_from_staff_who_may_not_view_sessions(
    recorded_session: Any,
) -> None:
    session_id, cookie = recorded_session
    staff = User.objects.create_user("clerk", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    visitor = User.objects.create_user("visitor")
    ReplaySession.objects.filter(pk=session_id).update(user=visitor)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:auth_user_change", args=[visitor.pk])).content.decode()
    assert "You may not view session replays." in page
    assert "/replay/" not in page


def test_the_check_refuses_a_link_model_that_does_not_resolve(settings: Any) -> None:
    settings.SESSION_REPLAY = {"LINK_MODELS": ["auth.Group", "shop.Nope"]}
    errors = [m for m in run_checks() if m.id == "django_session_replay.E021"]
    assert len(errors) == 1 and "'shop.Nope'" in errors[0].msg
    settings.SESSION_REPLAY = {"LINK_MODELS": ["nodot"]}
    assert any(m.id == "django_session_replay.E012" for m in run_checks())
