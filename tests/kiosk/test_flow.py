"""The ticket flow state machine, without Qt, server or printer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from client.errors import Forbidden, ServerUnavailable, ServiceClosed
from client.wire import ClosedReason, Ticket
from kiosk.flow import FlowStep, OutcomeKind, TicketFlow
from printer_drivers import PaperOut
from tests.support import builders


def make_ticket(number: str = "A005", priority: bool = False) -> Ticket:
    return builders.make_ticket(
        17, number, priority=priority, people_ahead=2, est_wait_s=360,
        check_url="http://x/t/17?key=k",
    )  # fmt: skip


@dataclass
class RecordedPorts:
    """Records what the flow asked for, in order."""

    calls: list[tuple[str, int, object]] = field(default_factory=list)

    def issue(self, attempt: int, service: str, priority: bool) -> None:
        self.calls.append(("issue", attempt, (service, priority)))

    def print(self, attempt: int, ticket: Ticket) -> None:
        self.calls.append(("print", attempt, ticket.number))

    def void(self, attempt: int, ticket: Ticket) -> None:
        self.calls.append(("void", attempt, ticket.number))


@pytest.fixture
def ports() -> RecordedPorts:
    return RecordedPorts()


@pytest.fixture
def flow(ports: RecordedPorts) -> TicketFlow:
    return TicketFlow(ports)


def test_a_printed_ticket_ends_printed_and_acknowledge_takes_the_next(
    flow: TicketFlow, ports: RecordedPorts
) -> None:
    steps: list[FlowStep] = []
    flow = TicketFlow(ports, lambda step, outcome: steps.append(step))
    assert flow.request("A") is True
    flow.issued(1, make_ticket())
    flow.printed(1)
    assert flow.outcome is not None and flow.outcome.kind is OutcomeKind.PRINTED
    assert flow.outcome.ticket is not None and flow.outcome.ticket.number == "A005"
    assert ports.calls == [("issue", 1, ("A", False)), ("print", 1, "A005")]
    flow.acknowledge()
    assert steps == [FlowStep.ISSUING, FlowStep.PRINTING, FlowStep.DONE, FlowStep.READY]
    assert flow.request("B", priority=True) is True
    assert ports.calls[-1] == ("issue", 2, ("B", True))


@pytest.mark.parametrize("step", ["issuing", "printing", "done"])
def test_a_second_touch_while_busy_or_confirming_issues_nothing(
    flow: TicketFlow, ports: RecordedPorts, step: str
) -> None:
    flow.request("A")
    if step in ("printing", "done"):
        flow.issued(1, make_ticket())
    if step == "done":
        flow.printed(1)
    assert flow.request("A") is False
    assert flow.request("B") is False
    assert [call for call in ports.calls if call[0] == "issue"] == [("issue", 1, ("A", False))]


def test_a_print_failure_voids_the_ticket(flow: TicketFlow, ports: RecordedPorts) -> None:
    flow.request("A")
    flow.issued(1, make_ticket())
    flow.print_failed(1, PaperOut("no paper"))
    assert flow.step is FlowStep.VOIDING
    assert ports.calls[-1] == ("void", 1, "A005")
    flow.voided(1)
    assert flow.outcome is not None and flow.outcome.kind is OutcomeKind.VOIDED
    assert "no paper" in flow.outcome.detail


def test_a_void_that_does_not_reach_the_server_is_reported(flow: TicketFlow) -> None:
    flow.request("A")
    flow.issued(1, make_ticket())
    flow.print_failed(1, PaperOut("no paper"))
    flow.void_failed(1, ServerUnavailable("down"))
    assert flow.outcome is not None and flow.outcome.kind is OutcomeKind.NOT_VOIDED
    assert flow.outcome.ticket is not None and flow.outcome.ticket.number == "A005"


@pytest.mark.parametrize(
    ("error", "kind", "reason"),
    [
        (ServiceClosed(409, "service_closed", "", "break"), OutcomeKind.SERVICE_CLOSED,
         ClosedReason.BREAK),
        (ServiceClosed(409, "service_closed", "", "newer"), OutcomeKind.SERVICE_CLOSED,
         ClosedReason.CLOSED),
        (ServerUnavailable("refused"), OutcomeKind.UNAVAILABLE, None),
        (Forbidden(403, "forbidden", ""), OutcomeKind.REFUSED, None),
    ],
)  # fmt: skip
def test_an_issue_refused_or_unreachable_prints_nothing(
    flow: TicketFlow,
    ports: RecordedPorts,
    error: Exception,
    kind: OutcomeKind,
    reason: ClosedReason | None,
) -> None:
    flow.request("C")
    flow.issue_failed(1, error)  # type: ignore[arg-type]
    assert flow.outcome is not None
    assert flow.outcome.kind is kind
    assert flow.outcome.closed_reason is reason
    assert [call[0] for call in ports.calls] == ["issue"]


def test_late_or_duplicate_answers_are_ignored(flow: TicketFlow, ports: RecordedPorts) -> None:
    flow.request("A")
    flow.printed(1)  # not printing yet
    flow.issued(2, make_ticket())  # another attempt
    assert flow.step is FlowStep.ISSUING
    flow.issued(1, make_ticket())
    flow.issued(1, make_ticket("A006"))  # a duplicate answer prints nothing more
    flow.printed(1)
    flow.print_failed(1, PaperOut("late"))  # after success: no void
    assert [call[0] for call in ports.calls] == ["issue", "print"]
    assert flow.outcome is not None and flow.outcome.kind is OutcomeKind.PRINTED


def test_acknowledge_only_ends_a_finished_request(flow: TicketFlow) -> None:
    flow.request("A")
    flow.acknowledge()
    assert flow.step is FlowStep.ISSUING
    assert flow.busy
