"""Property tests: random sequences of actions never break the queue's invariants."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.config import Config, parse_config
from server.domain.model import EventType, Lane, Ticket, TicketStatus
from server.domain.queue import QueueDay
from server.errors import QueueError

START = datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
CONFIG = parse_config({"office": {"requeue_after": 2}})
# the same office with both fairness rules, one of them overridden for service B
FAIR_CONFIG = parse_config(
    {
        "office": {"requeue_after": 3},
        "priority": {"max_in_row": 2, "regular_after_minutes": 10},
        "services": [
            {"code": "A", "name": "A"},
            {"code": "B", "name": "B", "priority": {"max_in_row": 1}},
            {"code": "C", "name": "C"},
        ],
    }
)
CONFIGS = [
    pytest.param(CONFIG, id="no fairness rules"),
    pytest.param(parse_config({"priority": {"max_in_row": 2}}), id="max_in_row only"),
    pytest.param(FAIR_CONFIG, id="fair"),
]
# two services and two counters: re-queues of one service come often enough to meet
SMALL = {
    "services": [{"code": "A", "name": "A"}, {"code": "B", "name": "B"}],
    "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A", "B"]}],
}
BOUND_CONFIGS = [
    pytest.param(parse_config({**SMALL, "office": {"requeue_after": 1}}), id="N=1"),
    pytest.param(
        parse_config(
            {
                **SMALL,
                "office": {"requeue_after": 2},
                "priority": {"max_in_row": 1, "regular_after_minutes": 5},
            }
        ),
        id="N=2, fair",
    ),
]

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
# the clerk's out-of-order call: only a waiting ticket, by number
call_number = st.tuples(st.just("call"), st.integers(1, 3), st.integers(0, 30))
# for two services and two counters, with many issues, calls, no-shows and re-queues
issue_small = st.tuples(st.just("issue"), st.sampled_from("AB"), st.booleans())
next_small = st.tuples(st.just("next"), st.integers(1, 2))
small_actions = st.one_of(
    issue_small, issue_small, issue_small, next_small, next_small, next_small,
    st.tuples(st.just("no_show"), st.integers(1, 2)),
    st.tuples(st.just("no_show"), st.integers(1, 2)),
    st.tuples(st.just("requeue"), st.integers(1, 2), st.integers(0, 30)),
    st.tuples(st.just("requeue"), st.integers(1, 2), st.integers(0, 30)),
    st.tuples(st.just("transfer"), st.integers(1, 2), st.sampled_from("AB")),
    st.tuples(st.just("void"), st.integers(1, 40)),
    st.tuples(st.just("done"), st.integers(1, 2)),
)  # fmt: skip
transfer_small = st.tuples(st.just("transfer"), st.integers(1, 2), st.sampled_from("AB"))


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
    elif name == "call":
        waiting = sorted(day.waiting(), key=lambda ticket: ticket.id)
        if waiting:
            target = waiting[int(action[2]) % len(waiting)]  # type: ignore[call-overload]
            day.call_number(int(action[1]), target.number, now)  # type: ignore[call-overload]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(actions, call_number), max_size=80))
def test_random_actions_keep_the_queue_consistent(sequence: list[tuple[object, ...]]) -> None:
    day = QueueDay(FAIR_CONFIG, START.date())
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


def play(
    config: Config, sequence: list[tuple[object, ...]], step_s: int = 30
) -> Iterator[tuple[QueueDay, dict[int, Ticket], datetime]]:
    """Perform the actions one by one; yields the day, the tickets before it, and the time."""
    day = QueueDay(config, START.date())
    for step, action in enumerate(sequence):
        now = START + timedelta(seconds=step_s * step)
        before = dict(day.tickets)
        try:
            perform(day, action, now)
        except QueueError:
            continue
        yield day, before, now


@pytest.mark.parametrize("config", BOUND_CONFIGS)
@settings(max_examples=300, deadline=None)
@given(sequence=st.lists(small_actions, min_size=30, max_size=80))
def test_every_requeued_ticket_is_called_after_at_most_n_others_of_its_service(
    config: Config, sequence: list[tuple[object, ...]]
) -> None:
    # ticket id -> (others of its service it may let go first, others called so far)
    watched: dict[int, tuple[int, int]] = {}
    for day, before, _ in play(config, sequence):
        for ticket in day.tickets.values():
            previous = before.get(ticket.id)
            if previous is None or previous == ticket:
                continue
            if ticket.status is TicketStatus.CALLED and previous.status is TicketStatus.WAITING:
                watched.pop(ticket.id, None)
                for other_id, (bound, seen) in list(watched.items()):
                    if day.tickets[other_id].service == ticket.service:
                        watched[other_id] = (bound, seen + 1)
            elif ticket.status is not TicketStatus.WAITING:
                watched.pop(ticket.id, None)  # voided
        for ticket in day.tickets.values():
            previous = before.get(ticket.id)
            if (
                previous is not None
                and previous.status is TicketStatus.NO_SHOW
                and ticket.status is TicketStatus.WAITING
            ):
                # more re-queued than the bound allows at once: one after the other
                earlier = sum(
                    1 for other in watched if day.tickets[other].service == ticket.service
                )
                watched[ticket.id] = (max(config.requeue_after, earlier), 0)
        for ticket_id, (bound, seen) in watched.items():
            assert seen <= bound, (day.tickets[ticket_id], bound, seen)


@pytest.mark.parametrize("config", [CONFIGS[0], *BOUND_CONFIGS])
@settings(max_examples=200, deadline=None)
@given(sequence=st.lists(st.one_of(small_actions, transfer_small), min_size=30, max_size=80))
def test_a_transfer_never_puts_a_ticket_ahead_of_an_earlier_issued_ticket_of_its_lane(
    config: Config, sequence: list[tuple[object, ...]]
) -> None:
    for day, before, now in play(config, sequence):
        moved = [
            ticket
            for ticket in day.tickets.values()
            if ticket.status is TicketStatus.WAITING
            and ticket.id in before
            and before[ticket.id].status is TicketStatus.CALLED
        ]
        for ticket in moved:  # a transfer: waiting again in another service
            assert ticket.lane is (Lane.PRIORITY if ticket.priority else Lane.REGULAR)
            place = day.people_ahead(ticket, now)
            for other in day.waiting([ticket.service], now):
                if other.lane is not ticket.lane or other.requeue_calls_left is not None:
                    continue  # another lane, or re-queued: placed by its own rule
                if other.id < ticket.id:
                    assert day.people_ahead(other, now) < place, (other, ticket)
                elif other.id > ticket.id:
                    assert day.people_ahead(other, now) > place, (other, ticket)


@pytest.mark.parametrize("config", [*CONFIGS, *BOUND_CONFIGS])
@settings(max_examples=150, deadline=None)
@given(sequence=st.lists(st.one_of(small_actions, call_number), min_size=20, max_size=60))
def test_people_ahead_is_the_order_the_tickets_are_called_in(
    config: Config, sequence: list[tuple[object, ...]]
) -> None:
    # two minutes a step: regular tickets outwait regular_after_minutes while others wait
    day, now = QueueDay(config, START.date()), START
    for played, _, moment in play(config, sequence, step_s=120):
        day, now = played, moment
    predicted = day.waiting(["A"], now)  # counter 1 serves service A only
    assert [day.people_ahead(ticket, now) for ticket in predicted] == list(range(len(predicted)))
    day.set_paused(1, False)
    called = [day.call_next(1, now).ticket for _ in predicted]
    assert [ticket.id for ticket in called if ticket] == [ticket.id for ticket in predicted]
