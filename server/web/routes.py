"""HTTP API v1 and the /events WebSocket: parse, call the office, serialise."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import msgspec
from aiohttp import WSCloseCode, WSMsgType, web

from client import protocol
from server import __version__, auth
from server.auth import AUTH_KEY, authorize
from server.domain.model import Change
from server.domain.queue import QueueDay
from server.json_text import dumps
from server.office import Office, Performed
from server.record import event_json
from server.storage.port import AccountRole, DeviceToken, Role
from server.web import admin_actions, serialize
from server.web.admin import setup_admin
from server.web.admin_actions import BadReason, clean_reason
from server.web.clerk_api import setup_clerk_api
from server.web.decode import BadJson, decode_json
from server.web.devices_pages import setup_device_pages
from server.web.errors import ApiFailure, Handler, error_middleware
from server.web.events import EventHub, Subscriber
from server.web.feed import DeviceFeed
from server.web.figures import figures_message
from server.web.pages import TICKET_FEED_KEY, phone_url, setup_pages
from server.web.pairing_api import setup_pairing
from server.web.public_listener import public_listener_middleware
from server.web.query import query_int
from server.web.report_pages import setup_report_pages
from server.web.reports_api import setup_reports
from server.web.sessions import api_actor
from server.web.settings_api import setup_settings
from server.web.skm_pages import setup_skm_pages
from server.web.standby_text import standby_message, standby_reason
from server.web.survey_api import setup_survey
from server.web.ticket_feed import TicketFeed

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024
REQUEST_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
PATH_NUMBER = re.compile(r"[0-9]{1,9}")
BODY_TIMEOUT_S = 10.0
API_PREFIX = "/api/v1"
OFFICE_KEY = web.AppKey("office", Office)
HUB_KEY = web.AppKey("hub", EventHub)
LOG_LIMIT_DEFAULT = 1000
LOG_LIMIT_MAX = 10_000
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def json_response(body: Any, status: int = 200) -> web.Response:
    """An answer: a message of `client.protocol`, or plain JSON values."""
    text = protocol.encode_text(body) if isinstance(body, msgspec.Struct) else dumps(body)
    return web.Response(status=status, text=text, headers=JSON_HEADERS)


# ------------------------------------------------------------------ input


async def read_object(request: web.Request, required: bool = True) -> dict[str, Any]:
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            raw = await request.read()
    except TimeoutError as exc:
        raise ApiFailure(
            408, "request_timeout", f"the body did not arrive within {BODY_TIMEOUT_S:g} s"
        ) from exc
    if not raw.strip():
        if required:
            raise ApiFailure(400, "bad_request", "the request needs a JSON object body")
        return {}
    try:
        body = decode_json(raw)
    except BadJson as exc:
        raise ApiFailure(400, "bad_request", f"the body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ApiFailure(400, "bad_request", "the body must be a JSON object")
    return body


def text_field(body: dict[str, Any], name: str) -> str:
    if name not in body:
        raise ApiFailure(400, "bad_request", f"field {name!r} is missing")
    value = body[name]
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise ApiFailure(400, "bad_request", f"field {name!r} must be a short non-empty text")
    return value.strip()


def bool_field(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ApiFailure(400, "bad_request", f"field {name!r} must be true or false")
    return value


def int_segment(request: web.Request, name: str) -> int:
    # str.isdigit() and int() accept Arabic-Indic, fullwidth and superscript digits
    text = request.match_info[name]
    if not PATH_NUMBER.fullmatch(text):
        raise ApiFailure(400, "bad_request", f"{name} must be a whole number of 1-9 digits 0-9")
    return int(text)


# ------------------------------------------------------------------ handlers


async def health(request: web.Request) -> web.Response:
    office = request.app[OFFICE_KEY]
    if office.standby:
        active = office.active_server()
        reason = standby_reason(office.database_reachable, active)
        return json_response(
            {
                "status": "standby",
                "office": office.config.office_name,
                "version": __version__,
                "active": active.as_json() if active is not None else None,
                "reason": reason,
                "message": standby_message(request, reason, active),
            }
        )
    return json_response(
        protocol.Health(
            status="ok",
            office=office.config.office_name,
            version=__version__,
            today=office.day.day,
            timezone=office.config.timezone,
            log_id=office.log_id,
            last_event_id=office.last_event_id,
            ha=office.cluster.as_json() if office.cluster is not None else None,
        )
    )


async def services(request: web.Request) -> web.Response:
    office = request.app[OFFICE_KEY]
    office.tick()
    return json_response(serialize.services_answer(office.day, office.clock()))


async def counters(request: web.Request) -> web.Response:
    office = request.app[OFFICE_KEY]
    office.tick()
    return json_response(protocol.CountersAnswer(serialize.all_counters(office.day)))


# One thread builds snapshots: ten displays reconnecting at once then queue behind each
# other instead of ten threads taking the interpreter's lock from the event loop in turn.
SNAPSHOT_BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="antrian-snapshot")
SNAPSHOT_REUSE_S = 1.0  # a snapshot of the same seq this young is sent again, not rebuilt
_recent_snapshots: weakref.WeakKeyDictionary[Office, tuple[int, float, asyncio.Future[str]]] = (
    weakref.WeakKeyDictionary()
)


def snapshot_later(office: Office) -> tuple[int, Awaitable[str]]:
    """The whole office as it is now: its `seq` at once, its JSON text built on a thread.

    Thousands of waiting tickets take tens of milliseconds to serialise: the state is copied
    here (on the loop, consistent with `seq`), the text built off the loop, and shared by
    every client that asks within a second at the same `seq`.
    """
    now = office.clock()
    office.tick(now)
    seq = office.last_event_id
    loop = asyncio.get_running_loop()
    recent = _recent_snapshots.get(office)
    if recent is not None and recent[0] == seq and loop.time() - recent[1] < SNAPSHOT_REUSE_S:
        return seq, asyncio.shield(recent[2])
    day, log_id = office.day.copy(), office.log_id
    figures = figures_message(office)

    def build() -> str:
        return protocol.encode_text(serialize.snapshot_message(day, now, seq, log_id, figures))

    text = loop.run_in_executor(SNAPSHOT_BUILDER, build)
    _recent_snapshots[office] = (seq, loop.time(), text)
    return seq, asyncio.shield(text)


async def snapshot(request: web.Request) -> web.Response:
    authorize(request)
    _, text = snapshot_later(request.app[OFFICE_KEY])
    return web.Response(text=await text, headers=JSON_HEADERS)


async def set_service_closed(request: web.Request) -> web.Response:
    """Close a service (optionally `{"reason": "…"}`, shown on the kiosk and TV) or open it."""
    actor = api_actor(request, AccountRole.SUPERVISOR)
    code = request.match_info["code"]
    closed = request.match_info["action"] == "close"
    office = request.app[OFFICE_KEY]
    office.day.service_config(code)  # an unknown service is a 404 before the body is read
    reason = None
    if closed:
        try:
            reason = clean_reason((await read_object(request, required=False)).get("reason"))
        except BadReason as exc:
            raise ApiFailure(400, "bad_request", str(exc)) from exc
    await admin_actions.set_service_closed(request.app, actor, code, closed, reason)
    return json_response(serialize.service_message(office.day, code, office.clock()))


def request_key(request: web.Request, token: DeviceToken, value: object) -> str | None:
    """The device's key for one logical request, scoped to its token; None when absent."""
    if value is None:
        return None
    if not isinstance(value, str) or not REQUEST_KEY.fullmatch(value):
        raise ApiFailure(
            400, "bad_request", "Idempotency-Key must be 8-64 letters, digits, '-' or '_'"
        )
    return f"{token.id}:{value}"


def check_url(request: web.Request, office: Office, ticket_id: int, key: str) -> str:
    return phone_url(request, request.app[TICKET_FEED_KEY], ticket_id, key)


async def issue_ticket(request: web.Request) -> web.Response:
    token = authorize(request, Role.KIOSK)
    body = await read_object(request)
    code = text_field(body, "service").upper()
    priority = bool_field(body, "priority", False)
    scoped_key = request_key(request, token, request.headers.get("Idempotency-Key"))
    office = request.app[OFFICE_KEY]
    earlier = office.day.issued_for(scoped_key) if scoped_key is not None else None
    if earlier is not None:
        # the same request again (the kiosk never got the answer): the same ticket, once
        # it is on disk, and nothing issued twice
        await office.flush()
        answer = msgspec.structs.replace(
            serialize.ticket_message(office.day, earlier),
            check_url=check_url(request, office, earlier.id, earlier.key),
        )
        response = json_response(answer, status=201)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    performed = await office.perform(
        lambda day, now: day.issue(code, priority, now, request_key=scoped_key, issued_by=token.id)
    )
    ticket = performed.ticket
    answer = msgspec.structs.replace(
        serialize.ticket_message(office.day, ticket),
        check_url=check_url(request, office, ticket.id, ticket.key),
    )
    return json_response(answer, status=201)


async def void_by_request_key(request: web.Request) -> web.Response:
    """Void the ticket a request issued, when the kiosk never learnt its number."""
    token = authorize(request, Role.KIOSK)
    body = await read_object(request)
    scoped_key = request_key(request, token, body.get("request_key"))
    if scoped_key is None:
        raise ApiFailure(400, "bad_request", "field 'request_key' is missing")
    office = request.app[OFFICE_KEY]
    ticket = office.day.issued_for(scoped_key)
    if ticket is None:
        raise ApiFailure(404, "unknown_ticket", "no ticket was issued today for this request")
    ticket_id = ticket.id
    return await _perform_ticket(request, lambda day, now: day.void(ticket_id, now))


async def void_ticket(request: web.Request) -> web.Response:
    """A kiosk voids only the tickets it issued; an admin any waiting ticket."""
    token = authorize(request, Role.KIOSK)
    ticket_id = int_segment(request, "ticket_id")
    owner = None if token.role is Role.ADMIN else token.id
    return await _perform_ticket(
        request, lambda day, now: day.void(ticket_id, now, issued_by=owner)
    )


async def ticket_status(request: web.Request) -> web.Response:
    ticket_id = int_segment(request, "ticket_id")
    office = request.app[OFFICE_KEY]
    day, ticket = await office.find_ticket(ticket_id)
    key = request.query.get("key", "")
    if ticket is None or not hmac.compare_digest(key.encode(), ticket.key.encode()):
        raise ApiFailure(404, "unknown_ticket", "no ticket with this id and key")
    if day is None:  # an earlier day's ticket: its history, no live position
        day = office.day
    return json_response(serialize.ticket_message(day, ticket))


CounterAction = Callable[[QueueDay, int, datetime, dict[str, str]], Change]
COUNTER_ACTIONS: dict[str, CounterAction] = {
    "next": lambda day, number, now, body: day.call_next(number, now),
    "call": lambda day, number, now, body: day.call_number(number, body["number"], now),
    "recall": lambda day, number, now, body: day.recall(number, now),
    "done": lambda day, number, now, body: day.finish(number, now),
    "no-show": lambda day, number, now, body: day.no_show(number, now),
    "pause": lambda day, number, now, body: day.set_paused(number, True),
    "resume": lambda day, number, now, body: day.set_paused(number, False),
    "transfer": lambda day, number, now, body: day.transfer(number, body["service"], now),
    "requeue": lambda day, number, now, body: day.requeue(number, body["number"], now),
}


async def counter_action(request: web.Request) -> web.Response:
    number = int_segment(request, "number")
    action = request.match_info["action"]
    if action not in COUNTER_ACTIONS:
        raise ApiFailure(404, "not_found", f"unknown counter action {action!r}")
    authorize(request, Role.COUNTER, counter=number)
    office = request.app[OFFICE_KEY]
    office.day.counter(number)  # unknown counter -> 404 before reading the body
    body: dict[str, str] = {}
    if action == "transfer":
        body = {"service": text_field(await read_object(request), "service").upper()}
    elif action in {"requeue", "call"}:
        body = {"number": text_field(await read_object(request), "number")}
    perform = COUNTER_ACTIONS[action]
    performed = await office.perform(lambda day, now: perform(day, number, now, body))
    if action in {"pause", "resume"}:
        counter = performed.change.counter
        assert counter is not None
        return json_response(serialize.counter_message(office.day, counter))
    return ticket_answer(office, performed)


def ticket_answer(office: Office, performed: Performed) -> web.Response:
    return json_response(serialize.ticket_message(office.day, performed.ticket))


async def _perform_ticket(request: web.Request, action: Any) -> web.Response:
    office = request.app[OFFICE_KEY]
    return ticket_answer(office, await office.perform(action))


# ------------------------------------------------------------------ events


def after_id(request: web.Request) -> int | None:
    """`?after=ID` of a client resuming its stream; None when absent or for another log."""
    text = request.query.get("after")
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 15:
        raise ApiFailure(400, "bad_request", "after must be an event id (a whole number)")
    wanted_log = request.query.get("log")
    if wanted_log is not None and wanted_log != request.app[OFFICE_KEY].log_id:
        return None  # another database (restored, re-installed): start from a snapshot
    return int(text)


async def events(request: web.Request) -> web.StreamResponse:
    token = authorize(request)
    office = request.app[OFFICE_KEY]
    hub = request.app[HUB_KEY]
    resume_after = after_id(request)
    socket = web.WebSocketResponse(heartbeat=20.0, max_msg_size=MAX_BODY_BYTES)
    await socket.prepare(request)
    untrack = request.app[AUTH_KEY].track(token, socket)
    # what the client missed, when this server still has all of it; else a snapshot
    replay = hub.replay_after(resume_after) if resume_after is not None else None
    if replay is not None:
        first: list[str] = replay
        subscriber = hub.subscribe(after_seq=hub.published_seq)
    else:
        seq, text = snapshot_later(office)
        subscriber = hub.subscribe(after_seq=seq)
        first = [await text]
    sender = asyncio.create_task(_send_events(socket, office, subscriber, first))
    try:
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            try:
                wanted = decode_json(message.data)
            except BadJson:
                continue  # a client's garbage is ignored; the stream goes on
            if isinstance(wanted, dict) and wanted.get("type") == "resync":
                hub.send_snapshot_instead(subscriber)  # the client asked to resync
    finally:
        untrack()
        hub.unsubscribe(subscriber)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
    return socket


async def _send_events(
    socket: web.WebSocketResponse, office: Office, subscriber: Subscriber, first: list[str]
) -> None:
    try:
        for text in first:
            await socket.send_str(text)
        while True:
            queued = await subscriber.queue.get()
            if queued is None or subscriber.needs_snapshot:
                while not subscriber.queue.empty():
                    subscriber.queue.get_nowait()
                subscriber.after_seq, pending = snapshot_later(office)
                subscriber.needs_snapshot = False
                await socket.send_str(await pending)
            else:
                await socket.send_str(queued)
    except (ConnectionResetError, RuntimeError):
        await socket.close()


async def office_log(request: web.Request) -> web.Response:
    """The office's record after an event id, oldest first (the city, backups, audits)."""
    authorize(request, Role.ADMIN, Role.CENTRAL)
    office = request.app[OFFICE_KEY]
    after = query_int(request, "after", 0, maximum=10**15)
    limit = query_int(request, "limit", LOG_LIMIT_DEFAULT, maximum=LOG_LIMIT_MAX, minimum=1)
    found = await office.events_after(after, limit)
    head = await office.head_event_id()
    name = office.config.office_name
    return json_response(
        {
            "log_id": office.log_id,
            "events": [event_json(event, name) for event in found],
            "last_id": found[-1].id if found else after,
            "head_id": head,
        }
    )


# ------------------------------------------------------------------ app


@web.middleware
async def standby_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A standby writes nothing and serves nothing but its health: it says who is active."""
    office = request.app[OFFICE_KEY]
    if office.standby and request.path != f"{API_PREFIX}/health":
        active = office.active_server()
        url = active.url if active is not None else None
        if url and request.method == "GET" and not request.path.startswith(API_PREFIX):
            # a page (/t/ on a phone, /tv, /loket, /admin): the same one on the active server
            raise web.HTTPFound(url.rstrip("/") + request.path_qs)
        reason = standby_reason(office.database_reachable, active)
        raise ApiFailure(
            503, "standby", standby_message(request, reason, active), reason=reason,
            active_url=active.url if active is not None else None,
        )  # fmt: skip
    return await handler(request)


STANDBY_REASON = b"server is a standby"
_closing_standby_sockets: set[asyncio.Task[None]] = set()


def _follow_role(app: web.Application) -> None:
    """A server that lost the lease closes its WebSockets: the devices look for the new one.
    One that took over numbers its device messages on from the record, as at start."""
    if not app[OFFICE_KEY].standby:
        _number_feed_from_record(app)
        return
    closing = asyncio.get_running_loop().create_task(
        app[AUTH_KEY].close_all(WSCloseCode.GOING_AWAY, STANDBY_REASON)
    )
    _closing_standby_sockets.add(closing)
    closing.add_done_callback(_closing_standby_sockets.discard)


def create_app(office: Office) -> web.Application:
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        # the public listener's 404s come before a standby's redirects
        middlewares=[error_middleware, public_listener_middleware, standby_middleware],
    )
    app[OFFICE_KEY] = office
    auth.install(app, office.store)
    hub = EventHub()
    app[HUB_KEY] = hub
    office.feed = DeviceFeed(hub)
    office.role_changed.append(lambda: _follow_role(app))
    app.on_startup.append(_start_feed)
    setup_survey(app, office)  # the SKM survey: before /counters/{n}/{action} takes "survey"
    app.router.add_get(f"{API_PREFIX}/health", health)
    app.router.add_get(f"{API_PREFIX}/services", services)
    app.router.add_post(f"{API_PREFIX}/services/{{code}}/{{action:close|open}}", set_service_closed)
    app.router.add_post(f"{API_PREFIX}/tickets", issue_ticket)
    app.router.add_post(f"{API_PREFIX}/tickets/void", void_by_request_key)
    app.router.add_post(f"{API_PREFIX}/tickets/{{ticket_id}}/void", void_ticket)
    app.router.add_get(f"{API_PREFIX}/tickets/{{ticket_id}}", ticket_status)
    app.router.add_get(f"{API_PREFIX}/counters", counters)
    setup_clerk_api(app, office, API_PREFIX)  # a clerk signs in at a counter, and out
    app.router.add_post(f"{API_PREFIX}/counters/{{number}}/{{action}}", counter_action)
    app.router.add_get(f"{API_PREFIX}/snapshot", snapshot)
    app.router.add_get(f"{API_PREFIX}/events", events)
    app.router.add_get(f"{API_PREFIX}/log", office_log)
    setup_pages(app, TicketFeed(office, hub))  # the phone page /t/{id}, its feed, static files
    setup_pairing(app, office)  # /api/v1/pairings: a new device gets its token
    setup_device_pages(app)  # the browser TV /tv and counter /loket, their voice clips
    setup_report_pages(app, office)  # /api/v1/reports/monthly, XLSX downloads, /admin/reports
    setup_skm_pages(app, office)  # /admin/skm (before /admin's catch-all)
    setup_admin(app, office)  # /admin: sessions, CSRF, dashboard, devices, accounts, audit
    setup_settings(app, office)  # /api/v1/settings: read and replace the office settings
    setup_reports(app, office)  # /api/v1/reports/visits and /summary: JSON or CSV
    return app


async def _start_feed(app: web.Application) -> None:
    _number_feed_from_record(app)


def _number_feed_from_record(app: web.Application) -> None:
    # resumable from the last stored event: a display that saw it misses nothing
    feed = app[OFFICE_KEY].feed
    hub = app[HUB_KEY]
    hub.published_seq = app[OFFICE_KEY].last_event_id
    if isinstance(feed, DeviceFeed):
        feed.last_device_seq = hub.published_seq


__all__ = ["HUB_KEY", "OFFICE_KEY", "create_app"]
