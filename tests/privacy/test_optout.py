"""Pages that must not record (privacy/optout.py): staff users unless
RECORD_STAFF, Sec-GPC always, DNT unless RESPECT_DO_NOT_TRACK is off. The tag
tells the recorder with ``optOut``; the recorder then writes nothing
(frontend/test/recorder.test.js)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from tests.test_templatetags import config_of


def rendered_config(user: Any = None, **headers: str) -> dict[str, Any]:
    request = RequestFactory().get("/", headers=headers)
    request.user = user or AnonymousUser()
    html = Template("{% load session_replay %}{% session_replay_recorder %}").render(
        Context({"request": request})
    )
    return config_of(html)


def staff() -> User:
    return User(username="staff", is_staff=True)


@pytest.mark.parametrize(
    "user, headers, settings, refused",
    [
        (None, {}, {}, None),  # a visitor: recorded
        (staff(), {}, {}, "staff"),
        (staff(), {}, {"RECORD_STAFF": True}, None),
        (User(username="member"), {}, {}, None),  # logged in but not staff
        (None, {"Sec-GPC": "1"}, {}, "gpc"),
        (None, {"Sec-GPC": "1"}, {"RESPECT_DO_NOT_TRACK": False}, "gpc"),  # GPC stays honoured
        (None, {"DNT": "1"}, {}, "dnt"),
        (None, {"DNT": "1"}, {"RESPECT_DO_NOT_TRACK": False}, None),
        (None, {"DNT": "0", "Sec-GPC": "0"}, {}, None),
    ],
)
def test_who_and_which_signals_opt_a_page_out(
    user: Any, headers: dict[str, str], settings: dict[str, Any], refused: str | None
) -> None:
    with override_settings(SESSION_REPLAY=settings):
        config = rendered_config(user, **headers)
    assert config.get("optOut") == refused
    assert config["respectDoNotTrack"] is settings.get("RESPECT_DO_NOT_TRACK", True)


def test_the_privacy_mode_and_its_patterns_reach_the_recorder() -> None:
    from tests.test_templatetags import render

    assert config_of(render("{% session_replay_recorder %}"))["privacy"]["mode"] == "balanced"
    strict = config_of(render('{% session_replay_recorder privacy="strict" %}'))["privacy"]
    assert strict["mode"] == "strict" and "img" in strict["blockMedia"]
    assert strict["patterns"] == []
    with override_settings(
        SESSION_REPLAY={"PRIVACY_MODE": "relaxed", "MASK_TEXT_PATTERNS": ["IBAN\\d+"]}
    ):
        assert config_of(render("{% session_replay_recorder %}"))["privacy"]["mode"] == "relaxed"
        balanced = config_of(render('{% session_replay_recorder privacy="balanced" %}'))
    assert balanced["privacy"]["patterns"][-1] == "IBAN\\d+"
    # A tag argument that is no mode falls back to the setting, never fails the page.
    assert config_of(render('{% session_replay_recorder privacy="loose" %}'))["privacy"][
        "mode"
    ] == ("balanced")


def test_the_mask_filter_marks_text_for_the_recorder_and_escapes_it() -> None:
    from tests.test_templatetags import render

    html = render("{{ name|session_replay_mask }}", name="<b>Ann</b>")
    assert html == '<span class="session-replay-mask">&lt;b&gt;Ann&lt;/b&gt;</span>'
    assert config_of(render("{% session_replay_recorder %}"))["maskClass"] == "session-replay-mask"
