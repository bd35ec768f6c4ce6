"""Device tokens in PostgreSQL: the same rules and rows as `server.storage.repository`."""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import psycopg

from server.errors import StorageError
from server.storage.port import COUNTER_ROLES, DeviceToken, Role
from server.storage.repository import hash_token

Reading = Callable[[str], AbstractContextManager[psycopg.Connection[Any]]]
TOKEN_COLUMNS = "id, name, role, counter, created_at, revoked_at"
# a running server polls this counter to see another process's token changes
BUMP_VERSION = "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'tokens_version'"
# ... and hears of it at once: the change is notified on this channel when it commits
CHANNEL = "antrian_tokens"
NOTIFY = f"NOTIFY {CHANNEL}"


class TokenTable:
    """Create, find, list and revoke device tokens (the CLIs write only this table and meta)."""

    def __init__(self, reading: Reading) -> None:
        self._reading = reading

    def create(self, role: Role, name: str, counter: int | None, now: datetime) -> str:
        """Store a new device token and return its secret (shown once, never stored)."""
        if role in COUNTER_ROLES and counter is None:
            raise StorageError(f"a {role} token needs --counter N")
        if role not in COUNTER_ROLES and counter is not None:
            raise StorageError("--counter only goes with --role counter or survey")
        secret = f"ant_{secrets.token_urlsafe(24)}"
        with self._reading("the tokens") as connection, connection.transaction():
            connection.execute(
                "INSERT INTO tokens (name, role, counter, token_hash, created_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                (name, str(role), counter, hash_token(secret), now.isoformat()),
            )
            connection.execute(BUMP_VERSION)
            connection.execute(NOTIFY)
        return secret

    def find(self, secret: str) -> DeviceToken | None:
        with self._reading("the tokens") as connection:
            row = connection.execute(
                f"SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = %s AND revoked_at IS NULL",
                (hash_token(secret),),
            ).fetchone()
        return _token(row) if row is not None else None

    def list(self) -> list[DeviceToken]:
        with self._reading("the tokens") as connection:
            rows = connection.execute(f"SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY id").fetchall()
        return [_token(row) for row in rows]

    def revoke(self, name_or_id: str, now: datetime) -> int:
        """Revoke the token(s) with this name or id; returns how many were revoked."""
        with self._reading("the tokens") as connection, connection.transaction():
            cursor = connection.execute(
                "UPDATE tokens SET revoked_at = %s "
                "WHERE revoked_at IS NULL AND (name = %s OR id::text = %s)",
                (now.isoformat(), name_or_id, name_or_id),
            )
            connection.execute(BUMP_VERSION)
            connection.execute(NOTIFY)
            return cursor.rowcount

    def revoke_id(self, token_id: int, now: datetime) -> bool:
        """Revoke one token by its id (not by a name that looks like an id)."""
        with self._reading("the tokens") as connection, connection.transaction():
            cursor = connection.execute(
                "UPDATE tokens SET revoked_at = %s WHERE revoked_at IS NULL AND id = %s",
                (now.isoformat(), token_id),
            )
            connection.execute(BUMP_VERSION)
            connection.execute(NOTIFY)
            return cursor.rowcount == 1

    def usable(self) -> tuple[int, dict[str, DeviceToken]]:
        """The tokens version and every token not revoked, by hash, read together."""
        with self._reading("the tokens") as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            version = connection.execute(
                "SELECT value FROM meta WHERE key = 'tokens_version'"
            ).fetchone()
            rows = connection.execute(
                f"SELECT {TOKEN_COLUMNS}, token_hash FROM tokens WHERE revoked_at IS NULL"
            ).fetchall()
        tokens = {str(row[6]): _token(row[:6]) for row in rows}
        return (int(version[0]) if version is not None else 0), tokens

    def version(self) -> int:
        with self._reading("the tokens") as connection:
            row = connection.execute(
                "SELECT value FROM meta WHERE key = 'tokens_version'"
            ).fetchone()
        return int(row[0]) if row is not None else 0


def _token(row: tuple[Any, ...]) -> DeviceToken:
    token_id, name, role, counter, created_at, revoked_at = row
    return DeviceToken(
        id=int(token_id), name=str(name), role=Role(str(role)),
        counter=int(counter) if counter is not None else None,
        created_at=str(created_at), revoked_at=str(revoked_at) if revoked_at else None,
    )  # fmt: skip


class TokenSnapshot:
    """The usable tokens and their version in memory, for the active server's event loop.

    The office checks tokens on its event loop, on every request; with the database on
    another PC a query there costs a round trip, and could wait seconds for a network that
    is gone. So the snapshot answers from memory: it listens for the CLI's changes
    (`NOTIFY`, delivered when they commit) and reloads at once, and every `REFRESH_S`
    anyway. An unknown token is looked up (it may be brand new); when the snapshot could
    not be refreshed for `STALE_S` every check fails at once with StorageError (503)
    instead of waiting on the network.
    """

    REFRESH_S = 0.5
    STALE_S = 3.0

    def __init__(self, table: TokenTable, listen: Callable[[], psycopg.Connection[Any]]) -> None:
        self._table = table
        self._listen = listen
        self._by_hash: dict[str, DeviceToken] = {}
        self._version = -1
        self._fresh_until = 0.0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with contextlib.suppress(StorageError):
            self.refresh()
        self._thread = threading.Thread(target=self._run, name="antrian-tokens", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def refresh(self) -> None:
        version, tokens = self._table.usable()
        if version != self._version:
            self._by_hash, self._version = tokens, version
        self._fresh_until = time.monotonic() + self.STALE_S

    def version(self) -> int:
        self._check_fresh()
        return self._version

    def find(self, secret: str) -> DeviceToken | None:
        self._check_fresh()
        token = self._by_hash.get(hash_token(secret))
        return token if token is not None else self._table.find(secret)

    def _check_fresh(self) -> None:
        if time.monotonic() > self._fresh_until:
            raise StorageError("the database has not answered for a while: cannot check tokens")

    def _run(self) -> None:
        listener: psycopg.Connection[Any] | None = None
        while not self._stopping.is_set():
            try:
                if listener is None or listener.closed or listener.broken:
                    listener = self._listen()
                    listener.execute(f"LISTEN {CHANNEL}")
                # wake on a change another process committed, or after REFRESH_S
                for _ in listener.notifies(timeout=self.REFRESH_S, stop_after=1):
                    pass
                self.refresh()
            except (psycopg.Error, StorageError):  # stale after STALE_S: checks say so
                if listener is not None:
                    with contextlib.suppress(psycopg.Error):
                        listener.close()
                    listener = None
                self._stopping.wait(self.REFRESH_S)
        if listener is not None:
            with contextlib.suppress(psycopg.Error):
                listener.close()
