"""The counter's Qt-free rules: enabled actions, failure outcomes, checking lost answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import aiohttp
import msgspec
import pytest

from client.errors import ClientError, QueueEmpty, ServerUnavailable, api_error
from client.state import OfficeState
from client.wire import Counter, CounterState, Service, Ticket, TicketStatus
from counter_display.counter.actions import Action, Phase, counter_phase, enabled_actions
from counter_display.counter.outcome import Delivery, classify_failure
from counter_display.counter.presenter import CounterPresenter, Level

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 24, 9, 15, tzinfo=WIB)


def make_service(code: str, waiting: int = 0) -> Service:
    return Service(
        code, f"Layanan {code}", f"Service {code}", "", "", True, None, waiting, 0, 0, 0, None
    )


def make_ticket(
    number: str, status: TicketStatus = TicketStatus.CALLED, **changes: object
) -> Ticket:
    ticket = Ticket(
        id=int(number[1:]) + 1000 * (ord(number[0]) - 64), number=number, service=number[0],
        priority=False, status=status, issued_at=NOW, day=NOW.date(), people_ahead=0,
        est_wait_s=0, counter=2 if status is not TicketStatus.WAITING else None,
        called_at=NOW if status is not TicketStatus.WAITING else None, finished_at=None,
        recalls=0, requeued=False, transferred_from=None,
    )  # fmt: skip
    return msgspec.structs.replace(ticket, **changes)


def make_state(
    current: Ticket | None = None,
    paused: bool = False,
    waiting: tuple[Ticket, ...] = (),
    seq: int = 1,
) -> OfficeState:
    counts = {code: sum(t.service == code for t in waiting) for code in "ABC"}
    state = CounterState.PAUSED if paused else CounterState.OPEN
    return OfficeState(
        seq=seq, today=date(2026, 11, 24), office="Kantor", timezone="Asia/Jakarta",
        services=tuple(make_service(code, counts[code]) for code in "ABC"),
        counters=(Counter(2, "Loket 2", ("A", "B"), state, current),),
        recent_calls=(current,) if current else (), waiting=waiting,
    )  # fmt: skip


SERVING = make_state(make_ticket("A001"))
QUEUE = make_state(waiting=(make_ticket("A001", TicketStatus.WAITING),))


def connected_presenter(state: OfficeState) -> CounterPresenter:
    presenter = CounterPresenter(2)
    presenter.set_connection("connected")
    presenter.set_state(state, None)
    return presenter


@pytest.mark.parametrize(
    ("current", "paused", "waiting", "expected"),
    [
        (None, False, 0, {Action.REQUEUE, Action.PAUSE}),
        (None, False, 2, {Action.NEXT, Action.CALL, Action.REQUEUE, Action.PAUSE}),
        ("A001", False, 0, {Action.RECALL, Action.DONE, Action.NO_SHOW, Action.TRANSFER,
                            Action.REQUEUE, Action.PAUSE}),
        ("A001", False, 1, {Action.NEXT, Action.CALL, Action.RECALL, Action.DONE,
                            Action.NO_SHOW, Action.TRANSFER, Action.REQUEUE, Action.PAUSE}),
        (None, True, 3, {Action.RESUME, Action.REQUEUE}),
        ("A001", True, 3, {Action.RECALL, Action.DONE, Action.NO_SHOW, Action.TRANSFER,
                           Action.REQUEUE, Action.RESUME}),
    ],
)  # fmt: skip
def test_enabled_actions_follow_the_counter_state(
    current: str | None, paused: bool, waiting: int, expected: set[Action]
) -> None:
    ticket = make_ticket(current) if current else None
    counter = Counter(
        2, "Loket 2", ("A", "B"), CounterState.PAUSED if paused else CounterState.OPEN, ticket
    )
    services = tuple(make_service(code) for code in "ABC")
    phase = counter_phase(counter, connected=True, busy=False)
    assert enabled_actions(phase, counter, waiting, services) == expected


def test_nothing_is_enabled_while_unavailable_or_busy() -> None:
    counter = Counter(2, "Loket 2", ("A",), CounterState.OPEN, make_ticket("A001"))
    services = (make_service("A"), make_service("B"))
    assert counter_phase(counter, connected=False, busy=False) is Phase.UNAVAILABLE
    assert counter_phase(counter, connected=True, busy=True) is Phase.BUSY
    assert counter_phase(None, connected=True, busy=False) is Phase.UNAVAILABLE
    for phase in (Phase.UNAVAILABLE, Phase.BUSY):
        assert enabled_actions(phase, counter, 5, services) == frozenset()


def test_transfer_needs_another_service_to_go_to() -> None:
    counter = Counter(1, "Loket 1", ("A",), CounterState.OPEN, make_ticket("A001"))
    assert Action.TRANSFER not in enabled_actions(Phase.SERVING, counter, 0, (make_service("A"),))


def _unavailable_caused_by(cause: BaseException | None) -> ServerUnavailable:
    error = ServerUnavailable("POST /counters/2/next: failed")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "delivery"),
    [
        (api_error(404, "queue_empty", "nobody"), Delivery.REFUSED),
        (api_error(503, "storage_unavailable", "disk"), Delivery.REFUSED),
        (_unavailable_caused_by(None), Delivery.NOT_SENT),
        (_unavailable_caused_by(aiohttp.ConnectionTimeoutError()), Delivery.NOT_SENT),
        (_unavailable_caused_by(aiohttp.ServerDisconnectedError()), Delivery.UNKNOWN),
        (_unavailable_caused_by(TimeoutError()), Delivery.UNKNOWN),
        (ClientError("a bug"), Delivery.UNKNOWN),
    ],
)
def test_failures_are_told_apart_by_whether_the_server_may_have_acted(
    error: ClientError, delivery: Delivery
) -> None:
    assert classify_failure(error) is delivery


def test_queue_empty_is_shown_in_plain_indonesian_and_the_button_comes_back() -> None:
    presenter = connected_presenter(
        make_state(waiting=(make_ticket("A001", TicketStatus.WAITING),))
    )
    request = presenter.press(Action.NEXT)
    assert request is not None
    assert (request.action, request.counter, request.argument) == (Action.NEXT, 2, None)
    assert presenter.phase is Phase.BUSY
    assert presenter.press(Action.NEXT) is None  # a second press does nothing
    assert presenter.failed(QueueEmpty(404, "queue_empty", "")) is False
    view = presenter.view()
    assert view.message is not None
    assert view.message.text == "Panggil berikutnya ditolak: Tidak ada yang menunggu"
    assert view.message.level is Level.ERROR
    assert Action.NEXT in view.enabled


def test_the_answer_shows_before_its_event_arrives() -> None:
    waiting = make_ticket("A001", TicketStatus.WAITING)
    presenter = connected_presenter(make_state(waiting=(waiting,)))
    presenter.press(Action.NEXT)
    called = make_ticket("A001")
    presenter.succeeded(called)
    view = presenter.view()
    assert (view.current_number, view.phase) == ("A001", Phase.SERVING)
    assert view.message is not None and view.message.text == "Memanggil A001"
    assert Action.DONE in view.enabled


@pytest.mark.parametrize(
    ("action", "argument", "before", "after", "happened"),
    [
        (Action.NEXT, None, QUEUE, make_state(current=make_ticket("A001")), True),
        (Action.NEXT, None, QUEUE, QUEUE, False),
        (Action.RECALL, None, SERVING, make_state(make_ticket("A001", recalls=1)), True),
        (Action.RECALL, None, SERVING, SERVING, False),
        (Action.DONE, None, SERVING, make_state(), True),
        (Action.NO_SHOW, None, SERVING, SERVING, False),
        (Action.PAUSE, None, make_state(), make_state(paused=True), True),
        (Action.RESUME, None, make_state(paused=True), make_state(paused=True), False),
        (Action.REQUEUE, "B003", make_state(),
         make_state(waiting=(make_ticket("B003", TicketStatus.WAITING, requeued=True),)), True),
        (Action.REQUEUE, "B003", make_state(), make_state(), False),
        (Action.CALL, "A002", QUEUE, make_state(current=make_ticket("A002")), True),
        (Action.CALL, "A002", QUEUE, make_state(current=make_ticket("A001")), False),
    ],
)  # fmt: skip
def test_a_lost_answer_is_settled_by_the_next_snapshot(
    action: Action, argument: str | None, before: OfficeState, after: OfficeState, happened: bool
) -> None:
    presenter = connected_presenter(before)
    request = presenter.press(action, argument)
    assert request is not None
    assert presenter.failed(_unavailable_caused_by(aiohttp.ServerDisconnectedError())) is True
    assert presenter.view().enabled == frozenset()
    presenter.set_connection("searching")
    presenter.set_connection("connected")
    assert presenter.set_state(replace(after, seq=99), None) is True
    message = presenter.view().message
    assert message is not None
    assert ("sudah tercatat" in message.text) is happened
    assert ("TIDAK terjadi" in message.text) is not happened


def test_requeue_candidates_are_the_no_shows_of_this_counters_services() -> None:
    presenter = connected_presenter(make_state())
    no_show_a = make_ticket("A004", TicketStatus.NO_SHOW)
    no_show_c = make_ticket("C001", TicketStatus.NO_SHOW, counter=3)
    state = replace(make_state(), recent_calls=(no_show_a, no_show_c), seq=5)
    presenter.set_state(state, None)
    assert [ticket.number for ticket in presenter.requeue_candidates()] == ["A004"]
    view = presenter.view()
    assert [(entry.number, entry.outcome) for entry in view.recent] == [("A004", "Tidak hadir")]


def test_call_candidates_are_the_waiting_tickets_of_this_counters_services() -> None:
    waiting = tuple(
        make_ticket(number, TicketStatus.WAITING) for number in ("B001", "C001", "A002")
    )
    presenter = connected_presenter(make_state(waiting=waiting))
    assert [ticket.number for ticket in presenter.call_candidates()] == ["B001", "A002"]
    assert Action.CALL in presenter.enabled
    assert presenter.press(Action.CALL) is None  # nothing chosen: nothing sent
    request = presenter.press(Action.CALL, " a002 ")
    assert request is not None
    assert (request.action, request.counter, request.argument) == (Action.CALL, 2, "A002")
