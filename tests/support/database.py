"""Where a test server keeps its record, SQLite or PostgreSQL, and plain SQL to look at it.

Tests read what is stored with ordinary SELECTs that both engines understand (`CAST(day AS
TEXT)` for a day), so a check of what is on disk holds on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.config import parse_config
from server.storage import open_store
from server.storage.port import Role, Store
from server.storage.schema import DATABASE_FILE


@dataclass(frozen=True)
class Database:
    """A SQLite data dir, or a PostgreSQL database when `url` is set."""

    data_dir: Path
    url: str | None = None

    @property
    def engine(self) -> str:
        return "postgresql" if self.url else "sqlite"

    def store(self) -> Store:
        config = parse_config({"server": {"database": self.url}} if self.url else {})
        return open_store(config, self.data_dir)

    def rows(self, query: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run a SELECT (`?` placeholders) on the stored record."""
        if self.url:
            import psycopg

            with psycopg.connect(self.url) as connection:
                return connection.execute(query.replace("?", "%s"), parameters).fetchall()
        import sqlite3

        connection = sqlite3.connect(self.data_dir / DATABASE_FILE)
        try:
            return connection.execute(query, parameters).fetchall()
        finally:
            connection.close()

    def create_account(self, name: str, role: str, secret: str) -> None:
        """A person's account made through the store, as `antrian-server user create`."""
        from server.accounts import hash_secret
        from server.storage.port import AccountRole

        store = self.store()
        try:
            store.open_existing()
            store.create_account(name, AccountRole(role), hash_secret(secret), datetime.now(UTC))
        finally:
            store.close()

    def create_tokens(self, specs: dict[Any, tuple[str, int | None]]) -> dict[Any, str]:
        """Device tokens made through the store, as the CLI makes them."""
        store = self.store()
        try:
            store.open_existing()
            now = datetime.now(UTC)
            return {
                key: store.create_token(Role(role), str(key), counter, now)
                for key, (role, counter) in specs.items()
            }
        finally:
            store.close()
