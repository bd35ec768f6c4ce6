"""Every failure as `{"error": code, "message": text}` with a 4xx status; never a 500 page."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from server.errors import QueueError, ServiceClosed, StorageError

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATUS_BY_CODE = {
    "unknown_service": 404,
    "unknown_counter": 404,
    "unknown_ticket": 404,
    "queue_empty": 404,
    "service_closed": 409,
    "no_current_ticket": 409,
    "counter_paused": 409,
    "invalid_state": 409,
    "not_serving_service": 409,
    "not_served_here": 409,
    "forbidden": 403,
}
HTTP_CODES = {
    404: ("not_found", "no such endpoint; see /api/v1/health"),
    405: ("method_not_allowed", "this method is not allowed here"),
    413: ("body_too_large", "the request body is larger than 64 KiB"),
}


class ApiFailure(Exception):
    """Raised by handlers for request problems (bad JSON, auth) with a status and a code."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def error_body(code: str, message: str, **extra: Any) -> bytes:
    """The JSON of an error; also when a message quotes input that is not valid Unicode."""
    body = {"error": code, "message": message, **extra}
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a decoded URL: escaped instead
        return json.dumps(body).encode("ascii")


def error_response(status: int, code: str, message: str, **extra: Any) -> web.Response:
    return web.Response(
        status=status,
        body=error_body(code, message, **extra),
        content_type="application/json",
        charset="utf-8",
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Exception as exc:
        if request.writer.output_size > 0:
            # a WebSocket or a stream had begun: an HTTP error written now would land inside
            # it; aiohttp closes the connection instead
            log.exception("error after the answer began on %s %s", request.method, request.path)
            raise
        return answer_for(request, exc)


def answer_for(request: web.Request, exc: Exception) -> web.Response:
    """The JSON error answer for an exception a handler raised."""
    if isinstance(exc, ApiFailure):
        return error_response(exc.status, exc.code, exc.message, **exc.extra)
    if isinstance(exc, ServiceClosed):
        return error_response(409, exc.code, exc.message, reason=exc.reason)
    if isinstance(exc, QueueError):
        return error_response(STATUS_BY_CODE.get(exc.code, 409), exc.code, exc.message)
    if isinstance(exc, StorageError):
        return error_response(503, "storage_unavailable", str(exc))
    if isinstance(exc, web.HTTPException):
        if exc.status < 400:
            raise exc
        code, message = HTTP_CODES.get(exc.status, ("http_error", exc.reason))
        return error_response(exc.status, code, message)
    log.exception("unexpected error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "internal_error", "unexpected server error (logged)")
