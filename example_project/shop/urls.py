from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.products, name="products"),
    path("signup/", views.signup, name="signup"),
    path("signup/thanks/", views.signup_thanks, name="signup_thanks"),
    path("manual/", views.manual, name="manual"),
    path("consent/", views.consent, name="consent"),
    path("api/ping/", views.ping, name="ping"),
    path("boom/", views.boom, name="boom"),
    path("lab/", views.lab, name="lab"),
    # The lab's single-page-app views: pushState URLs that also load directly.
    path("lab/<slug:tab>/", views.lab, name="lab_tab"),
    path("lab-frame/", views.lab_frame, name="lab_frame"),
]
