"""What a clerk can do at the counter, the shortcuts, and when each action makes sense."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from client.wire import Counter, CounterState, Service, Ticket

if TYPE_CHECKING:
    from client.api import ApiClient


class Action(StrEnum):
    """One request a clerk can send to the server."""

    NEXT = "next"
    RECALL = "recall"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    REQUEUE = "requeue"
    CALL = "call"  # a given waiting number, out of order
    PAUSE = "pause"
    RESUME = "resume"


class Button(StrEnum):
    """A button of the counter window; PAUSE_RESUME sends PAUSE or RESUME."""

    NEXT = "next"
    RECALL = "recall"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    REQUEUE = "requeue"
    CALL = "call"
    PAUSE_RESUME = "pause_resume"


class Phase(StrEnum):
    """What the counter is doing, as far as the buttons are concerned."""

    UNAVAILABLE = "unavailable"  # no fresh state from the server
    IDLE = "idle"  # open, nobody at the counter
    SERVING = "serving"  # open, a ticket is being served
    PAUSED = "paused"  # on a break (maybe still finishing a ticket)
    BUSY = "busy"  # a request is in flight or its outcome is being checked


def api_operation(
    action: Action, counter: int, argument: str | None = None
) -> Callable[[ApiClient], Awaitable[Ticket | Counter]]:
    """The API call behind ``action`` at ``counter`` (``argument``: the service of a
    transfer, the number of a re-queue or of a call out of order)."""
    given = argument or ""
    operations: dict[Action, Callable[[ApiClient], Awaitable[Ticket | Counter]]] = {
        Action.NEXT: lambda api: api.call_next(counter),
        Action.RECALL: lambda api: api.recall(counter),
        Action.DONE: lambda api: api.done(counter),
        Action.NO_SHOW: lambda api: api.no_show(counter),
        Action.TRANSFER: lambda api: api.transfer(counter, given),
        Action.REQUEUE: lambda api: api.requeue(counter, given),
        Action.CALL: lambda api: api.call_number(counter, given),
        Action.PAUSE: lambda api: api.pause(counter),
        Action.RESUME: lambda api: api.resume(counter),
    }
    return operations[action]


SHORTCUTS: Final[dict[Button, tuple[str, ...]]] = {
    Button.NEXT: ("Space", "F1"),
    Button.RECALL: ("F2", "R"),
    Button.DONE: ("F3", "D"),
    Button.NO_SHOW: ("F4", "N"),
    Button.TRANSFER: ("F5", "T"),
    Button.REQUEUE: ("F6",),
    Button.CALL: ("F7",),
    Button.PAUSE_RESUME: ("F8", "P"),
}
"""Key sequences in QKeySequence's portable text form."""

BUTTON_ACTIONS: Final[dict[Button, tuple[Action, ...]]] = {
    Button.NEXT: (Action.NEXT,),
    Button.RECALL: (Action.RECALL,),
    Button.DONE: (Action.DONE,),
    Button.NO_SHOW: (Action.NO_SHOW,),
    Button.TRANSFER: (Action.TRANSFER,),
    Button.REQUEUE: (Action.REQUEUE,),
    Button.CALL: (Action.CALL,),
    Button.PAUSE_RESUME: (Action.PAUSE, Action.RESUME),
}


def counter_phase(counter: Counter | None, connected: bool, busy: bool) -> Phase:
    """The phase for a counter as the client last saw it."""
    if counter is None or not connected:
        return Phase.UNAVAILABLE
    if busy:
        return Phase.BUSY
    if counter.state is CounterState.PAUSED:
        return Phase.PAUSED
    if counter.current is not None:
        return Phase.SERVING
    return Phase.IDLE


def enabled_actions(
    phase: Phase,
    counter: Counter | None,
    waiting_for_counter: int,
    services: tuple[Service, ...],
) -> frozenset[Action]:
    """The actions that make sense now; everything else is disabled.

    ``waiting_for_counter`` is how many tickets wait in this counter's services.
    Re-queue is always possible while connected (the server checks the number); calling
    a given number, like next, needs someone waiting and a counter that is not paused.
    """
    if phase in (Phase.UNAVAILABLE, Phase.BUSY) or counter is None:
        return frozenset()
    enabled = {Action.REQUEUE}
    current = counter.current
    if current is not None:
        enabled |= {Action.RECALL, Action.DONE, Action.NO_SHOW}
        if any(service.code != current.service for service in services):
            enabled.add(Action.TRANSFER)
    if phase is Phase.PAUSED:
        enabled.add(Action.RESUME)
    else:
        enabled.add(Action.PAUSE)
        if waiting_for_counter > 0:
            enabled |= {Action.NEXT, Action.CALL}
    return frozenset(enabled)
