"""Voiding tickets nobody holds, without Qt or server: what is retried, what is dropped."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from client.errors import ApiError, NotFound, ServerUnavailable, StorageUnavailable
from client.wire import Ticket
from kiosk.voids import UNCERTAIN_GRACE_S, VoidReconciler, may_retry_void
from tests.support import builders


def make_ticket(ticket_id: int = 17, number: str = "A005") -> Ticket:
    return builders.make_ticket(ticket_id, number)


@dataclass
class RecordedVoids:
    """Records the voids the reconciler asked for, in order."""

    calls: list[tuple[str, object]] = field(default_factory=list)

    def void_ticket(self, ticket: Ticket) -> None:
        self.calls.append(("void_ticket", ticket.number))

    def void_by_request_key(self, request_key: str) -> None:
        self.calls.append(("void_by_request_key", request_key))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ports() -> RecordedVoids:
    return RecordedVoids()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def voids(ports: RecordedVoids, clock: FakeClock) -> VoidReconciler:
    return VoidReconciler(ports, clock)


def unavailable() -> ServerUnavailable:
    return ServerUnavailable("connection refused")


def refused(code: str = "not_waiting") -> ApiError:
    return ApiError(409, code, "the ticket is no longer waiting")


def test_nothing_pending_asks_nothing(voids: VoidReconciler, ports: RecordedVoids) -> None:
    assert not voids.pending
    voids.retry()
    assert ports.calls == []


def test_an_unheld_ticket_is_voided_again_until_the_server_has(
    voids: VoidReconciler, ports: RecordedVoids
) -> None:
    ticket = make_ticket()
    voids.ticket_unheld(ticket)
    voids.retry()
    voids.ticket_void_failed(ticket, unavailable())  # server down: keep it
    voids.retry()
    assert ports.calls == [("void_ticket", "A005"), ("void_ticket", "A005")]
    assert voids.unheld_numbers == ("A005",)
    voids.ticket_voided(ticket)
    assert not voids.pending
    voids.retry()
    assert len(ports.calls) == 2


def test_a_refused_void_is_final_but_a_busy_storage_is_retried(voids: VoidReconciler) -> None:
    called, busy = make_ticket(1, "A001"), make_ticket(2, "A002")
    voids.ticket_unheld(called)
    voids.ticket_unheld(busy)
    voids.ticket_void_failed(called, refused())
    voids.ticket_void_failed(busy, StorageUnavailable(503, "storage_unavailable", "disk full"))
    assert voids.unheld_numbers == ("A002",)


def test_a_lost_answer_is_voided_by_its_request_key(
    voids: VoidReconciler, ports: RecordedVoids
) -> None:
    voids.answer_lost("key-1")
    voids.retry()
    assert ports.calls == [("void_by_request_key", "key-1")]
    voids.key_voided("key-1", make_ticket())
    assert not voids.pending


def test_nothing_issued_yet_is_asked_again_for_a_while(
    voids: VoidReconciler, ports: RecordedVoids, clock: FakeClock
) -> None:
    # a slow server may still carry the lost request out
    voids.answer_lost("key-1")
    clock.now += UNCERTAIN_GRACE_S - 1
    voids.key_void_failed("key-1", NotFound(404, "not_found", "no such request"))
    assert voids.uncertain_keys == ("key-1",)
    clock.now += 2
    voids.key_void_failed("key-1", NotFound(404, "not_found", "no such request"))
    assert not voids.pending


def test_a_request_key_refused_otherwise_is_dropped_at_once(voids: VoidReconciler) -> None:
    voids.answer_lost("key-1")
    voids.answer_lost("key-2")
    voids.key_void_failed("key-1", refused())  # issued and already called: nothing to void
    voids.key_void_failed("key-2", unavailable())  # still unreachable: keep asking
    assert voids.uncertain_keys == ("key-2",)


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (ServerUnavailable("down"), True),
        (StorageUnavailable(503, "storage_unavailable", "locked"), True),
        (ApiError(409, "not_waiting", ""), False),
        (NotFound(404, "not_found", ""), False),
    ],
)
def test_which_failures_may_succeed_later(error: Exception, retry: bool) -> None:
    assert may_retry_void(error) is retry  # type: ignore[arg-type]
