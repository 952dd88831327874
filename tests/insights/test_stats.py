"""The dashboard's figures (insights/stats.py) on sessions and timeline rows made
here, whose numbers are known: every figure, its range and time zone, and the
API that answers them (api/stats.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from django_session_replay.insights import stats
from django_session_replay.models import ReplaySession, TimelineEntry
from django_session_replay.timeline.plugins import Fact
from django_session_replay.timeline.telemetry import entry

pytestmark = pytest.mark.django_db

FIRST = dt.date(2025, 11, 10)  # the range of build(): FIRST and the two days after
STATS = "/session-replay/api/stats"
RAGE_LABEL = 'button#buy "Add to cart"'


def add_session(day: dt.date, hour: int = 12, **columns: Any) -> ReplaySession:
    created = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc)
    defaults: dict[str, Any] = {
        "created": created,
        "last_activity": created,
        "browser": "Chrome",
        "os": "Linux",
        "device": "desktop",
        "entry_url": "http://shop.test/",
    }
    return ReplaySession.objects.create(**{**defaults, **columns})


class Rows:
    """Timeline rows of one session's window, numbered as the processors number
    them and made by the Telemetry processor's writer (its path and value)."""

    def __init__(self, session: ReplaySession) -> None:
        self.session = session
        self.ts = int(session.created.timestamp() * 1000)
        self.page = 0
        self.path: str | None = None  # the last page view's, as PageNumbers reads it

    def add(self, kind: str, label: str = "", level: str = "", **detail: Any) -> None:
        self.ts += 1000
        fact = Fact(self.ts, kind, label, level, detail)
        entry(self.session.pk, "tab-1", self.page, fact, self.path).save()

    def view(self, url: str, nav: str = "load") -> None:
        if self.page == 0:  # the entry page, as the first hello sets it
            ReplaySession.objects.filter(pk=self.session.pk).update(entry_url=url)
        if nav == "load":
            self.page += 1
        self.add("page_view", url, url=url, referrer="", nav=nav)
        self.path = TimelineEntry.objects.filter(session=self.session).latest("ts").path


def build(first: dt.date = FIRST) -> dict[str, UUID]:
    """Four sessions in the three days from ``first`` (two on the first day, two on
    the last), one the day before and one after, and one active now."""
    last = first + dt.timedelta(days=2)
    cart = add_session(first, duration_ms=10_000, console_error_count=1)
    rows = Rows(cart)
    rows.view("http://shop.test/products/?page=2")
    rows.view("http://shop.test/cart")
    rows.add("console", "checkout failed", "error", message="checkout failed", trace=[])
    rows.add("console", "a mere warning", "warn", message="a mere warning", trace=[])

    rage = add_session(
        first,
        hour=13,
        duration_ms=30_000,
        browser="Firefox",
        os="Windows",
        device="mobile",
        failed_request_count=1,
        rage_click_count=1,
    )
    rows = Rows(rage)
    rows.view("http://shop.test/products/")
    rows.add("rage_click", RAGE_LABEL, "warn", count=5)
    rows.add(
        "network",
        "POST /api/cart 500",
        "error",
        url="http://shop.test/api/cart?id=7",
        method="POST",
        status=500,
        failed=True,
    )
    rows.add("network", "GET /slow 200", "warn", url="http://shop.test/slow", method="GET")
    rows.add("web_vital", "LCP 1200 ms", name="LCP", value=1200.0, url="http://shop.test/products/")
    rows.add("web_vital", "LCP 2500 ms", name="LCP", value=2500.0, url="http://shop.test/products/")
    rows.add("web_vital", "CLS 0.1", name="CLS", value=0.1, url="http://shop.test/products/")

    home = add_session(last, duration_ms=20_000, os="Mac OS X")
    rows = Rows(home)
    rows.view("http://shop.test/")
    rows.add("web_vital", "LCP 800 ms", name="LCP", value=800.0, url="http://shop.test/")
    rows.add("web_vital", "TTFB 90 ms", name="TTFB", value=90.0, url="http://shop.test/")

    spa = add_session(last, hour=14, duration_ms=40_000, js_error_count=1)
    rows = Rows(spa)
    rows.view("http://shop.test/products")
    rows.view("http://shop.test/products/42#reviews", nav="push")
    rows.add("js_error", "TypeError: x is undefined", "error", message="x is undefined")

    outside = []
    for day in (first - dt.timedelta(days=1), last + dt.timedelta(days=1)):
        session = add_session(day, console_error_count=1)
        rows = Rows(session)
        rows.view("http://shop.test/products/")
        rows.add("console", "checkout failed", "error", message="checkout failed", trace=[])
        outside.append(session)
    now = ReplaySession.objects.create(entry_url="http://shop.test/live")
    return {
        "cart": cart.pk,
        "rage": rage.pk,
        "home": home.pk,
        "spa": spa.pk,
        "before": outside[0].pk,
        "after": outside[1].pk,
        "now": now.pk,
    }


def figures(first: dt.date = FIRST) -> stats.Stats:
    return stats.compute(stats.date_range(first, first + dt.timedelta(days=2)))


def rows_of(items: list[stats.Row]) -> list[tuple[str, int, int]]:
    return [(row.label, row.count, row.sessions) for row in items]


@pytest.fixture
def site(settings: Any) -> dict[str, UUID]:
    settings.TIME_ZONE = "UTC"
    return build()


def test_the_counts_of_the_range(site: dict[str, UUID]) -> None:
    found = figures()
    assert (found.start, found.end, found.timezone) == (FIRST, FIRST + dt.timedelta(days=2), "UTC")
    assert [(day.date.day, day.sessions) for day in found.days] == [(10, 2), (11, 0), (12, 2)]
    assert found.sessions.count == 4
    assert found.active_now.count == 1
    assert found.median_duration_ms == 25_000  # 10, 20, 30, 40 s
    assert found.with_errors.count == 3
    assert found.error_share == 0.75


def test_the_top_lists(site: dict[str, UUID]) -> None:
    found = figures()
    # The trailing slash and the query string do not make another page, as in `visited`.
    assert rows_of(found.top_pages) == [
        ("/products", 3, 3),
        ("/", 1, 1),
        ("/cart", 1, 1),
        ("/products/42", 1, 1),
    ]
    # Each error on the page view it happened on: the SPA's error after its navigation.
    assert rows_of(found.error_pages) == [
        ("/cart", 1, 1),
        ("/products", 1, 1),
        ("/products/42", 1, 1),
    ]
    assert rows_of(found.rage_clicks) == [(RAGE_LABEL, 1, 1)]
    assert rows_of(found.console_errors) == [("checkout failed", 1, 1)]  # not the warning
    assert rows_of(found.failed_requests) == [("POST /api/cart", 1, 1)]  # not the slow one
    assert rows_of(found.browsers) == [("Chrome", 3, 3), ("Firefox", 1, 1)]
    assert rows_of(found.operating_systems) == [
        ("Linux", 2, 2),
        ("Mac OS X", 1, 1),
        ("Windows", 1, 1),
    ]
    assert rows_of(found.devices) == [("desktop", 3, 3), ("mobile", 1, 1)]


def test_vitals_are_the_nearest_rank_p75_of_each_page(site: dict[str, UUID]) -> None:
    found = figures()
    assert [(row.path, row.lcp, row.inp, row.cls, row.samples) for row in found.vitals] == [
        ("/products", 2500.0, None, 0.1, 3),
        ("/", 800.0, None, None, 1),  # TTFB is no Core Web Vital
    ]


def test_an_empty_range_has_zeros_for_every_day(site: dict[str, UUID]) -> None:
    found = stats.compute(stats.date_range(dt.date(2024, 2, 27), dt.date(2024, 3, 1)))
    assert [(day.date.isoformat(), day.sessions) for day in found.days] == [
        ("2024-02-27", 0),
        ("2024-02-28", 0),
        ("2024-02-29", 0),
        ("2024-03-01", 0),
    ]
    assert (found.sessions.count, found.median_duration_ms, found.error_share) == (0, None, None)
    assert found.top_pages == found.vitals == found.browsers == []


def test_days_are_the_site_time_zone_days(settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Tokyo"  # UTC+9: 20:00 UTC is the next day there
    add_session(FIRST, hour=20)
    found = figures()
    assert [day.sessions for day in found.days] == [0, 1, 0]
    assert found.timezone == "Asia/Tokyo"
    assert "created__gte=2025-11-11+00%3A00%3A00%2B09%3A00" in found.days[1].url


def test_the_range_defaults_to_the_last_30_days() -> None:
    picked = stats.date_range()
    assert picked.end == timezone.localdate()
    assert picked.days == 30


@pytest.mark.parametrize(
    "start, end, message",
    [
        (dt.date(2025, 1, 2), dt.date(2025, 1, 1), "start must not be after end"),
        (dt.date(2024, 1, 1), dt.date(2025, 1, 1), "longer than 366 days"),
        (dt.date(9999, 12, 30), dt.date(9999, 12, 31), "between the years"),
        (None, dt.date(1, 1, 5), "end is too early"),
    ],
)
def test_a_range_the_figures_are_not_made_for(
    start: dt.date | None, end: dt.date, message: str
) -> None:
    with pytest.raises(stats.RangeError, match=message):
        stats.date_range(start, end)


def test_366_days_is_a_range() -> None:
    assert stats.date_range(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).days == 366


@pytest.mark.parametrize(
    "url, path",
    [
        ("https://shop.test/products/?page=2#top", "/products"),
        ("https://shop.test", "/"),
        ("https://shop.test/", "/"),
        ("http://[::1]:8000/a/b", "/a/b"),
        ("/relative?x", "/relative"),
    ],
)
def test_path_of_a_url(url: str, path: str) -> None:
    assert stats.path_of(url) == path


def test_the_rows_hold_the_paths_and_values_the_figures_group_by(site: dict[str, UUID]) -> None:
    held = TimelineEntry.objects.filter(session_id=site["rage"]).order_by("ts")
    assert [(row.kind, row.path, row.value) for row in held] == [
        ("page_view", "/products", None),
        ("rage_click", None, None),
        ("network", "/api/cart", None),  # the request's path
        ("network", "/slow", None),
        ("web_vital", "/products", 1200.0),
        ("web_vital", "/products", 2500.0),
        ("web_vital", "/products", 0.1),
    ]
    spa = TimelineEntry.objects.filter(session_id=site["spa"], kind="js_error")
    assert spa.get().path == "/products/42"  # its page's: the navigation before it


# -- the API -------------------------------------------------------------------------


@pytest.fixture
def viewer(client: Client) -> User:
    from django.contrib.auth.models import Permission

    user = User.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    return user


def test_the_api_answers_the_figures(client: Client, viewer: User, site: dict[str, UUID]) -> None:
    response = client.get(STATS, {"start": "2025-11-10", "end": "2025-11-12"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sessions"]["count"] == 4
    assert [day["sessions"] for day in body["days"]] == [2, 0, 2]
    assert body["error_share"] == 0.75
    assert body["top_pages"][0] == {
        "label": "/products",
        "count": 3,
        "sessions": 3,
        "url": figures().top_pages[0].url,
    }
    assert body["vitals"][0]["lcp"] == 2500.0
    assert body["sessions"]["url"].startswith("/admin/django_session_replay/replaysession/?")


def test_the_api_defaults_to_the_last_30_days(client: Client, viewer: User) -> None:
    body = client.get(STATS).json()
    assert len(body["days"]) == 30
    assert body["end"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "yesterday"}, "date"),
        ({"end": "2025-02-30"}, "date"),
        ({"start": "2025-03-02", "end": "2025-03-01"}, "start must not be after end"),
        ({"start": "2024-01-01", "end": "2025-01-01"}, "longer than 366 days"),
        ({"end": "9999-12-31"}, "between the years"),
    ],
)
def test_bad_parameters_are_a_422_that_says_why(
    client: Client, viewer: User, query: dict[str, str], message: str
) -> None:
    response = client.get(STATS, query)
    assert response.status_code == 422, response.content
    assert message in str(response.json()["detail"])


def test_the_api_needs_the_view_permission(client: Client) -> None:
    assert client.get(STATS).status_code == 401
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get(STATS).status_code == 403
