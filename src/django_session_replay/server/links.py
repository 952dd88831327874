"""Objects a session touched: instances of ``LINK_MODELS`` saved during a recorded
request, and whatever ``django_session_replay.link(obj)`` names. Stored as
SessionLink rows (a generic relation) when the request ends; the admin lists an
object's sessions from them (admin/links.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from django_session_replay.conf import conf

from . import context


@cache
def _labels(configured: tuple[str, ...]) -> frozenset[str]:
    return frozenset(label.lower() for label in configured)


def watched(model: type[models.Model]) -> bool:
    return model._meta.label_lower in _labels(tuple(conf.LINK_MODELS))


def saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """post_save: link the instance when a recorded request saved it."""
    recorded = context.recorded()
    if recorded is not None and not kwargs.get("raw") and watched(sender):
        _remember(recorded, instance)


def _remember(recorded: context.Recorded, obj: models.Model) -> None:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj)  # cached after the first
    recorded.linked.add((content_type.pk, str(obj.pk)))


def link(obj: models.Model, session: Any = None) -> bool:
    """Link ``obj`` to ``session`` (a ReplaySession or its id), or to the session of
    the recorded request being handled. False when there is neither."""
    if obj.pk is None:
        raise ValueError("link() needs a saved object (its pk is None)")
    if session is None:
        recorded = context.recorded()
        if recorded is None:
            return False
        _remember(recorded, obj)
        return True
    from django.contrib.contenttypes.models import ContentType

    from django_session_replay.models import SessionLink

    session_id = getattr(session, "pk", session)
    SessionLink.objects.get_or_create(
        session_id=session_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
    )
    return True


def store(recorded: context.Recorded) -> None:
    if not recorded.linked:
        return
    from django_session_replay.models import SessionLink

    SessionLink.objects.bulk_create(
        [
            SessionLink(session_id=recorded.session_id, content_type_id=ct, object_id=pk)
            for ct, pk in sorted(recorded.linked)
        ],
        ignore_conflicts=True,  # linked by an earlier request already
    )


def sessions_of(obj: models.Model) -> models.QuerySet[Any]:
    """The sessions linked to ``obj``, and for a user, the sessions they recorded."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from django_session_replay.models import ReplaySession, SessionLink

    linked = SessionLink.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).values("session_id")
    where = Q(pk__in=linked)
    if apps.is_installed("django.contrib.auth") and isinstance(obj, get_user_model()):
        where |= Q(user_id=obj.pk)
    return ReplaySession.objects.filter(where)


def connect() -> None:
    models.signals.post_save.connect(saved, dispatch_uid="session_replay_link_saved")
