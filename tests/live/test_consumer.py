"""The live socket (live/consumer.py): active staff with the view permission get
every batch stored after they connect; everyone else is closed with 4403."""

from __future__ import annotations

import msgpack
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser, Permission, User

from django_session_replay.live.consumer import LiveConsumer
from django_session_replay.wire.codes import Code
from tests.conftest import Client, events

pytestmark = pytest.mark.django_db(transaction=True)


def staff(permission: bool, *, is_staff: bool = True, is_active: bool = True) -> User:
    user = User.objects.create_user(
        f"user-{permission}-{is_staff}-{is_active}", is_staff=is_staff, is_active=is_active
    )
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def watcher(session_id: str, user, origin: str = "http://testserver") -> WebsocketCommunicator:
    comm = WebsocketCommunicator(
        LiveConsumer.as_asgi(),
        f"/ws/session-replay/live/{session_id}/",
        headers=[(b"origin", origin.encode())],
    )
    comm.scope["user"] = user
    comm.scope["url_route"] = {"kwargs": {"session_id": session_id}}
    return comm


async def test_watcher_receives_every_stored_batch_once() -> None:
    user = await sync_to_async(staff)(permission=True)
    async with Client() as recorder:
        sid = (await recorder.hello())["sid"]
        watch = watcher(sid, user)
        assert (await watch.connect())[0]
        for seq in (1, 2, 2):  # the re-sent 2 is not published again
            await recorder.send(t="batch", seq=seq, events=events(2, start=seq * 10))
            await recorder.receive()
        frames = [msgpack.unpackb(await watch.receive_from()) for _ in range(2)]
        assert await watch.receive_nothing(timeout=0.3)
        await watch.disconnect()
    assert [(f["t"], f["win"], f["seq"]) for f in frames] == [
        ("events", "tab-1", 1),
        ("events", "tab-1", 2),
    ]
    assert frames[1]["events"] == events(2, start=20)


@pytest.mark.parametrize(
    "who",
    ["anonymous", "staff without permission", "non-staff with permission", "inactive staff"],
)
async def test_watching_needs_active_staff_with_the_view_permission(who: str) -> None:
    users = {
        "staff without permission": {"permission": False},
        "non-staff with permission": {"permission": True, "is_staff": False},
        "inactive staff": {"permission": True, "is_active": False},
    }
    if who == "anonymous":
        user = AnonymousUser()
    else:
        user = await sync_to_async(staff)(**users[who])
    # Accepted, then closed with the documented code (an HTTP 403 at the handshake
    # would leave the player unable to tell a refusal from a network error).
    watch = watcher("00000000-0000-0000-0000-000000000001", user)
    assert (await watch.connect())[0]
    closed = await watch.receive_output(timeout=5)
    assert (closed["type"], closed["code"]) == ("websocket.close", Code.FORBIDDEN.close_code)
    assert closed["code"] == 4403


async def test_an_accepted_watcher_adds_an_audit_entry() -> None:
    from django_session_replay.models import AuditEntry

    user = await sync_to_async(staff)(permission=True)
    async with Client() as recorder:
        sid = (await recorder.hello())["sid"]
        watch = watcher(sid, user)
        watch.scope["client"] = ["198.51.100.20", 50000]
        assert (await watch.connect())[0]
        await watch.disconnect()
    entries = [e async for e in AuditEntry.objects.all()]
    assert [(str(e.session_id), e.user_id, e.username, e.action, e.address) for e in entries] == [
        (sid, user.pk, user.username, "live", "198.51.100.0")
    ]


async def test_a_refused_watcher_adds_no_audit_entry() -> None:
    from django_session_replay.models import AuditEntry

    user = await sync_to_async(staff)(permission=False)
    watch = watcher("00000000-0000-0000-0000-000000000001", user)
    assert (await watch.connect())[0]
    await watch.receive_output(timeout=5)
    assert not await AuditEntry.objects.aexists()
