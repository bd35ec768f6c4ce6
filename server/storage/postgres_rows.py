"""PostgreSQL rows of the office's record: tickets and events to columns and back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from server.domain.model import Ticket
from server.json_text import dumps
from server.storage.port import Event
from server.storage.repository import TICKET_COLUMNS

EVENT_COLUMNS = "id, v, type, at, day, ticket, counter, clerk, synthesized, tickets, data"
INSERT_EVENT = f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join(['%s'] * 11)})"
SELECT_TICKETS = f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets"
INSERT_TICKET = (
    f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) "
    f"VALUES ({', '.join('%s' for _ in TICKET_COLUMNS)})"
)
UPDATE_TICKET = (
    f"UPDATE tickets SET {', '.join(f'{column} = %s' for column in TICKET_COLUMNS[1:])} "
    "WHERE id = %s"
)
# a clerk's sign-in lasts the day: who is signed in where follows from today's events
SELECT_SIGN_INS = (
    "SELECT counter, type, clerk FROM events WHERE day = %s AND counter IS NOT NULL "
    "AND type IN ('clerk.signed_in', 'clerk.signed_out') ORDER BY id"
)
UPSERT_COUNTER = (
    "INSERT INTO counters (number, state, current, day) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (number) DO UPDATE SET state = excluded.state, current = excluded.current, "
    "day = excluded.day"
)
UPSERT_SERVICE_STATE = (
    "INSERT INTO service_states (code, closed) VALUES (%s, %s) "
    "ON CONFLICT (code) DO UPDATE SET closed = excluded.closed"
)
UPDATE_SERVICE_NOTE = "UPDATE service_states SET note = %s WHERE code = %s"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_row(ticket: Ticket) -> tuple[object, ...]:
    """A ticket as the columns of TICKET_COLUMNS hold it (times as ISO text, like SQLite)."""
    return (
        ticket.id, ticket.day, ticket.number, ticket.sequence, ticket.issued_service,
        ticket.service, ticket.priority, str(ticket.status), _time(ticket.issued_at),
        int(ticket.lane), ticket.sort_key, ticket.key, ticket.counter, _time(ticket.called_at),
        _time(ticket.finished_at), ticket.recalls, ticket.requeued, ticket.transferred_from,
        ticket.request_key, ticket.issued_by, ticket.requeue_calls_left, ticket.clerk,
        ticket.transfers, ticket.requeues,
    )  # fmt: skip


def event_row(event: Event) -> tuple[object, ...]:
    return (
        event.id, event.v, event.type, event.at.isoformat(), event.day, event.ticket,
        event.counter, event.clerk, event.synthesized, dumps(list(event.tickets)),
        dumps(event.data),
    )  # fmt: skip


def event_from_row(row: Sequence[Any]) -> Event:
    event_id, v, kind, at, day, ticket, counter, clerk, synthesized, tickets, data = row
    return Event(
        id=int(event_id), v=int(v), type=str(kind), at=datetime.fromisoformat(at), day=day,
        ticket=int(ticket) if ticket is not None else None,
        counter=int(counter) if counter is not None else None, clerk=clerk,
        synthesized=bool(synthesized), tickets=tuple(tickets), data=dict(data),
    )  # fmt: skip
