"""SQLite rows of people's accounts and the audit trail, to dataclasses and back."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from server.errors import AccountExists
from server.storage.port import Account, AccountRole, AuditEntry
from server.storage.repository import transaction

ACCOUNT_COLUMNS = "id, name, role, created_at, disabled_at, secret_changed_at"


def account_from_row(row: tuple[Any, ...]) -> Account:
    account_id, name, role, created_at, disabled_at, changed_at = row
    return Account(
        id=int(account_id),
        name=str(name),
        role=AccountRole(str(role)),
        created_at=str(created_at),
        disabled_at=str(disabled_at) if disabled_at else None,
        secret_changed_at=str(changed_at) if changed_at else None,
    )


def create_account(
    connection: sqlite3.Connection, name: str, role: AccountRole, secret_hash: str, now: datetime
) -> Account:
    try:
        with transaction(connection):
            cursor = connection.execute(
                "INSERT INTO accounts (name, role, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, str(role), secret_hash, now.isoformat()),
            )
            _accounts_changed(connection)
    except sqlite3.IntegrityError as exc:
        raise AccountExists(f"an account named {name!r} exists") from exc
    return Account(int(cursor.lastrowid or 0), name, role, now.isoformat(), None)


def list_accounts(connection: sqlite3.Connection) -> list[Account]:
    rows = connection.execute(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name")
    return [account_from_row(row) for row in rows]


def account_credentials(connection: sqlite3.Connection, name: str) -> tuple[Account, str] | None:
    row = connection.execute(
        f"SELECT {ACCOUNT_COLUMNS}, secret_hash FROM accounts WHERE name = ?", (name,)
    ).fetchone()
    return (account_from_row(row[:6]), str(row[6])) if row else None


def set_account_secret(
    connection: sqlite3.Connection, name: str, secret_hash: str, now: datetime
) -> bool:
    with transaction(connection):
        cursor = connection.execute(
            "UPDATE accounts SET secret_hash = ?, secret_changed_at = ? WHERE name = ?",
            (secret_hash, now.isoformat(), name),
        )
        _accounts_changed(connection)
    return cursor.rowcount == 1


def disable_account(connection: sqlite3.Connection, name: str, now: datetime) -> bool:
    with transaction(connection):
        cursor = connection.execute(
            "UPDATE accounts SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL",
            (now.isoformat(), name),
        )
        _accounts_changed(connection)
    return cursor.rowcount == 1


def accounts_version(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT value FROM meta WHERE key = 'accounts_version'").fetchone()
    return int(row[0]) if row else 0


def _accounts_changed(connection: sqlite3.Connection) -> None:
    # a running server polls this counter to see the `user` CLI's changes
    connection.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
        "WHERE key = 'accounts_version'"
    )


def record_audit(connection: sqlite3.Connection, entry: AuditEntry) -> None:
    with transaction(connection):
        connection.execute(
            "INSERT INTO audit (at, actor, role, action, detail) VALUES (?, ?, ?, ?, ?)",
            (entry.at, entry.actor, entry.role, entry.action, entry.detail),
        )


def audit_trail(connection: sqlite3.Connection, limit: int) -> list[AuditEntry]:
    rows = connection.execute(
        "SELECT id, at, actor, role, action, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
    )
    return [
        AuditEntry(
            id=int(entry_id), at=str(at), actor=str(actor), role=str(role),
            action=str(action), detail=str(detail),
        )
        for entry_id, at, actor, role, action, detail in rows
    ]  # fmt: skip


def read_for_history(
    connection: sqlite3.Connection,
) -> tuple[list[tuple[Account, str]], list[AuditEntry], dict[str, str]]:
    """Accounts with their hashes, the whole audit trail (oldest first) and closing reasons."""
    accounts = [
        (account_from_row(row[:6]), str(row[6]))
        for row in connection.execute(
            f"SELECT {ACCOUNT_COLUMNS}, secret_hash FROM accounts ORDER BY id"
        )
    ]
    audit = list(reversed(audit_trail(connection, -1)))
    notes = {
        str(code): str(note)
        for code, note in connection.execute(
            "SELECT code, note FROM service_states WHERE closed = 1 AND note IS NOT NULL"
        )
    }
    return accounts, audit, notes


def write_for_history(
    connection: sqlite3.Connection,
    accounts: Sequence[tuple[Account, str]],
    audit: Sequence[AuditEntry],
    notes: Mapping[str, str],
) -> None:
    """Insert them into an emptied database, inside the caller's transaction."""
    connection.execute("DELETE FROM accounts")
    connection.executemany(
        "INSERT INTO accounts (id, name, role, secret_hash, created_at, secret_changed_at, "
        "disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (account.id, account.name, str(account.role), secret_hash, account.created_at,
             account.secret_changed_at, account.disabled_at)
            for account, secret_hash in accounts
        ],
    )  # fmt: skip
    connection.execute("DELETE FROM audit")
    connection.executemany(
        "INSERT INTO audit (id, at, actor, role, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (entry.id, entry.at, entry.actor, entry.role, entry.action, entry.detail)
            for entry in audit
        ],
    )
    connection.executemany(
        "UPDATE service_states SET note = ? WHERE code = ?",
        [(note, code) for code, note in notes.items()],
    )
    _accounts_changed(connection)
