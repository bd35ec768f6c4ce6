"""The queue rules of QueueDay, directly, with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.config import parse_config
from server.domain.model import ClosedReason, TicketStatus
from server.domain.queue import QueueDay
from server.domain.schedule import closure, local_day
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

JAKARTA = ZoneInfo("Asia/Jakarta")
# Tuesday 24 November 2026, 09:00 WIB
NOON = datetime(2026, 11, 24, 9, 0, tzinfo=JAKARTA)


def make_day(document: dict[str, object] | None = None, now: datetime = NOON) -> QueueDay:
    config = parse_config(document or {})
    return QueueDay(config, local_day(now, config.zone))


def issue(day: QueueDay, code: str, priority: bool = False, at: datetime = NOON) -> str:
    change = day.issue(code, priority, at)
    assert change.ticket is not None
    return change.ticket.number


def call(day: QueueDay, counter: int, at: datetime = NOON) -> str:
    change = day.call_next(counter, at)
    assert change.ticket is not None
    return change.ticket.number


def test_numbers_count_per_service_from_one() -> None:
    day = make_day()
    numbers = [issue(day, code) for code in "AABACB"]
    assert numbers == ["A001", "A002", "B001", "A003", "C001", "B002"]


def test_call_next_takes_earliest_waiting_of_the_counters_services() -> None:
    day = make_day()
    for code in "BACA":
        issue(day, code)
    # counter 3 serves B and C; counter 1 serves A only
    assert call(day, 3) == "B001"
    assert call(day, 1) == "A001"
    assert call(day, 3) == "C001"
    assert call(day, 2) == "A002"
    with pytest.raises(QueueEmpty):
        day.call_next(1, NOON)


def test_call_next_takes_priority_ticket_first() -> None:
    day = make_day()
    issue(day, "A")
    issue(day, "A")
    issue(day, "A", priority=True)
    issue(day, "B", priority=True)
    assert call(day, 1) == "A003"
    # counter 2 serves A and B: the earlier priority ticket (B001 came after A003)
    assert call(day, 2) == "B001"
    assert call(day, 2) == "A001"


def test_people_ahead_counts_priority_lane_first() -> None:
    day = make_day()
    issue(day, "A")
    issue(day, "A")
    change = day.issue("A", True, NOON)
    assert change.ticket is not None
    assert day.people_ahead(change.ticket) == 0
    regular = day.issue("A", False, NOON).ticket
    assert regular is not None
    assert day.people_ahead(regular) == 3


def test_next_finishes_the_current_ticket() -> None:
    day = make_day()
    issue(day, "A")
    issue(day, "A")
    call(day, 1)
    change = day.call_next(1, NOON + timedelta(minutes=4))
    statuses = [(ticket.number, ticket.status) for ticket in change.tickets]
    assert statuses == [("A001", TicketStatus.DONE), ("A002", TicketStatus.CALLED)]


def test_recall_done_and_no_show_need_a_current_ticket() -> None:
    day = make_day()
    for action in (day.recall, day.finish, day.no_show):
        with pytest.raises(NoCurrentTicket):
            action(1, NOON)
    issue(day, "A")
    call(day, 1)
    recalled = day.recall(1, NOON).ticket
    assert recalled is not None and recalled.recalls == 1
    done = day.finish(1, NOON).ticket
    assert done is not None and done.status is TicketStatus.DONE
    assert day.counters[1].current is None


def test_no_show_can_be_requeued_and_is_called_after_at_most_n_others() -> None:
    day = make_day({"office": {"requeue_after": 2}})
    for _ in range(6):
        issue(day, "A")
    call(day, 1)
    day.no_show(1, NOON)  # A001 did not come
    day.requeue(1, "a001", NOON)
    assert [call(day, 1) for _ in range(4)] == ["A002", "A003", "A001", "A004"]


def test_requeue_with_few_waiting_goes_to_the_end() -> None:
    day = make_day({"office": {"requeue_after": 5}})
    issue(day, "A")
    issue(day, "A")
    call(day, 1)
    day.no_show(1, NOON)
    day.requeue(1, "A001", NOON)
    assert [call(day, 1), call(day, 1)] == ["A002", "A001"]


def test_requeue_refuses_a_ticket_that_is_not_a_no_show() -> None:
    day = make_day()
    issue(day, "A")
    with pytest.raises(InvalidState):
        day.requeue(1, "A001", NOON)


def test_transfer_keeps_number_and_issue_time() -> None:
    day = make_day()
    issue(day, "A", at=NOON)
    later = NOON + timedelta(minutes=10)
    issue(day, "C", at=later)
    call(day, 1)
    moved = day.transfer(1, "C", later).ticket
    assert moved is not None
    assert (moved.number, moved.service, moved.issued_at) == ("A001", "C", NOON)
    assert moved.transferred_from == "A"
    # it was issued before C001, so it is called first at the counter for C
    assert call(day, 3) == "A001"
    with pytest.raises(SameService):
        day.transfer(3, "C", later)


def test_transfer_to_a_service_no_counter_serves_is_refused() -> None:
    day = make_day(
        {
            "services": [{"code": "A", "name": "A"}, {"code": "D", "name": "Arsip"}],
            "counters": [{"number": 1, "services": ["A"]}],
        }
    )
    issue(day, "A")
    call(day, 1)
    with pytest.raises(InvalidState, match="no counter serves service D"):
        day.transfer(1, "D", NOON)
    assert day.counters[1].current is not None  # the visitor stays with the clerk


def test_void_removes_ticket_from_the_line_and_it_is_never_called() -> None:
    day = make_day()
    first = day.issue("A", False, NOON).ticket
    assert first is not None
    issue(day, "A")
    day.void(first.id, NOON)
    assert call(day, 1) == "A002"
    with pytest.raises(QueueEmpty):
        day.call_next(1, NOON)
    with pytest.raises(InvalidState):
        day.void(first.id, NOON)


def test_paused_counter_cannot_call() -> None:
    day = make_day()
    issue(day, "A")
    day.set_paused(1, True)
    with pytest.raises(CounterPaused):
        day.call_next(1, NOON)
    day.set_paused(1, False)
    assert call(day, 1) == "A001"


def test_unknown_service_and_counter() -> None:
    day = make_day()
    with pytest.raises(UnknownService):
        day.issue("Z", False, NOON)
    with pytest.raises(UnknownCounter):
        day.call_next(9, NOON)


HOURS = {
    "hours": {
        "mon": "08:00-15:00",
        "tue": "08:00-15:00",
        "wed": "08:00-15:00",
        "thu": "08:00-15:00",
        "fri": "08:00-15:00",
    },
    "breaks": [{"name": "Salat Jumat", "days": ["fri"], "start": "11:30", "end": "13:00"}],
    "services": [
        {"code": "A", "name": "Adminduk", "quota": 2},
        {"code": "B", "name": "Perizinan"},
    ],
    "counters": [{"number": 1, "services": ["A", "B"]}],
}


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (datetime(2026, 11, 24, 7, 59, tzinfo=JAKARTA), ClosedReason.HOURS),
        (datetime(2026, 11, 24, 8, 0, tzinfo=JAKARTA), None),
        (datetime(2026, 11, 24, 14, 59, tzinfo=JAKARTA), None),
        (datetime(2026, 11, 24, 15, 0, tzinfo=JAKARTA), ClosedReason.HOURS),
        (datetime(2026, 11, 27, 11, 45, tzinfo=JAKARTA), ClosedReason.BREAK),  # Friday
        (datetime(2026, 11, 27, 13, 0, tzinfo=JAKARTA), None),
        (datetime(2026, 11, 24, 11, 45, tzinfo=JAKARTA), None),  # Tuesday: no break
        (datetime(2026, 11, 28, 10, 0, tzinfo=JAKARTA), ClosedReason.HOURS),  # Saturday
        (datetime(2026, 11, 24, 2, 30, tzinfo=UTC), None),  # 09:30 WIB
    ],
)
def test_opening_hours_and_friday_break(moment: datetime, reason: ClosedReason | None) -> None:
    day = make_day(HOURS, now=moment)
    assert day.closed_reason("B", moment) == reason
    if reason is not None:
        with pytest.raises(ServiceClosed) as raised:
            day.issue("B", False, moment)
        assert raised.value.reason == reason


def test_quota_closes_the_service_and_void_gives_the_place_back() -> None:
    day = make_day(HOURS)
    first = day.issue("A", False, NOON).ticket
    issue(day, "A")
    with pytest.raises(ServiceClosed) as raised:
        day.issue("A", False, NOON)
    assert raised.value.reason == ClosedReason.QUOTA
    assert first is not None
    day.void(first.id, NOON)
    assert issue(day, "A") == "A003"  # a voided number is never given again


def test_manual_close_and_open() -> None:
    day = make_day()
    day.set_service_closed("C", True)
    assert day.closed_reason("C", NOON) == ClosedReason.CLOSED
    day.set_service_closed("C", False)
    assert day.closed_reason("C", NOON) is None


def test_a_manual_close_keeps_the_supervisors_reason_until_it_opens_again() -> None:
    day = make_day()
    day.set_service_closed("C", True, "Printer legalisasi rusak")
    found = closure(day.config, day.service_config("C"), NOON, 0, True, day.closed_notes.get("C"))
    assert found is not None and (found.reason, found.note) == (
        ClosedReason.CLOSED, "Printer legalisasi rusak",
    )  # fmt: skip
    assert day.copy().closed_notes == {"C": "Printer legalisasi rusak"}
    day.set_service_closed("C", True)  # closed again without a reason: none is shown
    assert day.closed_notes == {}
    day.set_service_closed("C", True, "Listrik padam")
    day.set_service_closed("C", False)
    assert day.closed_notes == {} and day.closed_reason("C", NOON) is None
    reloaded = QueueDay(
        day.config, day.day, closed_services={"B"}, closed_notes={"B": "x", "C": "y"}
    )
    assert reloaded.closed_notes == {"B": "x"}  # a reason only for a service closed by hand


def test_estimated_wait_uses_minutes_per_visitor_and_open_counters() -> None:
    day = make_day(
        {
            "services": [{"code": "A", "name": "A", "minutes_per_visitor": 6}],
            "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A"]}],
        }
    )
    # two counters: people 0 and 1 are served in the first round
    assert [day.estimated_wait_s("A", ahead) for ahead in (0, 1, 2, 3, 4)] == [0, 0, 360, 360, 720]
    day.set_paused(2, True)
    assert day.estimated_wait_s("A", 2) == 720


def test_restored_day_continues_numbering_and_lines() -> None:
    day = make_day()
    for code in "AAB":
        issue(day, code)
    call(day, 1)
    restored = QueueDay(
        day.config, day.day, tickets=day.tickets.values(), counters=day.counters.values()
    )
    assert issue(restored, "A") == "A003"
    assert restored.counters[1].current == day.counters[1].current
    assert [ticket.number for ticket in restored.waiting()] == ["A002", "B001", "A003"]


def test_local_day_follows_office_time_zone() -> None:
    # 17:30 UTC on the 24th is already the 25th in Jakarta (UTC+7) but not in UTC
    moment = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
    assert local_day(moment, JAKARTA) == date(2026, 11, 25)
    assert local_day(moment, ZoneInfo("UTC")) == date(2026, 11, 24)


def test_a_copy_of_the_day_does_not_change_with_later_actions() -> None:
    from datetime import UTC, datetime

    from server.config import parse_config
    from server.domain.queue import QueueDay

    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    day = QueueDay(parse_config({}), now.date())
    day.issue("A", False, now)
    twin = day.copy()
    day.issue("A", False, now)
    day.call_next(1, now)
    day.set_service_closed("B", True)
    assert [ticket.number for ticket in twin.waiting()] == ["A001"]
    assert twin.counters[1].current is None and "B" not in twin.closed_services
    assert twin.issued_count["A"] == 1 and twin.people_ahead(twin.tickets[1]) == 0


def test_the_wait_estimate_learns_from_todays_visits_again_after_a_restart() -> None:
    from datetime import UTC, datetime, timedelta

    from server.config import parse_config
    from server.domain.queue import QueueDay

    config = parse_config({})
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    day = QueueDay(config, now.date())
    for _ in range(4):
        day.issue("A", False, now)
    for minute in range(3):  # three visits of 10 minutes each
        day.call_next(1, now + timedelta(minutes=10 * minute))
    day.finish(1, now + timedelta(minutes=30))
    before = day.minutes_per_visitor("A")
    restarted = QueueDay(config, now.date(), tickets=list(day.tickets.values()))
    assert before == restarted.minutes_per_visitor("A") == 10.0


def test_a_copy_keeps_the_requeue_counts_and_streaks_of_its_moment() -> None:
    day = make_day({"office": {"requeue_after": 2}, "priority": {"max_in_row": 1}})
    run(day, "A; A; A; A!; A!; next 1; next 1; no-show 1; requeue 1 A001")  # A004, A001
    twin = day.copy()
    run(day, "next 1; next 1; next 1")
    assert [ticket.number for ticket in twin.waiting(["A"], NOON)] == [
        "A005", "A002", "A001", "A003",
    ]  # fmt: skip


# ------------------------------------------------------------------ scripted scenarios


def run(day: QueueDay, script: str, start: datetime = NOON) -> list[str]:
    """Play a script of actions; returns the numbers called, in order.

    Steps, separated by ";": "A" issues a regular A ticket, "A!" a priority one,
    "next 2" calls at counter 2, "call 2 A005", "no-show 2", "done 2", "requeue 2 A001",
    "transfer 2 C", "+5" moves the clock 5 minutes on.
    """
    now = start
    called: list[str] = []
    for step in (part.strip() for part in script.split(";")):
        words = step.split()
        if step.startswith("+"):
            now += timedelta(minutes=int(step[1:]))
        elif words[0] == "next":
            called.append(call(day, int(words[1]), now))
        elif words[0] == "call":
            ticket = day.call_number(int(words[1]), words[2], now).ticket
            assert ticket is not None
            called.append(ticket.number)
        elif words[0] == "no-show":
            day.no_show(int(words[1]), now)
        elif words[0] == "done":
            day.finish(int(words[1]), now)
        elif words[0] == "requeue":
            day.requeue(int(words[1]), words[2], now)
        elif words[0] == "transfer":
            day.transfer(int(words[1]), words[2], now)
        else:
            for code in words:
                issue(day, code.rstrip("!"), priority=code.endswith("!"), at=now)
    return called


def times(count: int, step: str) -> str:
    return "; ".join([step] * count)


SCENARIOS = [
    pytest.param(
        {"office": {"requeue_after": 2}},
        f"{times(8, 'A')}; next 1; no-show 1; next 1; no-show 1; requeue 1 A001; "
        f"requeue 1 A002; {times(6, 'next 1')}",
        ["A001", "A002", "A003", "A001", "A002", "A004", "A005", "A006"],
        id="two no-shows re-queued one after the other each keep their bound",
    ),
    pytest.param(
        {"office": {"requeue_after": 2}},
        f"{times(7, 'A')}; {times(4, 'next 1; no-show 1')}; requeue 1 A001; next 1; next 1; "
        f"requeue 1 A002; requeue 1 A004; requeue 1 A003; {times(5, 'next 1')}",
        [*("A001", "A002", "A003", "A004", "A005", "A006"), "A001", "A002", "A004", "A003", "A007"],
        id="re-queued with the same count: the one re-queued first goes first",
    ),
    pytest.param(
        {"office": {"requeue_after": 1}},
        "A; next 1; no-show 1; A!; A!; requeue 1 A001; next 1; next 1; next 1",
        ["A001", "A002", "A001", "A003"],
        id="a priority ticket issued after the re-queue counts too",
    ),
    pytest.param(
        {"office": {"requeue_after": 0}},
        "A; A; A; next 1; no-show 1; next 1; no-show 1; requeue 1 A001; requeue 1 A002; "
        "next 1; next 1; next 1",
        ["A001", "A002", "A001", "A002", "A003"],
        id="more re-queued than the bound allows: called one after the other",
    ),
    pytest.param(
        {"office": {"requeue_after": 1}},
        "C; A; next 1; no-show 1; A!; A!; requeue 1 A001; next 1; next 1; "
        "transfer 1 C; C; next 3; next 3; next 3",
        ["A001", "A002", "A001", "C001", "A001", "C002"],
        id="a regular ticket re-queued among priority ones stays regular after a transfer",
    ),
    pytest.param(
        {"office": {"requeue_after": 1}},
        "C; A; C; A; A; next 1; no-show 1; requeue 1 A001; next 1; next 1; transfer 1 C; "
        "next 3; next 3; next 3",
        ["A001", "A002", "A001", "C001", "A001", "C002"],
        id="a re-queued ticket transferred takes its place by original issue time",
    ),
    pytest.param(
        {},
        "A!; C; next 1; transfer 1 C; next 3; next 3",
        ["A001", "A001", "C001"],
        id="a priority ticket stays priority after a transfer",
    ),
    pytest.param(
        {"priority": {"max_in_row": 2}},
        "A; A; A; A!; A!; A!; A!; A!; " + times(8, "next 1"),
        ["A004", "A005", "A001", "A006", "A007", "A002", "A008", "A003"],
        id="at most two priority calls in a row",
    ),
    pytest.param(
        {
            "priority": {"max_in_row": 3},
            "services": [
                {"code": "A", "name": "A", "priority": {"max_in_row": 1}},
                {"code": "B", "name": "B"},
            ],
            "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["B"]}],
        },
        "A; A; A!; A!; B; B; B!; B!; B!; B!; " + times(4, "next 1") + "; " + times(6, "next 2"),
        ["A003", "A001", "A004", "A002", "B003", "B004", "B005", "B001", "B006", "B002"],
        id="a service's own max_in_row overrides the office's",
    ),
    pytest.param(
        {"priority": {"regular_after_minutes": 10}},
        "A; +5; A!; A!; +4; next 1; +2; next 1; next 1",
        ["A002", "A001", "A003"],
        id="a regular ticket waiting longer than M minutes goes first",
    ),
    pytest.param(
        {"priority": {"regular_after_minutes": 10}},
        "A; +10; A!; next 1; next 1",
        ["A002", "A001"],
        id="exactly M minutes is not longer than M",
    ),
    pytest.param(
        {},
        "A; A; A; A; call 1 A003; next 1; call 1 a004; next 1",
        ["A003", "A001", "A004", "A002"],
        id="a clerk calls a given number out of order",
    ),
    pytest.param(
        {},
        "A; B; A!; B!; next 2; next 2; next 2; next 2",
        ["A002", "B002", "A001", "B001"],
        id="between services priority first, then by issue time (no rules set)",
    ),
]


@pytest.mark.parametrize(("document", "script", "expected"), SCENARIOS)
def test_call_order(document: dict[str, object], script: str, expected: list[str]) -> None:
    day = make_day(document)
    assert run(day, script) == expected


def test_requeued_ticket_is_called_after_at_most_n_others_of_its_service() -> None:
    day = make_day({"office": {"requeue_after": 3}})
    run(day, f"{times(10, 'A')}; next 1; no-show 1; next 1; no-show 1; next 1; no-show 1")
    for number in ("A001", "A002", "A003"):
        day.requeue(1, number, NOON)
    order = run(day, times(10, "next 1"))
    for number in ("A001", "A002", "A003"):
        assert order.index(number) <= 3, order


def test_people_ahead_follows_the_rules() -> None:
    day = make_day({"priority": {"max_in_row": 1}, "office": {"requeue_after": 1}})
    run(day, "A; A; A!; A!; A; next 1; no-show 1")  # A003 did not come
    day.requeue(1, "A003", NOON)
    predicted = [ticket.number for ticket in day.waiting(["A"], NOON)]
    ahead = {ticket.number: day.people_ahead(ticket, NOON) for ticket in day.waiting(["A"])}
    assert predicted == sorted(ahead, key=ahead.__getitem__)
    assert run(day, times(5, "next 1")) == predicted
    assert predicted == ["A001", "A003", "A002", "A004", "A005"]


def test_a_restarted_day_keeps_requeue_counts_and_priority_streak() -> None:
    document = {"priority": {"max_in_row": 2}, "office": {"requeue_after": 3}}
    day = make_day(document)
    run(day, "A; A; A; A; next 1; no-show 1; requeue 1 A001; A!; A!; A!; next 1; next 1")
    restored = QueueDay(
        day.config, day.day, tickets=day.tickets.values(), counters=day.counters.values()
    )
    expected = run(day, times(5, "next 1"))
    # two priority calls in a row: a regular one; A001 may let one more go first
    assert run(restored, times(5, "next 1")) == expected == [
        "A002", "A001", "A007", "A003", "A004",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ("B; call 1 B001", NotServedHere),  # counter 1 serves A only
        ("A; next 1; call 1 A001", InvalidState),  # already called
        ("A; call 1 A009", UnknownTicket),
    ],
)
def test_call_number_refuses(script: str, error: type[Exception]) -> None:
    day = make_day()
    with pytest.raises(error):
        run(day, script)


def test_call_number_on_a_paused_counter_is_refused() -> None:
    day = make_day()
    run(day, "A")
    day.set_paused(1, True)
    with pytest.raises(CounterPaused):
        day.call_number(1, "A001", NOON)


def test_call_number_finishes_the_current_ticket() -> None:
    day = make_day()
    run(day, "A; A; A; next 1")
    change = day.call_number(1, "A003", NOON)
    assert [(ticket.number, ticket.status) for ticket in change.tickets] == [
        ("A001", TicketStatus.DONE),
        ("A003", TicketStatus.CALLED),
    ]


def test_requeue_only_at_a_counter_that_serves_the_service() -> None:
    day = make_day()
    run(day, "B; next 3; no-show 3")
    with pytest.raises(NotServedHere, match="counter 1 does not serve"):
        day.requeue(1, "B001", NOON)
    day.requeue(2, "B001", NOON)  # counter 2 serves A and B
    assert day.tickets[1].status is TicketStatus.WAITING


def test_void_with_a_device_only_voids_its_own_tickets() -> None:
    day = make_day()
    mine = day.issue("A", False, NOON, issued_by=7).ticket
    other = day.issue("A", False, NOON, issued_by=8).ticket
    assert mine is not None and other is not None
    with pytest.raises(NotPermitted):
        day.void(other.id, NOON, issued_by=7)
    assert day.tickets[other.id].status is TicketStatus.WAITING
    assert day.void(mine.id, NOON, issued_by=7).tickets[0].status is TicketStatus.VOIDED
    assert day.void(other.id, NOON).tickets[0].status is TicketStatus.VOIDED  # an admin


def test_people_ahead_with_a_requeued_ticket_and_the_waiting_time_rule() -> None:
    # A001 comes back at the end of the regular lane with its early issue time; A002 has
    # not waited 10 minutes yet, so both priority tickets go before it
    day = make_day({"office": {"requeue_after": 1}, "priority": {"regular_after_minutes": 10}})
    run(day, "A; next 1; no-show 1; +20; A; A!; A!; requeue 1 A001")
    now = NOON + timedelta(minutes=25)
    ahead = {ticket.number: day.people_ahead(ticket, now) for ticket in day.waiting(["A"], now)}
    assert ahead == {"A003": 0, "A001": 1, "A004": 2, "A002": 3}
    assert run(day, times(4, "next 1"), start=now) == ["A003", "A001", "A004", "A002"]


def test_voiding_a_transferred_ticket_tells_its_issuing_service_too() -> None:
    day = make_day()
    run(day, "A; next 1; transfer 1 C")
    change = day.void(1, NOON)
    assert change.services == ("C", "A")  # A's issued_today went down
    assert day.issued_count["A"] == 0
