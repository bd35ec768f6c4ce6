"""The HTTP connection layer: timeouts, connection caps and JSON for the parser's errors.

aiohttp answers what its HTTP parser refuses (a header without a colon, a 10 KB line,
TLS bytes on the plain port) with a text/plain 400 before any middleware runs, and
keeps a silent or slowly-typing connection for an hour. `GuardedRunner` is an
`AppRunner` whose connections

- answer every error as `{"error": code, "message": text}`,
- are closed when idle for `KEEPALIVE_TIMEOUT_S`, before the first request as after one
  (aiohttp's keep-alive timer also ends a request whose headers are still arriving),
- count per client address (`[server] max_connections_per_address`, 256 by default) and
  in total (below the process's open-file limit): beyond either, a new connection is
  answered 429/503 and closed at once, so a flood of connections never takes the
  server's last file descriptor and every other device is still answered,
- know which listener they came through: a `ListenerSite(public=True)` (the guest Wi-Fi
  address) marks its connections `public`, and `server/web/public_listener.py` answers
  only the visitor's routes on them.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from http import HTTPStatus
from typing import Any, cast

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from server.web.access_log import redact_text
from server.web.errors import error_body, error_response

log = logging.getLogger(__name__)
# longer than aiohttp clients keep an idle connection (15 s): the client lets go first,
# so it never sends a request on a connection the server is just closing
KEEPALIVE_TIMEOUT_S = 20.0
MAX_CONNECTIONS_PER_CLIENT = 256
# descriptors kept for the database, the log, zeroconf and accept() itself
RESERVED_FILES = 64
FALLBACK_MAX_CONNECTIONS = 4096

ERROR_CODES = {
    400: "bad_request",
    408: "request_timeout",
    413: "body_too_large",
    414: "bad_request",
    431: "bad_request",
    500: "internal_error",
    504: "timeout",
}


def open_file_limit() -> int | None:
    """The process's soft limit of open files, None where there is no such limit."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def raise_open_file_limit(wanted: int) -> int | None:
    """Raise the soft open-file limit towards `wanted` (never above the hard limit)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            log.warning("cannot raise the open-file limit from %d to %d", soft, target)
    return open_file_limit()


def default_max_connections() -> int:
    limit = open_file_limit()
    if limit is None:
        return FALLBACK_MAX_CONNECTIONS
    return max(16, limit - RESERVED_FILES)


def json_error_bytes(status: int, code: str, message: str) -> bytes:
    body = error_body(code, message)
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedRequestHandler(RequestHandler):
    """One connection: counted against its client's cap, errors answered as JSON."""

    __slots__ = ("_client", "public")
    _client: str | None
    public: bool  # came through the public (guest Wi-Fi) listener

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        manager = self._manager
        assert isinstance(manager, GuardedServer)
        peer = transport.get_extra_info("peername")
        client = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        refusal = manager.admit(client)
        if refusal is not None:
            self._client = None
            self._manager = None  # never registered: nothing to shut down or release
            writable = cast(asyncio.Transport, transport)  # uvloop's are not subclasses
            writable.write(refusal)
            writable.close()
            return
        self._client = client
        super().connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        manager = self._manager
        if isinstance(manager, GuardedServer) and self._client is not None:
            manager.release(self._client)
            self._client = None
        super().connection_lost(exc)

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """The parser's and aiohttp's own errors, as the API's JSON (never a traceback)."""
        if request.writer.output_size > 0:
            # e.g. a WebSocket handler failed after the upgrade (error_middleware logged it):
            # no HTTP answer inside the socket; aiohttp closes the connection
            raise ConnectionError("the answer had begun; the error cannot be sent")
        if status >= 500:
            self.log_exception("Error handling request from %s", request.remote, exc_info=exc)
        else:
            # bad HTTP from a client is its problem, not a server fault worth a traceback
            detail = redact_text(str(message or exc))
            log.debug("refused a malformed request from %s: %s", request.remote, detail)
        code = ERROR_CODES.get(status, "http_error")
        if status >= 500:
            text = "unexpected server error (logged)"
        else:
            detail = (message or HTTPStatus(status).phrase).splitlines()[0][:200]
            text = f"the request is not valid HTTP: {detail}"
        response = error_response(status, code, text)
        response.force_close()
        return response


class GuardedServer(web.Server):
    """aiohttp's connection manager, making `GuardedRequestHandler`s and keeping counts."""

    def __init__(
        self,
        *arguments: Any,
        max_per_client: int = MAX_CONNECTIONS_PER_CLIENT,
        max_connections: int | None = None,
        **options: Any,
    ) -> None:
        super().__init__(*arguments, **options)
        self.max_per_client = max_per_client
        self.max_connections = max_connections or default_max_connections()
        self.per_client: collections.Counter[str] = collections.Counter()
        self.open_connections = 0
        self.refused = 0
        self._refusals_logged = 0

    def __call__(self) -> RequestHandler:
        return self.handler(public=False)

    def public_handler(self) -> RequestHandler:
        return self.handler(public=True)

    def handler(self, public: bool) -> GuardedRequestHandler:
        connection = GuardedRequestHandler(self, loop=self._loop, **self._kwargs)
        connection.public = public
        return connection

    def admit(self, client: str) -> bytes | None:
        """None to let the connection in, else the answer that refuses it."""
        if self.open_connections >= self.max_connections:
            refusal = json_error_bytes(
                503, "too_many_connections", "the server has too many open connections"
            )
        elif self.per_client[client] >= self.max_per_client:
            refusal = json_error_bytes(
                429,
                "too_many_connections",
                f"at most {self.max_per_client} connections from one address",
            )
        else:
            self.per_client[client] += 1
            self.open_connections += 1
            return None
        self.refused += 1
        if self.refused in (1, 10, 100, 1000) or self.refused % 10000 == 0:
            log.warning(
                "refused %d connection(s) so far (last from %s; %d open)",
                self.refused, client or "?", self.open_connections,
            )  # fmt: skip
        return refusal

    def release(self, client: str) -> None:
        self.open_connections -= 1
        self.per_client[client] -= 1
        if self.per_client[client] <= 0:
            del self.per_client[client]


class GuardedRunner(web.AppRunner):
    """An `AppRunner` whose connections are `GuardedRequestHandler`s (see the module)."""

    def __init__(
        self,
        app: web.Application,
        *,
        max_per_client: int = MAX_CONNECTIONS_PER_CLIENT,
        max_connections: int | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("keepalive_timeout", KEEPALIVE_TIMEOUT_S)
        super().__init__(app, **options)
        self.max_per_client = max_per_client
        self.max_connections = max_connections

    async def _make_server(self) -> web.Server:
        # the app's own server (after its start-up hooks ran), rebuilt with our handler
        plain = await super()._make_server()
        return GuardedServer(
            plain.request_handler,
            request_factory=plain.request_factory,
            handler_cancellation=plain.handler_cancellation,
            loop=asyncio.get_running_loop(),
            max_per_client=self.max_per_client,
            max_connections=self.max_connections,
            **plain._kwargs,
        )


class ListenerSite(web.TCPSite):
    """A TCP address of a `GuardedRunner`; `public=True`: the guest Wi-Fi listener, whose
    connections are marked so that only the visitor's routes answer there."""

    __slots__ = ("public",)

    def __init__(self, runner: GuardedRunner, *arguments: Any, public: bool, **options: Any):
        super().__init__(runner, *arguments, **options)
        self.public = public

    async def start(self) -> None:
        if not self.public:
            await super().start()
            return
        await web.BaseSite.start(self)  # registers the site with its runner
        server = self._runner.server
        assert isinstance(server, GuardedServer)
        self._server = await asyncio.get_running_loop().create_server(
            server.public_handler, self._host, self._port, backlog=self._backlog,
            reuse_address=self._reuse_address, reuse_port=self._reuse_port,
        )  # fmt: skip
        sockets = self._server.sockets
        self._bound_port = sockets[0].getsockname()[1] if sockets else self._port
