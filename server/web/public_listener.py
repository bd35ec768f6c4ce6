"""What the public listener (phones on a guest Wi-Fi) may reach: the visitor's routes only.

With `[server] public_host` set, `antrian-server` listens on a second address whose
connections are marked `public` (`server/web/protocol.py`). On them only the routes in
`PUBLIC_ROUTES` answer; every other one (the device API, pairing, `/admin`, `/tv`,
`/loket`, `/api/v1/events`, the survey tablet's `/survey/…`) is a 404, as if it did not
exist. Adding a route for visitors is one line in the table.
"""

from __future__ import annotations

from aiohttp import web

from server.web.errors import ApiFailure, Handler

# (method, route pattern as registered); HEAD is allowed wherever GET is
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/t/{ticket_id}"),  # the phone page from the ticket's QR
        ("GET", "/t/{ticket_id}/state"),  # its refresh without JavaScript
        ("GET", "/api/v1/tickets/{ticket_id}"),  # the ticket's JSON (?key=)
        ("GET", "/api/v1/tickets/{ticket_id}/stream"),  # its live feed (server-sent events)
        ("POST", "/api/v1/tickets/{ticket_id}/survey"),  # the SKM survey from the phone
        ("POST", "/t/{ticket_id}/survey"),  # the same as the page's form, without script
        ("GET", "/static/{name}"),  # the page's CSS, script and icon
    }
)


def is_public_route(request: web.Request) -> bool:
    """Whether the route `request` was matched to is one the public listener serves."""
    resource = request.match_info.route.resource
    if resource is None:  # no route matched (a 404 or 405 of the router)
        return False
    method = "GET" if request.method == "HEAD" else request.method
    return (method, resource.canonical) in PUBLIC_ROUTES


def came_through_public_listener(request: web.Request) -> bool:
    return bool(getattr(request.protocol, "public", False))


@web.middleware
async def public_listener_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """404 for every route but the visitor's on a connection of the public listener."""
    if came_through_public_listener(request) and not is_public_route(request):
        raise ApiFailure(404, "not_found", "not served on the public address for phones")
    return await handler(request)
