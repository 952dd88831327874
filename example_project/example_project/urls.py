"""URLs of the demo site: the shop at the root, admin, and the session replay app."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("session-replay/", include("django_session_replay.urls")),
    path("", include("shop.urls")),
]
