"""System checks for ``settings.SESSION_REPLAY``: its shape, unknown keys (with
the closest known key suggested), each value against its rule, the pairs that
bound each other, ACTIVE_WINDOW against the recorder's pings, the processors'
and the summary backend's dotted paths. Ids: docs/checks.md."""

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
        messages = bounds(user) + active_window(user) + processors(user)
        messages += link_models(user) + summary_backend(user)
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
            # A secret's value is never printed: check output ends up in CI logs.
            shown = "not shown (a secret)" if key.secret else repr(user[name])
            messages.append(
                Error(
                    f"SESSION_REPLAY[{name!r}] {problem}; it is {shown}.",
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


def active_window(user: dict[Any, Any]) -> list[CheckMessage]:
    """ACTIVE_WINDOW must outlast a quiet recorder's silence, or an open tab
    would flicker between Active and Inactive between two pings."""
    from django_session_replay.ingest.presence import TOUCH_SECONDS, longest_untouched

    window = user.get("ACTIVE_WINDOW", KEYS["ACTIVE_WINDOW"].default)
    socket_idle = user.get("SOCKET_IDLE_TIMEOUT", KEYS["SOCKET_IDLE_TIMEOUT"].default)
    untouched = longest_untouched(socket_idle)
    if window > untouched:
        return []
    return [
        Error(
            f"SESSION_REPLAY['ACTIVE_WINDOW'] ({window} s) is not longer than the "
            f"{untouched} s a connected but quiet recorder may go without marking its "
            f"session active (a ping every SOCKET_IDLE_TIMEOUT / 3 = {socket_idle // 3} s, "
            f"each marking it at most every {TOUCH_SECONDS} s).",
            hint=f"Raise ACTIVE_WINDOW above {untouched} or lower SOCKET_IDLE_TIMEOUT.",
            id=f"{PREFIX}.E023",
        )
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


def link_models(user: dict[Any, Any]) -> list[CheckMessage]:
    from django.apps import apps

    messages: list[CheckMessage] = []
    for label in user.get("LINK_MODELS", KEYS["LINK_MODELS"].default):
        try:
            apps.get_model(label)
        except (LookupError, ValueError) as exc:
            messages.append(
                Error(
                    f"SESSION_REPLAY['LINK_MODELS'] entry {label!r} is not an installed model "
                    f"({exc}).",
                    hint="List models as 'app_label.ModelName'; see docs/configuration.md.",
                    id=f"{PREFIX}.E021",
                )
            )
    return messages


def summary_backend(user: dict[Any, Any]) -> list[CheckMessage]:
    from django_session_replay.insights.summaries import Summariser

    path = user.get("SUMMARY_BACKEND", KEYS["SUMMARY_BACKEND"].default)
    try:
        loaded = import_string(path)
    except Exception as exc:  # ImportError, or what importing it raised
        problem = f"cannot be imported ({exc})"
    else:
        if isinstance(loaded, type) and issubclass(loaded, Summariser):
            return []
        problem = "is not a subclass of django_session_replay.insights.summaries.Summariser"
    return [
        Error(
            f"SESSION_REPLAY['SUMMARY_BACKEND'] ({path!r}) {problem}.",
            hint="Name a Summariser subclass, e.g. "
            "'django_session_replay.insights.summaries.LLMSummariser'; see docs/insights.md.",
            id=f"{PREFIX}.E022",
        )
    ]
