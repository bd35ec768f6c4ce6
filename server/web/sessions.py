"""Sessions of people signed in at /admin, CSRF protection, and who is asking.

A session is a random id in a cookie (`HttpOnly; SameSite=Strict; Path=/`, `Secure` only
when the request came over HTTPS: offices run plain HTTP on the LAN). Sessions live in the
server's memory: a restart signs everyone out. A session ends after `IDLE_TIMEOUT_S`
without a request, after `MAX_AGE_S` in any case, at sign-out, and when its account is
disabled (also by the `user` CLI).

Every browser that opens the sign-in page gets a session (not yet signed in) with its own
CSRF token, so the sign-in form is protected too; signing in replaces the session id.
Every unsafe request that carries the cookie needs that token, as the form field `csrf` or
the header `X-CSRF-Token`, else 403. A request with `Authorization: Bearer` is judged by
its token alone (a browser cannot add that header to a forged request).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware

from server.accounts import Accounts
from server.auth import authorize, bearer
from server.storage.port import Account, AccountRole, Role
from server.web.errors import ApiFailure, Handler

COOKIE = "antrian_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
IDLE_TIMEOUT_S = 30 * 60
MAX_AGE_S = 12 * 3600  # one long working day
MAX_SESSIONS = 10_000
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ACCOUNTS_KEY = web.AppKey("accounts", Accounts)


@dataclass(slots=True)
class Session:
    """One browser's session: its CSRF token and, once signed in, its account."""

    id: str
    csrf: str
    created: float
    last_seen: float
    account_id: int | None = None
    account: Account | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks for a supervisor's or admin's action: a person or an admin device token."""

    name: str
    role: str  # an AccountRole, or "admin" for an admin token
    session: Session | None = None

    @property
    def label(self) -> str:
        return self.name


class Sessions:
    """The sessions of this server process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def new(self, account: Account | None = None) -> Session:
        now = self._clock()
        if len(self._sessions) >= MAX_SESSIONS:
            self._forget_oldest()
        session = Session(
            id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), created=now,
            last_seen=now, account_id=account.id if account else None, account=account,
        )  # fmt: skip
        self._sessions[session.id] = session
        return session

    def find(self, session_id: str | None) -> Session | None:
        """The live session with this id (and it counts as used now), or None."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self._clock()
        if now - session.last_seen > IDLE_TIMEOUT_S or now - session.created > MAX_AGE_S:
            del self._sessions[session_id]
            return None
        session.last_seen = now
        return session

    def end(self, session: Session) -> None:
        self._sessions.pop(session.id, None)

    def _forget_oldest(self) -> None:
        # anonymous sessions (sign-in pages opened) go first, then the least recently used
        ordered = sorted(
            self._sessions.values(),
            key=lambda session: (session.account_id is not None, session.last_seen),
        )
        for session in ordered[: max(1, len(ordered) // 10)]:
            del self._sessions[session.id]


SESSIONS_KEY = web.AppKey("sessions", Sessions)
REQUEST_SESSION_KEY = web.RequestKey("session", Session)


def set_cookie(request: web.Request, response: web.StreamResponse, session: Session) -> None:
    response.set_cookie(
        COOKIE, session.id, path="/", httponly=True, samesite="Strict",
        secure=request.secure or None, max_age=MAX_AGE_S,
    )  # fmt: skip


def clear_cookie(request: web.Request, response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/", secure=request.secure or None, samesite="Strict")


def current_session(request: web.Request) -> Session | None:
    """The request's live session; with `account` set (and still active) when signed in."""
    if REQUEST_SESSION_KEY in request:
        return request[REQUEST_SESSION_KEY]
    session = request.app[SESSIONS_KEY].find(request.cookies.get(COOKIE))
    if session is not None and session.account_id is not None:
        session.account = request.app[ACCOUNTS_KEY].active(session.account_id)
        if session.account is None:  # disabled meanwhile: the session ends
            request.app[SESSIONS_KEY].end(session)
            session = None
    if session is not None:
        request[REQUEST_SESSION_KEY] = session
    return session


def signed_in(request: web.Request) -> Account | None:
    session = current_session(request)
    return session.account if session is not None else None


ROLE_RANK = {AccountRole.CLERK: 0, AccountRole.SUPERVISOR: 1, AccountRole.ADMIN: 2}


def may(account: Account, needed: AccountRole) -> bool:
    """Whether `account` may do what `needed` may (an admin may do all a supervisor may)."""
    return ROLE_RANK[account.role] >= ROLE_RANK[needed]


def api_actor(request: web.Request, needed: AccountRole = AccountRole.SUPERVISOR) -> Actor:
    """For a JSON endpoint: an admin device token, or a signed-in person of the role."""
    if bearer(request) or "token" in request.query:
        token = authorize(request, Role.ADMIN)
        return Actor(name=f"token {token.name}", role=str(Role.ADMIN))
    session = current_session(request)
    account = session.account if session is not None else None
    if session is None or account is None:
        raise ApiFailure(401, "unauthorized", "sign in at /admin or send an admin device token")
    if not may(account, needed):
        raise ApiFailure(403, "forbidden", f"this needs a {needed} account, not {account.role}")
    return Actor(name=account.name, role=str(account.role), session=session)


async def csrf_token_of(request: web.Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        form = await request.post()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


CsrfRefused = Callable[[web.Request], web.StreamResponse]


def csrf_middleware(refused_page: CsrfRefused) -> Middleware:
    """Refuse an unsafe request that carries the session cookie without its CSRF token."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method in UNSAFE_METHODS and COOKIE in request.cookies and not bearer(request):
            session = current_session(request)
            given = await csrf_token_of(request)
            if session is None or not hmac.compare_digest(given.encode(), session.csrf.encode()):
                if request.path.startswith("/api/"):
                    raise ApiFailure(
                        403, "csrf", "the CSRF token is missing or wrong: reload the page"
                    )
                return refused_page(request)
        return await handler(request)

    return middleware


def install(app: web.Application, accounts: Accounts, refused_page: CsrfRefused) -> None:
    app[ACCOUNTS_KEY] = accounts
    app[SESSIONS_KEY] = Sessions()
    app.middlewares.append(csrf_middleware(refused_page))
