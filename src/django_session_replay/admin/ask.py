"""The changelist's Ask box: a question read (insights/ask.py) into the
changelist's own query parameters, so that its filter sidebar shows and edits
what was understood, and a message saying so."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from django_session_replay.api.filters import SessionFilters
from django_session_replay.insights import ask

CHANGELIST = "admin:django_session_replay_replaysession_changelist"
# The last question and the query it led to: the Ask box shows the question
# again while the changelist shows just what it found.
SESSION_KEY = "session_replay_ask"
# Filters whose changelist parameter has the API's name and value.
SAME_NAME = ("visited", "event", "signal", "browser", "os", "device", "q")


def changelist_query(filters: SessionFilters) -> dict[str, str]:
    """The changelist parameters (admin/sessions.py's list filters, its date
    filter and search box) that find what ``filters`` find."""
    query: dict[str, str] = {}
    if filters.active is not None:
        query["status"] = "active" if filters.active else "inactive"
    if filters.has_errors is not None:
        query["has_errors"] = "true" if filters.has_errors else "false"
    for name in SAME_NAME:
        if getattr(filters, name):
            query[name] = str(getattr(filters, name))
    if filters.min_duration is not None:
        query["min_duration"] = f"{filters.min_duration:g}"
    # str() of a local datetime: the spelling of the date filter's own links,
    # so that "Today" or "This month" shows as chosen when the span is the same.
    if filters.started_after:
        query["created__gte"] = str(localtime(filters.started_after))
    if filters.started_before:
        query["created__lt"] = str(localtime(filters.started_before))
    user_id = filters.user_id
    if filters.username:
        users = get_user_model()._default_manager.filter(username=filters.username)
        user_id = users.values_list("pk", flat=True).first()
    if user_id is not None:
        query["user__id__exact"] = str(user_id)
    return query


def message(question: str, answer: ask.Answer) -> str:
    said = _("“%(question)s”: %(found)s.") % {
        "question": question,
        "found": answer.description(),
    }
    if answer.unparsed:
        said += " " + _("Not understood: %(words)s.") % {"words": ", ".join(answer.unparsed)}
    return " ".join([said, *answer.notes])


def ask_view(request: HttpRequest, model_admin: Any) -> HttpResponseRedirect:
    """``?ask=...`` → the changelist filtered to what the question asks for."""
    changelist = reverse(CHANGELIST, current_app=model_admin.admin_site.name)
    question = " ".join(request.GET.get("ask", "").replace("\x00", " ").split())
    if not question:
        return HttpResponseRedirect(changelist)
    if len(question) > ask.MAX_QUESTION:
        messages.error(
            request, _("Ask in at most %(count)d characters.") % {"count": ask.MAX_QUESTION}
        )
        return HttpResponseRedirect(changelist)
    answer = ask.answer(question)
    level = messages.WARNING if answer.unparsed or answer.notes else messages.SUCCESS
    messages.add_message(request, level, message(question, answer))
    query = urlencode(changelist_query(answer.filters))
    if not query:
        return HttpResponseRedirect(changelist)
    request.session[SESSION_KEY] = {"question": question, "query": query}
    return HttpResponseRedirect(f"{changelist}?{query}")
