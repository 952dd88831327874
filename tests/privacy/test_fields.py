"""Fields Django knows are sensitive (privacy/fields.py) reach the recorder as a
selector: a view's sensitive_post_parameters, MASK_FIELDS and the widget attribute."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.views.decorators.debug import sensitive_post_parameters

from django_session_replay.privacy.fields import ALL_FIELDS, WIDGET_ATTRIBUTE
from tests.test_templatetags import config_of

TAG = Template(
    "{% load session_replay %}{% session_replay_recorder %}{{ form.iban }}{{ form.note }}"
)


class Form(forms.Form):
    iban = forms.CharField(widget=forms.TextInput(attrs={WIDGET_ATTRIBUTE: ""}))
    note = forms.CharField()


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(TAG.render(Context({"request": request, "form": Form()})))


def rendered(view: Any) -> tuple[str, str]:
    html = view(RequestFactory().get("/account/")).content.decode()
    return config_of(html)["sensitiveSelector"], html


def test_a_view_without_declarations_masks_the_widget_attribute_only() -> None:
    selector, html = rendered(page)
    assert selector == f"[{WIDGET_ATTRIBUTE}]"
    assert f'{WIDGET_ATTRIBUTE}=""' in html and 'name="iban"' in html


def test_sensitive_post_parameters_names_the_fields_on_get_too() -> None:
    selector, _ = rendered(sensitive_post_parameters("pin", "card")(page))
    assert selector == f'[name="card"], [name="pin"], [{WIDGET_ATTRIBUTE}]'


def test_sensitive_post_parameters_without_names_covers_every_field() -> None:
    selector, _ = rendered(sensitive_post_parameters()(page))
    assert selector.startswith(ALL_FIELDS)


def test_mask_fields_and_odd_names_are_quoted(settings: Any) -> None:
    settings.SESSION_REPLAY = {"MASK_FIELDS": ['a"b', "tax-id"]}
    selector, _ = rendered(page)
    assert selector == f'[name="a\\"b"], [name="tax-id"], [{WIDGET_ATTRIBUTE}]'
