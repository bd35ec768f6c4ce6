"""The pairing API: a device asks for a code, polls until a supervisor approves it.

`POST /api/v1/pairings` (no token, rate-limited) → `{"id", "code", "expires_at"}`;
`GET /api/v1/pairings/{id}[?wait=S]` (a long poll of at most `MAX_WAIT_S`) → pending, or
the token once; `GET /api/v1/pairings` (admin) lists the pending ones;
`POST /api/v1/pairings/{code}/approve` (admin) makes the token through the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from aiohttp import web

from server.auth import authorize
from server.json_text import dumps
from server.office import Office
from server.pairing import (
    PAIRABLE_ROLES,
    AlreadyApproved,
    Grant,
    Pairing,
    Pairings,
    TooManyPairings,
    UnknownPairing,
    display_code,
)
from server.storage.port import COUNTER_ROLES, Role
from server.web.errors import ApiFailure

log = logging.getLogger(__name__)
MAX_WAIT_S = 25.0
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


class PairingDesk:
    """The server's pairings and a wake-up for each device that long-polls its own."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.pairings = Pairings()
        self._approved: dict[str, asyncio.Event] = {}

    def approved_event(self, pairing: Pairing) -> asyncio.Event:
        return self._approved.setdefault(pairing.id, asyncio.Event())

    def approve(self, pairing: Pairing, grant: Grant, now: datetime) -> None:
        self.pairings.approve(pairing, grant, now)
        self.approved_event(pairing).set()

    def forget(self, pairing: Pairing) -> None:
        self._approved.pop(pairing.id, None)

    async def grant(self, code: str, role: Role, counter: int | None, name: str) -> Pairing:
        """Approve the pending pairing with `code`: make its token (off the event loop).

        Raises UnknownPairing or AlreadyApproved; the caller checked role and counter.
        """
        office = self.office
        now = office.clock()
        pairing = self.pairings.by_code(code, now)
        pairing.approving = True  # a second approval while the token is made is refused
        try:
            # off the loop: on PostgreSQL this is a round trip to the database
            token = await asyncio.to_thread(office.store.create_token, role, name, counter, now)
        finally:
            pairing.approving = False
        self.approve(pairing, Grant(token, role, counter, name), now)
        log.info("pairing %s approved as %s %r", pairing.code, role, name)
        return pairing


PAIRINGS_KEY = web.AppKey("pairings", PairingDesk)


def at_text(office: Office, moment: datetime) -> str:
    return moment.astimezone(office.config.zone).isoformat(timespec="seconds")


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, text=dumps(body), headers=JSON_HEADERS)


def _office(request: web.Request) -> Office:
    return request.app[PAIRINGS_KEY].office


def _pairing_json(request: web.Request, pairing: Pairing) -> dict[str, Any]:
    office = _office(request)
    return {
        "code": pairing.code,
        "code_display": display_code(pairing.code),
        "device": pairing.device,
        "address": pairing.address,
        "created_at": at_text(office, pairing.created_at),
        "expires_at": at_text(office, pairing.expires_at),
    }


async def start_pairing(request: web.Request) -> web.Response:
    from server.web.routes import read_object  # routes registers this module

    body = await read_object(request, required=False)
    device = body.get("device")
    desk = request.app[PAIRINGS_KEY]
    office = _office(request)
    try:
        pairing = desk.pairings.start(
            request.remote or "?", device if isinstance(device, str) else None, office.clock()
        )
    except TooManyPairings as exc:
        raise ApiFailure(429, "too_many_pairings", str(exc)) from exc
    log.info("pairing %s started from %s", pairing.code, pairing.address)
    return _json(
        {
            "id": pairing.id,
            "code": pairing.code,
            "code_display": display_code(pairing.code),
            "expires_at": at_text(office, pairing.expires_at),
        },
        status=201,
    )


async def poll_pairing(request: web.Request) -> web.Response:
    desk = request.app[PAIRINGS_KEY]
    office = _office(request)
    wait_s = _wait_seconds(request)
    try:
        pairing = desk.pairings.find(request.match_info["pairing_id"], office.clock())
        if pairing.grant is None and wait_s > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait_s):
                    await desk.approved_event(pairing).wait()
            pairing = desk.pairings.find(pairing.id, office.clock())
    except UnknownPairing as exc:
        raise ApiFailure(404, "unknown_pairing", str(exc)) from exc
    if pairing.grant is None:
        return _json(
            {
                "status": "pending",
                "code": pairing.code,
                "code_display": display_code(pairing.code),
                "expires_at": at_text(office, pairing.expires_at),
            }
        )
    grant = desk.pairings.collect(pairing)
    desk.forget(pairing)
    log.info("pairing %s collected: token %r (%s)", pairing.code, grant.name, grant.role)
    return _json(
        {
            "status": "approved",
            "token": grant.token,
            "role": str(grant.role),
            "counter": grant.counter,
            "name": grant.name,
        }
    )


def _wait_seconds(request: web.Request) -> float:
    text = request.query.get("wait", "0")
    if not (text.isascii() and text.isdigit()) or len(text) > 3:
        raise ApiFailure(400, "bad_request", "wait must be a whole number of seconds")
    return min(float(text), MAX_WAIT_S)


async def list_pairings(request: web.Request) -> web.Response:
    authorize(request, Role.ADMIN)
    desk = request.app[PAIRINGS_KEY]
    pending = desk.pairings.pending(_office(request).clock())
    return _json({"pairings": [_pairing_json(request, pairing) for pairing in pending]})


async def approve_pairing(request: web.Request) -> web.Response:
    from server.web.routes import read_object, text_field  # routes registers this module

    authorize(request, Role.ADMIN)
    body = await read_object(request)
    role_text = body.get("role")
    roles = {str(role): role for role in PAIRABLE_ROLES}
    if role_text not in roles:
        raise ApiFailure(400, "bad_request", f"field 'role' must be one of {', '.join(roles)}")
    role = roles[str(role_text)]
    name = text_field(body, "name")
    counter = body.get("counter")
    office = _office(request)
    if role in COUNTER_ROLES:
        if isinstance(counter, bool) or not isinstance(counter, int):
            raise ApiFailure(400, "bad_request", "a counter device needs 'counter': its number")
        office.day.counter(counter)  # an unknown counter -> 404 unknown_counter
    elif counter is not None:
        raise ApiFailure(400, "bad_request", "'counter' only goes with the role counter or survey")
    try:
        pairing = await request.app[PAIRINGS_KEY].grant(
            request.match_info["code"], role, counter, name
        )
    except UnknownPairing as exc:
        raise ApiFailure(404, "unknown_pairing", str(exc)) from exc
    except AlreadyApproved as exc:
        raise ApiFailure(409, "already_approved", str(exc)) from exc
    return _json(
        {"code": pairing.code, "role": str(role), "counter": counter, "name": name}, status=201
    )


def setup_pairing(app: web.Application, office: Office) -> None:
    """Register the pairing endpoints on the server's app."""
    app[PAIRINGS_KEY] = PairingDesk(office)
    app.router.add_post("/api/v1/pairings", start_pairing)
    app.router.add_get("/api/v1/pairings", list_pairings)
    app.router.add_get("/api/v1/pairings/{pairing_id}", poll_pairing)
    app.router.add_post("/api/v1/pairings/{code}/approve", approve_pairing)


__all__ = ["PAIRINGS_KEY", "PairingDesk", "setup_pairing"]
