"""The admin dashboard (admin/dashboard.py): on the admin index for those who may
view sessions, its date-range form, and every figure's link, followed to the
session list it opens."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models import Q
from django.test import Client

from django_session_replay.insights import stats
from django_session_replay.models import ReplaySession, TimelineEntry
from tests.insights.test_stats import FIRST, build, figures

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/django_session_replay/dashboard/"
CHANGELIST = "/admin/django_session_replay/replaysession/"
RANGE = {"start": "2025-11-10", "end": "2025-11-12"}


def login(client: Client, *perms: str) -> User:
    user = User.objects.create_user("staff", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    client.force_login(user)
    return user


@pytest.fixture
def site(settings: Any) -> dict[str, UUID]:
    settings.TIME_ZONE = "UTC"
    return build()


def listed(client: Client, url: str) -> set[UUID]:
    """The sessions the changelist shows at ``url`` (all of them, not one page)."""
    assert url.startswith(CHANGELIST + "?") or url == CHANGELIST, url
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)  # no ?e=1 redirect
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def in_range() -> Q:
    first, after = stats.date_range(FIRST, FIRST + dt.timedelta(days=2)).bounds()
    return Q(created__gte=first, created__lt=after)


def sessions(**rows: Any) -> set[UUID]:
    """The range's sessions with a timeline row matching ``rows``."""
    return set(
        TimelineEntry.objects.filter(
            Q(session__in=ReplaySession.objects.filter(in_range())), **rows
        )
        .values_list("session_id", flat=True)
        .distinct()
    )


def test_the_admin_index_lists_the_dashboard_for_who_may_view_sessions(client: Client) -> None:
    login(client, "view_replaysession")
    page = client.get("/admin/").content.decode()
    section = page.split('class="app-django_session_replay')[1].split("</table>")[0]
    assert f'<a href="{DASHBOARD}"' in section and ">Dashboard</a>" in section


@pytest.mark.parametrize("perms", [(), ("view_dashboard",)])
def test_without_the_session_view_permission_there_is_no_dashboard(
    client: Client, perms: tuple[str, ...]
) -> None:
    login(client, *perms)
    assert DASHBOARD not in client.get("/admin/").content.decode()
    assert client.get(DASHBOARD).status_code == 403


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_dashboard_renders_for_an_empty_database(client: Client) -> None:
    login(client, "view_replaysession")
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="breadcrumbs"' in page  # extends admin/base_site.html
    assert "Sessions per day" in page and "None in this range." in page
    assert page.count('class="sr-day"') == 30  # the last 30 days, zeros drawn too
    assert '<label for="id_start">From</label>' in page
    assert '<label for="id_end">To</label>' in page


def test_the_dashboard_shows_the_figures_of_the_range(
    client: Client, site: dict[str, UUID]
) -> None:
    login(client, "view_replaysession")
    page = client.get(DASHBOARD, RANGE).content.decode()
    assert page.count('class="sr-day"') == 3
    assert 'aria-label="Nov. 10, 2025: 2 sessions"' in page
    assert "75.0 %" in page and ">0:25<" in page  # errors share, median duration
    assert "/products/42" in page and "checkout failed" in page and "POST /api/cart" in page
    assert "2500 ms" in page  # the LCP p75 of /products
    assert 'value="2025-11-10"' in page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "not a date"}, "Enter a valid date."),
        ({"start": "2025-11-12", "end": "2025-11-10"}, "Start must not be after end."),
        (
            {"start": "2020-01-01", "end": "2025-01-01"},
            "The range must not be longer than 366 days.",
        ),
    ],
)
def test_a_bad_range_is_a_form_error(client: Client, query: dict[str, str], message: str) -> None:
    login(client, "view_replaysession")
    response = client.get(DASHBOARD, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'class="errorlist"' in page
    assert "Sessions per day" not in page


def test_every_link_opens_the_list_of_the_sessions_it_counts(
    client: Client, site: dict[str, UUID]
) -> None:
    login(client, "view_replaysession")
    found = figures()
    in_range_ids = set(ReplaySession.objects.filter(in_range()).values_list("pk", flat=True))
    assert listed(client, found.sessions.url) == in_range_ids
    assert listed(client, found.active_now.url) == {site["now"]}
    errors = {site["cart"], site["rage"], site["spa"]}
    assert listed(client, found.with_errors.url) == errors
    assert [listed(client, day.url) for day in found.days] == [
        {site["cart"], site["rage"]},
        set(),
        {site["home"], site["spa"]},
    ]
    for row in found.top_pages:
        counted = {pk for pk in in_range_ids if row.label in page_paths(pk)}
        assert len(counted) == row.sessions
        assert listed(client, row.url) == counted, row
    for row in found.rage_clicks:
        assert listed(client, row.url) == sessions(kind="rage_click", label=row.label)
    for row in found.console_errors:
        assert listed(client, row.url) == sessions(kind="console", level="error", label=row.label)
    assert [listed(client, row.url) for row in found.failed_requests] == [{site["rage"]}]
    for row in [*found.browsers, *found.operating_systems, *found.devices]:
        assert len(listed(client, row.url)) == row.sessions, row
    assert listed(client, found.browsers[0].url) == {site["cart"], site["home"], site["spa"]}
    # A page's vitals link to the page's sessions, those that measured them among them.
    assert [listed(client, row.url) for row in found.vitals] == [
        {site["cart"], site["rage"], site["spa"]},
        {site["home"]},
    ]


def test_a_page_errors_link_lists_the_sessions_with_errors_that_visited_it(
    client: Client, site: dict[str, UUID]
) -> None:
    """The list has no "error on this page" filter: the link is `visited` and
    `has_errors`, which also lists a session whose error was on another page."""
    login(client, "view_replaysession")
    by_path = {row.label: row for row in figures().error_pages}
    assert listed(client, by_path["/cart"].url) == {site["cart"]}
    assert listed(client, by_path["/products/42"].url) == {site["spa"]}
    # counted: the failed request of "rage"; listed too: "cart" and "spa" visited /products
    assert by_path["/products"].sessions == 1
    assert listed(client, by_path["/products"].url) == {site["rage"], site["cart"], site["spa"]}


def test_the_page_links_are_in_the_html(client: Client, site: dict[str, UUID]) -> None:
    login(client, "view_replaysession")
    page = client.get(DASHBOARD, RANGE).content.decode()
    hrefs = {unescape(href) for href in re.findall(r'href="([^"]+)"', page)}
    found = figures()
    for url in (found.sessions.url, found.top_pages[0].url, found.days[0].url, found.vitals[0].url):
        assert url in hrefs


def page_paths(session_id: UUID) -> set[str]:
    urls = TimelineEntry.objects.filter(session_id=session_id, kind="page_view").values_list(
        "detail__url", flat=True
    )
    return {stats.path_of(str(url)) for url in urls}


def test_an_unknown_browser_os_or_device_links_to_its_sessions(
    client: Client, settings: Any
) -> None:
    from tests.insights.test_stats import add_session

    settings.TIME_ZONE = "UTC"
    login(client, "view_replaysession")
    unknown = add_session(FIRST, browser="", os="", device="").pk
    add_session(FIRST)
    found = figures()
    for rows in (found.browsers, found.operating_systems, found.devices):
        (row,) = [row for row in rows if row.label == ""]
        assert listed(client, row.url) == {unknown}
