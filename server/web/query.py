"""Whole numbers from a request's query string or path, read defensively.

ASCII digits only (`int()` would take Arabic-Indic or full-width digits, `isdigit()`
superscripts), a bounded length, so no huge integer is ever parsed. Used by the office's
`/api/v1/log` and by the central's city API alike.
"""

from __future__ import annotations

from aiohttp import web

from server.web.errors import ApiFailure

MAX_DIGITS = 16
HUGE = 10**9  # a bound past this is no limit to a person: "0 atau lebih"


def whole_number(text: str, digits: int = MAX_DIGITS) -> int | None:
    """`text` as a whole number if it is 1 to `digits` ASCII digits; else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > digits:
        return None
    return int(text)


def query_int(request: web.Request, name: str, default: int, maximum: int, minimum: int = 0) -> int:
    """The query parameter `name` (`default` when absent), else 400 `bad_request`."""
    text = request.query.get(name)
    if text is None:
        return default
    value = whole_number(text)
    if value is None or not minimum <= value <= maximum:
        allowed = f"dari {minimum} sampai {maximum}" if maximum < HUGE else f"{minimum} atau lebih"
        raise ApiFailure(400, "bad_request", f"'{name}' harus bilangan bulat {allowed}.")
    return value
