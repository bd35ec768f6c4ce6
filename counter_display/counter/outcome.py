"""Whether a failed press reached the server, and checking its effect in a later state."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from client.errors import ApiError, ClientError, ServerUnavailable, StorageUnavailable
from client.state import OfficeState
from client.wire import CounterState, TicketStatus
from counter_display.counter.actions import Action
from counter_display.counter.texts import text


class Delivery(StrEnum):
    """What a failed request tells about the server's state."""

    REFUSED = "refused"  # the server answered no: nothing changed
    NOT_SENT = "not_sent"  # no connection was made: nothing changed
    UNKNOWN = "unknown"  # sent, but the answer was lost: it may have happened


def classify_failure(error: ClientError) -> Delivery:
    """Tell a refused or unsent request from one whose outcome is unknown."""
    if isinstance(error, ApiError):
        return Delivery.REFUSED
    if isinstance(error, ServerUnavailable):
        import aiohttp  # loaded already by the link that reported the error

        cause = error.__cause__
        # No cause: the link itself refused (not started, no server found yet).
        # A connector error or connect timeout: no TCP connection, so no request.
        if cause is None or isinstance(
            cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError
        ):
            return Delivery.NOT_SENT
    return Delivery.UNKNOWN


def refusal_reason(
    error: ApiError, counter_label: str, language: str, action: Action | None = None
) -> str:
    """The server's refusal in words a clerk understands (an action may word it its own way)."""
    if isinstance(error, StorageUnavailable):
        return text("error.storage_unavailable", language)
    if action is not None:
        own = f"error.{action}.{error.code}"
        if text(own, language, counter=counter_label) != own:
            return text(own, language, counter=counter_label)
    key = f"error.{error.code}"
    reason = text(key, language, counter=counter_label)
    if reason == key:
        return text("error.other", language, code=error.code)
    return reason


@dataclass(frozen=True, slots=True)
class Baseline:
    """The counter as it was when the press was sent, to judge a later state against."""

    counter_number: int
    current_id: int | None
    recalls: int
    paused: bool
    argument: str | None  # the service of a transfer, the number of a re-queue


def action_took_effect(action: Action, baseline: Baseline, state: OfficeState) -> bool:
    """True if ``state`` shows the effect of ``action`` pressed at ``baseline``.

    Only this counter's token acts on this counter, so a changed current ticket or
    counter state since the press can only be the press itself.
    """
    counter = state.counter(baseline.counter_number)
    if counter is None:
        return False
    current = counter.current
    current_id = current.id if current is not None else None
    if action is Action.NEXT:
        return current_id is not None and current_id != baseline.current_id
    if action is Action.RECALL:
        return (
            current is not None
            and current_id == baseline.current_id
            and (current.recalls > baseline.recalls)
        )
    if action in (Action.DONE, Action.NO_SHOW, Action.TRANSFER):
        return baseline.current_id is not None and current_id != baseline.current_id
    if action is Action.PAUSE:
        return counter.state is CounterState.PAUSED and not baseline.paused
    if action is Action.RESUME:
        return counter.state is CounterState.OPEN and baseline.paused
    if action is Action.CALL:
        number = (baseline.argument or "").strip().upper()
        return current is not None and current.number == number
    if action is Action.REQUEUE:
        number = (baseline.argument or "").strip().upper()
        return any(
            ticket.number == number and ticket.status is TicketStatus.WAITING
            for ticket in state.waiting
        )
    return False
