"""Django's Tasks framework: ``django.tasks`` from Django 6.0, else the
django-tasks backport, which has the same API (it is where ``django.tasks``
came from). Every other module imports the framework from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # django-stubs types django.tasks; the backport has the same shapes
    from django.tasks import Task, task, task_backends
else:
    try:
        from django.tasks import Task, task, task_backends
    except ImportError:  # Django 4.2 and 5.2
        from django_tasks import task, task_backends
        from django_tasks.base import Task

__all__ = ["Task", "backend_aliases", "task", "task_backends"]


def backend_aliases() -> set[str]:
    """The aliases of ``settings.TASKS`` as they are now (the handler caches its
    settings; reading them afresh keeps ``override_settings`` visible)."""
    configured: dict[str, Any] = task_backends.configure_settings(None)
    return set(configured)
