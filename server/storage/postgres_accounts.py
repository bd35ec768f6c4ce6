"""People's accounts and the audit trail in PostgreSQL: the same rules and rows as
`server.storage.accounts` on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import psycopg

from server.errors import AccountExists, StorageError
from server.storage.port import Account, AccountRole, AuditEntry

Reading = Callable[[str], AbstractContextManager[psycopg.Connection[Any]]]
ACCOUNT_COLUMNS = "id, name, role, created_at, disabled_at, secret_changed_at"
# a running server compares this counter to see the `user` CLI's changes
BUMP_VERSION = "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'accounts_version'"


def account_from_row(row: tuple[Any, ...]) -> Account:
    account_id, name, role, created_at, disabled_at, changed_at = row
    return Account(
        id=int(account_id), name=str(name), role=AccountRole(str(role)),
        created_at=str(created_at), disabled_at=str(disabled_at) if disabled_at else None,
        secret_changed_at=str(changed_at) if changed_at else None,
    )  # fmt: skip


class AccountTable:
    """Create, list, change and disable accounts; record and read the audit trail."""

    def __init__(self, reading: Reading) -> None:
        self._reading = reading

    def create(self, name: str, role: AccountRole, secret_hash: str, now: datetime) -> Account:
        try:
            with self._reading("the accounts") as connection, connection.transaction():
                row = connection.execute(
                    "INSERT INTO accounts (name, role, secret_hash, created_at) "
                    "VALUES (%s, %s, %s, %s) RETURNING id",
                    (name, str(role), secret_hash, now.isoformat()),
                ).fetchone()
                connection.execute(BUMP_VERSION)
        except StorageError as exc:  # the reading context wraps PostgreSQL's error
            if isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                raise AccountExists(f"an account named {name!r} exists") from exc
            raise
        assert row is not None
        return Account(int(row[0]), name, role, now.isoformat(), None)

    def all(self) -> list[Account]:
        with self._reading("the accounts") as connection:
            rows = connection.execute(
                f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY lower(name), id"
            ).fetchall()
        return [account_from_row(row) for row in rows]

    def credentials(self, name: str) -> tuple[Account, str] | None:
        with self._reading("the accounts") as connection:
            row = connection.execute(
                f"SELECT {ACCOUNT_COLUMNS}, secret_hash FROM accounts "
                "WHERE lower(name) = lower(%s)",
                (name,),
            ).fetchone()
        return (account_from_row(row[:6]), str(row[6])) if row is not None else None

    def set_secret(self, name: str, secret_hash: str, now: datetime) -> bool:
        with self._reading("the accounts") as connection, connection.transaction():
            cursor = connection.execute(
                "UPDATE accounts SET secret_hash = %s, secret_changed_at = %s "
                "WHERE lower(name) = lower(%s)",
                (secret_hash, now.isoformat(), name),
            )
            connection.execute(BUMP_VERSION)
            return cursor.rowcount == 1

    def disable(self, name: str, now: datetime) -> bool:
        with self._reading("the accounts") as connection, connection.transaction():
            cursor = connection.execute(
                "UPDATE accounts SET disabled_at = %s "
                "WHERE lower(name) = lower(%s) AND disabled_at IS NULL",
                (now.isoformat(), name),
            )
            connection.execute(BUMP_VERSION)
            return cursor.rowcount == 1

    def version(self) -> int:
        with self._reading("the accounts") as connection:
            row = connection.execute(
                "SELECT value FROM meta WHERE key = 'accounts_version'"
            ).fetchone()
        return int(row[0]) if row is not None else 0

    def record(self, entry: AuditEntry) -> None:
        with self._reading("the audit trail") as connection, connection.transaction():
            connection.execute(
                "INSERT INTO audit (at, actor, role, action, detail) VALUES (%s, %s, %s, %s, %s)",
                (entry.at, entry.actor, entry.role, entry.action, entry.detail),
            )

    def trail(self, limit: int) -> list[AuditEntry]:
        with self._reading("the audit trail") as connection:
            rows = connection.execute(
                "SELECT id, at, actor, role, action, detail FROM audit ORDER BY id DESC LIMIT %s",
                (limit,),
            ).fetchall()
        return [
            AuditEntry(
                id=int(entry_id), at=str(at), actor=str(actor), role=str(role),
                action=str(action), detail=str(detail),
            )
            for entry_id, at, actor, role, action, detail in rows
        ]  # fmt: skip
