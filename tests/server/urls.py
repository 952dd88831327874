"""Views a recorded browser may call, for the server timeline tests."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponse
from django.urls import path

import django_session_replay
from tests.urls import urlpatterns as base

logger = logging.getLogger("tests.server")
LOCAL_CANARY = "local-canary-7f3a"


def five_queries(request: HttpRequest) -> HttpResponse:
    for _ in range(5):
        User.objects.filter(username="nobody").exists()
    return HttpResponse("ok")


def boom(request: HttpRequest) -> HttpResponse:
    secret_local = LOCAL_CANARY  # must never reach the timeline
    raise ValueError(f"on purpose ({len(secret_local)})")


def warn(request: HttpRequest) -> HttpResponse:
    logger.info("just so")
    logger.warning("checkout failed for order %s", 7)
    return HttpResponse("ok")


def save_group(request: HttpRequest) -> HttpResponse:
    Group.objects.create(name=request.GET.get("name", "made"))
    return HttpResponse("ok")


def link_group(request: HttpRequest) -> HttpResponse:
    group = Group.objects.get(name=request.GET["name"])
    linked = django_session_replay.link(group)
    return HttpResponse(str(linked))


urlpatterns = [
    *base,
    path("five/", five_queries, name="five"),
    path("boom/", boom, name="boom"),
    path("warn/", warn, name="warn"),
    path("save-group/", save_group, name="save-group"),
    path("link-group/", link_group, name="link-group"),
]
