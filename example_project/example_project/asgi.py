"""ASGI entry point: Django for HTTP, the session replay consumer for WebSockets.

``manage.py runserver`` (daphne's, as "daphne" leads INSTALLED_APPS) serves this
application; in production run ``daphne example_project.asgi:application``
(or uvicorn) behind your proxy.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

# Set up Django (apps, settings) before importing anything that touches models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

import django_session_replay.routing  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # No AllowedHostsOriginValidator: the app's sockets check the Origin
        # themselves and answer with documented codes (docs/install.md).
        "websocket": AuthMiddlewareStack(
            URLRouter(django_session_replay.routing.websocket_urlpatterns)
        ),
    }
)
