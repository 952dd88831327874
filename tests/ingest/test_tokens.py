"""Resume tokens (ingest/tokens.py): signed for one visitor, honoured for
MAX_DURATION; a forged, foreign or expired token starts a new session."""

from __future__ import annotations

import time
from unittest import mock
from uuid import UUID

import pytest

from django_session_replay.ingest import tokens
from django_session_replay.models import ReplaySession
from tests.conftest import Client

pytestmark = pytest.mark.django_db(transaction=True)


async def test_forged_token_starts_a_new_session() -> None:
    async with Client() as client:
        first = await client.hello()
    forged = first["token"][:-3] + ("AAA" if not first["token"].endswith("AAA") else "BBB")
    async with Client() as client:
        second = await client.hello(token=forged)
    assert second["sid"] != first["sid"]


async def test_token_of_another_visitor_starts_a_new_session() -> None:
    async with Client() as client:
        first = await client.hello()
    async with Client() as client:
        second = await client.hello(token=first["token"], visitor="someone-else")
    assert second["sid"] != first["sid"]


async def test_expired_token_starts_a_new_session() -> None:
    async with Client() as client:
        first = await client.hello()
    long_ago = time.time() - 13 * 3600  # past MAX_DURATION (12 h)
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        expired = tokens.make_token(UUID(first["sid"]), "visitor-1")
    async with Client() as client:
        second = await client.hello(token=expired)
    assert second["sid"] != first["sid"]
    assert await ReplaySession.objects.acount() == 2
