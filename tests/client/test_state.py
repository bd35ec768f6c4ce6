"""Tests of OfficeState, the reducer of snapshot + events."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from client.state import RECENT_CALLS_LIMIT, OfficeState, SequenceGap
from client.wire import (
    CounterState,
    Event,
    TicketStatus,
    UnknownEvent,
    parse_event,
    parse_snapshot,
)
from tests.client.samples import (
    called_json,
    counter_json,
    event_json,
    service_json,
    snapshot_json,
    ticket_json,
)


def state_from(**changes: Any) -> OfficeState:
    return OfficeState.from_snapshot(parse_snapshot(snapshot_json(10, **changes)))


def event(event_type: str, seq: int, **fields: Any) -> Event:
    parsed = parse_event(event_json(event_type, seq, **fields))
    assert isinstance(parsed, Event)
    return parsed


def numbers(tickets: Any) -> list[str]:
    return [ticket.number for ticket in tickets]


def issued(seq: int, ticket_id: int, number: str, **changes: Any) -> Event:
    waiting = 1
    return event(
        "ticket.issued",
        seq,
        ticket=ticket_json(ticket_id, number, **changes),
        services=[service_json(number[0], waiting=waiting)],
    )


def called(
    seq: int, ticket_id: int, number: str, counter: int, finished: dict[str, Any] | None = None
) -> Event:
    ticket = called_json(ticket_id, number, counter)
    return event(
        "ticket.called",
        seq,
        ticket=ticket,
        tickets=[finished, ticket] if finished is not None else [ticket],
        counter=counter_json(counter, ["A", "B"], ticket),
        services=[service_json(number[0])],
    )


def test_issued_tickets_join_the_waiting_list_in_call_order() -> None:
    state = state_from()
    state = state.apply(issued(11, 1, "A001"))
    state = state.apply(issued(12, 2, "B001"))
    state = state.apply(issued(13, 3, "A002", priority=True))
    assert numbers(state.waiting) == ["A002", "A001", "B001"]
    assert numbers(state.waiting_for(["A"])) == ["A002", "A001"]
    assert state.seq == 13


def test_issued_event_updates_service_counts() -> None:
    state = state_from().apply(issued(11, 1, "A001"))
    service = state.service("A")
    assert service is not None and service.waiting == 1


def test_called_ticket_leaves_waiting_and_is_newest_recent_call() -> None:
    state = state_from()
    for seq, (ticket_id, number) in enumerate([(1, "A001"), (2, "A002")], start=11):
        state = state.apply(issued(seq, ticket_id, number))
    state = state.apply(called(13, 1, "A001", 1))
    state = state.apply(called(14, 2, "A002", 2))
    assert numbers(state.waiting) == []
    assert numbers(state.recent_calls) == ["A002", "A001"]
    assert state.last_call is not None and state.last_call.counter == 2
    counter = state.counter(2)
    assert counter is not None and counter.current is not None
    assert counter.current.number == "A002"


def test_recent_calls_are_bounded_newest_first() -> None:
    state = state_from()
    for index in range(1, RECENT_CALLS_LIMIT + 6):
        state = state.apply(called(10 + index, index, f"A{index:03d}", 1))
    assert len(state.recent_calls) == RECENT_CALLS_LIMIT
    assert state.recent_calls[0].number == f"A{RECENT_CALLS_LIMIT + 5:03d}"


def test_recall_updates_the_ticket_in_place() -> None:
    state = state_from().apply(called(11, 1, "A001", 1)).apply(called(12, 2, "A002", 2))
    recalled = called_json(1, "A001", 1, recalls=1)
    state = state.apply(
        event(
            "ticket.recalled",
            13,
            ticket=recalled,
            counter=counter_json(1, ["A"], recalled),
            services=[],
        )
    )
    assert numbers(state.recent_calls) == ["A002", "A001"]
    assert state.recent_calls[1].recalls == 1


def test_done_and_no_show_keep_recent_call_with_new_status() -> None:
    state = state_from().apply(called(11, 1, "A001", 1))
    done = called_json(1, "A001", 1, status="done", finished_at="2026-11-24T10:05:00+07:00")
    state = state.apply(
        event("ticket.done", 12, ticket=done, counter=counter_json(1, ["A"]), services=[])
    )
    assert state.recent_calls[0].status is TicketStatus.DONE
    counter = state.counter(1)
    assert counter is not None and counter.current is None


def test_voided_ticket_leaves_the_waiting_list() -> None:
    state = state_from().apply(issued(11, 1, "A001")).apply(issued(12, 2, "A002"))
    state = state.apply(
        event("ticket.voided", 13, ticket=ticket_json(1, "A001", status="voided"), services=[])
    )
    assert numbers(state.waiting) == ["A002"]


def test_requeued_ticket_waits_where_its_people_ahead_says() -> None:
    state = state_from(waiting=[ticket_json(5, "A005"), ticket_json(6, "B001")])
    state = state.apply(
        event(
            "ticket.requeued",
            11,
            ticket=ticket_json(1, "A001", requeued=True, people_ahead=1),
            services=[],
        )
    )
    assert numbers(state.waiting_for(["A"])) == ["A005", "A001"]
    assert numbers(state.waiting_for(["B"])) == ["B001"]


def test_requeued_ticket_placed_before_later_tickets_of_its_service() -> None:
    # requeue_after = 3: the server puts a returning no-show after 3 of the 5 waiting.
    waiting = [ticket_json(n, f"A{n:03d}") for n in range(5, 10)]
    state = state_from(waiting=waiting).apply(
        event(
            "ticket.requeued",
            11,
            ticket=ticket_json(1, "A001", requeued=True, people_ahead=3),
            services=[],
        )
    )
    assert numbers(state.waiting) == ["A005", "A006", "A007", "A001", "A008", "A009"]


def test_new_priority_ticket_queues_behind_a_requeued_one_the_server_put_first() -> None:
    # A re-queued regular ticket can land in the priority lane; a later priority ticket
    # then waits behind it, which its people_ahead says.
    state = state_from(
        waiting=[ticket_json(1, "A001", requeued=True), ticket_json(5, "A005")]
    ).apply(issued(11, 6, "A006", priority=True, people_ahead=1))
    assert numbers(state.waiting) == ["A001", "A006", "A005"]


def test_next_folds_the_ticket_it_finished_from_the_event() -> None:
    state = state_from().apply(called(11, 1, "A001", 1))
    finished = called_json(1, "A001", 1, status="done", finished_at="2026-11-24T10:03:00+07:00")
    state = state.apply(called(12, 2, "A002", 1, finished=finished))
    assert numbers(state.recent_calls) == ["A002", "A001"]
    earlier = state.recent_calls[1]
    assert earlier.status is TicketStatus.DONE
    assert earlier.finished_at is not None
    assert earlier.finished_at.isoformat() == "2026-11-24T10:03:00+07:00"  # the server's
    assert state.recent_calls[0].status is TicketStatus.CALLED


def test_a_ticket_the_event_does_not_carry_is_left_as_it_was() -> None:
    # no queue rule runs in the client: without the finished ticket in `tickets` (an
    # older server), the earlier call keeps its status until the next snapshot
    state = state_from().apply(called(11, 1, "A001", 1)).apply(called(12, 2, "A002", 1))
    assert [ticket.status for ticket in state.recent_calls] == [TicketStatus.CALLED] * 2


def test_counter_changed_updates_the_services_it_carries() -> None:
    state = state_from().apply(
        event(
            "counter.changed",
            11,
            counter=counter_json(2, ["A", "B"], state="paused"),
            services=[service_json("A", est_wait_s=600), service_json("B", est_wait_s=300)],
        )
    )
    assert [service.est_wait_s for service in state.services] == [600, 300]


def test_day_rollover_takes_the_new_days_services_and_counters() -> None:
    state = state_from(services=[service_json("A", waiting=4, issued_today=9, est_wait_s=60)])
    state = state.apply(
        event(
            "day.rollover",
            11,
            today="2026-11-25",
            services=[service_json("A", open=False, closed_reason="hours")],
            counters=[counter_json(1, ["A"], state="paused")],
        )
    )
    service = state.service("A")
    assert service is not None
    assert (service.waiting, service.issued_today, service.open) == (0, 0, False)
    assert [(c.number, c.state) for c in state.counters] == [(1, CounterState.PAUSED)]


def test_transferred_ticket_keeps_its_number_and_issue_time_in_the_new_line() -> None:
    state = state_from(
        waiting=[ticket_json(2, "B002", issued_at="2026-11-24T09:30:00+07:00")],
        recent_calls=[called_json(1, "A001", 1)],
    )
    moved = ticket_json(
        1, "A001", service="B", transferred_from="A", issued_at="2026-11-24T09:01:00+07:00"
    )
    state = state.apply(
        event(
            "ticket.transferred",
            11,
            ticket=moved,
            counter=counter_json(1, ["A"]),
            services=[service_json("B", waiting=2)],
            from_service="A",
        )
    )
    assert numbers(state.waiting_for(["B"])) == ["A001", "B002"]
    # No longer a call (the server drops it from recent_calls: its called_at is null).
    assert state.recent_calls == ()


def test_requeued_ticket_leaves_the_recent_calls() -> None:
    state = state_from(recent_calls=[called_json(2, "A002", 1), called_json(1, "A001", 1)])
    back = ticket_json(1, "A001", requeued=True)
    state = state.apply(event("ticket.requeued", 11, ticket=back, services=[]))
    assert numbers(state.recent_calls) == ["A002"]


def test_counter_changed_replaces_the_counter() -> None:
    state = state_from().apply(
        event("counter.changed", 11, counter=counter_json(2, ["A", "B"], state="paused"))
    )
    counter = state.counter(2)
    assert counter is not None and counter.state is CounterState.PAUSED


def test_service_changed_closes_the_service() -> None:
    state = state_from().apply(
        event(
            "service.changed", 11, services=[service_json("B", open=False, closed_reason="quota")]
        )
    )
    service = state.service("B")
    assert service is not None and not service.open
    assert [service.code for service in state.services] == ["A", "B"]


def test_an_event_after_one_never_seen_is_a_gap() -> None:
    state = state_from()  # seq 10
    with pytest.raises(SequenceGap) as raised:
        state.apply(issued(13, 1, "A001"))  # prev 12: 11 and 12 were missed
    assert (raised.value.last_seen, raised.value.prev, raised.value.seq) == (10, 12, 13)


def test_ids_skipped_between_device_messages_are_no_gap() -> None:
    # the log's ids skip events not sent to devices (a survey answer): prev says so
    state = state_from().apply(issued(11, 1, "A001"))
    skipped = event(
        "ticket.issued",
        14,
        prev=11,
        ticket=ticket_json(2, "A002", people_ahead=1),
        services=[service_json("A", waiting=2)],
    )
    assert numbers(state.apply(skipped).waiting) == ["A001", "A002"]


def test_a_snapshot_newer_than_the_previous_message_is_no_gap() -> None:
    # the snapshot (seq 10) included events up to 10; the next message's previous one
    # (seq 8) was in it too
    after = state_from().apply(
        event("ticket.issued", 11, prev=8, ticket=ticket_json(), services=[service_json()])
    )
    assert after.seq == 11


def test_without_prev_a_skipped_seq_is_a_gap() -> None:
    message = event_json("ticket.issued", 12, ticket=ticket_json(), services=[service_json()])
    del message["prev"]
    parsed = parse_event(message)
    with pytest.raises(SequenceGap):
        state_from().apply(parsed)


def test_event_already_seen_changes_nothing() -> None:
    state = state_from().apply(issued(11, 1, "A001"))
    assert state.apply(issued(11, 1, "A001")) is state
    assert state.apply(issued(5, 9, "A009")) is state


def test_unknown_event_only_advances_seq() -> None:
    state = state_from()
    after = state.apply(UnknownEvent("survey.answered", 11))
    assert after.seq == 11
    assert after.waiting == state.waiting


def test_day_rollover_empties_todays_lists() -> None:
    state = state_from(
        waiting=[ticket_json(2, "A002")],
        recent_calls=[called_json(1, "A001", 1)],
        counters=[counter_json(1, ["A"], called_json(1, "A001", 1))],
    )
    state = state.apply(event("day.rollover", 11, today="2026-11-25"))
    assert state.today == date(2026, 11, 25)
    assert state.waiting == () and state.recent_calls == ()
    counter = state.counter(1)
    assert counter is not None and counter.current is None


def test_apply_leaves_the_previous_state_untouched() -> None:
    before = state_from()
    before.apply(issued(11, 1, "A001"))
    assert before.waiting == () and before.seq == 10
