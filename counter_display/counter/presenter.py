"""CounterPresenter: the counter terminal's state and what the window shows, without Qt."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from msgspec.structs import replace

from client.connection import ConnectionStatus
from client.errors import ApiError, ClientError
from client.formatting import format_time
from client.i18n import DEFAULT_LANGUAGE, service_name, tr
from client.state import OfficeState
from client.wire import Counter, CounterState, Event, Service, Ticket, TicketStatus, UnknownEvent
from counter_display.counter.actions import (
    Action,
    Phase,
    api_operation,
    counter_phase,
    enabled_actions,
)
from counter_display.counter.outcome import (
    Baseline,
    Delivery,
    action_took_effect,
    classify_failure,
    refusal_reason,
)
from counter_display.counter.texts import text

if TYPE_CHECKING:
    from client.api import ApiClient

logger = logging.getLogger(__name__)

RECENT_SHOWN = 6
CONNECTED = ConnectionStatus.CONNECTED
SEARCHING = ConnectionStatus.SEARCHING


class Level(StrEnum):
    """How a message is shown: neutral, good news, needs attention, went wrong."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Message:
    """The outcome of the last press, shown until the next one."""

    text: str
    level: Level


@dataclass(frozen=True, slots=True)
class WaitingLine:
    """How many wait in one of the counter's services."""

    code: str
    name: str
    count: int
    priority_count: int


@dataclass(frozen=True, slots=True)
class RecentTicket:
    """A ticket this counter handled today and what became of it."""

    number: str
    outcome: str
    time: str


@dataclass(frozen=True, slots=True)
class CounterView:
    """Everything the counter window shows, ready to put in widgets."""

    phase: Phase
    title: str
    services_text: str
    connection_text: str
    connection_level: Level
    stale: bool
    current_caption: str
    current_number: str
    current_detail: str
    waiting: tuple[WaitingLine, ...]
    waiting_summary: str
    recent: tuple[RecentTicket, ...]
    enabled: frozenset[Action]
    pause_action: Action
    message: Message | None


@dataclass(frozen=True, slots=True)
class Request:
    """An API call to make for a press: ``operation(api)``."""

    action: Action
    counter: int
    argument: str | None
    operation: Callable[[ApiClient], Awaitable[Ticket | Counter]]


@dataclass(frozen=True, slots=True)
class _Pending:
    action: Action
    baseline: Baseline


def _clock(moment: datetime | None, language: str) -> str:
    return format_time(moment, language) if moment is not None else ""


class CounterPresenter:
    """Folds connection, office state and press outcomes into a CounterView.

    The window calls ``press`` when a button is pressed, sends the Request it returns,
    and reports the answer with ``succeeded`` or ``failed``. ``failed`` returns True
    when the outcome is unknown (the answer was lost): the window then asks for a
    snapshot and hands it to ``verify``; the next snapshot from the event stream does
    the same. Until the outcome is known every button stays disabled.
    """

    def __init__(self, counter_number: int, language: str = DEFAULT_LANGUAGE) -> None:
        self.counter_number = counter_number
        self.language = language
        self.connection: ConnectionStatus = SEARCHING
        self.token_rejected = False
        self.state: OfficeState | None = None
        self._in_flight: _Pending | None = None
        self._verifying: _Pending | None = None
        self._confirmed: Counter | None = None  # the server's answer, ahead of its event
        self._message: Message | None = None
        self._history: dict[int, Ticket] = {}
        self._no_shows: dict[int, Ticket] = {}
        self._day: date | None = None

    # -- inputs ---------------------------------------------------------------------------

    def set_connection(self, status: ConnectionStatus | str, token_rejected: bool = False) -> None:
        """The link's connection status."""
        status = ConnectionStatus(status)
        self.connection = status
        self.token_rejected = token_rejected and status != CONNECTED

    def set_state(self, state: OfficeState, event: Event | UnknownEvent | None) -> bool:
        """A new office state; True if it settled an unknown outcome (see ``verify``)."""
        if self._day is not None and state.today != self._day:
            self._history.clear()
            self._no_shows.clear()
        self._day = state.today
        self.state = state
        if event is None:
            for ticket in reversed(state.recent_calls):
                self._remember(ticket)
            self._confirmed = None
        elif isinstance(event, Event) and event.ticket is not None:
            self._remember(event.ticket)
        if self._confirmed is not None and self._matches(state.counter(self.counter_number)):
            self._confirmed = None
        if event is None and self._verifying is not None and self.connection == CONNECTED:
            self.verify(state)
            return True
        return False

    def press(self, action: Action, argument: str | None = None) -> Request | None:
        """The request to send for a press, or None if the press must do nothing now."""
        counter = self.counter
        if action not in self.enabled or counter is None:
            return None
        if action in (Action.TRANSFER, Action.REQUEUE, Action.CALL) and not argument:
            return None
        current = counter.current
        self._in_flight = _Pending(
            action,
            Baseline(
                counter_number=self.counter_number,
                current_id=current.id if current is not None else None,
                recalls=current.recalls if current is not None else 0,
                paused=counter.state is CounterState.PAUSED,
                argument=argument,
            ),
        )
        self._message = Message(
            text("message.in_flight", self.language, action=self.action_name(action)), Level.INFO
        )
        given = argument.strip().upper() if argument is not None else None
        operation = api_operation(action, self.counter_number, given)
        return Request(action, self.counter_number, given, operation)

    def succeeded(self, result: object) -> None:
        """The server carried out the request in flight; ``result`` is its answer."""
        pending, self._in_flight = self._in_flight, None
        if pending is None:
            return
        action = pending.action
        counter = self.counter
        if isinstance(result, Counter):
            self._set_confirmed(result)
        elif isinstance(result, Ticket) and counter is not None:
            self._remember(result)
            if action in (Action.NEXT, Action.CALL, Action.RECALL):
                self._set_confirmed(replace(counter, current=result))
            elif action in (Action.DONE, Action.NO_SHOW, Action.TRANSFER):
                self._set_confirmed(replace(counter, current=None))
        self._message = Message(self._success_text(action, result), Level.SUCCESS)

    def failed(self, error: ClientError) -> bool:
        """The request in flight failed; True if its outcome must be checked by ``verify``."""
        pending, self._in_flight = self._in_flight, None
        if pending is None:
            return False
        name = self.action_name(pending.action)
        delivery = classify_failure(error)
        if delivery is Delivery.REFUSED:
            assert isinstance(error, ApiError)
            reason = refusal_reason(error, self.counter_label, self.language, pending.action)
            self._message = Message(
                text("message.refused", self.language, action=name, reason=reason), Level.ERROR
            )
            return False
        if delivery is Delivery.NOT_SENT:
            self._message = Message(
                text("message.not_done", self.language, action=name), Level.ERROR
            )
            return False
        logger.warning("%s: outcome unknown (%s); checking the server's state", name, error)
        self._verifying = pending
        self._message = Message(text("message.checking", self.language, action=name), Level.WARNING)
        return True

    def verify(self, state: OfficeState) -> None:
        """Settle an unknown outcome with a state fetched after the failure."""
        pending, self._verifying = self._verifying, None
        if pending is None:
            return
        name = self.action_name(pending.action)
        if action_took_effect(pending.action, pending.baseline, state):
            logger.info("%s: the server did record it", name)
            self._message = Message(
                text("message.verified_happened", self.language, action=name), Level.SUCCESS
            )
        else:
            logger.info("%s: the server did not record it", name)
            self._message = Message(
                text("message.verified_not_happened", self.language, action=name), Level.ERROR
            )

    @property
    def verifying(self) -> bool:
        """True while an unknown outcome waits for a fresh state."""
        return self._verifying is not None

    # -- queries --------------------------------------------------------------------------

    @property
    def counter(self) -> Counter | None:
        """This counter as best known: the server's last answer, else the event stream."""
        if self._confirmed is not None:
            return self._confirmed
        return self.state.counter(self.counter_number) if self.state is not None else None

    @property
    def counter_label(self) -> str:
        """ "Loket 2" / "Counter 2"."""
        return tr("common.counter_number", self.language, number=self.counter_number)

    @property
    def phase(self) -> Phase:
        """The current phase (see Phase)."""
        busy = self._in_flight is not None or self._verifying is not None
        return counter_phase(self.counter, self.connection == CONNECTED, busy)

    @property
    def enabled(self) -> frozenset[Action]:
        """The actions that may be pressed now."""
        services = self.state.services if self.state is not None else ()
        return enabled_actions(self.phase, self.counter, self.waiting_count, services)

    @property
    def waiting_count(self) -> int:
        """How many wait in this counter's services."""
        return sum(line.count for line in self._waiting_lines())

    def action_name(self, action: Action) -> str:
        """The button label of an action."""
        return text(f"action.{action}", self.language)

    def transfer_targets(self) -> tuple[Service, ...]:
        """Services the current ticket could move to (every other service)."""
        counter = self.counter
        if self.state is None or counter is None or counter.current is None:
            return ()
        return tuple(s for s in self.state.services if s.code != counter.current.service)

    def requeue_candidates(self) -> tuple[Ticket, ...]:
        """Today's no-shows of this counter's services that the terminal knows, newest first."""
        codes = set(self._services())
        tickets = [t for t in self._no_shows.values() if t.service in codes]
        return tuple(sorted(tickets, key=lambda t: t.finished_at or t.issued_at, reverse=True))

    def call_candidates(self) -> tuple[Ticket, ...]:
        """Waiting tickets of this counter's services, in the server's call order."""
        if self.state is None:
            return ()
        return self.state.waiting_for(self._services())

    def view(self) -> CounterView:
        """What the window shows now."""
        counter = self.counter
        phase = self.phase
        connected = self.connection == CONNECTED
        if connected and counter is not None:
            connection_text = text("connection.connected", self.language)
            level = Level.SUCCESS
        elif self.state is None and self.connection == SEARCHING:
            connection_text = text("connection.searching", self.language)
            level = Level.WARNING
        else:
            connection_text = text("connection.lost", self.language)
            level = Level.ERROR
        message = self._message
        if not connected and self.state is not None:
            # The outage is the news; a failed press stays visible above it.
            outage = text("connection.unavailable", self.language)
            if message is not None and message.level in (Level.ERROR, Level.WARNING):
                outage = f"{message.text}\n{outage}"
            message = Message(outage, Level.ERROR)
        if self.token_rejected:
            message = Message(text("error.token_rejected", self.language), Level.ERROR)
        if connected and self.state is not None and counter is None:
            message = Message(text("error.unknown_counter", self.language), Level.ERROR)
        caption, number, detail = self._current_texts(counter)
        lines = self._waiting_lines()
        total = sum(line.count for line in lines)
        summary = (
            text("waiting.total", self.language, count=total)
            if total
            else text("waiting.empty", self.language)
        )
        paused = counter is not None and counter.state is CounterState.PAUSED
        return CounterView(
            phase=phase,
            title=counter.name if counter is not None and counter.name else self.counter_label,
            services_text=text(
                "header.services", self.language, codes=" · ".join(self._services())
            ),
            connection_text=connection_text,
            connection_level=level,
            stale=not connected and self.state is not None,
            current_caption=caption,
            current_number=number,
            current_detail=detail,
            waiting=lines,
            waiting_summary=summary,
            recent=self._recent(counter),
            enabled=self.enabled,
            pause_action=Action.RESUME if paused else Action.PAUSE,
            message=message,
        )

    # -- helpers --------------------------------------------------------------------------

    def _services(self) -> tuple[str, ...]:
        counter = self.counter
        return counter.services if counter is not None else ()

    def _waiting_lines(self) -> tuple[WaitingLine, ...]:
        if self.state is None:
            return ()
        lines = []
        for code in self._services():
            service = self.state.service(code)
            if service is None:
                continue
            lines.append(
                WaitingLine(
                    code=code,
                    name=service_name(service, self.language),
                    count=service.waiting,
                    priority_count=service.waiting_priority,
                )
            )
        return tuple(lines)

    def _current_texts(self, counter: Counter | None) -> tuple[str, str, str]:
        if counter is None:
            return text("connection.never", self.language), "—", ""
        current = counter.current
        paused = counter.state is CounterState.PAUSED
        if current is None:
            caption = text("current.paused" if paused else "current.none", self.language)
            return caption, "—", ""
        caption = text("current.paused_serving" if paused else "current.serving", self.language)
        parts = []
        service = self.state.service(current.service) if self.state is not None else None
        parts.append(service_name(service, self.language) if service else current.service)
        if current.priority:
            parts.append(tr("common.priority", self.language))
        if current.called_at is not None:
            parts.append(
                text(
                    "current.called_at",
                    self.language,
                    time=_clock(current.called_at, self.language),
                )
            )
        if current.recalls:
            parts.append(text("current.recalls", self.language, count=current.recalls))
        if current.transferred_from:
            parts.append(
                text("current.transferred_from", self.language, service=current.transferred_from)
            )
        if current.requeued:
            parts.append(text("current.requeued", self.language))
        return caption, current.number, " · ".join(parts)

    def _remember(self, ticket: Ticket) -> None:
        if ticket.status is TicketStatus.NO_SHOW:
            self._no_shows[ticket.id] = ticket
        else:
            self._no_shows.pop(ticket.id, None)
        if ticket.counter == self.counter_number or ticket.id in self._history:
            if ticket.status is TicketStatus.CALLED and ticket.counter == self.counter_number:
                # Next marks the ticket still at the counter done first; its event only
                # carries the new call, so the earlier one is finished here too.
                for earlier in list(self._history.values()):
                    if earlier.status is TicketStatus.CALLED and earlier.id != ticket.id:
                        self._history[earlier.id] = replace(earlier, status=TicketStatus.DONE)
            self._history.pop(ticket.id, None)
            self._history[ticket.id] = ticket  # newest last

    def _recent(self, counter: Counter | None) -> tuple[RecentTicket, ...]:
        current_id = counter.current.id if counter is not None and counter.current else None
        recent = []
        for ticket in reversed(self._history.values()):
            if ticket.id == current_id:
                continue
            if ticket.status is TicketStatus.CALLED:
                continue  # called here and then by nobody: superseded by a newer answer
            recent.append(
                RecentTicket(
                    ticket.number,
                    self._outcome_text(ticket),
                    _clock(ticket.finished_at or ticket.called_at, self.language),
                )
            )
            if len(recent) == RECENT_SHOWN:
                break
        return tuple(recent)

    def _outcome_text(self, ticket: Ticket) -> str:
        if ticket.status is TicketStatus.WAITING and ticket.transferred_from:
            return text("recent.transferred", self.language, service=ticket.service)
        if ticket.status is TicketStatus.WAITING and ticket.requeued:
            return text("current.requeued", self.language)
        return tr(f"ticket_status.{ticket.status}", self.language)

    def _matches(self, counter: Counter | None) -> bool:
        confirmed = self._confirmed
        if counter is None or confirmed is None:
            return False
        confirmed_id = confirmed.current.id if confirmed.current else None
        seen_id = counter.current.id if counter.current else None
        return confirmed_id == seen_id and confirmed.state is counter.state

    def _set_confirmed(self, counter: Counter) -> None:
        seen = self.state.counter(self.counter_number) if self.state is not None else None
        self._confirmed = counter
        if self._matches(seen):
            self._confirmed = None  # the event came first; the state already shows it

    def _success_text(self, action: Action, result: object) -> str:
        number = result.number if isinstance(result, Ticket) else ""
        keys = {
            Action.NEXT: "message.called",
            Action.CALL: "message.called",
            Action.RECALL: "message.recalled",
            Action.DONE: "message.done",
            Action.NO_SHOW: "message.no_show",
            Action.TRANSFER: "message.transferred",
            Action.REQUEUE: "message.requeued",
            Action.PAUSE: "message.paused",
            Action.RESUME: "message.resumed",
        }
        service = result.service if isinstance(result, Ticket) else ""
        return text(keys[action], self.language, number=number, service=service)
