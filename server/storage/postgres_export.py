"""A whole PostgreSQL office at once: `backup` to an Antrian SQLite file, history in and out.

`backup` writes a consistent snapshot as an Antrian SQLite file.
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

from server.domain.model import Counter, CounterState
from server.errors import StorageError
from server.storage import schema, survey_rows
from server.storage.port import AuditEntry, History, StoredToken
from server.storage.postgres_accounts import ACCOUNT_COLUMNS, account_from_row
from server.storage.postgres_rows import (
    EVENT_COLUMNS,
    INSERT_EVENT,
    INSERT_TICKET,
    SELECT_TICKETS,
    event_from_row,
    event_row,
    ticket_row,
)
from server.storage.repository import TICKET_COLUMNS, ticket_from_row, token_from_row

CHUNK_ROWS = 5000
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
    ("service_states", "code, closed, note", "code, closed::int, note"),
    (
        "accounts",
        "id, name, role, secret_hash, created_at, secret_changed_at, disabled_at",
        "id, name, role, secret_hash, created_at, secret_changed_at, disabled_at",
    ),
    ("audit", "id, at, actor, role, action, detail", "id, at, actor, role, action, detail"),
    ("settings", "id, document, event_id", "id, document, event_id"),
    (
        "tokens",
        "id, name, role, counter, token_hash, created_at, revoked_at",
        "id, name, role, counter, token_hash, created_at, revoked_at",
    ),
    (
        "survey_answers",
        ", ".join(survey_rows.ANSWER_COLUMNS),
        ", ".join(
            "day::text" if column == "day" else column for column in survey_rows.ANSWER_COLUMNS
        ),
    ),
    (
        "survey_profiles",
        ", ".join(survey_rows.PROFILE_COLUMNS),
        ", ".join(
            "day::text" if column == "day" else column for column in survey_rows.PROFILE_COLUMNS
        ),
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


# ------------------------------------------------------------------ history in domain values


def read_history(connection: psycopg.Connection[Any]) -> History:
    """Everything in the database, read in one REPEATABLE READ transaction."""
    connection.isolation_level = IsolationLevel.REPEATABLE_READ
    with connection.transaction():
        log_id = connection.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()
        tickets = [
            ticket_from_row(row)
            for row in connection.execute(f"{SELECT_TICKETS} ORDER BY id").fetchall()
        ]
        counters = [
            (Counter(int(number), CounterState(state), current), day)
            for number, state, current, day in connection.execute(
                "SELECT number, state, current, day FROM counters ORDER BY number"
            ).fetchall()
        ]
        closed = frozenset(
            str(code)
            for (code,) in connection.execute(
                "SELECT code FROM service_states WHERE closed"
            ).fetchall()
        )
        tokens = [
            StoredToken(token_from_row(row[:6]), str(row[6]))
            for row in connection.execute(
                "SELECT id, name, role, counter, created_at, revoked_at, token_hash "
                "FROM tokens ORDER BY id"
            ).fetchall()
        ]
        events = [
            event_from_row(row)
            for row in connection.execute(
                f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id"
            ).fetchall()
        ]
        notes = {
            str(code): str(note)
            for code, note in connection.execute(
                "SELECT code, note FROM service_states WHERE closed AND note IS NOT NULL"
            ).fetchall()
        }
        accounts = [
            (account_from_row(row[:6]), str(row[6]))
            for row in connection.execute(
                f"SELECT {ACCOUNT_COLUMNS}, secret_hash FROM accounts ORDER BY id"
            ).fetchall()
        ]
        audit = [
            AuditEntry(
                id=int(entry_id), at=str(at), actor=str(actor), role=str(role),
                action=str(action), detail=str(detail),
            )
            for entry_id, at, actor, role, action, detail in connection.execute(
                "SELECT id, at, actor, role, action, detail FROM audit ORDER BY id"
            ).fetchall()
        ]  # fmt: skip
        stored = connection.execute("SELECT document, event_id FROM settings").fetchone()
        surveys = survey_rows.read_surveys(connection)
    if log_id is None:
        raise StorageError("the database has no office record (log id): it was not migrated")
    return History(
        str(log_id[0]), tickets, counters, closed, tokens, events, accounts, audit, notes,
        settings=(str(stored[0]), int(stored[1])) if stored is not None else None,
        surveys=surveys,
    )  # fmt: skip


def write_history(cursor: psycopg.Cursor[Any], history: History, log_id: str) -> None:
    """Fill the (emptied) tables with `history`, inside the caller's transaction."""
    cursor.executemany(INSERT_TICKET, [ticket_row(ticket) for ticket in history.tickets])
    cursor.executemany(
        "INSERT INTO counters (number, state, current, day) VALUES (%s, %s, %s, %s)",
        [
            (counter.number, str(counter.state), counter.current, day)
            for counter, day in history.counters
        ],
    )
    cursor.executemany(
        "INSERT INTO service_states (code, closed) VALUES (%s, true)",
        [(code,) for code in sorted(history.closed_services)],
    )
    cursor.executemany(
        "INSERT INTO tokens (id, name, role, counter, token_hash, created_at, revoked_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            (item.token.id, item.token.name, str(item.token.role), item.token.counter,
             item.token_hash, item.token.created_at, item.token.revoked_at)
            for item in history.tokens
        ],
    )  # fmt: skip
    # the next token created gets the next id
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('tokens', 'id'), "
        "COALESCE((SELECT MAX(id) FROM tokens), 0) + 1, false)"
    )
    cursor.executemany(
        "UPDATE service_states SET note = %s WHERE code = %s",
        [(note, code) for code, note in history.closed_notes.items()],
    )
    cursor.executemany(
        "INSERT INTO accounts (id, name, role, secret_hash, created_at, secret_changed_at, "
        "disabled_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            (account.id, account.name, str(account.role), secret_hash, account.created_at,
             account.secret_changed_at, account.disabled_at)
            for account, secret_hash in history.accounts
        ],
    )  # fmt: skip
    cursor.executemany(
        "INSERT INTO audit (id, at, actor, role, action, detail) VALUES (%s, %s, %s, %s, %s, %s)",
        [
            (entry.id, entry.at, entry.actor, entry.role, entry.action, entry.detail)
            for entry in history.audit
        ],
    )
    for table in ("accounts", "audit"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
    cursor.execute(
        "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'accounts_version'"
    )
    cursor.executemany(INSERT_EVENT, [event_row(event) for event in history.events])
    if history.settings is not None:
        cursor.execute(
            "INSERT INTO settings (id, document, event_id) VALUES (1, %s, %s)", history.settings
        )
    answers, profiles = survey_rows.history_rows(history.surveys, lambda day: day)
    cursor.executemany(survey_rows.insert_answer("%s"), answers)
    cursor.executemany(survey_rows.insert_profile("%s"), profiles)
    cursor.execute("UPDATE meta SET value = %s WHERE key = 'log_id'", (log_id,))
    cursor.execute("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'tokens_version'")
