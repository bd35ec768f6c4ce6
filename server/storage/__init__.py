"""Antrian server storage: the office's record behind one port, on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from server.errors import StorageError

if TYPE_CHECKING:
    from server.config import Config
    from server.storage.port import Store


def open_store(config: Config, data_dir: Path | None = None) -> Store:
    """The store the configuration names: PostgreSQL for a `postgresql://` URL, else SQLite."""
    url = config.server.database
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise StorageError(
                f"[server] database must be a postgresql:// URL, not {url.split(':', 1)[0]!r}"
            )
        from server.storage.postgres import PostgresStore

        return PostgresStore(url)
    from server.storage.sqlite import SqliteStore

    return SqliteStore(data_dir or config.server.data_dir)
