"""Device tokens: who is asking, and ending what a revoked token still holds open.

The `token` CLI changes the tokens from another process; the store counts those changes
(`Store.tokens_version`, one small read). Every request compares the count before it
trusts the cache, so a revoked token is refused from the next request on, and a watcher
compares it every `WATCH_INTERVAL_S` to close that token's open WebSockets with a close
frame (1008, "token revoked") within a second.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import WSCloseCode, web

from server.storage.port import DeviceToken, Role, Store
from server.web.errors import ApiFailure

log = logging.getLogger(__name__)
WATCH_INTERVAL_S = 0.25
CLOSE_TIMEOUT_S = 0.5
MAX_CACHED_TOKENS = 1000
# the shape of every token the store makes (`ant_` + URL-safe base64); anything else is
# refused before it reaches the database (and before it must be encoded to be hashed)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,128}")
REVOKED_REASON = b"token revoked"
SHUTDOWN_REASON = b"server shutting down"


class Authenticator:
    """Looks tokens up (cached), sees the CLI's changes, and tracks each token's sockets."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._version: int | None = None
        self._cache: dict[str, DeviceToken | None] = {}
        self._sockets: dict[int, set[web.WebSocketResponse]] = {}
        self._watcher: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()
        # when each token was last used by this server process (shown in /admin)
        self.last_seen: dict[int, datetime] = {}

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        self._watcher = asyncio.create_task(self._watch(), name="antrian-token-watch")

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
            self._watcher = None

    # ---------------------------------------------------------------- lookups

    def authenticate(self, secret: str) -> DeviceToken | None:
        """The active token with this secret, or None (unknown, revoked or malformed)."""
        if not TOKEN_SHAPE.fullmatch(secret):
            return None
        self._check_for_changes()
        if secret in self._cache:
            token = self._cache[secret]
        else:
            token = self.store.find_token(secret)
            if len(self._cache) >= MAX_CACHED_TOKENS:
                self._cache.clear()
            self._cache[secret] = token
        if token is not None:
            self.last_seen[token.id] = datetime.now(UTC)
        return token

    def connections(self, token_id: int) -> int:
        """How many WebSockets of this token are open now."""
        return len(self._sockets.get(token_id, ()))

    def refresh(self) -> None:
        """See token changes now (after a revoke from /admin: its sockets close at once)."""
        self._check_for_changes()

    def _check_for_changes(self) -> None:
        """Forget the cache when tokens were created or revoked; close revoked sockets."""
        version = self.store.tokens_version()
        if version == self._version:
            return
        self._version = version
        self._cache.clear()
        if not self._sockets:
            return
        revoked = {token.id for token in self.store.list_tokens() if token.revoked_at}
        for token_id in revoked & self._sockets.keys():
            sockets = self._sockets[token_id]
            log.info("token %d was revoked: closing its %d connection(s)", token_id, len(sockets))
            for socket in sockets:
                closing = asyncio.create_task(
                    close_socket(socket, WSCloseCode.POLICY_VIOLATION, REVOKED_REASON)
                )
                self._closing.add(closing)
                closing.add_done_callback(self._closing.discard)

    # ---------------------------------------------------------------- sockets

    def track(self, token: DeviceToken, socket: web.WebSocketResponse) -> Callable[[], None]:
        """Register an open WebSocket under its token; call the result once it is closed."""
        self._sockets.setdefault(token.id, set()).add(socket)

        def untrack() -> None:
            sockets = self._sockets.get(token.id)
            if sockets is not None:
                sockets.discard(socket)
                if not sockets:
                    del self._sockets[token.id]

        return untrack

    async def close_all(self, code: int, reason: bytes) -> None:
        """Close every tracked WebSocket with a close frame (server shutdown)."""
        sockets = [socket for group in self._sockets.values() for socket in group]
        await asyncio.gather(*(close_socket(socket, code, reason) for socket in sockets))

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL_S)
            try:
                self._check_for_changes()
            except Exception:  # loop boundary: a failed read is retried next time
                log.exception("checking the tokens for changes failed")


async def close_socket(socket: web.WebSocketResponse, code: int, reason: bytes) -> None:
    """Send a close frame; a client that does not answer it in time is cut off."""
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT_S):
            await socket.close(code=code, message=reason)
    except (TimeoutError, ConnectionError, RuntimeError):
        pass


# ------------------------------------------------------------------ requests

AUTH_KEY = web.AppKey("authenticator", Authenticator)


def bearer(request: web.Request) -> str | None:
    """The token of `Authorization: Bearer <token>`, or None."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def authorize(request: web.Request, *roles: Role, counter: int | None = None) -> DeviceToken:
    """The request's token if it may do this, else an `ApiFailure` (401 or 403)."""
    secret = bearer(request) or request.query.get("token")
    if not secret:
        raise ApiFailure(
            401, "unauthorized", "a device token is needed: Authorization: Bearer <token>"
        )
    token = request.app[AUTH_KEY].authenticate(secret)
    if token is None:
        raise ApiFailure(401, "unauthorized", "the token is unknown or was revoked")
    if token.role is Role.ADMIN:
        return token
    if roles and token.role not in roles:
        allowed = " or ".join(str(role) for role in roles)
        raise ApiFailure(403, "forbidden", f"this needs a {allowed} token, not {token.role}")
    if counter is not None and token.counter != counter:
        raise ApiFailure(
            403, "forbidden", f"this token belongs to counter {token.counter}, not {counter}"
        )
    return token


def install(app: web.Application, store: Store) -> Authenticator:
    """Give `app` an authenticator that runs, and closes its sockets, with the app."""
    authenticator = Authenticator(store)
    app[AUTH_KEY] = authenticator

    async def start(app: web.Application) -> None:
        await authenticator.start()

    async def close_sockets(app: web.Application) -> None:
        await authenticator.close_all(WSCloseCode.GOING_AWAY, SHUTDOWN_REASON)

    async def stop(app: web.Application) -> None:
        await authenticator.stop()

    app.on_startup.append(start)
    app.on_shutdown.append(close_sockets)
    app.on_cleanup.append(stop)
    return authenticator
