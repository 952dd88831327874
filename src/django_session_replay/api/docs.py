"""The API's interactive docs (``<API>/docs``) from the app's own static files.

ninja's Swagger page loads swagger-ui from a CDN unless the host adds ``ninja``
to INSTALLED_APPS; this one loads the copy that frontend/build.mjs puts into
``static/django_session_replay/swagger/`` (from the pinned npm package
swagger-ui-dist), so the page works offline and needs no host change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

TEMPLATE = "django_session_replay/api_docs.html"


class LocalSwagger(Swagger):
    """Swagger UI with its script, styles and start-up code served as static files."""

    template = TEMPLATE

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"api": api, "swagger_settings": settings, "add_csrf": csrf_needed(api)}
        return TemplateResponse(request, self.template, context)


def csrf_needed(api: NinjaAPI) -> bool:
    """Whether a "Try it out" request must carry the CSRF token (session auth does)."""
    auth = api.auth if isinstance(api.auth, list | tuple) else [api.auth]
    return any(getattr(handler, "csrf", False) for handler in auth)
