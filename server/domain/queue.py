"""The queue rules of one office-local day, in memory and free of I/O.

Every action takes the time as an argument and returns a `Change`; the caller stores the
change durably before anyone is told about it. One `QueueDay` is used from one thread
(the server's event loop), so each action is atomic.
"""

from __future__ import annotations

import bisect
import copy
import math
import secrets
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from server.domain.model import (
    Change,
    ClosedReason,
    Counter,
    CounterState,
    EventType,
    Lane,
    Ticket,
    TicketStatus,
    format_number,
)
from server.domain.order import ServiceLine, call_sequence
from server.domain.schedule import closed_reason
from server.domain.settings import OfficeSettings, ServiceSettings
from server.errors import (
    CounterPaused,
    InvalidState,
    NoCurrentTicket,
    NotPermitted,
    NotServedHere,
    QueueEmpty,
    SameService,
    ServiceClosed,
    UnknownCounter,
    UnknownService,
    UnknownTicket,
)

RECENT_DURATIONS = 20  # service durations kept per service for the wait estimate
CLOSED_MESSAGES = {
    ClosedReason.HOURS: "outside opening hours",
    ClosedReason.BREAK: "closed for a break",
    ClosedReason.HOLIDAY: "closed for a holiday",
    ClosedReason.QUOTA: "today's quota is used up",
    ClosedReason.CLOSED: "closed by the supervisor",
}


def new_ticket_key() -> str:
    """A secret for the ticket's status link (printed in its QR code)."""
    return secrets.token_urlsafe(9)


@dataclass(frozen=True, slots=True)
class _Watched:
    """A service's order before an action, as much of it as the action may shuffle."""

    order: tuple[int, ...] | None = None  # the whole call order
    first_calls: tuple[int, ...] = ()  # the calls until no re-queued ticket counts down
    streak: int = 0  # the priority calls in a row after them


class QueueDay:
    """Tickets, counters and waiting lines of one office-local day."""

    def __init__(
        self,
        config: OfficeSettings,
        day: date,
        *,
        tickets: Iterable[Ticket] = (),
        counters: Iterable[Counter] = (),
        closed_services: Iterable[str] = (),
        closed_notes: Mapping[str, str] | None = None,
        next_id: int = 1,
        key_factory: Callable[[], str] = new_ticket_key,
    ) -> None:
        self.config = config
        self.day = day
        self.next_id = next_id
        self.key_factory = key_factory
        self.closed_services: set[str] = set(closed_services)
        # the supervisor's reason for each service closed by hand (when one was given)
        self.closed_notes: dict[str, str] = {
            code: note
            for code, note in (closed_notes or {}).items()
            if code in self.closed_services
        }
        self.tickets: dict[int, Ticket] = {}
        self.by_number: dict[str, int] = {}
        self.by_request_key: dict[str, int] = {}
        self.last_sequence: dict[str, int] = {service.code: 0 for service in config.services}
        self.issued_count: dict[str, int] = {service.code: 0 for service in config.services}
        # per service, per lane: sorted list of (sort_key, id) of waiting tickets
        self.lines: dict[str, tuple[list[tuple[float, int]], list[tuple[float, int]]]] = {
            service.code: ([], []) for service in config.services
        }
        self.durations: dict[str, deque[float]] = {
            service.code: deque(maxlen=RECENT_DURATIONS) for service in config.services
        }
        self.counters: dict[int, Counter] = {
            counter.number: Counter(counter.number) for counter in config.counters
        }
        # per service: ids of waiting re-queued tickets that still count down
        self.requeued_waiting: dict[str, set[int]] = {
            service.code: set() for service in config.services
        }
        self.priority_streak: dict[str, int] = {service.code: 0 for service in config.services}
        self._latest: datetime | None = None  # the time of the latest action
        self._version = 0  # changes with every change of a ticket or a line
        # per service: the line with its counting-down re-queued tickets played through
        self._played: dict[str, tuple[tuple[int, datetime | None], ServiceLine, dict[int, int]]]
        self._played = {}
        self._services = {service.code: service for service in config.services}
        self._serving = {
            service.code: tuple(
                counter.number for counter in config.counters if service.code in counter.services
            )
            for service in config.services
        }
        for counter in counters:
            if counter.number in self.counters:
                self.counters[counter.number] = counter
        for ticket in sorted(tickets, key=lambda ticket: ticket.id):
            self._load(ticket)
        self._restore_priority_streaks()
        for number, counter in list(self.counters.items()):
            current = self.tickets.get(counter.current) if counter.current is not None else None
            if current is None or current.status is not TicketStatus.CALLED:
                self.counters[number] = replace(counter, current=None)

    # ----------------------------------------------------------------- queries

    def service_config(self, code: str) -> ServiceSettings:
        service = self._services.get(code)
        if service is None:
            known = ", ".join(service.code for service in self.config.services)
            raise UnknownService(f"service {code!r} does not exist (known: {known})")
        return service

    def counter(self, number: int) -> Counter:
        counter = self.counters.get(number)
        if counter is None:
            raise UnknownCounter(f"counter {number} does not exist")
        return counter

    def ticket(self, ticket_id: int) -> Ticket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise UnknownTicket(f"ticket {ticket_id} does not exist today")
        return ticket

    def closed_reason(self, code: str, now: datetime) -> ClosedReason | None:
        service = self.service_config(code)
        return closed_reason(
            self.config, service, now, self.issued_count[code], code in self.closed_services
        )

    def waiting_count(self, code: str) -> tuple[int, int]:
        """(all waiting, waiting in the priority lane) for one service."""
        priority, regular = self.lines[code]
        return len(priority) + len(regular), len(priority)

    def waiting(
        self, codes: Iterable[str] | None = None, now: datetime | None = None
    ) -> list[Ticket]:
        """Waiting tickets of `codes` (default: all services) in the order one counter
        serving all of them would call them, if nobody else came (see `call_next`)."""
        codes = list(codes) if codes is not None else list(self.lines)
        return list(self._call_sequence(codes, now))

    def people_ahead(self, ticket: Ticket, now: datetime | None = None) -> int:
        """How many tickets of its service are called before it, if nobody else came."""
        if ticket.status is not TicketStatus.WAITING or ticket.service not in self.lines:
            return 0
        code, moment = ticket.service, now or self._latest
        if not self.requeued_waiting[code]:
            return self._scratch_line(code).place(ticket, moment)
        # re-queued tickets count down: play them through once for every ticket asked
        key = (self._version, moment)
        played = self._played.get(code)
        if played is None or played[0] != key:
            line = self._scratch_line(code)
            early = line.play_due(moment)
            played = (key, line, {ticket_id: index for index, ticket_id in enumerate(early)})
            self._played[code] = played
        _, line, early_places = played
        if ticket.id in early_places:
            return early_places[ticket.id]
        return len(early_places) + line.count_ahead(ticket, moment)

    def minutes_per_visitor(self, code: str) -> float:
        recent = self.durations[code]
        if len(recent) >= 3:
            return sum(recent) / len(recent) / 60.0
        return self.service_config(code).minutes_per_visitor

    def estimated_wait_s(self, code: str, people_ahead: int) -> int:
        serving = [
            number for number in self._serving[code]
            if self.counters[number].state is CounterState.OPEN
        ]  # fmt: skip
        per_visitor_s = self.minutes_per_visitor(code) * 60.0
        rounds = math.ceil((people_ahead + 1) / max(1, len(serving))) - 1
        if not serving:
            rounds = people_ahead
        return round(max(0, rounds) * per_visitor_s)

    def recent_calls(self, limit: int = 20) -> list[Ticket]:
        called = [ticket for ticket in self.tickets.values() if ticket.called_at is not None]
        called.sort(key=lambda ticket: (ticket.called_at, ticket.id), reverse=True)
        return called[:limit]

    def copy(self) -> QueueDay:
        """A copy that later actions on this day do not change (to read on another thread)."""
        twin = copy.copy(self)
        twin.closed_services = set(self.closed_services)
        twin.closed_notes = dict(self.closed_notes)
        twin.tickets = dict(self.tickets)
        twin.by_number = dict(self.by_number)
        twin.by_request_key = dict(self.by_request_key)
        twin.last_sequence = dict(self.last_sequence)
        twin.issued_count = dict(self.issued_count)
        twin.lines = {
            code: (list(first), list(second)) for code, (first, second) in self.lines.items()
        }
        twin.durations = {
            code: deque(recent, maxlen=recent.maxlen) for code, recent in self.durations.items()
        }
        twin.counters = dict(self.counters)
        twin.requeued_waiting = {code: set(ids) for code, ids in self.requeued_waiting.items()}
        twin.priority_streak = dict(self.priority_streak)
        twin._played = {}  # its own: the two are read on different threads
        return twin

    # ----------------------------------------------------------------- actions

    def issue(
        self, code: str, priority: bool, now: datetime, request_key: str | None = None,
        issued_by: int | None = None,
    ) -> Change:  # fmt: skip
        self._latest = now
        if request_key is not None and request_key in self.by_request_key:
            raise InvalidState("this request already issued a ticket")  # callers look first
        self.service_config(code)
        reason = self.closed_reason(code, now)
        if reason is not None:
            raise ServiceClosed(f"service {code} is closed: {CLOSED_MESSAGES[reason]}", reason)
        if priority and not self.config.priority_enabled:
            raise InvalidState("priority tickets are not offered at this office")
        sequence = self.last_sequence[code] + 1
        ticket = Ticket(
            id=self.next_id,
            day=self.day,
            number=format_number(code, sequence),
            sequence=sequence,
            issued_service=code,
            service=code,
            priority=priority,
            status=TicketStatus.WAITING,
            issued_at=now,
            lane=Lane.PRIORITY if priority else Lane.REGULAR,
            sort_key=float(self.next_id),
            key=self.key_factory(),
            request_key=request_key,
            issued_by=issued_by,
        )
        before = self._orders_to_watch((code,), reorders=False)
        self._load(ticket)
        change = Change(EventType.TICKET_ISSUED, tickets=(ticket,), services=(code,))
        return self._with_reordered(change, before)

    def issued_for(self, request_key: str) -> Ticket | None:
        """The ticket an earlier request with this key issued today, if any."""
        ticket_id = self.by_request_key.get(request_key)
        return self.tickets[ticket_id] if ticket_id is not None else None

    def void(self, ticket_id: int, now: datetime, issued_by: int | None = None) -> Change:
        """Void a waiting ticket; with `issued_by`, only one that this device issued."""
        self._latest = now
        ticket = self.ticket(ticket_id)
        if issued_by is not None and ticket.issued_by != issued_by:
            raise NotPermitted(
                f"ticket {ticket.number} was issued by another device; "
                "only that kiosk or an admin can void it"
            )
        if ticket.status is not TicketStatus.WAITING:
            raise InvalidState(
                f"ticket {ticket.number} is {ticket.status}; only a waiting one can be voided"
            )
        before = self._orders_to_watch((ticket.service,), reorders=True)
        self._unline(ticket)
        voided = self._store(replace(ticket, status=TicketStatus.VOIDED, finished_at=now))
        # the issuing service's count goes down too (a transferred ticket waits elsewhere)
        services = tuple(dict.fromkeys((ticket.service, ticket.issued_service)))
        change = Change(EventType.TICKET_VOIDED, tickets=(voided,), services=services)
        return self._with_reordered(change, before)

    def call_next(self, number: int, now: datetime) -> Change:
        """Call the next ticket among the counter's services; the current one is done.

        Between services the one whose earliest ticket (priority first) came first takes
        its turn; within it, a re-queued ticket at the end of its bound goes first, then
        the fairness rules choose between the priority and the regular lane.
        """
        self._latest = now
        counter = self._callable_counter(number)
        codes = self.config.counter(number).services  # type: ignore[union-attr]
        chosen = next(self._call_sequence(codes, now), None)
        if chosen is None:
            raise QueueEmpty(f"no one is waiting for counter {number}")
        before = self._orders_to_watch((chosen.service,), reorders=False)
        return self._with_reordered(self._call(counter, chosen, now), before)

    def call_number(self, number: int, ticket_number: str, now: datetime) -> Change:
        """Call a given waiting ticket out of order; the current one is done, as with next."""
        self._latest = now
        counter = self._callable_counter(number)
        ticket = self._by_number(ticket_number)
        self._check_served(number, ticket)
        if ticket.status is not TicketStatus.WAITING:
            raise InvalidState(
                f"ticket {ticket.number} is {ticket.status}; only a waiting one can be called"
            )
        before = self._orders_to_watch((ticket.service,), reorders=True)
        return self._with_reordered(self._call(counter, ticket, now), before)

    def recall(self, number: int, now: datetime) -> Change:
        self._latest = now
        counter, ticket = self._current(number)
        recalled = self._store(replace(ticket, recalls=ticket.recalls + 1))
        return Change(EventType.TICKET_RECALLED, tickets=(recalled,), counters=(counter,))

    def finish(self, number: int, now: datetime) -> Change:
        self._latest = now
        counter, ticket = self._current(number)
        done = self._finish(ticket, TicketStatus.DONE, now)
        counter = self._set_counter(replace(counter, current=None))
        return Change(
            EventType.TICKET_DONE, tickets=(done,), counters=(counter,), services=(done.service,)
        )

    def no_show(self, number: int, now: datetime) -> Change:
        self._latest = now
        counter, ticket = self._current(number)
        missed = self._finish(ticket, TicketStatus.NO_SHOW, now, measure=False)
        counter = self._set_counter(replace(counter, current=None))
        return Change(
            EventType.TICKET_NO_SHOW, tickets=(missed,), counters=(counter,),
            services=(missed.service,),
        )  # fmt: skip

    def requeue(self, number: int, ticket_number: str, now: datetime) -> Change:
        """A no-show waits again: at most `requeue_after` further tickets of its service
        are called before it (each re-queued ticket keeps its own count)."""
        self._latest = now
        counter = self.counter(number)
        ticket = self._by_number(ticket_number)
        self._check_served(number, ticket)
        if ticket.status is not TicketStatus.NO_SHOW:
            raise InvalidState(
                f"ticket {ticket.number} is {ticket.status}; only a no-show can be re-queued"
            )
        lane = Lane.PRIORITY if ticket.priority else Lane.REGULAR
        tail = self.lines[ticket.service][lane]
        # at the end of its own lane, before any ticket issued from now on, and after every
        # ticket of its service re-queued before it (their order decides a tie of counts)
        keys = [tail[-1][0] if tail else float(self.next_id) - 1.0]
        keys += [self.tickets[other].sort_key for other in self.requeued_waiting[ticket.service]]
        last = max(keys)
        back = replace(
            ticket, status=TicketStatus.WAITING, lane=lane,
            sort_key=(last + float(self.next_id)) / 2.0, requeued=True, counter=None,
            called_at=None, finished_at=None, requeue_calls_left=self.config.requeue_after,
            clerk=None, requeues=ticket.requeues + 1,
        )  # fmt: skip
        before = self._orders_to_watch((ticket.service,), reorders=True)
        self._store(back)
        self._line(back)
        change = Change(
            EventType.TICKET_REQUEUED, tickets=(back,), counters=(counter,),
            services=(back.service,),
        )  # fmt: skip
        return self._with_reordered(change, before)

    def transfer(self, number: int, code: str, now: datetime) -> Change:
        """The current ticket waits in another service, with its number and its place by
        original issue time in its own lane (priority stays priority)."""
        self._latest = now
        self.service_config(code)
        counter, ticket = self._current(number)
        if ticket.service == code:
            raise SameService(f"ticket {ticket.number} is already in service {code}")
        if not self._serving[code]:
            # nobody could ever call it there: the visitor would wait for nothing
            raise InvalidState(f"no counter serves service {code}; choose another service")
        moved = replace(
            ticket, service=code, status=TicketStatus.WAITING, counter=None, called_at=None,
            transferred_from=ticket.service,
            lane=Lane.PRIORITY if ticket.priority else Lane.REGULAR,
            sort_key=float(ticket.id), requeue_calls_left=None, clerk=None,
            transfers=ticket.transfers + 1,
        )  # fmt: skip
        before = self._orders_to_watch((code,), reorders=True)
        self._store(moved)
        self._line(moved)
        counter = self._set_counter(replace(counter, current=None))
        change = Change(
            EventType.TICKET_TRANSFERRED, tickets=(moved,), counters=(counter,),
            services=(ticket.service, code), from_service=ticket.service,
        )  # fmt: skip
        return self._with_reordered(change, before)

    def with_clerk(self, change: Change, clerk: str) -> Change:
        """`change` (a call), its called ticket marked as called by `clerk` (for reports)."""
        called = change.ticket
        if change.event is not EventType.TICKET_CALLED or called is None:
            return change
        marked = self._store(replace(called, clerk=clerk))
        return replace(change, tickets=(*change.tickets[:-1], marked))

    def set_paused(self, number: int, paused: bool) -> Change:
        counter = self.counter(number)
        state = CounterState.PAUSED if paused else CounterState.OPEN
        counter = self._set_counter(replace(counter, state=state))
        codes = self.config.counter(number).services  # type: ignore[union-attr]
        return Change(EventType.COUNTER_CHANGED, counters=(counter,), services=tuple(codes))

    def sign_in(self, number: int, clerk: str) -> Change:
        """A clerk signs in at a counter; the calls made there are then recorded as theirs."""
        counter = self._set_counter(replace(self.counter(number), clerk=clerk))
        return Change(EventType.CLERK_SIGNED_IN, counters=(counter,))

    def sign_out(self, number: int) -> Change:
        """The clerk signed in at a counter leaves it (the counter keeps working unnamed)."""
        counter = self._set_counter(replace(self.counter(number), clerk=None))
        return Change(EventType.CLERK_SIGNED_OUT, counters=(counter,))

    def counter_of_clerk(self, clerk: str) -> int | None:
        """The counter where this clerk (any case) is signed in, if any."""
        wanted = clerk.casefold()
        for counter in self.counters.values():
            if counter.clerk is not None and counter.clerk.casefold() == wanted:
                return counter.number
        return None

    def set_service_closed(self, code: str, closed: bool, note: str | None = None) -> Change:
        """Close a service by hand (with the supervisor's reason, if any) or open it again."""
        self.service_config(code)
        if closed:
            self.closed_services.add(code)
            if note:
                self.closed_notes[code] = note
            else:
                self.closed_notes.pop(code, None)
        else:
            self.closed_services.discard(code)
            self.closed_notes.pop(code, None)
        return Change(EventType.SERVICE_CHANGED, services=(code,))

    # ----------------------------------------------------------------- internals

    def _callable_counter(self, number: int) -> Counter:
        counter = self.counter(number)
        if counter.state is CounterState.PAUSED:
            raise CounterPaused(f"counter {number} is paused; resume it first")
        return counter

    def _by_number(self, ticket_number: str) -> Ticket:
        ticket_id = self.by_number.get(ticket_number.strip().upper())
        if ticket_id is None:
            raise UnknownTicket(f"no ticket {ticket_number!r} was issued today")
        return self.tickets[ticket_id]

    def _check_served(self, number: int, ticket: Ticket) -> None:
        codes = self.config.counter(number).services  # type: ignore[union-attr]
        if ticket.service not in codes:
            raise NotServedHere(
                f"ticket {ticket.number} is in service {ticket.service}, "
                f"which counter {number} does not serve"
            )

    def _call(self, counter: Counter, chosen: Ticket, now: datetime) -> Change:
        finished: tuple[Ticket, ...] = ()
        if counter.current is not None:
            finished = (self._finish(self.tickets[counter.current], TicketStatus.DONE, now),)
        self._unline(chosen)
        called = self._store(
            replace(
                chosen, status=TicketStatus.CALLED, counter=counter.number, called_at=now,
                requeue_calls_left=None, clerk=None,
            )
        )  # fmt: skip
        counted = self._count_call(called)
        counter = self._set_counter(replace(counter, current=called.id))
        services = tuple(dict.fromkeys([*(t.service for t in finished), called.service]))
        return Change(
            EventType.TICKET_CALLED, tickets=(*finished, *counted, called), counters=(counter,),
            services=services,
        )  # fmt: skip

    def _count_call(self, called: Ticket) -> tuple[Ticket, ...]:
        """A call of a service: its re-queued tickets count down, its priority streak moves."""
        code = called.service
        counted = []
        for ticket_id in sorted(self.requeued_waiting[code]):
            ticket = self.tickets[ticket_id]
            left = ticket.requeue_calls_left
            if left is not None and left > 0:
                counted.append(self._store(replace(ticket, requeue_calls_left=left - 1)))
        streak = self.priority_streak[code]
        self.priority_streak[code] = streak + 1 if called.lane is Lane.PRIORITY else 0
        return tuple(counted)

    def _orders_to_watch(self, codes: Iterable[str], reorders: bool) -> dict[str, _Watched]:
        """What an action may shuffle, before it, per service.

        A ticket put into or taken from the middle of a line with a fairness rule (`reorders`)
        may move any other: the whole call order is kept to compare. A re-queued ticket
        counting down moves only within the first calls: those calls and the streak after
        them are kept (the rest follows the lanes as before).
        """
        watched: dict[str, _Watched] = {}
        for code in dict.fromkeys(codes):
            service = self._services.get(code)
            if service is None:
                continue
            fair = (
                self.config.max_in_row(service) is not None
                or self.config.regular_after_minutes(service) is not None
            )
            if reorders and fair:
                watched[code] = _Watched(order=self._order_ids(code))
            elif self.requeued_waiting[code]:
                watched[code] = self._first_calls(code)
        return watched

    def _order_ids(self, code: str) -> tuple[int, ...]:
        return tuple(ticket.id for ticket in self._call_sequence([code], self._latest))

    def _first_calls(self, code: str) -> _Watched:
        line = self._scratch_line(code)
        return _Watched(first_calls=tuple(line.play_due(self._latest)), streak=line.streak)

    def _with_reordered(self, change: Change, before: dict[str, _Watched]) -> Change:
        """`change`, telling every waiting ticket of a service whose order it shuffled."""
        main = change.ticket.id if change.ticket is not None else None
        carried = {ticket.id for ticket in change.tickets}
        reordered: list[Ticket] = []
        for code, old in before.items():
            if old.order is not None:
                new = self._order_ids(code)
                common = set(old.order) & set(new)
                moved = [i for i in old.order if i in common] != [i for i in new if i in common]
            else:
                now = self._first_calls(code)
                moved = old.streak != now.streak or [i for i in old.first_calls if i != main] != [
                    i for i in now.first_calls if i != main
                ]
            if moved:
                line = self._call_sequence([code], self._latest)
                reordered += [ticket for ticket in line if ticket.id not in carried]
        return replace(change, reordered=tuple(reordered)) if reordered else change

    def _call_sequence(self, codes: Iterable[str], now: datetime | None) -> Iterator[Ticket]:
        """The calls one counter serving `codes` would make from now, if nobody came."""
        return call_sequence(
            [self._scratch_line(code) for code in codes if code in self.lines], now
        )

    def _scratch_line(self, code: str) -> ServiceLine:
        service = self._services[code]
        minutes = self.config.regular_after_minutes(service)
        due = {
            ticket_id: self.tickets[ticket_id].requeue_calls_left or 0
            for ticket_id in self.requeued_waiting[code]
        }
        return ServiceLine(
            lanes=self.lines[code], tickets=self.tickets, due=due,
            streak=self.priority_streak[code], max_in_row=self.config.max_in_row(service),
            regular_after=timedelta(minutes=minutes) if minutes is not None else None,
        )  # fmt: skip

    def _restore_priority_streaks(self) -> None:
        # after a restart: the priority calls in a row, from today's latest calls
        latest_first = sorted(
            (ticket for ticket in self.tickets.values() if ticket.called_at is not None),
            key=lambda ticket: (ticket.called_at, ticket.id),
            reverse=True,
        )
        ended: set[str] = set()
        for ticket in latest_first:
            code = ticket.service
            if code in ended or code not in self.priority_streak:
                continue
            if ticket.lane is Lane.PRIORITY:
                self.priority_streak[code] += 1
            else:
                ended.add(code)

    def _current(self, number: int) -> tuple[Counter, Ticket]:
        counter = self.counter(number)
        if counter.current is None:
            raise NoCurrentTicket(
                f"counter {number} is not serving anyone; call the next one first"
            )
        return counter, self.tickets[counter.current]

    def _finish(
        self, ticket: Ticket, status: TicketStatus, now: datetime, measure: bool = True
    ) -> Ticket:
        if measure:
            self._measure(ticket, now)
        return self._store(replace(ticket, status=status, finished_at=now))

    def _measure(self, ticket: Ticket, finished_at: datetime | None) -> None:
        if ticket.called_at is not None and finished_at is not None:
            seconds = (finished_at - ticket.called_at).total_seconds()
            if 0 < seconds < 4 * 3600:
                self.durations[ticket.service].append(seconds)

    def _load(self, ticket: Ticket) -> None:
        self.tickets[ticket.id] = ticket
        self.by_number[ticket.number] = ticket.id
        if ticket.request_key is not None:
            self.by_request_key[ticket.request_key] = ticket.id
        code = ticket.issued_service
        self.last_sequence[code] = max(self.last_sequence.get(code, 0), ticket.sequence)
        if ticket.status is not TicketStatus.VOIDED:
            self.issued_count[code] = self.issued_count.get(code, 0) + 1
        self.next_id = max(self.next_id, ticket.id + 1)
        if ticket.status is TicketStatus.WAITING and ticket.service in self.lines:
            self._line(ticket)
        elif ticket.status is TicketStatus.DONE and ticket.service in self.durations:
            # the wait estimate learns from today's visits again after a restart
            self._measure(ticket, ticket.finished_at)

    def _store(self, ticket: Ticket) -> Ticket:
        previous = self.tickets.get(ticket.id)
        if (
            previous is not None
            and ticket.status is TicketStatus.VOIDED
            and previous.status is not TicketStatus.VOIDED
        ):
            self.issued_count[ticket.issued_service] -= 1
        self.tickets[ticket.id] = ticket
        self._version += 1
        return ticket

    def _line(self, ticket: Ticket) -> None:
        bisect.insort(self.lines[ticket.service][ticket.lane], (ticket.sort_key, ticket.id))
        if ticket.requeue_calls_left is not None:
            self.requeued_waiting[ticket.service].add(ticket.id)
        self._version += 1

    def _unline(self, ticket: Ticket) -> None:
        lane = self.lines[ticket.service][ticket.lane]
        index = bisect.bisect_left(lane, (ticket.sort_key, ticket.id))
        if index < len(lane) and lane[index][1] == ticket.id:
            del lane[index]
        self.requeued_waiting[ticket.service].discard(ticket.id)
        self._version += 1

    def _set_counter(self, counter: Counter) -> Counter:
        self.counters[counter.number] = counter
        return counter
