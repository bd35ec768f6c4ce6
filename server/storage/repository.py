"""SQLite rows to dataclasses and back: tickets, counters, service states and device tokens."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from server.domain.model import Counter, CounterState, Lane, Ticket, TicketStatus
from server.errors import StorageError
from server.storage.port import COUNTER_ROLES, DeviceToken, Role, with_clerks

TICKET_COLUMNS = (
    "id", "day", "number", "sequence", "issued_service", "service", "priority", "status",
    "issued_at", "lane", "sort_key", "key", "counter", "called_at", "finished_at", "recalls",
    "requeued", "transferred_from", "request_key", "issued_by", "requeue_calls_left",
    "clerk", "transfers", "requeues",
)  # fmt: skip
# a new ticket is an INSERT and a change an UPDATE of exactly one row: a clash raises
INSERT_TICKET = (
    f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in TICKET_COLUMNS)})"
)
UPDATE_TICKET = (
    f"UPDATE tickets SET {', '.join(f'{column} = ?' for column in TICKET_COLUMNS[1:])} WHERE id = ?"
)
UPSERT_COUNTER = (
    "INSERT INTO counters (number, state, current, day) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (number) DO UPDATE SET state = excluded.state, current = excluded.current, "
    "day = excluded.day"
)
# a clerk's sign-in lasts the day: who is signed in where follows from today's events
SELECT_SIGN_INS = (
    "SELECT counter, type, clerk FROM events WHERE day = ? AND counter IS NOT NULL "
    "AND type IN ('clerk.signed_in', 'clerk.signed_out') ORDER BY id"
)
UPSERT_SERVICE_STATE = (
    "INSERT INTO service_states (code, closed) VALUES (?, ?) "
    "ON CONFLICT (code) DO UPDATE SET closed = excluded.closed"
)
UPDATE_SERVICE_NOTE = "UPDATE service_states SET note = ? WHERE code = ?"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def ticket_row(ticket: Ticket) -> tuple[object, ...]:
    return (
        ticket.id, ticket.day.isoformat(), ticket.number, ticket.sequence, ticket.issued_service,
        ticket.service, int(ticket.priority), str(ticket.status), _time(ticket.issued_at),
        int(ticket.lane), ticket.sort_key, ticket.key, ticket.counter, _time(ticket.called_at),
        _time(ticket.finished_at), ticket.recalls, int(ticket.requeued), ticket.transferred_from,
        ticket.request_key, ticket.issued_by, ticket.requeue_calls_left, ticket.clerk,
        ticket.transfers, ticket.requeues,
    )  # fmt: skip


def ticket_from_row(row: sqlite3.Row | tuple[object, ...]) -> Ticket:
    values: dict[str, Any] = dict(zip(TICKET_COLUMNS, tuple(row), strict=True))
    issued_at = _parse_time(str(values["issued_at"]))
    assert issued_at is not None
    return Ticket(
        id=int(values["id"]),
        day=date.fromisoformat(str(values["day"])),
        number=str(values["number"]),
        sequence=int(values["sequence"]),
        issued_service=str(values["issued_service"]),
        service=str(values["service"]),
        priority=bool(values["priority"]),
        status=TicketStatus(values["status"]),
        issued_at=issued_at,
        lane=Lane(values["lane"]),
        sort_key=float(values["sort_key"]),
        key=str(values["key"]),
        counter=int(values["counter"]) if values["counter"] is not None else None,
        called_at=_parse_time(values["called_at"]),
        finished_at=_parse_time(values["finished_at"]),
        recalls=int(values["recalls"] or 0),
        requeued=bool(values["requeued"]),
        transferred_from=values["transferred_from"],
        request_key=values["request_key"],
        issued_by=_optional_int(values["issued_by"]),
        requeue_calls_left=_optional_int(values["requeue_calls_left"]),
        clerk=str(values["clerk"]) if values["clerk"] is not None else None,
        transfers=int(values["transfers"] or 0),
        requeues=int(values["requeues"] or 0),
    )


def _optional_int(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) else None


def load_day(connection: sqlite3.Connection, day: date) -> tuple[list[Ticket], list[Counter], int]:
    """Today's tickets, the counters' stored state, and the next free ticket id."""
    rows = connection.execute(
        f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets WHERE day = ? ORDER BY id",
        (day.isoformat(),),
    ).fetchall()
    tickets = [ticket_from_row(row) for row in rows]
    counters = []
    for number, state, current, counter_day in connection.execute(
        "SELECT number, state, current, day FROM counters"
    ):
        # a counter keeps its pause state across days, never yesterday's ticket
        keep_current = current if counter_day == day.isoformat() else None
        counters.append(Counter(int(number), CounterState(state), keep_current))
    counters = with_clerks(counters, connection.execute(SELECT_SIGN_INS, (day.isoformat(),)))
    highest = connection.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()[0]
    return tickets, counters, int(highest) + 1


def load_closed_services(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT code FROM service_states WHERE closed = 1")
    return {str(code) for (code,) in rows}


def load_closed_notes(connection: sqlite3.Connection) -> dict[str, str]:
    """The supervisor's reason for each service closed by hand (when one was given)."""
    rows = connection.execute(
        "SELECT code, note FROM service_states WHERE closed = 1 AND note IS NOT NULL"
    )
    return {str(code): str(note) for code, note in rows}


def revoke_token_id(connection: sqlite3.Connection, token_id: int, now: datetime) -> bool:
    with transaction(connection):
        cursor = connection.execute(
            "UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL AND id = ?",
            (now.isoformat(), token_id),
        )
        _tokens_changed(connection)
    return cursor.rowcount == 1


def load_ticket(connection: sqlite3.Connection, ticket_id: int) -> Ticket | None:
    row = connection.execute(
        f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets WHERE id = ?", (ticket_id,)
    ).fetchone()
    return ticket_from_row(row) if row else None


# ------------------------------------------------------------------ tokens


def hash_token(secret: str) -> str:
    """Tokens are long random strings, so one SHA-256 round is enough to store them."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    connection: sqlite3.Connection, role: Role, name: str, counter: int | None, now: datetime
) -> str:
    """Store a new device token and return its secret (shown once, never stored)."""
    if role in COUNTER_ROLES and counter is None:
        raise StorageError(f"a {role} token needs --counter N")
    if role not in COUNTER_ROLES and counter is not None:
        raise StorageError("--counter only goes with --role counter or survey")
    secret = f"ant_{secrets.token_urlsafe(24)}"
    with transaction(connection):
        connection.execute(
            "INSERT INTO tokens (name, role, counter, token_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, str(role), counter, hash_token(secret), now.isoformat()),
        )
        _tokens_changed(connection)
    return secret


def find_token(connection: sqlite3.Connection, secret: str) -> DeviceToken | None:
    row = connection.execute(
        "SELECT id, name, role, counter, created_at, revoked_at FROM tokens "
        "WHERE token_hash = ? AND revoked_at IS NULL",
        (hash_token(secret),),
    ).fetchone()
    return token_from_row(row) if row else None


def list_tokens(connection: sqlite3.Connection) -> list[DeviceToken]:
    rows = connection.execute(
        "SELECT id, name, role, counter, created_at, revoked_at FROM tokens ORDER BY id"
    )
    return [token_from_row(row) for row in rows]


def revoke_token(connection: sqlite3.Connection, name_or_id: str, now: datetime) -> int:
    """Revoke the token(s) with this name or id; returns how many were revoked."""
    with transaction(connection):
        cursor = connection.execute(
            "UPDATE tokens SET revoked_at = ? "
            "WHERE revoked_at IS NULL AND (name = ? OR CAST(id AS TEXT) = ?)",
            (now.isoformat(), name_or_id, name_or_id),
        )
        _tokens_changed(connection)
    return cursor.rowcount


def tokens_version(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT value FROM meta WHERE key = 'tokens_version'").fetchone()
    return int(row[0]) if row else 0


def _tokens_changed(connection: sqlite3.Connection) -> None:
    # a running server polls this counter to see another process's token changes
    connection.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
        "WHERE key = 'tokens_version'"
    )


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def token_from_row(row: tuple[Any, ...]) -> DeviceToken:
    token_id, name, role, counter, created_at, revoked_at = row
    return DeviceToken(
        id=int(token_id),
        name=str(name),
        role=Role(str(role)),
        counter=int(counter) if counter is not None else None,
        created_at=str(created_at),
        revoked_at=str(revoked_at) if revoked_at else None,
    )


def backup(connection: sqlite3.Connection, destination: Path) -> None:
    """A consistent copy of the live database (SQLite online backup)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(destination)
    try:
        connection.backup(target)
    finally:
        target.close()
