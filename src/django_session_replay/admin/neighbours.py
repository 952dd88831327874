"""The sessions changelist as the user last saw it, carried to the replay page:
each replay link holds the list's query string as ``_changelist_filters`` (as
Django admin's change links preserve filters), and ``neighbours`` finds the
sessions before and after the one replayed in that list's order and filters.
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.exceptions import (
    FieldDoesNotExist,
    FieldError,
    SuspiciousOperation,
    ValidationError,
)
from django.db.models import Field, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from django_session_replay.models import ReplaySession

logger = logging.getLogger(__name__)

FILTERS_PARAMETER = "_changelist_filters"
REPLAY_URL_NAME = "admin:django_session_replay_replaysession_replay"
# An ordering the database cannot be asked to continue from one row (a related
# model's field, a nullable column, an expression) is read as ids, this many at
# most: a session further down such a list has no neighbours.
SCAN_LIMIT = 1000
# What building the list from a stale or hand-made query string may raise: the
# replay page is served without neighbours then.
BAD_FILTERS = (
    IncorrectLookupParameters,
    SuspiciousOperation,  # a lookup the admin refuses (DisallowedModelAdminLookup)
    FieldDoesNotExist,
    FieldError,
    ValidationError,
    ValueError,
    TypeError,
)


class SessionChangeList(ChangeList):
    """The sessions changelist; each session of the page it shows carries the
    list's own query string (``changelist_filters``, already
    ``_changelist_filters=…``) for its replay link."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if self.preserved_filters:
            # The page's own query: the template iterates this same queryset.
            for session in self.result_list:
                session.changelist_filters = self.preserved_filters


def replay_url(session_id: UUID, filters: str) -> str:
    """The admin replay page of a session, with the changelist's query string."""
    url = reverse(REPLAY_URL_NAME, args=[session_id])
    return f"{url}?{urlencode({FILTERS_PARAMETER: filters})}" if filters else url


def neighbours(
    model_admin: Any, request: HttpRequest, session: ReplaySession
) -> tuple[str | None, str | None]:
    """The replay URLs of the sessions before and after ``session`` in the
    changelist that ``request``'s ``_changelist_filters`` describes (its
    filters, search and order), each carrying the same filters; None at either
    end, or for both when the filters no longer make a list."""
    filters = request.GET.get(FILTERS_PARAMETER, "")
    try:
        changelist = model_admin.get_changelist_instance(listing(request, filters))
        before, after = around(changelist, session)
    except BAD_FILTERS as error:
        logger.info("session replay: no neighbours for %r: %s", filters, error)
        return None, None
    return (
        None if before is None else replay_url(before, filters),
        None if after is None else replay_url(after, filters),
    )


def listing(request: HttpRequest, filters: str) -> HttpRequest:
    """A copy of the request that asks for the changelist ``filters`` describe.
    Its page number is left out: any page of the list has the same order."""
    query = QueryDict(filters, mutable=True)
    query.pop(PAGE_VAR, None)
    changelist_request = copy.copy(request)
    changelist_request.GET = QueryDict(query.urlencode())
    return changelist_request


def around(changelist: ChangeList, session: ReplaySession) -> tuple[UUID | None, UUID | None]:
    """The ids of the rows before and after the session in the changelist's
    ordered queryset: from the database by its ordering's values when it is
    made of the session's own columns, else by a bounded scan."""
    rows: QuerySet[Any] = changelist.queryset
    keys = ordering_keys(rows)
    if keys is not None:
        values = changelist.root_queryset.filter(pk=session.pk).values(*(k for k, _ in keys))
        own = values.first()
        if own is not None and all(value is not None for value in own.values()):
            position = [(name, descending, own[name]) for name, descending in keys]
            before = rows.filter(beyond(position, forward=False)).reverse()
            after = rows.filter(beyond(position, forward=True))
            return first_id(before), first_id(after)
    return scanned(rows, session.pk)


def ordering_keys(rows: QuerySet[Any]) -> list[tuple[str, bool]] | None:
    """The ordering as ``(name, descending)`` pairs, or None unless every part
    names a column of the session that holds no NULL (their order differs by
    database) or an annotation of the list."""
    keys = []
    for part in rows.query.order_by:
        if not isinstance(part, str) or part == "?":
            return None
        name = part.lstrip("-")
        if name != "pk" and name not in rows.query.annotations:
            try:
                field = ReplaySession._meta.get_field(name)
            except FieldDoesNotExist:
                return None  # a related model's field
            if (
                not isinstance(field, Field)
                or not field.concrete
                or field.is_relation
                or field.null
            ):
                return None
            name = field.attname
        keys.append((name, part.startswith("-")))
    return keys or None


def beyond(position: list[tuple[str, bool, Any]], *, forward: bool) -> Q:
    """The rows after ``position`` in the ordering (``forward``), or before it:
    equal on the first keys and past it on the next, for each key in turn."""
    found = Q()
    equal: dict[str, Any] = {}
    for name, descending, value in position:
        lookup = "gt" if forward != descending else "lt"
        found |= Q(**equal, **{f"{name}__{lookup}": value})
        equal[name] = value
    return found


def first_id(rows: QuerySet[Any]) -> UUID | None:
    found: UUID | None = rows.values_list("pk", flat=True).first()
    return found


def scanned(rows: QuerySet[Any], session_id: UUID) -> tuple[UUID | None, UUID | None]:
    """The neighbours among the first SCAN_LIMIT ids of the list."""
    ids = list(rows.values_list("pk", flat=True)[:SCAN_LIMIT])
    if session_id not in ids:
        return None, None
    index = ids.index(session_id)
    before = ids[index - 1] if index > 0 else None
    after = ids[index + 1] if index + 1 < len(ids) else None
    return before, after
