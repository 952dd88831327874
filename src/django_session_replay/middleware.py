"""``ServerTimelineMiddleware``: what the Django server did for a recorded browser,
on that session's timeline (docs/server.md).

A request without the context cookie costs one cookie lookup. With it, the
cookie's signature is checked and the session read (one query); the request's
queries are counted and timed on every database alias; the rows are written
after the response is ready (server/record.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase

from .conf import conf
from .server import context, record


class ServerTimelineMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        cookie = request.COOKIES.get(conf.CONTEXT_COOKIE)
        if not cookie:
            return self.get_response(request)
        recorded = record.begin(request, cookie)
        if recorded is None:
            return self.get_response(request)
        token = context.current.set(recorded)
        try:
            with record.counting(recorded):
                response: HttpResponseBase = self.get_response(request)
        finally:
            context.current.reset(token)
        record.finish(recorded, response)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
        cookie = request.COOKIES.get(conf.CONTEXT_COOKIE)
        if not cookie:
            return await get_response(request)
        recorded = await sync_to_async(record.begin)(request, cookie)
        if recorded is None:
            return await get_response(request)
        # Connections belong to the thread the sync views and the ORM run in
        # (thread-sensitive sync_to_async), so the counting is installed there.
        counting = await sync_to_async(record.counting)(recorded)
        token = context.current.set(recorded)
        try:
            response = await get_response(request)
        finally:
            context.current.reset(token)
            await sync_to_async(counting.close)()
        await sync_to_async(record.finish)(recorded, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        record.exception_raised(exception)
