"""Web pages: the visitor's phone page `/t/{id}?key=…`, its live feed and static files.

Pages are Jinja2 templates with autoescape on; scripts and styles are static files of
this package (no inline script, no CDN), served with a strict Content-Security-Policy.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from server.domain.model import Ticket
from server.domain.queue import QueueDay
from server.web.errors import ApiFailure
from server.web.phone_text import LABELS, Language, ticket_view
from server.web.public_address import phone_base
from server.web.survey_view import phone_survey
from server.web.ticket_feed import RETRY_MS, TicketFeed, TooManyStreams
from server.web.ticket_feed import ticket_json as ticket_json_of

PACKAGE_DIR = Path(__file__).parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
TICKET_FEED_KEY = web.AppKey("ticket_feed", TicketFeed)
STATIC_KEY: web.AppKey[dict[str, StaticFile]] = web.AppKey("static_files")
REFRESH_S = 20  # without JavaScript the page reloads itself this often while it is live
POLL_S = 10  # the script's fallback when a browser has no EventSource or it keeps failing
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; media-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",
}


@dataclass(frozen=True, slots=True)
class StaticFile:
    """One file of `static/`, held in memory with its gzip form and a content hash."""

    body: bytes
    gzipped: bytes
    content_type: str
    version: str


def load_static(directory: Path = STATIC_DIR) -> dict[str, StaticFile]:
    files = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        body = path.read_bytes()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        files[path.name] = StaticFile(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            content_type=content_type,
            version=hashlib.sha256(body).hexdigest()[:12],
        )
    return files


def phone_url(request: web.Request, feed: TicketFeed, ticket_id: int, key: str) -> str:
    """The page a ticket's QR code opens (`check_url` in the API)."""
    base = phone_base(request, feed.office.config.server)
    return f"{base}/t/{ticket_id}?key={key}"


# ------------------------------------------------------------------ handlers


async def _find(request: web.Request) -> tuple[QueueDay, Ticket, bool] | None:
    """The ticket of `/…/{ticket_id}?key=…`: (its day, it, whether it is today's), or None."""
    text = request.match_info["ticket_id"]
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    office = request.app[TICKET_FEED_KEY].office
    day, ticket = await office.find_ticket(int(text))
    key = request.query.get("key", "")
    if ticket is None or not hmac.compare_digest(key.encode(), ticket.key.encode()):
        return None
    return (day or office.day), ticket, day is not None


def _links(ticket: Ticket, language: Language) -> dict[str, str]:
    query = f"key={ticket.key}" + ("&lang=en" if language is Language.ENGLISH else "")
    other = "" if language is Language.ENGLISH else "&lang=en"
    return {
        "switch": f"/t/{ticket.id}?key={ticket.key}{other}",
        "stream": f"/api/v1/tickets/{ticket.id}/stream?{query}",
        "state": f"/t/{ticket.id}/state?{query}",
    }


async def ticket_page(
    request: web.Request,
    survey_error: str | None = None,
    chosen: dict[str, Any] | None = None,
    status: int = 200,
) -> web.Response:
    """The phone page; once the ticket is done, with the SKM survey (or its thank-you)."""
    language = Language.from_query(request.query.get("lang"))
    found = await _find(request)
    if found is None:
        return not_found_page(request, language)
    day, ticket, _ = found
    query = f"key={ticket.key}" + ("&lang=en" if language is Language.ENGLISH else "")
    survey = await phone_survey(request, ticket, str(language), query)
    if survey is not None:
        survey["error"] = survey_error
        survey["chosen"] = chosen or {}
    feed = request.app[TICKET_FEED_KEY]
    ticket_json = ticket_json_of(day, ticket)
    view = ticket_view(ticket_json, feed.office.day.day, feed.names(), language)
    links = _links(ticket, language)
    context: dict[str, Any] = {
        "lang": str(language),
        "labels": LABELS[language],
        "office": feed.office.config.office_name,
        "view": view,
        "links": links,
        "refresh_s": REFRESH_S if view["live"] else None,
        "config": {
            "stream": links["stream"] if view["live"] else None,
            "state": links["state"],
            "poll_ms": POLL_S * 1000,
            "sound": _static_url(request.app, "call.wav"),
            "labels": {name: LABELS[language][name] for name in ("offline", "live", "alerts_on")},
            "view": view,
            "survey": view["live"] or (survey is not None and not survey["answered"]),
        },
        "survey": survey,
    }
    if survey is not None:
        context["config"]["survey_labels"] = survey["labels"]
    response = _render(request, "phone.html", context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found_page(request: web.Request, language: Language) -> web.Response:
    context = {"lang": str(language), "labels": LABELS[language]}
    response = _render(request, "not_found.html", context, status=404)
    response.headers["Cache-Control"] = "no-store"
    return response


async def ticket_state(request: web.Request) -> web.Response:
    """What the stream would send now, once (the script's polling fallback)."""
    found = await _find(request)
    if found is None:
        raise ApiFailure(404, "unknown_ticket", "no ticket with this id and key")
    day, ticket, _ = found
    language = Language.from_query(request.query.get("lang"))
    body = request.app[TICKET_FEED_KEY].message(day, ticket, language)
    return web.Response(
        body=body.removeprefix(b"data: ").rstrip(b"\n"),
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
    )


async def ticket_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events for one ticket: its JSON and texts now and at every change."""
    found = await _find(request)
    if found is None:
        raise ApiFailure(404, "unknown_ticket", "no ticket with this id and key")
    day, ticket, is_today = found
    feed = request.app[TICKET_FEED_KEY]
    language = Language.from_query(request.query.get("lang"))
    first = f"retry: {RETRY_MS}\n\n".encode() + feed.message(day, ticket, language)
    if not is_today:  # an earlier day's ticket never changes again: its history, once
        return web.Response(body=first, headers=SSE_HEADERS)
    try:
        watcher = feed.watch(ticket, language)
    except TooManyStreams as exc:
        raise ApiFailure(
            429, "too_many_streams", f"ticket {exc} has too many open streams; try later"
        ) from exc
    stream = web.StreamResponse(headers=SSE_HEADERS)
    try:
        await stream.prepare(request)
        await stream.write(first)
        while True:
            await watcher.wake.wait()
            watcher.wake.clear()
            if watcher.closed:
                break
            message, watcher.message = watcher.message, None
            await stream.write(message if message is not None else b": ping\n\n")
    except ConnectionResetError:
        pass  # the phone went away; a heartbeat finds out within HEARTBEAT_S
    finally:
        feed.unwatch(watcher)
    return stream


async def static_file(request: web.Request) -> web.Response:
    files = request.app[STATIC_KEY]
    found = files.get(request.match_info["name"])
    if found is None:
        raise ApiFailure(404, "not_found", "no such file")
    headers = {
        "Content-Type": found.content_type,
        # URLs carry the content hash (?v=…): a new version is a new URL
        "Cache-Control": "public, max-age=31536000, immutable"
        if request.query.get("v") == found.version
        else "no-cache",
        "ETag": f'"{found.version}"',
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("If-None-Match") == headers["ETag"]:
        return web.Response(status=304, headers=headers)
    if "gzip" in request.headers.get("Accept-Encoding", "") and len(found.gzipped) < len(
        found.body
    ):
        headers["Content-Encoding"] = "gzip"
        return web.Response(body=found.gzipped, headers=headers)
    return web.Response(body=found.body, headers=headers)


# ------------------------------------------------------------------ setup


def _static_url(app: web.Application, name: str) -> str:
    found = app[STATIC_KEY][name]
    return f"/static/{name}?v={found.version}"


def _render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.enable_compression()
    return response


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    # the ticket's key is in the URL: no Referer may carry it to anyone
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")


def setup_pages(app: web.Application, feed: TicketFeed) -> None:
    """Register the phone page, its feed and the static files on the server's app."""
    app[TICKET_FEED_KEY] = feed
    app[STATIC_KEY] = load_static()
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["static"] = lambda name: _static_url(app, name)
    app.on_response_prepare.append(_security_headers)
    app.on_startup.append(_start_feed)
    app.on_shutdown.append(_stop_feed)
    app.router.add_get("/t/{ticket_id}", ticket_page)
    app.router.add_get("/t/{ticket_id}/state", ticket_state)
    app.router.add_get("/api/v1/tickets/{ticket_id}/stream", ticket_stream)
    app.router.add_get("/static/{name}", static_file)


async def _start_feed(app: web.Application) -> None:
    app[TICKET_FEED_KEY].start()


async def _stop_feed(app: web.Application) -> None:
    await app[TICKET_FEED_KEY].stop()


__all__ = ["TICKET_FEED_KEY", "load_static", "phone_url", "setup_pages"]
