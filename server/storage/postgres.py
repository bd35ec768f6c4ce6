"""The office's record in PostgreSQL (not built yet: see the storage port)."""

from __future__ import annotations

from server.errors import StorageError


class PostgresStore:
    """Placeholder until the PostgreSQL adapter lands."""

    def __init__(self, url: str) -> None:
        raise StorageError("PostgreSQL storage is not available in this version yet")
