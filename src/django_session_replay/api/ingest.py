"""The HTTP ingest door's endpoint (docs/protocol.md, "HTTP door")."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from django_session_replay.conf import conf
from django_session_replay.privacy.addresses import client_address
from django_session_replay.transports.http import ingest_http
from django_session_replay.wire.codes import Code

from .router import api
from .schemas import ErrorOut, IngestOut

logger = logging.getLogger(__name__)


@api.post(
    "/ingest",
    auth=None,
    url_name="ingest",
    response={
        200: IngestOut,
        400: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/msgpack": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def ingest_endpoint(request: HttpRequest) -> Any:
    """The HTTP door (navigator.sendBeacon on page hide): see docs/protocol.md."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    too_long = len(length) > 18  # also keeps int() clear of its digit limit
    if (
        not (length.isascii() and length.isdigit())
        or too_long
        or int(length) > conf.MAX_FRAME_BYTES
    ):
        return refused(Code.FRAME_TOO_LARGE, f"body over {conf.MAX_FRAME_BYTES} bytes", [])
    try:
        body = request.body
    except RequestDataTooBig:
        return refused(Code.FRAME_TOO_LARGE, "body too large", [])
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    try:
        address = client_address(
            request.META.get("REMOTE_ADDR"), request.headers.get("X-Forwarded-For")
        )
        result = await ingest_http(body, origin, address)
    except Exception:
        # e.g. the database is down: the recorder keeps the batches and re-sends them
        logger.exception("session replay HTTP ingest failed")
        return refused(Code.SERVER_ERROR, "the batches could not be stored", [])
    if result.error is not None:
        return refused(result.error.code, result.error.msg, result.acked)
    return {"sid": result.session_id, "acked": result.acked}


def refused(code: Code, msg: str, acked: list[int]) -> HttpResponse:
    return JsonResponse({"code": code.text, "msg": msg, "acked": acked}, status=code.http_status)
