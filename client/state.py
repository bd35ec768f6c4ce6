"""OfficeState: today's queue as the client sees it, folded from a snapshot and events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import msgspec

from client.errors import ClientError
from client.protocol import (
    Counter,
    DayRollover,
    Event,
    Figures,
    PriorityOffer,
    Service,
    Snapshot,
    Ticket,
    TicketStatus,
    UnknownEvent,
)

RECENT_CALLS_LIMIT = 20


class SequenceGap(ClientError):
    """A message follows one this client never saw: the state is stale, resync."""

    def __init__(self, last_seen: int, prev: int, seq: int) -> None:
        super().__init__(f"event {seq} follows {prev}, but the last one seen is {last_seen}")
        self.last_seen = last_seen
        self.prev = prev
        self.seq = seq


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
    log_id: str | None = None
    priority: PriorityOffer = field(default_factory=PriorityOffer)
    figures: Figures | None = None  # the waiting room's figures, when the office shows them

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
            log_id=snapshot.log_id,
            priority=snapshot.priority or PriorityOffer(),
            figures=snapshot.figures,
        )

    # -- queries -------------------------------------------------------------------------

    def service(self, code: str) -> Service | None:
        """The service with this letter code, or None."""
        return next((service for service in self.services if service.code == code), None)

    def counter(self, number: int) -> Counter | None:
        """The counter with this number, or None."""
        return next((counter for counter in self.counters if counter.number == number), None)

    def waiting_for(self, service_codes: Iterable[str]) -> tuple[Ticket, ...]:
        """Waiting tickets of these services, each service's in call order."""
        codes = frozenset(service_codes)
        return tuple(ticket for ticket in self.waiting if ticket.service in codes)

    @property
    def last_call(self) -> Ticket | None:
        """The ticket called most recently today, or None."""
        return self.recent_calls[0] if self.recent_calls else None

    # -- reducer -------------------------------------------------------------------------

    def apply(self, event: Event | UnknownEvent) -> OfficeState:
        """Return the state after ``event``, folding in what the event carries.

        An event already seen (seq not above ours) returns the state unchanged. An event
        whose ``prev`` is above our seq follows a message this client never got: that
        raises SequenceGap and the caller must resync. (``prev`` below our seq is fine:
        the events between were not for devices, or were in the snapshot.)

        No queue rule is run here: every ticket in ``tickets`` replaces its copies, and
        the lists follow its status. Two things stay as the server last said until the
        next snapshot: ``people_ahead`` and ``est_wait_s`` of waiting tickets the event
        did not carry, and older calls that move up into the last 20 when a call leaves
        them (transferred, re-queued). A ticket that starts waiting is placed among its
        own service's tickets where its ``people_ahead`` says; across services, the
        order of ``waiting`` is the snapshot's for the tickets it had.
        """
        if event.seq <= self.seq:
            return self
        if event.prev is None:  # a server that does not say: ids were gap-free
            if event.seq != self.seq + 1:
                raise SequenceGap(self.seq, event.seq - 1, event.seq)
        elif event.prev > self.seq:
            raise SequenceGap(self.seq, event.prev, event.seq)
        if isinstance(event, UnknownEvent):
            return replace(self, seq=event.seq)
        if isinstance(event, DayRollover):
            return self._roll_over(event)
        counters = self.counters
        if event.counter is not None:
            counters = _merge_counter(counters, event.counter)
        recent_calls, waiting = self.recent_calls, self.waiting
        for ticket in event.touched:
            counters = tuple(_fold_current(counter, ticket) for counter in counters)
            recent_calls = _fold_recent_call(recent_calls, ticket)
            waiting = _fold_waiting(waiting, ticket)
        waiting = _place_together(waiting, event.touched)
        return replace(
            self,
            seq=event.seq,
            figures=event.figures if event.figures is not None else self.figures,
            services=_merge_services(self.services, event.services),
            counters=counters,
            recent_calls=recent_calls,
            waiting=waiting,
        )

    def _roll_over(self, event: DayRollover) -> OfficeState:
        # A new day has no tickets. A server that sends no services with the rollover
        # leaves today's counts to the snapshot the client asks for next.
        counters = event.counters or tuple(
            replace_current(counter, None) for counter in self.counters
        )
        return replace(
            self,
            seq=event.seq,
            figures=event.figures,  # a new day: today's figures start again
            today=event.today,
            services=_merge_services(self.services, event.services),
            counters=counters,
            recent_calls=(),
            waiting=(),
        )


def replace_current(counter: Counter, current: Ticket | None) -> Counter:
    """The counter serving ``current`` (or no one) instead."""
    return msgspec.structs.replace(counter, current=current)


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


def _fold_current(counter: Counter, ticket: Ticket) -> Counter:
    if counter.current is None or counter.current.id != ticket.id or counter.current == ticket:
        return counter
    return replace_current(counter, ticket)


def _fold_recent_call(calls: tuple[Ticket, ...], ticket: Ticket) -> tuple[Ticket, ...]:
    """Recent calls are today's tickets with a call time, newest call first."""
    earlier = next((call for call in calls if call.id == ticket.id), None)
    if earlier is not None and earlier.called_at == ticket.called_at:
        return tuple(ticket if call.id == ticket.id else call for call in calls)
    others = [call for call in calls if call.id != ticket.id]
    if ticket.called_at is None:
        return tuple(others)  # transferred or re-queued: its call is cleared
    # a new call is the newest (times are sent to the second: several calls may share
    # one, so the order of the events decides); an older one goes where its time says
    position = next(
        (
            index
            for index, call in enumerate(others)
            if call.called_at is None or call.called_at <= ticket.called_at
        ),
        len(others),
    )
    others.insert(position, ticket)
    return tuple(others[:RECENT_CALLS_LIMIT])


def _place_together(waiting: tuple[Ticket, ...], told: tuple[Ticket, ...]) -> tuple[Ticket, ...]:
    """Several waiting tickets of one service in one event: the server moved them (a
    re-queued ticket counting down, a fairness rule), each to where its people_ahead says.

    They are taken out together and put back from the front, so each people_ahead counts
    the tickets that really stand before it.
    """
    by_service: dict[str, list[Ticket]] = {}
    for ticket in told:
        if ticket.status is TicketStatus.WAITING:
            by_service.setdefault(ticket.service, []).append(ticket)
    for code, moved in by_service.items():
        if len(moved) < 2:
            continue
        ids = {ticket.id for ticket in moved}
        others = [entry for entry in waiting if entry.id not in ids]
        for ticket in sorted(moved, key=lambda ticket: ticket.people_ahead):
            same = [index for index, entry in enumerate(others) if entry.service == code]
            ahead = min(max(ticket.people_ahead, 0), len(same))
            others.insert(same[ahead] if ahead < len(same) else len(others), ticket)
        waiting = tuple(others)
    return waiting


def _fold_waiting(waiting: tuple[Ticket, ...], ticket: Ticket) -> tuple[Ticket, ...]:
    earlier = next((entry for entry in waiting if entry.id == ticket.id), None)
    if ticket.status is not TicketStatus.WAITING:
        if earlier is None:
            return waiting
        return tuple(entry for entry in waiting if entry.id != ticket.id)
    if earlier is not None and earlier.service == ticket.service:
        return tuple(ticket if entry.id == ticket.id else entry for entry in waiting)
    # it starts waiting (issued, re-queued, transferred): the server's people_ahead says
    # how many of its service go first
    others = [entry for entry in waiting if entry.id != ticket.id]
    same = [index for index, entry in enumerate(others) if entry.service == ticket.service]
    ahead = min(max(ticket.people_ahead, 0), len(same))
    others.insert(same[ahead] if ahead < len(same) else len(others), ticket)
    return tuple(others)
