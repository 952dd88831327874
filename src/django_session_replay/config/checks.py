"""System checks for ``settings.SESSION_REPLAY``: its shape, unknown keys (with
the closest known key suggested), each value against its rule, the pairs that
bound each other and the processors' dotted paths. Ids: docs/checks.md."""

from __future__ import annotations

import difflib
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

from .spec import AT_MOST, KEYS

PREFIX = "django_session_replay"


def check_settings() -> list[CheckMessage]:
    user = getattr(settings, "SESSION_REPLAY", {})
    if not isinstance(user, dict):
        return [
            Error(
                f"SESSION_REPLAY must be a dict, not {type(user).__name__}.",
                hint="See docs/configuration.md for its keys.",
                id=f"{PREFIX}.E010",
            )
        ]
    messages = unknown_keys(user) + bad_values(user)
    if not messages:
        messages = bounds(user) + processors(user)
    return messages


def unknown_keys(user: dict[Any, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for name in user:
        if name in KEYS:
            continue
        close = difflib.get_close_matches(str(name).upper(), list(KEYS), n=1, cutoff=0.6)
        hint = f"Did you mean {close[0]!r}?" if close else "See docs/configuration.md."
        messages.append(
            Error(f"SESSION_REPLAY has an unknown key {name!r}.", hint=hint, id=f"{PREFIX}.E011")
        )
    return messages


def bad_values(user: dict[Any, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for name, key in KEYS.items():
        if name not in user:
            continue
        problem = key.rule(user[name])
        if problem is not None:
            messages.append(
                Error(
                    f"SESSION_REPLAY[{name!r}] {problem}; it is {user[name]!r}.",
                    hint=f"The default is {key.default!r}; see docs/configuration.md.",
                    id=f"{PREFIX}.E012",
                )
            )
    return messages


def bounds(user: dict[Any, Any]) -> list[CheckMessage]:
    def value(name: str) -> Any:
        return user.get(name, KEYS[name].default)

    return [
        Error(
            f"SESSION_REPLAY[{low!r}] ({value(low)}) is larger than {high!r} ({value(high)}).",
            hint=f"Lower {low} or raise {high}.",
            id=f"{PREFIX}.E013",
        )
        for low, high in AT_MOST
        if value(low) > value(high)
    ]


def processors(user: dict[Any, Any]) -> list[CheckMessage]:
    from django_session_replay.ingest.pipeline import Processor

    messages: list[CheckMessage] = []
    for path in user.get("PROCESSORS", KEYS["PROCESSORS"].default):
        try:
            loaded = import_string(path)
        except Exception as exc:  # ImportError, or what importing it raised (a bad TASKS)
            problem = f"cannot be imported ({exc})"
        else:
            if isinstance(loaded, type) and issubclass(loaded, Processor):
                continue
            problem = "is not a subclass of django_session_replay.ingest.pipeline.Processor"
        messages.append(
            Error(
                f"SESSION_REPLAY['PROCESSORS'] entry {path!r} {problem}.",
                hint="List dotted paths of Processor subclasses; see docs/extending.md.",
                id=f"{PREFIX}.E014",
            )
        )
    return messages
