"""A year of one office's history, made up but shaped like a kecamatan's, for benchmarks.

    from year_history import generate_year, write_sqlite, write_postgres

`generate_year(last_day)` gives the working days (Monday to Friday) of the 52 weeks up to
`last_day`, ~600 tickets a day in the demo office's services (A, B, C) and counters, each
ticket with the events the office would have written for it (issued, called, done, and
no-shows, re-queues, transfers, voids, some tickets left at midnight, a rollover each
day), ids in time order. `write_sqlite(data_dir, history)` and `write_postgres(url,
history)` store it through the real schema (migrated first), in one bulk transaction.

A benchmark of other reports (SKM answers, exports) takes the same `History` and adds its
own rows: `done_tickets(history)` lists the served tickets (id, day, finished_at) that a
survey answer can belong to.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.domain.model import EventType, Lane, Ticket, TicketStatus, format_number
from server.record import ticket_record
from server.storage.port import Event

ZONE = ZoneInfo("Asia/Jakarta")
TICKETS_PER_DAY = 600
SERVICES = (("A", 0.5, (1, 2)), ("B", 0.3, (2, 3)), ("C", 0.2, (3,)))  # code, share, lokets
CLERKS = {1: ("Siti", "Rudi"), 2: ("Ani", "Bayu"), 3: ("Dewi", "Eko")}
# arrivals per office hour (08..14): a morning peak, the midday dip
HOURLY_WEIGHTS = (0.16, 0.22, 0.2, 0.12, 0.1, 0.12, 0.08)
OPENS = time(8, 0)


@dataclass(frozen=True, slots=True)
class History:
    """Tickets in their final state and every event, in id order."""

    first_day: date
    last_day: date
    tickets: list[Ticket]
    events: list[Event]


def working_days(last_day: date, weeks: int = 52) -> Iterator[date]:
    day = last_day - timedelta(weeks=weeks) + timedelta(days=1)
    while day <= last_day:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def _moment(day: date, seconds: float) -> datetime:
    return datetime.combine(day, OPENS, ZONE) + timedelta(seconds=seconds)


def _day_of_tickets(
    day: date, first_id: int, rng: random.Random
) -> tuple[list[Ticket], list[tuple[datetime, str, list[Ticket], int | None, str | None]]]:
    """One day's tickets and its moments (time, event type, tickets touched, counter, clerk)."""
    arrivals = sorted(
        rng.choices(range(7), HOURLY_WEIGHTS)[0] * 3600 + rng.uniform(0, 3600)
        for _ in range(TICKETS_PER_DAY)
    )
    sequences = {code: 0 for code, _, _ in SERVICES}
    tickets: list[Ticket] = []
    moments: list[tuple[datetime, str, list[Ticket], int | None, str | None]] = []
    for index, arrival in enumerate(arrivals):
        code, _, lokets = rng.choices(SERVICES, [share for _, share, _ in SERVICES])[0]
        sequences[code] += 1
        issued_at = _moment(day, arrival)
        priority = rng.random() < 0.08
        ticket = Ticket(
            id=first_id + index, day=day, number=format_number(code, sequences[code]),
            sequence=sequences[code], issued_service=code, service=code,
            priority=priority, status=TicketStatus.WAITING, issued_at=issued_at,
            lane=Lane.PRIORITY if priority else Lane.REGULAR, sort_key=float(first_id + index),
            key=f"k{first_id + index}",
        )  # fmt: skip
        moments.append((issued_at, EventType.TICKET_ISSUED, [ticket], None, None))
        fate = rng.random()
        clock = issued_at
        if fate < 0.02:  # the print failed
            ticket = replace(ticket, status=TicketStatus.VOIDED, finished_at=clock)
            moments.append((clock, EventType.TICKET_VOIDED, [ticket], None, None))
            tickets.append(ticket)
            continue
        if fate > 0.99:  # still waiting at midnight
            tickets.append(ticket)
            continue

        def call(ticket: Ticket, clock: datetime, lokets: tuple[int, ...] = lokets) -> Ticket:
            counter = rng.choice(lokets)
            clerk = rng.choice(CLERKS[counter])
            called = replace(
                ticket, status=TicketStatus.CALLED, counter=counter, called_at=clock,
                clerk=clerk,
            )  # fmt: skip
            moments.append((clock, EventType.TICKET_CALLED, [called], counter, clerk))
            return called

        clock += timedelta(seconds=rng.expovariate(1 / 900))
        ticket = call(ticket, clock)
        if 0.92 < fate <= 0.95:  # a no-show, re-queued, then served
            clock += timedelta(seconds=60)
            ticket = replace(ticket, status=TicketStatus.NO_SHOW, finished_at=clock)
            moments.append((clock, EventType.TICKET_NO_SHOW, [ticket], ticket.counter, None))
            clock += timedelta(seconds=30)
            ticket = replace(
                ticket, status=TicketStatus.WAITING, requeued=True, requeues=1, counter=None,
                called_at=None, finished_at=None, clerk=None,
            )  # fmt: skip
            moments.append((clock, EventType.TICKET_REQUEUED, [ticket], None, None))
            clock += timedelta(seconds=rng.expovariate(1 / 300))
            ticket = call(ticket, clock)
        elif 0.95 < fate <= 0.98 and code != "C":  # transferred to C, served there
            clock += timedelta(seconds=rng.uniform(30, 240))
            ticket = replace(
                ticket, service="C", status=TicketStatus.WAITING, counter=None, called_at=None,
                transferred_from=code, transfers=1, clerk=None,
            )  # fmt: skip
            moments.append((clock, EventType.TICKET_TRANSFERRED, [ticket], None, None))
            clock += timedelta(seconds=rng.expovariate(1 / 600))
            ticket = call(ticket, clock, (3,))
        if 0.86 < fate <= 0.92:
            clock += timedelta(seconds=60)
            ticket = replace(ticket, status=TicketStatus.NO_SHOW, finished_at=clock)
            moments.append((clock, EventType.TICKET_NO_SHOW, [ticket], ticket.counter, None))
        elif fate <= 0.985:
            clock += timedelta(seconds=rng.expovariate(1 / 360) + 30)
            ticket = replace(ticket, status=TicketStatus.DONE, finished_at=clock)
            moments.append((clock, EventType.TICKET_DONE, [ticket], ticket.counter, None))
        tickets.append(ticket)  # else: called when the day ended
    return tickets, moments


def generate_year(last_day: date, seed: int = 13) -> History:
    """The working days of the 52 weeks up to `last_day` (≈ 156,000 tickets)."""
    rng = random.Random(seed)
    tickets: list[Ticket] = []
    events: list[Event] = []
    days = list(working_days(last_day))
    for day in days:
        day_tickets, moments = _day_of_tickets(day, len(tickets) + 1, rng)
        tickets += day_tickets
        midnight = datetime.combine(day, time(0, 0), ZONE)
        events.append(
            Event(
                id=len(events) + 1, type=str(EventType.DAY_ROLLOVER), at=midnight, day=day,
                data={"previous": (day - timedelta(days=1)).isoformat(),
                      "today": day.isoformat()},
            )
        )  # fmt: skip
        moments.sort(key=lambda moment: moment[0])
        for at, kind, touched, counter, clerk in moments:
            events.append(
                Event(
                    id=len(events) + 1, type=str(kind), at=at, day=day, ticket=touched[-1].id,
                    counter=counter, clerk=clerk,
                    tickets=tuple(ticket_record(ticket, ZONE) for ticket in touched),
                )
            )  # fmt: skip
    return History(days[0], days[-1], tickets, events)


def done_tickets(history: History) -> list[tuple[int, date, datetime]]:
    """(id, day, finished_at) of every served ticket: what a survey answer belongs to."""
    return [
        (ticket.id, ticket.day, ticket.finished_at)
        for ticket in history.tickets
        if ticket.status is TicketStatus.DONE and ticket.finished_at is not None
    ]


def write_sqlite(data_dir: Path, history: History) -> None:
    """Into the SQLite database of `data_dir` (created and migrated), in one transaction."""
    from server.storage.repository import INSERT_TICKET, ticket_row
    from server.storage.schema import open_database
    from server.storage.sqlite import INSERT_EVENT, _event_row

    connection = open_database(data_dir, durable=False)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(INSERT_TICKET, (ticket_row(ticket) for ticket in history.tickets))
        connection.executemany(INSERT_EVENT, (_event_row(event) for event in history.events))
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
    finally:
        connection.close()


def write_postgres(url: str, history: History) -> None:
    """Into the PostgreSQL database at `url` (created and migrated), with COPY."""
    from server.storage.postgres_rows import EVENT_COLUMNS, event_row, ticket_row
    from server.storage.postgres_schema import bootstrap, connect, migrate
    from server.storage.repository import TICKET_COLUMNS

    connection = connect(url)
    try:
        bootstrap(connection)
        migrate(connection)
        with connection.transaction(), connection.cursor() as cursor:
            columns = ", ".join(TICKET_COLUMNS)
            with cursor.copy(f"COPY tickets ({columns}) FROM STDIN") as copy:
                for ticket in history.tickets:
                    copy.write_row(ticket_row(ticket))
            with cursor.copy(f"COPY events ({EVENT_COLUMNS}) FROM STDIN") as copy:
                for event in history.events:
                    copy.write_row(event_row(event))
        # as autovacuum would have left a year-old table: hint bits set, statistics made
        connection.execute("VACUUM (FREEZE, ANALYZE) tickets")
        connection.execute("VACUUM (FREEZE, ANALYZE) events")
    finally:
        connection.close()


def describe(history: History) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for ticket in history.tickets:
        statuses[str(ticket.status)] = statuses.get(str(ticket.status), 0) + 1
    return {
        "days": f"{history.first_day}..{history.last_day}",
        "tickets": len(history.tickets),
        "events": len(history.events),
        "statuses": statuses,
    }
