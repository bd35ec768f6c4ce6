"""The database schema and its migrations, versioned with PRAGMA user_version."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from server.errors import StorageError

log = logging.getLogger(__name__)
DATABASE_FILE = "antrian.sqlite3"


def _migrate_1(db: sqlite_utils.Database) -> None:
    db.table("tickets").create(
        {
            "id": int,
            "day": str,
            "number": str,
            "sequence": int,
            "issued_service": str,
            "service": str,
            "priority": int,
            "status": str,
            "issued_at": str,
            "lane": int,
            "sort_key": float,
            "key": str,
            "counter": int,
            "called_at": str,
            "finished_at": str,
            "recalls": int,
            "requeued": int,
            "transferred_from": str,
        },
        pk="id",
        not_null={"day", "number", "sequence", "issued_service", "service", "status"},
    )
    db.table("tickets").create_index(["day", "number"], unique=True)
    db.table("tickets").create_index(["day", "status"])
    db.table("counters").create(
        {"number": int, "state": str, "current": int, "day": str}, pk="number"
    )
    db.table("service_states").create({"code": str, "closed": int}, pk="code")
    db.table("tokens").create(
        {
            "id": int,
            "name": str,
            "role": str,
            "counter": int,
            "token_hash": str,
            "created_at": str,
            "revoked_at": str,
        },
        pk="id",
        not_null={"name", "role", "token_hash", "created_at"},
    )
    db.table("tokens").create_index(["token_hash"], unique=True)


def _migrate_2(db: sqlite_utils.Database) -> None:
    # the kiosk's request key: a retried or uncertain issue finds its ticket again
    db.table("tickets").add_column("request_key", str)
    db.table("tickets").create_index(["day", "request_key"])


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_migrate_1, _migrate_2)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(
    path: Path, *, durable: bool = True, lock_timeout_s: float = 10.0
) -> sqlite3.Connection:
    """Open the database in WAL mode; autocommit so that transactions are explicit."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=lock_timeout_s
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(f"PRAGMA busy_timeout={round(lock_timeout_s * 1000)}")
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(f"cannot open the database {path}: {exc}") from exc
    return connection


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION; refuse a database from a newer Antrian."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"the database has schema version {version}, newer than this Antrian "
            f"({SCHEMA_VERSION}): upgrade Antrian"
        )
    db = sqlite_utils.Database(connection)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[target - 1](db)
            connection.execute(f"PRAGMA user_version={target}")
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        log.info("database schema migrated to version %d", target)
    return SCHEMA_VERSION


def open_database(data_dir: Path, *, durable: bool = True) -> sqlite3.Connection:
    """Open (and create or migrate) the database in `data_dir`."""
    connection = connect(data_dir / DATABASE_FILE, durable=durable)
    try:
        migrate(connection)
    except sqlite3.Error as exc:
        connection.close()
        raise StorageError(f"cannot prepare the database in {data_dir}: {exc}") from exc
    return connection
