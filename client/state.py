"""OfficeState: today's queue as the client sees it, folded from a snapshot and events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from client.errors import ClientError
from client.wire import (
    Counter,
    Event,
    EventType,
    Service,
    Snapshot,
    Ticket,
    TicketStatus,
    UnknownEvent,
)

RECENT_CALLS_LIMIT = 20


class SequenceGap(ClientError):
    """An event skipped a seq: the state is stale and a new snapshot is needed."""

    def __init__(self, expected: int, received: int) -> None:
        super().__init__(f"expected event seq {expected}, received {received}")
        self.expected = expected
        self.received = received


def _call_order_key(ticket: Ticket) -> tuple[bool, datetime, int]:
    # Priority tickets first, then by issue time; a transfer keeps the issue time.
    return (not ticket.priority, ticket.issued_at, ticket.id)


@dataclass(frozen=True, slots=True)
class OfficeState:
    """Immutable picture of today's office; ``apply`` returns the next picture."""

    seq: int
    today: date
    office: str
    timezone: str
    services: tuple[Service, ...]
    counters: tuple[Counter, ...]
    recent_calls: tuple[Ticket, ...]
    waiting: tuple[Ticket, ...]

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> OfficeState:
        """Start from a snapshot of the server."""
        return cls(
            seq=snapshot.seq,
            today=snapshot.today,
            office=snapshot.office,
            timezone=snapshot.timezone,
            services=snapshot.services,
            counters=snapshot.counters,
            recent_calls=snapshot.recent_calls[:RECENT_CALLS_LIMIT],
            waiting=snapshot.waiting,
        )

    # -- queries -------------------------------------------------------------------------

    def service(self, code: str) -> Service | None:
        """The service with this letter code, or None."""
        return next((service for service in self.services if service.code == code), None)

    def counter(self, number: int) -> Counter | None:
        """The counter with this number, or None."""
        return next((counter for counter in self.counters if counter.number == number), None)

    def waiting_for(self, service_codes: Iterable[str]) -> tuple[Ticket, ...]:
        """Waiting tickets of these services, in call order."""
        codes = frozenset(service_codes)
        return tuple(ticket for ticket in self.waiting if ticket.service in codes)

    @property
    def last_call(self) -> Ticket | None:
        """The ticket called most recently today, or None."""
        return self.recent_calls[0] if self.recent_calls else None

    # -- reducer -------------------------------------------------------------------------

    def apply(self, event: Event | UnknownEvent) -> OfficeState:
        """Return the state after ``event``.

        An event already seen (seq not above ours) returns the state unchanged; an event
        that skips a seq raises SequenceGap and the caller must fetch a new snapshot.

        What an event cannot tell stays approximate until the next snapshot: the place of
        a re-queued ticket among other services' tickets in ``waiting`` (within its own
        service it is exact), ``people_ahead`` and ``est_wait_s`` of waiting tickets other
        than the event's, older calls that move up into ``recent_calls`` when a call
        leaves it, and services' open state after a day rollover.
        """
        if event.seq <= self.seq:
            return self
        if event.seq != self.seq + 1:
            raise SequenceGap(self.seq + 1, event.seq)
        if isinstance(event, UnknownEvent):
            return replace(self, seq=event.seq)
        if event.type is EventType.DAY_ROLLOVER:
            # A new day has no tickets yet; the snapshot asked for next brings the rest.
            return replace(
                self,
                seq=event.seq,
                today=event.today or self.today,
                services=tuple(
                    replace(service, waiting=0, waiting_priority=0, est_wait_s=0, issued_today=0)
                    for service in self.services
                ),
                recent_calls=(),
                waiting=(),
                counters=tuple(replace(counter, current=None) for counter in self.counters),
            )
        services = _merge_services(self.services, event.services)
        counters = self.counters
        recent_calls = self.recent_calls
        if event.counter is not None:
            if event.type is EventType.TICKET_CALLED and event.ticket is not None:
                recent_calls = self._finish_previous(event.counter.number, event, recent_calls)
            counters = _merge_counter(counters, event.counter)
        waiting = self.waiting
        if event.ticket is not None:
            recent_calls, waiting = _apply_ticket(event.type, event.ticket, recent_calls, waiting)
        return replace(
            self,
            seq=event.seq,
            services=services,
            counters=counters,
            recent_calls=recent_calls,
            waiting=waiting,
        )

    def _finish_previous(
        self, number: int, event: Event, recent_calls: tuple[Ticket, ...]
    ) -> tuple[Ticket, ...]:
        """Next at a counter that still serves someone finishes that ticket first.

        The server marks it done at the moment of the call, but the event carries only
        the new call: the earlier ticket is marked done here, as a snapshot would show it.
        """
        counter = self.counter(number)
        earlier = counter.current if counter is not None else None
        if earlier is None or event.ticket is None or earlier.id == event.ticket.id:
            return recent_calls
        known = next((call for call in recent_calls if call.id == earlier.id), earlier)
        if known.status is not TicketStatus.CALLED:
            return recent_calls
        finished = replace(
            known, status=TicketStatus.DONE, finished_at=event.at or known.finished_at
        )
        return tuple(finished if call.id == finished.id else call for call in recent_calls)


def _merge_services(
    current: tuple[Service, ...], changed: tuple[Service, ...]
) -> tuple[Service, ...]:
    if not changed:
        return current
    by_code = {service.code: service for service in changed}
    merged = [by_code.pop(service.code, service) for service in current]
    merged.extend(by_code.values())
    return tuple(merged)


def _merge_counter(current: tuple[Counter, ...], changed: Counter) -> tuple[Counter, ...]:
    if all(counter.number != changed.number for counter in current):
        return tuple(sorted((*current, changed), key=lambda counter: counter.number))
    return tuple(changed if counter.number == changed.number else counter for counter in current)


def _apply_ticket(
    event_type: EventType,
    ticket: Ticket,
    recent_calls: tuple[Ticket, ...],
    waiting: tuple[Ticket, ...],
) -> tuple[tuple[Ticket, ...], tuple[Ticket, ...]]:
    # Every copy of the ticket is replaced; list membership then follows the event.
    if event_type is EventType.TICKET_CALLED:
        others = tuple(call for call in recent_calls if call.id != ticket.id)
        recent_calls = (ticket, *others)[:RECENT_CALLS_LIMIT]
    elif ticket.called_at is None:
        # Transferred or re-queued: no longer a call (the server's recent calls are the
        # tickets with a call time).
        recent_calls = tuple(call for call in recent_calls if call.id != ticket.id)
    else:
        recent_calls = tuple(ticket if call.id == ticket.id else call for call in recent_calls)

    was_waiting = any(entry.id == ticket.id for entry in waiting)
    others_waiting = [entry for entry in waiting if entry.id != ticket.id]
    if ticket.status is not TicketStatus.WAITING:
        return recent_calls, tuple(others_waiting)
    if was_waiting and event_type is not EventType.TICKET_TRANSFERRED:
        return recent_calls, tuple(ticket if entry.id == ticket.id else entry for entry in waiting)
    others_waiting.insert(_waiting_position(ticket, others_waiting), ticket)
    return recent_calls, tuple(others_waiting)


def _waiting_position(ticket: Ticket, others: list[Ticket]) -> int:
    """Where a ticket that starts waiting goes in the call order of all services."""
    key = _call_order_key(ticket)
    same = [index for index, entry in enumerate(others) if entry.service == ticket.service]
    if not ticket.requeued and not any(others[index].requeued for index in same):
        # Priority first, then issue time: the server's order of never re-queued tickets.
        return next(
            (index for index, entry in enumerate(others) if _call_order_key(entry) > key),
            len(others),
        )
    # A re-queued ticket is placed by the server after at most N others of its service
    # (maybe in the priority lane); its people_ahead says where exactly in that line.
    ahead = min(max(ticket.people_ahead, 0), len(same))
    low = same[ahead - 1] + 1 if ahead else 0
    high = same[ahead] if ahead < len(same) else len(others)
    if ticket.requeued:
        # Among other services' tickets the server's order is not known: next to its own.
        return high if ahead < len(same) or not same else low
    return next((index for index in range(low, high) if _call_order_key(others[index]) > key), high)
