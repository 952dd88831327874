"""The API's docs page (api/docs.py) loads Swagger UI from the app's own static
files, so it works offline and with no ``ninja`` in INSTALLED_APPS."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

DOCS = "/session-replay/api/docs"
SWAGGER = "django_session_replay/swagger/"


class Assets(HTMLParser):
    """The URLs a page loads (scripts, stylesheets, icons) and its JSON scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.json: dict[str, str] = {}
        self._json_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"] or "")
        elif tag == "script" and attributes.get("type") == "application/json":
            self._json_id = attributes.get("id")
        elif tag == "link" and attributes.get("href"):
            self.urls.append(attributes["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._json_id is not None:
            self.json[self._json_id] = data
            self._json_id = None


def docs_page(client: Client) -> Assets:
    user = User.objects.create_user("staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_replaysession"))
    client.force_login(user)
    response = client.get(DOCS)
    assert response.status_code == 200
    assert "ninja" not in settings.INSTALLED_APPS  # ninja's own page would use a CDN here
    page = Assets()
    page.feed(response.content.decode())
    return page


def test_the_docs_page_loads_only_local_static_files(client: Client) -> None:
    page = docs_page(client)
    assert page.urls, "the page loads no script or stylesheet"
    for url in page.urls:
        if url.startswith("data:"):
            continue
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is on another host"
        assert url.startswith(settings.STATIC_URL + SWAGGER), url
    loaded = {url.rsplit("/", 1)[-1] for url in page.urls}
    assert {"swagger-ui-bundle.js", "swagger-ui.css", "init.js"} <= loaded


def test_the_docs_page_points_at_the_apis_schema(client: Client) -> None:
    config = json.loads(docs_page(client).json["swagger-settings"])
    assert config["url"] == "/session-replay/api/openapi.json"
    assert client.get(config["url"]).status_code == 200


def test_the_files_it_loads_exist_once_built(client: Client) -> None:
    if finders.find(SWAGGER + "swagger-ui-bundle.js") is None:
        pytest.skip("swagger-ui is not built: run `npm ci && npm run build` in frontend/")
    for url in docs_page(client).urls:
        if url.startswith("data:"):
            continue
        name = url.removeprefix(settings.STATIC_URL)
        assert finders.find(name), f"{name} is referenced but not in the static files"
