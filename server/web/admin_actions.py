"""Supervisors' and admins' actions, shared by /admin's forms and the JSON API, each one
written to the audit trail (who, when, what)."""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from datetime import UTC, datetime

from aiohttp import web

from server.accounts import AccountError, check_secret, clean_name, hash_secret
from server.auth import AUTH_KEY
from server.errors import AccountExists
from server.office import Office
from server.storage.port import Account, AccountRole, AuditEntry
from server.web.sessions import ACCOUNTS_KEY, Actor

log = logging.getLogger(__name__)
OFFICE_KEY = web.AppKey("admin_office", Office)
MAX_REASON_LENGTH = 120


class BadReason(ValueError):
    """A closing reason that is too long or not text."""


def clean_reason(value: object) -> str | None:
    """The supervisor's reason for closing a service: trimmed, ≤ 120 characters, or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadReason("reason must be text")
    reason = " ".join(value.split())  # line breaks and tabs become single spaces
    if len(reason) > MAX_REASON_LENGTH:
        raise BadReason(f"reason must be at most {MAX_REASON_LENGTH} characters")
    if any(unicodedata.category(character) in {"Cc", "Cs", "Co", "Cn"} for character in reason):
        raise BadReason("reason contains characters that cannot be shown")
    return reason or None


async def audit(app: web.Application, actor: Actor, action: str, detail: str = "") -> None:
    entry = AuditEntry(
        at=datetime.now(UTC).isoformat(timespec="seconds"), actor=actor.name, role=actor.role,
        action=action, detail=detail,
    )  # fmt: skip
    await asyncio.to_thread(app[OFFICE_KEY].store.record_audit, entry)


async def set_service_closed(
    app: web.Application, actor: Actor, code: str, closed: bool, reason: str | None
) -> None:
    """Close a service (with a reason shown on the kiosk and TV) or open it again."""
    office = app[OFFICE_KEY]
    await office.perform(
        lambda day, now: day.set_service_closed(code, closed, reason if closed else None),
        by=actor.name,
    )
    detail = f"{code}: {reason}" if closed and reason else code
    await audit(app, actor, "service.close" if closed else "service.open", detail)


async def revoke_device(app: web.Application, actor: Actor, token_id: int) -> bool:
    """Revoke a device token; its open WebSockets are closed at once."""
    office = app[OFFICE_KEY]
    tokens = {token.id: token for token in await asyncio.to_thread(office.store.list_tokens)}
    token = tokens.get(token_id)
    if token is None or token.revoked_at is not None:
        return False
    revoked = await asyncio.to_thread(office.store.revoke_token_id, token_id, datetime.now(UTC))
    if revoked:
        app[AUTH_KEY].refresh()
        await audit(app, actor, "device.revoke", f"{token.name} ({token.role})")
    return revoked


async def create_account(
    app: web.Application, actor: Actor, name: str, role: AccountRole, secret: str
) -> Account:
    """A new account; `AccountError` (Indonesian) when the name or password cannot be used."""
    cleaned = clean_name(name)
    check_secret(role, secret)
    secret_hash = await asyncio.to_thread(hash_secret, secret)
    store = app[OFFICE_KEY].store
    try:
        account = await asyncio.to_thread(
            store.create_account, cleaned, role, secret_hash, datetime.now(UTC)
        )
    except AccountExists as exc:
        raise AccountError(f"Akun bernama “{cleaned}” sudah ada.") from exc
    await audit(app, actor, "account.create", f"{cleaned} ({role})")
    return account


async def set_password(app: web.Application, actor: Actor, account: Account, secret: str) -> None:
    check_secret(account.role, secret)
    secret_hash = await asyncio.to_thread(hash_secret, secret)
    store = app[OFFICE_KEY].store
    await asyncio.to_thread(store.set_account_secret, account.name, secret_hash, datetime.now(UTC))
    await audit(app, actor, "account.password", account.name)


async def disable_account(app: web.Application, actor: Actor, account: Account) -> bool:
    store = app[OFFICE_KEY].store
    disabled = await asyncio.to_thread(store.disable_account, account.name, datetime.now(UTC))
    if disabled:
        app[ACCOUNTS_KEY].forget()  # its sessions end at their next request
        await audit(app, actor, "account.disable", account.name)
    return disabled
