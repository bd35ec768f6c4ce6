"""Property tests: random sequences of actions never break the queue's invariants."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from server.config import parse_config
from server.domain.model import EventType, TicketStatus
from server.domain.queue import QueueDay
from server.errors import QueueError

START = datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
CONFIG = parse_config({"office": {"requeue_after": 2}})

actions = st.one_of(
    st.tuples(st.just("issue"), st.sampled_from("ABC"), st.booleans()),
    st.tuples(st.just("next"), st.integers(1, 3)),
    st.tuples(st.just("recall"), st.integers(1, 3)),
    st.tuples(st.just("done"), st.integers(1, 3)),
    st.tuples(st.just("no_show"), st.integers(1, 3)),
    st.tuples(st.just("requeue"), st.integers(1, 3), st.integers(0, 30)),
    st.tuples(st.just("transfer"), st.integers(1, 3), st.sampled_from("ABC")),
    st.tuples(st.just("void"), st.integers(1, 40)),
    st.tuples(st.just("pause"), st.integers(1, 3), st.booleans()),
)


def perform(day: QueueDay, action: tuple[object, ...], now: datetime) -> None:
    name = action[0]
    if name == "issue":
        day.issue(str(action[1]), bool(action[2]), now)
    elif name == "next":
        day.call_next(int(action[1]), now)  # type: ignore[call-overload]
    elif name == "recall":
        day.recall(int(action[1]), now)  # type: ignore[call-overload]
    elif name == "done":
        day.finish(int(action[1]), now)  # type: ignore[call-overload]
    elif name == "no_show":
        day.no_show(int(action[1]), now)  # type: ignore[call-overload]
    elif name == "requeue":
        missed = [
            ticket for ticket in day.tickets.values() if ticket.status is TicketStatus.NO_SHOW
        ]
        if missed:
            target = missed[int(action[2]) % len(missed)]  # type: ignore[call-overload]
            day.requeue(int(action[1]), target.number, now)  # type: ignore[call-overload]
    elif name == "transfer":
        day.transfer(int(action[1]), str(action[2]), now)  # type: ignore[call-overload]
    elif name == "void":
        day.void(int(action[1]), now)  # type: ignore[call-overload]
    elif name == "pause":
        day.set_paused(int(action[1]), bool(action[2]))  # type: ignore[call-overload]


@settings(max_examples=300, deadline=None)
@given(st.lists(actions, max_size=80))
def test_random_actions_keep_the_queue_consistent(sequence: list[tuple[object, ...]]) -> None:
    day = QueueDay(CONFIG, START.date())
    calls: dict[int, int] = {}
    issued_numbers: list[str] = []
    for step, action in enumerate(sequence):
        now = START + timedelta(seconds=30 * step)
        before = dict(day.tickets)
        try:
            perform(day, action, now)
        except QueueError:
            # a refused action changes nothing
            assert day.tickets == before
            continue
        for ticket in day.tickets.values():
            previous = before.get(ticket.id)
            if previous is None:
                issued_numbers.append(ticket.number)
            if ticket.called_at is not None and (previous is None or previous.called_at is None):
                calls[ticket.id] = calls.get(ticket.id, 0) + 1
        check_invariants(day)
    # no number is issued twice in a day
    assert len(issued_numbers) == len(set(issued_numbers))
    # a ticket is called once, except when a no-show was re-queued or it was transferred
    for ticket_id, count in calls.items():
        ticket = day.tickets[ticket_id]
        if not ticket.requeued and ticket.transferred_from is None:
            assert count == 1, ticket


def check_invariants(day: QueueDay) -> None:
    waiting = [ticket for ticket in day.tickets.values() if ticket.status is TicketStatus.WAITING]
    for code in "ABC":
        count, _ = day.waiting_count(code)
        assert count == sum(1 for ticket in waiting if ticket.service == code)
    assert sorted(ticket.id for ticket in day.waiting()) == sorted(ticket.id for ticket in waiting)
    current = [counter.current for counter in day.counters.values() if counter.current is not None]
    assert len(current) == len(set(current)), "two counters serve the same ticket"
    called = {ticket.id for ticket in day.tickets.values() if ticket.status is TicketStatus.CALLED}
    assert called == set(current), "every called ticket is at exactly one counter"
    for code in "ABC":
        numbers = sorted(
            ticket.sequence for ticket in day.tickets.values() if ticket.issued_service == code
        )
        assert numbers == list(range(1, len(numbers) + 1)), "numbers are gap-free from 1"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.booleans()), min_size=1, max_size=40))
def test_calls_follow_priority_then_issue_order(issues: list[tuple[str, bool]]) -> None:
    day = QueueDay(CONFIG, START.date())
    for code, priority in issues:
        day.issue(code, priority, START)
    order = []
    while True:
        try:
            change = day.call_next(2, START)  # counter 2 serves A and B
        except QueueError:
            break
        assert change.event is EventType.TICKET_CALLED
        assert change.ticket is not None
        order.append(change.ticket)
    expected = sorted(
        (ticket for ticket in day.tickets.values() if ticket.service in "AB"),
        key=lambda ticket: (not ticket.priority, ticket.id),
    )
    assert [ticket.id for ticket in order] == [ticket.id for ticket in expected]
