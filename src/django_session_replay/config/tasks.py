"""Can ``SESSION_REPLAY["TASK_BACKEND"]`` run the app's tasks? It must be an
alias of ``settings.TASKS`` whose backend loads and accepts them."""

from __future__ import annotations

from django.core.checks import CheckMessage, Error

PREFIX = "django_session_replay"


def check_task_backend() -> list[CheckMessage]:
    from django_session_replay.conf import conf

    try:
        from django_session_replay.tasks import compact_session
        from django_session_replay.tasks.framework import backend_aliases
    except Exception as exc:  # declaring a task validates it on TASKS["default"]
        return [
            Error(
                f"The app's tasks cannot be declared: {exc}",
                hint="Keep a 'default' alias in TASKS (Django's default is the "
                "ImmediateBackend); see docs/deployment.md, Background tasks.",
                id=f"{PREFIX}.E017",
            )
        ]
    alias = conf.TASK_BACKEND
    if alias is None:
        return []  # the in-process thread: nothing to configure
    aliases = backend_aliases()
    if alias not in aliases:
        known = ", ".join(repr(name) for name in sorted(aliases)) or "none"
        problem = f"is not an alias of settings.TASKS (it has {known})"
    else:
        try:
            compact_session.using(backend=alias)  # loads the backend, validates the task
            return []
        except Exception as exc:
            problem = f"cannot run the app's tasks: {exc}"
    return [
        Error(
            f"SESSION_REPLAY['TASK_BACKEND'] ({alias!r}) {problem}.",
            hint="Define that backend in TASKS, or set TASK_BACKEND to None to run "
            "tasks in the ingesting process (docs/deployment.md, Background tasks).",
            id=f"{PREFIX}.E017",
        )
    ]
