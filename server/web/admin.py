"""/admin: sign-in, the live dashboard, services, devices, accounts and the audit trail.

Pages are server-rendered Jinja2 (autoescape on) and work without JavaScript; the
dashboard's small script (`static/admin.js`) polls `GET /api/v1/admin/dashboard` every 2 s.
Every form carries the session's CSRF token (see `server.web.sessions`). A supervisor sees
the dashboard, opens and closes services and manages devices; an admin also accounts
and the settings (`server.web.admin_settings`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from server.accounts import AccountError, Accounts, Refusal
from server.auth import AUTH_KEY
from server.city import CITY_KEY
from server.json_text import dumps
from server.office import Office
from server.pairing import PAIRABLE_ROLES, AlreadyApproved, UnknownPairing, display_code
from server.storage.port import COUNTER_ROLES, Account, AccountRole
from server.web import admin_actions
from server.web import sessions as session_module
from server.web.admin_actions import OFFICE_KEY, BadReason, clean_reason
from server.web.admin_text import LANGUAGE_COOKIE, TEXTS, date_time_text
from server.web.dashboard import city_text, dashboard
from server.web.pairing_api import PAIRINGS_KEY
from server.web.phone_text import Language
from server.web.sessions import (
    SESSIONS_KEY,
    Actor,
    Session,
    api_actor,
    clear_cookie,
    current_session,
    may,
    set_cookie,
)

POLL_MS = 2000
AUDIT_SHOWN = 200
ADMIN_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NO_STORE = {"Cache-Control": "no-store"}


def language_of(request: web.Request) -> Language:
    if "lang" in request.query:
        return Language.from_query(request.query.get("lang"))
    return Language.from_query(request.cookies.get(LANGUAGE_COOKIE))


def render_page(
    request: web.Request,
    template: str,
    context: Mapping[str, Any],
    texts: Mapping[Language, Mapping[str, str]],
    status: int = 200,
    session: Session | None = None,
    remember_language: bool = False,
    compress: bool = True,
) -> web.Response:
    """A signed-in person's page, of /admin or of the city dashboard (`central.web`):
    `admin/frame.html`'s variables (the language, its `texts`, the account, the CSRF token,
    the path) and `context`, never cached, under ADMIN_CSP. `remember_language`: a `?lang=`
    is kept in the language cookie (the city dashboard's switch; /admin has its own route).
    """
    language = language_of(request)
    session = session or current_session(request)
    account = session.account if session is not None else None
    full = {
        "lang": str(language),
        "t": texts[language],
        "session": session,
        "csrf": session.csrf if session is not None else "",
        "account": account,
        "is_admin": account is not None and account.role is AccountRole.ADMIN,
        "path": request.path,
        **context,
    }
    response = aiohttp_jinja2.render_template(template, request, full, status=status)
    response.headers["Content-Security-Policy"] = ADMIN_CSP
    response.headers.update(NO_STORE)
    if remember_language and "lang" in request.query:
        response.set_cookie(LANGUAGE_COOKIE, str(language), path="/", samesite="Strict")
    if compress:
        response.enable_compression()
    return response


def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any],
    status: int = 200,
    session: Session | None = None,
) -> web.Response:
    return render_page(request, template, context, TEXTS, status, session)


def message_page(request: web.Request, kind: str, status: int) -> web.Response:
    return render(request, "admin/message.html", {"kind": kind}, status=status)


def csrf_refused(request: web.Request) -> web.Response:
    return message_page(request, "csrf", 403)


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, **NO_STORE})


def person(request: web.Request, needed: AccountRole) -> Account | web.Response:
    """The signed-in account if it may do `needed`; else the page to answer with."""
    session = current_session(request)
    account = session.account if session is not None else None
    if account is None:
        return redirect("/admin/login")
    if not may(account, needed):
        return message_page(request, "forbidden", 403)
    return account


def actor_of(account: Account, request: web.Request) -> Actor:
    return Actor(name=account.name, role=str(account.role), session=current_session(request))


async def form_of(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def office_of(request: web.Request) -> Office:
    return request.app[OFFICE_KEY]


# ------------------------------------------------------------------ signing in


def sign_in_page(
    request: web.Request, home: str, page: Callable[[Session], web.Response]
) -> web.Response:
    """The sign-in page `page(session)` renders, with a new session (and its cookie) for a
    first visit, so the form carries a CSRF token; one signed in already goes `home`."""
    session = current_session(request)
    if session is not None and session.account is not None:
        return redirect(home)
    fresh = session is None
    if session is None:
        session = request.app[SESSIONS_KEY].new()
    response = page(session)
    if fresh:
        set_cookie(request, response, session)
    return response


def signed_in(request: web.Request, before: Session, account: Account, home: str) -> web.Response:
    """To `home` with a new session for `account`: an id seen before signing in is worth
    nothing afterwards."""
    request.app[SESSIONS_KEY].end(before)
    response = redirect(home)
    set_cookie(request, response, request.app[SESSIONS_KEY].new(account))
    return response


async def login_page(request: web.Request) -> web.Response:
    return sign_in_page(
        request, "/admin",
        lambda session: render(request, "admin/login.html", {"error": None, "name": ""},
                               session=session),
    )  # fmt: skip


async def login(request: web.Request) -> web.Response:
    session = current_session(request)
    if session is None:  # no cookie at all (an expired one is refused by the CSRF check)
        return csrf_refused(request)
    form = await form_of(request)
    name, password = form.get("name", "")[:200], form.get("password", "")[:1000]
    accounts: Accounts = request.app[session_module.ACCOUNTS_KEY]
    address = request.remote or ""
    answer = await asyncio.to_thread(accounts.sign_in, name, password, address)
    if answer.account is None:
        texts = TEXTS[language_of(request)]
        refusal = answer.refusal or Refusal.WRONG
        minutes = max(1, -(-int(answer.wait_s) // 60))
        error = texts[str(refusal)].format(minutes=minutes)
        status = {Refusal.TOO_MANY: 429, Refusal.CLERK: 403}.get(refusal, 401)
        return render(request, "admin/login.html", {"error": error, "name": name}, status, session)
    response = signed_in(request, session, answer.account, "/admin")
    await admin_actions.audit(
        request.app, Actor(answer.account.name, str(answer.account.role)), "login"
    )
    return response


async def logout(request: web.Request) -> web.Response:
    session = current_session(request)
    if session is not None:
        request.app[SESSIONS_KEY].end(session)
        if session.account is not None:
            await admin_actions.audit(request.app, actor_of(session.account, request), "logout")
    response = redirect("/admin/login")
    clear_cookie(request, response)
    return response


async def switch_language(request: web.Request) -> web.Response:
    language = Language.from_query(request.query.get("to"))
    back = request.query.get("back", "/admin")
    if not back.startswith("/admin") or "//" in back or "\\" in back:
        back = "/admin"
    response = redirect(back)
    response.set_cookie(
        LANGUAGE_COOKIE, str(language), path="/", samesite="Strict", max_age=365 * 86400
    )
    return response


# ------------------------------------------------------------------ dashboard and services


def dashboard_view(request: web.Request, office: Office) -> dict[str, Any]:
    language = language_of(request)
    view = dashboard(office.day, office.clock(), language, office.cluster)
    forwarder = request.app.get(CITY_KEY)
    status = forwarder.status if forwarder is not None else None
    view["city_text"] = city_text(status, office.last_event_id, office.config.zone, language)
    return view


async def dashboard_page(request: web.Request) -> web.Response:
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    office = office_of(request)
    office.tick()
    view = dashboard_view(request, office)
    return render(
        request, "admin/dashboard.html",
        {"view": view, "poll_ms": POLL_MS, "done": request.query.get("done"), "error": None},
    )  # fmt: skip


async def dashboard_json(request: web.Request) -> web.Response:
    api_actor(request, AccountRole.SUPERVISOR)
    office = office_of(request)
    office.tick()
    view = dashboard_view(request, office)
    return web.Response(
        text=dumps(view), content_type="application/json", charset="utf-8", headers=NO_STORE
    )


async def service_action(request: web.Request) -> web.Response:
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    office = office_of(request)
    code = request.match_info["code"]
    if code not in {service.code for service in office.config.services}:
        return message_page(request, "not_found", 404)
    closed = request.match_info["action"] == "close"
    form = await form_of(request)
    try:
        reason = clean_reason(form.get("reason")) if closed else None
    except BadReason:
        view = dashboard(office.day, office.clock(), language_of(request), office.cluster)
        error = TEXTS[language_of(request)]["reason_too_long"]
        return render(
            request, "admin/dashboard.html",
            {"view": view, "poll_ms": POLL_MS, "done": None, "error": error}, status=400,
        )  # fmt: skip
    await admin_actions.set_service_closed(
        request.app, actor_of(account, request), code, closed, reason
    )
    return redirect(f"/admin?done={'closed' if closed else 'opened'}")


# ------------------------------------------------------------------ devices


async def devices_page(request: web.Request) -> web.Response:
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    office = office_of(request)
    language = language_of(request)
    zone = office.config.zone
    authenticator = request.app[AUTH_KEY]
    rows = []
    for token in await asyncio.to_thread(office.store.list_tokens):
        seen = authenticator.last_seen.get(token.id)
        rows.append(
            {
                "token": token,
                "created": date_time_text(token.created_at, zone, language),
                "revoked": date_time_text(token.revoked_at, zone, language),
                "last_seen": date_time_text(seen.isoformat(), zone, language) if seen else "",
                "connected": authenticator.connections(token.id),
            }
        )
    done = request.query.get("done")
    desk = request.app[PAIRINGS_KEY]
    pending = [
        {
            "code": pairing.code,
            "shown": display_code(pairing.code),
            "device": pairing.device or "",
            "address": pairing.address,
            "since": date_time_text(pairing.created_at.isoformat(), zone, language),
        }
        for pairing in desk.pairings.pending(office.clock())
    ]
    counters = [counter.number for counter in office.config.counters]
    return render(
        request, "admin/devices.html",
        {"rows": rows, "done": done, "pending": pending, "counters": counters,
         "roles": [str(role) for role in PAIRABLE_ROLES]},
    )  # fmt: skip


async def approve_pairing(request: web.Request) -> web.Response:
    """A supervisor approves a device that shows this code, choosing what it may do."""
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    form = await form_of(request)
    roles = {str(role): role for role in PAIRABLE_ROLES}
    role = roles.get(form.get("role", ""))
    name = " ".join(form.get("name", "").split())[:64]
    counter: int | None = None
    counter_text = form.get("counter", "").strip()
    if role in COUNTER_ROLES:
        numbers = {counter.number for counter in office_of(request).config.counters}
        if counter_text.isascii() and counter_text.isdigit() and int(counter_text) in numbers:
            counter = int(counter_text)
    if role is None or not name or (role in COUNTER_ROLES and counter is None):
        return redirect("/admin/devices?done=pairing_bad")
    try:
        pairing = await request.app[PAIRINGS_KEY].grant(
            request.match_info["code"], role, counter, name
        )
    except (UnknownPairing, AlreadyApproved):
        return redirect("/admin/devices?done=pairing_gone")
    where = f" {counter}" if counter is not None else ""
    await admin_actions.audit(
        request.app, actor_of(account, request), "device.pair",
        f"{name} ({role}{where}), {display_code(pairing.code)}",
    )  # fmt: skip
    return redirect("/admin/devices?done=paired")


async def revoke_device(request: web.Request) -> web.Response:
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    text = request.match_info["token_id"]
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        return message_page(request, "not_found", 404)
    if not await admin_actions.revoke_device(request.app, actor_of(account, request), int(text)):
        return message_page(request, "not_found", 404)
    return redirect("/admin/devices?done=revoked")


# ------------------------------------------------------------------ accounts (admin)


async def _accounts_page(
    request: web.Request, error: str | None = None, status: int = 200, name: str = ""
) -> web.Response:
    office = office_of(request)
    language = language_of(request)
    zone = office.config.zone
    rows = [
        {
            "account": item,
            "created": date_time_text(item.created_at, zone, language),
            "disabled": date_time_text(item.disabled_at, zone, language),
        }
        for item in await asyncio.to_thread(office.store.list_accounts)
    ]
    context = {
        "rows": rows, "error": error, "done": request.query.get("done"), "name": name,
        "roles": [str(role) for role in AccountRole],
    }  # fmt: skip
    return render(request, "admin/accounts.html", context, status=status)


async def accounts_page(request: web.Request) -> web.Response:
    account = person(request, AccountRole.ADMIN)
    if isinstance(account, web.Response):
        return account
    return await _accounts_page(request)


async def create_account(request: web.Request) -> web.Response:
    account = person(request, AccountRole.ADMIN)
    if isinstance(account, web.Response):
        return account
    form = await form_of(request)
    texts = TEXTS[language_of(request)]
    name = form.get("name", "")[:200]
    if form.get("role") not in {str(role) for role in AccountRole}:
        return await _accounts_page(request, texts["not_found"], 400, name)
    if form.get("password", "") != form.get("password_again", ""):
        return await _accounts_page(request, texts["not_same"], 400, name)
    try:
        await admin_actions.create_account(
            request.app, actor_of(account, request), name, AccountRole(form["role"]),
            form.get("password", ""),
        )  # fmt: skip
    except AccountError as exc:
        return await _accounts_page(request, str(exc), 400, name)
    return redirect("/admin/accounts?done=created")


async def _target_account(request: web.Request) -> Account | None:
    text = request.match_info["account_id"]
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        return None
    found = await asyncio.to_thread(office_of(request).store.list_accounts)
    return next((item for item in found if item.id == int(text)), None)


async def account_action(request: web.Request) -> web.Response:
    account = person(request, AccountRole.ADMIN)
    if isinstance(account, web.Response):
        return account
    target = await _target_account(request)
    if target is None:
        return message_page(request, "not_found", 404)
    texts = TEXTS[language_of(request)]
    actor = actor_of(account, request)
    if request.match_info["action"] == "disable":
        if target.id == account.id:
            return await _accounts_page(request, texts["not_yourself"], 400)
        await admin_actions.disable_account(request.app, actor, target)
        return redirect("/admin/accounts?done=disabled")
    form = await form_of(request)
    if form.get("password", "") != form.get("password_again", ""):
        return await _accounts_page(request, texts["not_same"], 400)
    try:
        await admin_actions.set_password(request.app, actor, target, form.get("password", ""))
    except AccountError as exc:
        return await _accounts_page(request, str(exc), 400)
    return redirect("/admin/accounts?done=password")


# ------------------------------------------------------------------ audit trail


async def audit_page(request: web.Request) -> web.Response:
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    office = office_of(request)
    language = language_of(request)
    entries = await asyncio.to_thread(office.store.audit_trail, AUDIT_SHOWN)
    rows = [
        {"entry": entry, "at": date_time_text(entry.at, office.config.zone, language)}
        for entry in entries
    ]
    return render(request, "admin/audit.html", {"rows": rows})


async def admin_not_found(request: web.Request) -> web.Response:
    return message_page(request, "not_found", 404)


# ------------------------------------------------------------------ setup


def setup_admin(app: web.Application, office: Office) -> None:
    """Register /admin, its sessions and CSRF check, and the dashboard's JSON."""
    app[OFFICE_KEY] = office
    session_module.install(app, Accounts(office.store), csrf_refused)
    router = app.router
    router.add_get("/admin", dashboard_page)
    router.add_get("/admin/login", login_page)
    router.add_post("/admin/login", login)
    router.add_post("/admin/logout", logout)
    router.add_get("/admin/language", switch_language)
    router.add_post("/admin/services/{code}/{action:close|open}", service_action)
    router.add_get("/admin/devices", devices_page)
    router.add_post("/admin/devices/{token_id}/revoke", revoke_device)
    router.add_post("/admin/devices/pairings/{code}/approve", approve_pairing)
    router.add_get("/admin/accounts", accounts_page)
    router.add_post("/admin/accounts", create_account)
    router.add_post("/admin/accounts/{account_id}/{action:disable|password}", account_action)
    router.add_get("/admin/audit", audit_page)
    # imported here: admin_settings builds on this module's helpers
    from server.web.admin_settings import setup_admin_settings

    setup_admin_settings(app)
    router.add_get("/admin/{rest:.*}", admin_not_found)
    router.add_get("/api/v1/admin/dashboard", dashboard_json)


__all__ = ["setup_admin"]
