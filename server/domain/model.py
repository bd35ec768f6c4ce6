"""Values of the queue: tickets, counters, states and the changes an action makes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum, StrEnum


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    NO_SHOW = "no_show"
    VOIDED = "voided"


class CounterState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"


class ClosedReason(StrEnum):
    HOURS = "hours"
    BREAK = "break"
    HOLIDAY = "holiday"
    QUOTA = "quota"
    CLOSED = "closed"


class Lane(IntEnum):
    """Which line a waiting ticket stands in; the priority lane is called first."""

    PRIORITY = 0
    REGULAR = 1


class EventType(StrEnum):
    TICKET_ISSUED = "ticket.issued"
    TICKET_VOIDED = "ticket.voided"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_DONE = "ticket.done"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_REQUEUED = "ticket.requeued"
    TICKET_TRANSFERRED = "ticket.transferred"
    COUNTER_CHANGED = "counter.changed"
    # a clerk signs in at a counter or out of it (devices are told `counter.changed`)
    CLERK_SIGNED_IN = "clerk.signed_in"
    CLERK_SIGNED_OUT = "clerk.signed_out"
    SERVICE_CHANGED = "service.changed"
    DAY_ROLLOVER = "day.rollover"


@dataclass(frozen=True, slots=True)
class Ticket:
    """One queue ticket; `number` keeps the issuing service's letter after a transfer."""

    id: int
    day: date
    number: str
    sequence: int  # the 5 in A005
    issued_service: str
    service: str
    priority: bool
    status: TicketStatus
    issued_at: datetime
    lane: Lane
    sort_key: float
    key: str  # secret printed in the QR code
    counter: int | None = None
    called_at: datetime | None = None
    finished_at: datetime | None = None
    recalls: int = 0
    requeued: bool = False
    transferred_from: str | None = None
    request_key: str | None = None  # the kiosk's key for the request that issued it
    issued_by: int | None = None  # id of the device token that issued it
    # while re-queued and waiting: how many more tickets of its service may still be
    # called before it (counts down with each call; at 0 it is called next)
    requeue_calls_left: int | None = None
    # for reports: who made the current call (the signed-in clerk, else the counter's
    # name for it), and how often the ticket was transferred and re-queued
    clerk: str | None = None
    transfers: int = 0
    requeues: int = 0

    @property
    def order(self) -> tuple[int, float, int]:
        """Call order: lane first, then position, then id as a tie-breaker."""
        return (int(self.lane), self.sort_key, self.id)


@dataclass(frozen=True, slots=True)
class Counter:
    """State of one counter (loket) today."""

    number: int
    state: CounterState = CounterState.OPEN
    current: int | None = None  # id of the ticket being served
    clerk: str | None = None  # the clerk signed in at it today, if any


@dataclass(frozen=True, slots=True)
class Change:
    """What one action did: rows to store and the event to announce."""

    event: EventType
    tickets: tuple[Ticket, ...] = ()
    counters: tuple[Counter, ...] = ()
    services: tuple[str, ...] = ()  # codes whose counts or state changed
    from_service: str | None = None
    # waiting tickets whose place among the others of their service changed (a re-queued
    # ticket counting down, a fairness rule): told to devices, nothing to store
    reordered: tuple[Ticket, ...] = ()

    @property
    def ticket(self) -> Ticket | None:
        return self.tickets[-1] if self.tickets else None

    @property
    def counter(self) -> Counter | None:
        return self.counters[-1] if self.counters else None


def clerks_on_duty(sign_ins: Iterable[tuple[int, str, str | None]]) -> dict[int, str]:
    """Who is signed in where, from a day's sign-in events `(counter, type, clerk)` in order."""
    on_duty: dict[int, str] = {}
    for counter, kind, clerk in sign_ins:
        if kind == EventType.CLERK_SIGNED_IN and clerk is not None:
            on_duty[counter] = clerk
        else:
            on_duty.pop(counter, None)
    return on_duty


def format_number(code: str, sequence: int) -> str:
    """`A` and 5 -> `A005`; numbers past 999 keep all their digits (`A1000`)."""
    return f"{code}{sequence:03d}"
