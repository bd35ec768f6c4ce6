"""`backup` of a PostgreSQL office: a consistent snapshot written as an Antrian SQLite file.

The file is what `backup` writes for a SQLite office (schema v3, the same `log_id`), so one
format serves both engines: it opens as a data dir's database, and whatever reads a
SQLite backup reads this one. Every table is read in one REPEATABLE READ transaction, so
the copy is one moment of the record even while the server keeps writing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from psycopg import IsolationLevel

from server.storage import schema
from server.storage.repository import TICKET_COLUMNS

CHUNK_ROWS = 5000
EVENT_COLUMNS = "id, v, type, at, day, ticket, counter, clerk, synthesized, tickets, data"
# what each table is read as: PostgreSQL's dates, booleans and json become SQLite's text/ints
TABLES: tuple[tuple[str, str, str], ...] = (
    (
        "tickets",
        ", ".join(TICKET_COLUMNS),
        ", ".join(
            f"{column}::text"
            if column == "day"
            else f"{column}::int"
            if column in {"priority", "requeued"}
            else column
            for column in TICKET_COLUMNS
        ),
    ),
    ("counters", "number, state, current, day", "number, state, current, day::text"),
    ("service_states", "code, closed", "code, closed::int"),
    (
        "tokens",
        "id, name, role, counter, token_hash, created_at, revoked_at",
        "id, name, role, counter, token_hash, created_at, revoked_at",
    ),
    (
        "events",
        EVENT_COLUMNS,
        "id, v, type, at, day::text, ticket, counter, clerk, synthesized::int, tickets::text, "
        "data::text",
    ),
)


def export_to_sqlite(connection: psycopg.Connection[Any], destination: Path) -> None:
    """Write the whole record to `destination` (written aside, then renamed into place)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    target = schema.connect(partial)
    try:
        schema.migrate(target)
        target.execute("BEGIN IMMEDIATE")
        target.execute("DELETE FROM meta")
        connection.isolation_level = IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.transaction():
            for key, value in connection.execute("SELECT key, value FROM meta").fetchall():
                target.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            for table, columns, selected in TABLES:
                _copy_table(connection, target, table, columns, selected)
        target.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            target.execute("ROLLBACK")
        target.close()
        partial.unlink(missing_ok=True)
        raise
    target.close()
    os.replace(partial, destination)


def _copy_table(
    source: psycopg.Connection[Any], target: sqlite3.Connection, table: str, columns: str,
    selected: str,
) -> None:  # fmt: skip
    placeholders = ", ".join("?" for _ in columns.split(", "))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    with source.cursor(name=f"export_{table}") as cursor:  # server-side: bounded memory
        cursor.itersize = CHUNK_ROWS
        cursor.execute(f"SELECT {selected} FROM {table} ORDER BY 1")
        while rows := cursor.fetchmany(CHUNK_ROWS):
            target.executemany(insert, rows)
