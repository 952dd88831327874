from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.products, name="products"),
    path("signup/", views.signup, name="signup"),
    path("signup/thanks/", views.signup_thanks, name="signup_thanks"),
    path("manual/", views.manual, name="manual"),
    path("api/ping/", views.ping, name="ping"),
]
