"""`POST /api/v1/counters/{n}/sign-in` and `/sign-out`: a clerk at a counter (server.clerks)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server import clerks
from server.auth import authorize
from server.office import Office
from server.storage.port import Role
from server.web import serialize
from server.web.errors import ApiFailure
from server.web.sessions import ACCOUNTS_KEY

OFFICE_KEY = web.AppKey("clerk_office", Office)
MAX_FIELD_LENGTH = 64


def _text(body: dict[str, Any], name: str, label: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_FIELD_LENGTH:
        raise ApiFailure(
            400, "bad_request", f"{label} harus diisi (teks, paling banyak {MAX_FIELD_LENGTH})."
        )
    return value.strip()


async def sign_in(request: web.Request) -> web.Response:
    from server.web.routes import int_segment, json_response, read_object

    number = int_segment(request, "number")
    authorize(request, Role.COUNTER, counter=number)
    office = request.app[OFFICE_KEY]
    office.day.counter(number)  # unknown counter -> 404 before reading the body
    body = await read_object(request)
    name = _text(body, "name", "Nama")
    pin = _text(body, "pin", "PIN")
    accounts = request.app[ACCOUNTS_KEY]
    try:
        counter = await clerks.sign_in(office, accounts, number, name, pin, request.remote or "")
    except clerks.SignInRefused as exc:
        raise ApiFailure(exc.status, exc.code, exc.message) from exc
    return json_response(serialize.counter_message(office.day, counter))


async def sign_out(request: web.Request) -> web.Response:
    from server.web.routes import int_segment, json_response

    number = int_segment(request, "number")
    authorize(request, Role.COUNTER, counter=number)
    office = request.app[OFFICE_KEY]
    counter = await clerks.sign_out(office, number)
    return json_response(serialize.counter_message(office.day, counter))


def setup_clerk_api(app: web.Application, office: Office, prefix: str) -> None:
    """Register the routes (before the generic `/counters/{n}/{action}` one)."""
    app[OFFICE_KEY] = office
    app.router.add_post(f"{prefix}/counters/{{number}}/sign-in", sign_in)
    app.router.add_post(f"{prefix}/counters/{{number}}/sign-out", sign_out)
