"""A deleted Django user takes their recordings along (``USER_DELETION`` is
``"delete"``, the default): their sessions go with the user, chunk objects
included (storage/receivers.py deletes those once the deletion commits).
With ``"detach"`` the sessions stay, no longer linked to anyone (the
foreign key's SET_NULL). A session on legal hold is always only detached.
Deleted sessions take their visitors' Visitor rows along once no session of
theirs is left.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import pre_delete

from django_session_replay.conf import conf
from django_session_replay.ingest import visitors
from django_session_replay.models import ReplaySession


def delete_recordings(sender: Any, instance: Any, **kwargs: Any) -> None:
    if conf.USER_DELETION != "delete":
        return
    doomed = ReplaySession.objects.filter(user=instance, legal_hold=False)
    visitor_ids = list(doomed.values_list("visitor_id", flat=True).distinct())
    doomed.delete()
    visitors.forget(visitor_ids)


def connect() -> None:
    """Called from AppConfig.ready(). The sender is the user model's label: model
    signals resolve it once that model is loaded, and a project without
    django.contrib.auth simply never sends it."""
    pre_delete.connect(
        delete_recordings,
        sender=settings.AUTH_USER_MODEL,
        dispatch_uid="session_replay_user_deleted",
    )
