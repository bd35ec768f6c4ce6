"""The ticket flow without Qt: issue, print, void on a print failure, one visitor at a time.

    READY --request--> ISSUING --issued--> PRINTING --printed--> DONE (PRINTED)
                          |                    |
                          | issue failed       | print failed
                          v                    v
                        DONE (CLOSED,        VOIDING --voided / void failed--> DONE
                        UNAVAILABLE, REFUSED)                          (VOIDED / NOT_VOIDED)
    DONE --acknowledge--> READY

A request outside READY is refused: that is what makes a double tap issue one ticket.
Every call to the ports carries the attempt number; a result for another attempt (late,
after an abandon) is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from client.errors import ApiError, ClientError, ServerUnavailable, ServiceClosed
from client.wire import ClosedReason, Ticket

logger = logging.getLogger(__name__)


class FlowStep(StrEnum):
    """Where the flow is; only READY takes a new request."""

    READY = "ready"
    ISSUING = "issuing"
    PRINTING = "printing"
    VOIDING = "voiding"
    DONE = "done"


class OutcomeKind(StrEnum):
    """How a request ended, as the visitor is told."""

    PRINTED = "printed"  # the visitor has the ticket
    VOIDED = "voided"  # printing failed; the ticket is voided and will never be called
    NOT_VOIDED = "not_voided"  # printing failed and the void did not reach the server
    SERVICE_CLOSED = "service_closed"  # the server refused: the service closed meanwhile
    UNAVAILABLE = "unavailable"  # the server could not be reached; nothing was issued
    REFUSED = "refused"  # any other refusal (token, storage); nothing was issued


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    """The end of one request, kept until the visitor's screen is done with it."""

    kind: OutcomeKind
    service: str
    priority: bool
    ticket: Ticket | None = None
    closed_reason: ClosedReason | None = None
    detail: str = ""


class FlowPorts(Protocol):
    """What the flow asks of the outside world; each answer comes back through a method."""

    def issue(self, attempt: int, service: str, priority: bool) -> None:
        """Ask the server for a ticket; answer with issued() or issue_failed()."""

    def print(self, attempt: int, ticket: Ticket) -> None:
        """Print the ticket; answer with printed() or print_failed()."""

    def void(self, attempt: int, ticket: Ticket) -> None:
        """Void the ticket on the server; answer with voided() or void_failed()."""


ChangeListener = Callable[[FlowStep, FlowOutcome | None], None]


class TicketFlow:
    """One visitor's ticket from tap to printed (or voided) ticket."""

    def __init__(self, ports: FlowPorts, on_change: ChangeListener | None = None) -> None:
        self._ports = ports
        self._on_change = on_change
        self.step = FlowStep.READY
        self.outcome: FlowOutcome | None = None
        self.attempt = 0
        self._service = ""
        self._priority = False
        self._ticket: Ticket | None = None
        self._print_error = ""

    @property
    def busy(self) -> bool:
        """Whether a request is under way (issuing, printing or voiding)."""
        return self.step in (FlowStep.ISSUING, FlowStep.PRINTING, FlowStep.VOIDING)

    def request(self, service: str, priority: bool = False) -> bool:
        """Start issuing a ticket; False (and nothing happens) unless the flow is READY."""
        if self.step is not FlowStep.READY:
            logger.debug("ignored a request for %s while %s", service, self.step)
            return False
        self.attempt += 1
        self._service, self._priority = service, priority
        self._ticket, self.outcome, self._print_error = None, None, ""
        self._move(FlowStep.ISSUING)
        self._ports.issue(self.attempt, service, priority)
        return True

    def issued(self, attempt: int, ticket: Ticket) -> None:
        """The server issued the ticket: print it."""
        if not self._expects(attempt, FlowStep.ISSUING):
            return
        self._ticket = ticket
        self._move(FlowStep.PRINTING)
        self._ports.print(attempt, ticket)

    def issue_failed(self, attempt: int, error: ClientError) -> None:
        """The server issued nothing."""
        if not self._expects(attempt, FlowStep.ISSUING):
            return
        if isinstance(error, ServiceClosed):
            reason = _closed_reason(error.reason)
            self._finish(OutcomeKind.SERVICE_CLOSED, closed_reason=reason, detail=str(error))
        elif isinstance(error, ServerUnavailable):
            self._finish(OutcomeKind.UNAVAILABLE, detail=str(error))
        else:
            level = logging.WARNING if isinstance(error, ApiError) else logging.ERROR
            logger.log(level, "ticket for %s refused: %s", self._service, error)
            self._finish(OutcomeKind.REFUSED, detail=str(error))

    def printed(self, attempt: int) -> None:
        """The printer took the whole ticket."""
        if not self._expects(attempt, FlowStep.PRINTING):
            return
        self._finish(OutcomeKind.PRINTED)

    def print_failed(self, attempt: int, error: Exception) -> None:
        """Nothing (or not all) was printed: void the ticket so that it is never called."""
        if not self._expects(attempt, FlowStep.PRINTING):
            return
        assert self._ticket is not None
        self._print_error = str(error)
        logger.warning("ticket %s not printed (%s): voiding it", self._ticket.number, error)
        self._move(FlowStep.VOIDING)
        self._ports.void(attempt, self._ticket)

    def voided(self, attempt: int) -> None:
        """The server voided the unprinted ticket."""
        if not self._expects(attempt, FlowStep.VOIDING):
            return
        self._finish(OutcomeKind.VOIDED, detail=self._print_error)

    def void_failed(self, attempt: int, error: ClientError) -> None:
        """The void did not reach the server; the caller may retry it later."""
        if not self._expects(attempt, FlowStep.VOIDING):
            return
        assert self._ticket is not None
        logger.error("ticket %s was not printed and could not be voided: %s",
                     self._ticket.number, error)  # fmt: skip
        self._finish(OutcomeKind.NOT_VOIDED, detail=f"{self._print_error}; void: {error}")

    def acknowledge(self) -> None:
        """The visitor's screen is done with the outcome: take the next request."""
        if self.step is FlowStep.DONE:
            self.outcome = None
            self._move(FlowStep.READY)

    def awaits_ticket(self, attempt: int) -> bool:
        """True while this attempt still waits for the server's ticket."""
        return attempt == self.attempt and self.step is FlowStep.ISSUING

    def _expects(self, attempt: int, step: FlowStep) -> bool:
        if attempt != self.attempt or self.step is not step:
            logger.debug("ignored a late answer for attempt %d in %s", attempt, self.step)
            return False
        return True

    def _finish(
        self, kind: OutcomeKind, closed_reason: ClosedReason | None = None, detail: str = ""
    ) -> None:
        self.outcome = FlowOutcome(
            kind=kind,
            service=self._service,
            priority=self._priority,
            ticket=self._ticket,
            closed_reason=closed_reason,
            detail=detail,
        )
        self._move(FlowStep.DONE)

    def _move(self, step: FlowStep) -> None:
        self.step = step
        if self._on_change is not None:
            self._on_change(step, self.outcome)


def _closed_reason(text: str | None) -> ClosedReason:
    try:
        return ClosedReason(text or ClosedReason.CLOSED)
    except ValueError:
        return ClosedReason.CLOSED
