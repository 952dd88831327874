"""The previous and next session of the changelist as the user last saw it
(admin/neighbours.py): its filters, search and order from ``_changelist_filters``,
by the ordering's values or a bounded scan; and the changelist's replay links
carrying those filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client, RequestFactory
from django.utils import timezone

from django_session_replay.admin import neighbours as module
from django_session_replay.admin.neighbours import neighbours
from django_session_replay.admin.sessions import ReplaySessionAdmin
from django_session_replay.models import ReplaySession

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_session_replay/replaysession/"


def make(name: str, minutes_ago: int, browser: str = "Firefox", **fields: Any) -> ReplaySession:
    return ReplaySession.objects.create(
        entry_url=f"http://testserver/{name}",
        created=timezone.now() - timedelta(minutes=minutes_ago),
        browser=browser,
        **fields,
    )


@pytest.fixture
def user() -> User:
    return User.objects.create_superuser("root", password="pw")


@pytest.fixture
def sessions() -> dict[str, ReplaySession]:
    """Newest first: a (Firefox), b (Chrome), c, d (Firefox), e (Chrome), f (Firefox)."""
    return {
        "a": make("a", 1, page_count=2),
        "b": make("b", 2, browser="Chrome", page_count=2),
        "c": make("c", 3, page_count=5),
        "d": make("d", 4, page_count=2),
        "e": make("e", 5, browser="Chrome", page_count=1),
        "f": make("f", 6, page_count=9),
    }


def model_admin() -> ReplaySessionAdmin:
    registered = admin.site._registry[ReplaySession]
    assert isinstance(registered, ReplaySessionAdmin)
    return registered


def around(user: User, session: ReplaySession, filters: str) -> tuple[str | None, str | None]:
    query = {"_changelist_filters": filters} if filters else {}
    request = RequestFactory().get(f"{CHANGELIST}{session.pk}/replay/", query)
    request.user = user
    return neighbours(model_admin(), request, session)


def url(session: ReplaySession, filters: str) -> str:
    replay = f"{CHANGELIST}{session.pk}/replay/"
    return f"{replay}?{urlencode({'_changelist_filters': filters})}" if filters else replay


def column(name: str) -> int:
    """The changelist's column of ``name`` for a superuser (after the action checkbox)."""
    return 1 + ReplaySessionAdmin.list_display.index(name)


def test_neighbours_in_the_default_order(
    user: User, sessions: dict[str, ReplaySession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "SCAN_LIMIT", 0)  # asked of the database by -created, -pk
    s = sessions
    assert around(user, s["c"], "") == (url(s["b"], ""), url(s["d"], ""))
    assert around(user, s["a"], "") == (None, url(s["b"], ""))  # the first: no previous
    assert around(user, s["f"], "") == (url(s["e"], ""), None)  # the last: no next


def test_neighbours_in_a_filtered_list_carry_its_filters(
    user: User, sessions: dict[str, ReplaySession]
) -> None:
    s = sessions
    filters = "browser__exact=Firefox"
    assert around(user, s["c"], filters) == (url(s["a"], filters), url(s["d"], filters))
    assert around(user, s["a"], filters) == (None, url(s["c"], filters))
    assert around(user, s["f"], filters) == (url(s["d"], filters), None)
    # The page number is no part of the order: the same neighbours from page 2.
    paged = filters + "&p=2"
    assert around(user, s["c"], paged) == (url(s["a"], paged), url(s["d"], paged))


def test_neighbours_in_a_sorted_list_with_ties(
    user: User, sessions: dict[str, ReplaySession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """By pages ascending: e (1), then a, b, d (2, tied: by -pk), then c (5), f (9)."""
    monkeypatch.setattr(module, "SCAN_LIMIT", 0)  # asked of the database, not scanned
    s = sessions
    filters = f"o={column('page_count')}"
    tied = sorted([s["a"], s["b"], s["d"]], key=lambda session: session.pk, reverse=True)
    order = [s["e"], *tied, s["c"], s["f"]]
    for index, session in enumerate(order):
        before = url(order[index - 1], filters) if index else None
        after = url(order[index + 1], filters) if index + 1 < len(order) else None
        assert around(user, session, filters) == (before, after), session.entry_url
    # Descending, filtered and searched at once.
    # Of the tied sessions only a and d use Firefox (b does not): by -pk again.
    filters = f"o=-{column('page_count')}&browser__exact=Firefox&q=testserver"
    firefox_tied = [session for session in tied if session in (s["a"], s["d"])]
    assert around(user, s["c"], filters) == (url(s["f"], filters), url(firefox_tied[0], filters))


def test_an_order_of_nullable_columns_is_scanned(
    user: User, sessions: dict[str, ReplaySession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """By user, a nullable relation: read as ids, at most SCAN_LIMIT of them."""
    s = sessions
    owner = User.objects.create_user("owner")
    ReplaySession.objects.filter(pk=s["d"].pk).update(user=owner)
    filters = f"o={column('user')}.{column('created')}&browser__exact=Firefox"
    listed = (
        model_admin()
        .get_changelist_instance(module.listing(around_request(user), filters))
        .queryset
    )
    order = list(listed.values_list("pk", flat=True))
    assert sorted(order) == sorted(s[name].pk for name in "acdf")
    middle = order.index(s["c"].pk)
    before = url(ReplaySession.objects.get(pk=order[middle - 1]), filters) if middle else None
    after = (
        url(ReplaySession.objects.get(pk=order[middle + 1]), filters)
        if middle + 1 < len(order)
        else None
    )
    assert around(user, s["c"], filters) == (before, after)
    # Past the scan's bound, a session has no neighbours.
    monkeypatch.setattr(module, "SCAN_LIMIT", 1)
    last = ReplaySession.objects.get(pk=order[-1])
    assert around(user, last, filters) == (None, None)


def around_request(user: User) -> Any:
    request = RequestFactory().get(CHANGELIST)
    request.user = user
    return request


@pytest.mark.parametrize(
    "filters",
    [
        "created__gte=not-a-date",
        "no_such_field=1",
        "min_duration=abc",  # its filter raises IncorrectLookupParameters
        "user__password__startswith=pbkdf2",  # a lookup the admin refuses
        "_to_field=visitor_id",  # a field it may not be referenced by
        "status=active&o=banana",  # a bad order is ignored, as the changelist does
    ],
)
def test_bad_filters_give_no_neighbours_and_no_error(
    user: User, sessions: dict[str, ReplaySession], filters: str
) -> None:
    result = around(user, sessions["c"], filters)
    if filters.startswith("status=active"):
        # All six are active (just created). An `o` naming no column orders the
        # changelist by -pk alone (Django's way): so do its neighbours.
        order = sorted(sessions.values(), key=lambda session: session.pk, reverse=True)
        index = order.index(sessions["c"])
        before = url(order[index - 1], filters) if index else None
        after = url(order[index + 1], filters) if index + 1 < len(order) else None
        assert result == (before, after)
    else:
        assert result == (None, None)


def test_a_session_outside_the_filters_gets_its_place_in_them(
    user: User, sessions: dict[str, ReplaySession]
) -> None:
    """One that left the list since (say Active no longer): where it would be."""
    s = sessions
    filters = "browser__exact=Firefox"
    assert around(user, s["b"], filters) == (url(s["a"], filters), url(s["c"], filters))


def test_the_changelist_replay_links_carry_its_filters(
    client: Client, sessions: dict[str, ReplaySession]
) -> None:
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(staff)
    query = "browser__exact=Firefox&o=-7"
    html = client.get(f"{CHANGELIST}?{query}").content.decode()
    carried = urlencode({"_changelist_filters": query}).replace("&", "&amp;")
    assert f'href="{CHANGELIST}{sessions["c"].pk}/replay/?{carried}"' in html
    assert str(sessions["b"].pk) not in html  # filtered out
    # Without filters, the plain link.
    html = client.get(CHANGELIST).content.decode()
    assert f'href="{CHANGELIST}{sessions["c"].pk}/replay/"' in html
