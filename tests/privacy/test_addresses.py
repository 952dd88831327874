"""The visitor's address (privacy/addresses.py): X-Forwarded-For only from a
trusted proxy, read from the right; kept as IP_ADDRESSES says."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from django_session_replay.models import ReplaySession
from django_session_replay.privacy.addresses import client_address, stored
from tests.conftest import Client

PROXIES = {"TRUSTED_PROXIES": ["10.0.0.0/8", "2001:db8:ffff::1"]}


def test_without_trusted_proxies_the_peer_is_the_visitor_whatever_the_header_says() -> None:
    assert client_address("198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert client_address("198.51.100.7", None) == "198.51.100.7"
    assert client_address(None, "203.0.113.9") is None
    assert client_address("not an address", "203.0.113.9") is None


@override_settings(SESSION_REPLAY=PROXIES)
def test_a_forged_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address("198.51.100.7", "203.0.113.9, 10.0.0.2") == "198.51.100.7"


@override_settings(SESSION_REPLAY=PROXIES)
@pytest.mark.parametrize(
    "peer, forwarded, visitor",
    [
        ("10.0.0.1", "203.0.113.9", "203.0.113.9"),
        # The visitor forged the leftmost entry; the proxies appended the rest.
        ("10.0.0.1", "192.0.2.66, 203.0.113.9, 10.2.3.4", "203.0.113.9"),
        ("10.0.0.1", "203.0.113.9 , 10.2.3.4,10.9.9.9", "203.0.113.9"),
        ("2001:db8:ffff::1", "2001:db8:1234::5", "2001:db8:1234::5"),
        ("::ffff:10.0.0.1", "203.0.113.9", "203.0.113.9"),  # IPv4-mapped peer
        ("10.0.0.1", "10.0.0.7, 10.0.0.8", "10.0.0.7"),  # only proxies: the leftmost
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "unknown", "10.0.0.1"),  # nothing readable past the proxy
        ("10.0.0.1", "203.0.113.9, garbage, 10.2.3.4", "10.2.3.4"),
    ],
)
def test_behind_trusted_proxies_the_header_is_read_from_the_right(
    peer: str, forwarded: str, visitor: str
) -> None:
    assert client_address(peer, forwarded) == visitor


@pytest.mark.parametrize(
    "mode, address, kept",
    [
        ("truncate", "203.0.113.99", "203.0.113.0"),
        ("truncate", "2001:db8:1234:5678::1", "2001:db8:1234::"),
        ("full", "203.0.113.99", "203.0.113.99"),
        ("full", "::ffff:203.0.113.99", "203.0.113.99"),
        ("none", "203.0.113.99", None),
        ("truncate", None, None),
        ("full", "nonsense", None),
    ],
)
def test_what_a_session_keeps(mode: str, address: str | None, kept: str | None) -> None:
    with override_settings(SESSION_REPLAY={"IP_ADDRESSES": mode}):
        assert stored(address) == kept


def test_truncate_is_the_default() -> None:
    assert stored("198.51.100.7") == "198.51.100.0"


async def open_from(peer: str, forwarded: str | None = None) -> ReplaySession:
    client = Client()
    client.comm.scope["client"] = (peer, 50000)
    if forwarded is not None:
        client.comm.scope["headers"].append((b"x-forwarded-for", forwarded.encode()))
    async with client:
        welcome = await client.hello()
    return await ReplaySession.objects.aget(pk=welcome["sid"])


@pytest.mark.django_db(transaction=True)
async def test_a_socket_session_keeps_the_visitors_network_by_default() -> None:
    session = await open_from("198.51.100.7", forwarded="203.0.113.9")
    assert session.ip_address == "198.51.100.0"  # the untrusted peer's header is ignored


@pytest.mark.django_db(transaction=True)
async def test_a_socket_session_behind_a_trusted_proxy() -> None:
    with override_settings(SESSION_REPLAY={**PROXIES, "IP_ADDRESSES": "full"}):
        session = await open_from("10.0.0.1", forwarded="192.0.2.66, 203.0.113.9")
    assert session.ip_address == "203.0.113.9"


@pytest.mark.django_db(transaction=True)
async def test_no_address_is_kept_with_none() -> None:
    with override_settings(SESSION_REPLAY={"IP_ADDRESSES": "none"}):
        session = await open_from("198.51.100.7")
    assert session.ip_address is None
    assert await sync_to_async(ReplaySession.objects.count)() == 1
