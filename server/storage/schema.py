"""The database schema and its migrations, versioned with PRAGMA user_version."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

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


def _migrate_3(db: sqlite_utils.Database) -> None:
    # the office's record: an append-only event log, its random id, and a counter that
    # tells a running server that another process changed the tokens
    connection = db.conn
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, type TEXT NOT NULL, "
        "at TEXT NOT NULL, day TEXT NOT NULL, ticket INTEGER, counter INTEGER, clerk TEXT, "
        "synthesized INTEGER NOT NULL DEFAULT 0, tickets TEXT NOT NULL, data TEXT NOT NULL)"
    )
    connection.execute("CREATE INDEX events_day ON events (day)")
    connection.execute("CREATE INDEX events_ticket ON events (ticket)")
    connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    connection.execute("INSERT INTO meta VALUES ('log_id', ?)", (str(uuid.uuid4()),))
    connection.execute("INSERT INTO meta VALUES ('tokens_version', '0')")
    synthesize_events(connection)


def synthesize_events(connection: sqlite3.Connection) -> int:
    """Events for the tickets of a database from before the record (flagged synthesized).

    Only the last state of each ticket is known: its issue, its current call and its end.
    """
    from server.record import ticket_record
    from server.storage.repository import TICKET_COLUMNS, ticket_from_row

    # columns that a later migration adds are not there yet: read them as NULL
    present = {str(row[1]) for row in connection.execute("PRAGMA table_info(tickets)")}
    columns = ", ".join(
        column if column in present else f"NULL AS {column}" for column in TICKET_COLUMNS
    )
    rows = connection.execute(f"SELECT {columns} FROM tickets").fetchall()
    moments: list[tuple[str, int, str, dict[str, Any]]] = []
    for row in rows:
        ticket = ticket_from_row(row)
        record = ticket_record(ticket)
        moments.append((ticket.issued_at.isoformat(), ticket.id, "ticket.issued", record))
        if ticket.called_at is not None:
            moments.append((ticket.called_at.isoformat(), ticket.id, "ticket.called", record))
        if ticket.finished_at is not None:
            ending = {"done": "ticket.done", "no_show": "ticket.no_show"}.get(
                str(ticket.status), "ticket.voided"
            )
            moments.append((ticket.finished_at.isoformat(), ticket.id, ending, record))
    moments.sort(key=lambda moment: (datetime.fromisoformat(moment[0]), moment[1]))
    for event_id, (at, ticket_id, kind, record) in enumerate(moments, start=1):
        counter = record["counter"] if kind != "ticket.issued" else None
        connection.execute(
            "INSERT INTO events (id, v, type, at, day, ticket, counter, clerk, synthesized, "
            "tickets, data) VALUES (?, 1, ?, ?, ?, ?, ?, NULL, 1, ?, '{}')",
            (event_id, kind, at, record["day"], ticket_id, counter, json.dumps([record])),
        )
    if moments:
        log.info("synthesized %d events from %d older tickets", len(moments), len(rows))
    return len(moments)


def _migrate_4(db: sqlite_utils.Database) -> None:
    # which device token issued a ticket (a kiosk voids only its own), and how many more
    # calls of its service a re-queued ticket still lets go first
    db.table("tickets").add_column("issued_by", int)
    db.table("tickets").add_column("requeue_calls_left", int)


def _migrate_5(db: sqlite_utils.Database) -> None:
    # people's accounts, the audit trail of supervisors' and admins' actions, the
    # supervisor's reason for closing a service, and a counter that tells a running server
    # that the `user` CLI changed the accounts
    connection = db.conn
    connection.execute(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE "
        "UNIQUE, role TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at TEXT NOT NULL, "
        "secret_changed_at TEXT, disabled_at TEXT)"
    )
    connection.execute(
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
        "role TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')"
    )
    connection.execute("ALTER TABLE service_states ADD COLUMN note TEXT")
    connection.execute("INSERT INTO meta VALUES ('accounts_version', '0')")


def _migrate_6(db: sqlite_utils.Database) -> None:
    # the office settings changed at run time (one row; none: the TOML's settings), with
    # the id of the `settings.changed` event that stored them
    db.conn.execute(
        "CREATE TABLE settings (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "document TEXT NOT NULL, event_id INTEGER NOT NULL)"
    )


def _migrate_7(db: sqlite_utils.Database) -> None:
    # for reports: who made a ticket's current call, how often it was transferred and
    # re-queued (older tickets: unknown clerk; transfers and re-queues read from the record)
    connection = db.conn
    connection.execute("ALTER TABLE tickets ADD COLUMN clerk TEXT")
    connection.execute("ALTER TABLE tickets ADD COLUMN transfers INTEGER NOT NULL DEFAULT 0")
    connection.execute("ALTER TABLE tickets ADD COLUMN requeues INTEGER NOT NULL DEFAULT 0")
    for column, kind in (("transfers", "ticket.transferred"), ("requeues", "ticket.requeued")):
        connection.execute(
            f"UPDATE tickets SET {column} = (SELECT COUNT(*) FROM events "
            "WHERE events.ticket = tickets.id AND events.type = ?)",
            (kind,),
        )


def _migrate_8(db: sqlite_utils.Database) -> None:
    # the SKM survey: one answer per ticket (the nine elements stay for reports), and the
    # respondent's profile and comment apart, so that retention can delete them
    elements = ", ".join(
        f"u{index} INTEGER NOT NULL CHECK (u{index} BETWEEN 1 AND 4)" for index in range(1, 10)
    )
    db.conn.execute(
        "CREATE TABLE survey_answers (ticket INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, "
        "day TEXT NOT NULL, answered_at TEXT NOT NULL, service TEXT NOT NULL, counter INTEGER, "
        f"channel TEXT NOT NULL, {elements})"
    )
    db.conn.execute("CREATE INDEX survey_answers_day ON survey_answers (day, service)")
    db.conn.execute(
        "CREATE TABLE survey_profiles (ticket INTEGER PRIMARY KEY "
        "REFERENCES survey_answers (ticket), day TEXT NOT NULL, age INTEGER, gender TEXT, "
        "education TEXT, occupation TEXT, comment TEXT)"
    )
    db.conn.execute("CREATE INDEX survey_profiles_day ON survey_profiles (day)")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _migrate_1,
    _migrate_2,
    _migrate_3,
    _migrate_4,
    _migrate_5,
    _migrate_6,
    _migrate_7,
    _migrate_8,
)
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
