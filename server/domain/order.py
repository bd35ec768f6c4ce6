"""The call order of one service: the rules that choose which waiting ticket goes next.

Pure and free of I/O, like the rest of the domain. A `ServiceLine` reads one service's
sorted lanes (priority, regular) without copying them, so the same rules decide a real
call and predict the order of the whole line (`people_ahead`, the snapshot's `waiting`).

Within a service: a re-queued ticket at the end of its bound first (earliest deadline
first), else the priority lane, unless a fairness rule gives the turn to the regular lane
(after `max_in_row` priority calls in a row, or when its first ticket waited longer than
`regular_after`). Between the services of one counter, the service whose first ticket
(priority first, then by issue order) came first takes its turn.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from server.domain.model import Lane, Ticket

Lanes = tuple[list[tuple[float, int]], list[tuple[float, int]]]  # (sort_key, id), sorted
_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(slots=True)
class ServiceLine:
    """One service's waiting line while its next calls are worked out (a scratch view)."""

    lanes: Lanes
    tickets: dict[int, Ticket]
    due: dict[int, int]  # waiting re-queued ticket id -> calls it may still let go first
    streak: int  # priority calls of the service in a row
    max_in_row: int | None
    regular_after: timedelta | None
    taken: set[int] = field(default_factory=set)
    positions: list[int] = field(default_factory=lambda: [0, 0])

    def head(self, lane: Lane) -> Ticket | None:
        """The first ticket of a lane not handed out yet."""
        entries = self.lanes[lane]
        position = self.positions[lane]
        while position < len(entries) and entries[position][1] in self.taken:
            position += 1
        self.positions[lane] = position
        return self.tickets[entries[position][1]] if position < len(entries) else None

    def turn(self) -> tuple[int, float, int] | None:
        """The service's place among other services: its earliest ticket, priority first."""
        heads = [ticket.order for lane in Lane if (ticket := self.head(lane)) is not None]
        return min(heads) if heads else None

    def choose(self, now: datetime | None) -> Ticket:
        """The ticket this service calls next (the line is not empty)."""
        due = self._due_requeued()
        if due is not None:
            return due
        priority, regular = self.head(Lane.PRIORITY), self.head(Lane.REGULAR)
        if priority is None or regular is None:
            chosen = priority or regular
            assert chosen is not None, "choose() on an empty line"
            return chosen
        if self.max_in_row is not None and self.streak >= self.max_in_row:
            return regular
        if (
            self.regular_after is not None
            and now is not None
            and now - regular.issued_at > self.regular_after
        ):
            return regular
        return priority

    def take(self, ticket: Ticket) -> None:
        """`ticket` is called: the others count down, the streak moves on."""
        self.taken.add(ticket.id)
        self.due.pop(ticket.id, None)
        for other, left in self.due.items():
            self.due[other] = max(0, left - 1)
        self.streak = self.streak + 1 if ticket.lane is Lane.PRIORITY else 0

    def place(self, ticket: Ticket, now: datetime | None) -> int:
        """How many tickets of the service are called before a waiting one.

        The re-queued tickets counting down are played through (a few calls at most);
        the rest is counted: first the regular tickets that waited longer than
        `regular_after` (they stand in issue order, so they are the head of the regular
        lane), then priority tickets with one regular ticket after each `max_in_row`.
        """
        early = self.play_due(now)
        if ticket.id in early:
            return early.index(ticket.id)
        return len(early) + self.count_ahead(ticket, now)

    def play_due(self, now: datetime | None) -> list[int]:
        """Hand out tickets until no re-queued one counts down; their ids, in call order."""
        early = []
        while self.due:
            chosen = self.choose(now)
            self.take(chosen)
            early.append(chosen.id)
        return early

    def count_ahead(self, ticket: Ticket, now: datetime | None) -> int:
        """`place` once no re-queued ticket counts down any more (this changes nothing)."""
        assert not self.due, "play_due() first"
        return self._count_ahead(ticket, now)

    def _count_ahead(self, ticket: Ticket, now: datetime | None) -> int:
        priority_lane, regular_lane = self.lanes
        gone = [self._gone_before(lane) for lane in Lane]
        own = Lane.PRIORITY if ticket.lane is Lane.PRIORITY else Lane.REGULAR
        entry = (ticket.sort_key, ticket.id)
        index = bisect.bisect_left(self.lanes[own], entry)
        index -= bisect.bisect_left(gone[own], index)
        priority = len(priority_lane) - len(gone[Lane.PRIORITY])
        regular = len(regular_lane) - len(gone[Lane.REGULAR])
        overdue = 0
        if self.regular_after is not None and now is not None and priority:
            overdue = self._overdue(now - self.regular_after, gone[Lane.REGULAR])
        if own is Lane.REGULAR and index < overdue:
            return index
        if self.max_in_row is None:
            return overdue + index if own is Lane.PRIORITY else priority + index
        # priority calls before the next regular one, then one regular per N priority
        first = max(0, self.max_in_row - (0 if overdue else self.streak))
        if own is Lane.PRIORITY:
            if index < first:
                return overdue + index
            later = 1 + (index - first) // self.max_in_row
            return overdue + index + min(regular - overdue, later)
        return index + min(priority, first + (index - overdue) * self.max_in_row)

    def _gone_before(self, lane: Lane) -> list[int]:
        """Sorted indices, in `lane`, of the tickets already handed out."""
        entries = self.lanes[lane]
        found = []
        for ticket_id in self.taken:
            taken = self.tickets[ticket_id]
            index = bisect.bisect_left(entries, (taken.sort_key, taken.id))
            if index < len(entries) and entries[index][1] == ticket_id:
                found.append(index)
        return sorted(found)

    def _overdue(self, limit: datetime, gone: list[int]) -> int:
        """How many regular tickets still in line were issued before `limit`."""
        entries, tickets, skip = self.lanes[Lane.REGULAR], self.tickets, set(gone)

        # issued_at grows along the lane except at the tickets handed out (a re-queued one
        # keeps its issue time at the lane's end): read each as the next one still waiting
        def issued(index: int) -> datetime:
            while index in skip:
                index += 1
            return tickets[entries[index][1]].issued_at if index < len(entries) else _LATEST

        position = bisect.bisect_left(range(len(entries)), limit, key=issued)
        return position - bisect.bisect_left(gone, position)

    def _due_requeued(self) -> Ticket | None:
        # Earliest deadline first: when the k+1 most urgent re-queued tickets may let at
        # most k others go first, one of them must be called now, or one misses its bound.
        # A tie goes to the one re-queued first (the smaller sort key): a later re-queue
        # never pushes an earlier one past its bound.
        ranked = sorted(
            self.due,
            key=lambda ticket_id: (self.due[ticket_id], self.tickets[ticket_id].sort_key),
        )
        if any(self.due[ticket_id] <= index for index, ticket_id in enumerate(ranked)):
            return self.tickets[ranked[0]]
        return None


def call_sequence(lines: Sequence[ServiceLine], now: datetime | None) -> Iterator[Ticket]:
    """The calls one counter serving these services would make from now, if nobody came."""
    while True:
        turns = [(turn, index) for index, line in enumerate(lines) if (turn := line.turn())]
        if not turns:
            return
        line = lines[min(turns)[1]]
        ticket = line.choose(now)
        line.take(ticket)
        yield ticket
