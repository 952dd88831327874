"""Which session a recorder joins (ingest/sessions.py): the one its resume token
names, with the seq every batch up to which is stored, else a new one."""

from __future__ import annotations

import pytest

from tests.conftest import Client, events

pytestmark = pytest.mark.django_db(transaction=True)


async def test_resume_token_continues_session_and_reports_contiguous_seq() -> None:
    async with Client() as client:
        first = await client.hello()
        for seq in (1, 2, 4):  # 3 is missing: welcome must not claim 4
            await client.send(t="batch", seq=seq, events=events(1, start=seq))
            await client.receive()
    async with Client() as client:
        again = await client.hello(token=first["token"])
    assert again["sid"] == first["sid"]
    assert again["seq"] == 2


async def test_other_window_starts_at_zero_in_the_same_session() -> None:
    async with Client() as client:
        first = await client.hello()
        await client.send(t="batch", seq=1, events=events(1))
        await client.receive()
    async with Client() as client:
        second = await client.hello(token=first["token"], win="tab-2")
    assert (second["sid"], second["seq"]) == (first["sid"], 0)
