"""What the TV display shows and announces, from the office state and the latest event."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from client.connection import ConnectionStatus
from client.formatting import format_number
from client.i18n import DEFAULT_LANGUAGE, closed_service_text, service_name
from client.state import OfficeState
from client.wire import (
    Counter,
    CounterState,
    Event,
    EventType,
    Ticket,
    TicketStatus,
    UnknownEvent,
)
from counter_display.display.texts import text

MAX_COUNTER_ROWS: Final = 12
MAX_SERVICE_ROWS: Final = 12
MAX_MISSED_CALLS: Final = 5  # at most this many calls missed in a reconnect are said
ANNOUNCED_EVENTS: Final = frozenset({EventType.TICKET_CALLED, EventType.TICKET_RECALLED})


@dataclass(frozen=True, slots=True)
class CallView:
    """The call in the big "now calling" panel."""

    number: str
    counter: int
    counter_text: str  # the name the office gave the counter ("Loket Kependudukan"), or "LOKET 3"
    service_text: str  # the service's name, small, under the counter
    recall: bool


@dataclass(frozen=True, slots=True)
class CounterRow:
    """One line of the recent-calls list: a counter and the last number it called."""

    counter: int
    counter_text: str  # the name the office gave the counter, or "Loket 3"
    number_text: str  # "A123", or "—" before its first call
    note: str  # "istirahat" for a paused counter, else ""
    latest: bool  # the counter of the "now calling" panel


@dataclass(frozen=True, slots=True)
class ServiceRow:
    """One tile of the waiting counts: a service line and how many wait for it."""

    code: str
    name: str
    waiting: int
    waiting_text: str  # "12 menunggu"; "Tutup" for a closed service nobody waits for
    open: bool
    closed_text: str = ""  # why it is closed and when it opens again; "" while open


@dataclass(frozen=True, slots=True)
class DisplayView:
    """Everything the window shows apart from the clock, the ticker and the connection."""

    office: str
    timezone: str | None
    now_calling: CallView | None
    counters: tuple[CounterRow, ...]
    services: tuple[ServiceRow, ...]


@dataclass(frozen=True, slots=True)
class AnnouncementRequest:
    """A call to be spoken; ``event_id`` identifies the call across reconnects."""

    number: str
    counter: int
    recall: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class DisplayUpdate:
    """The result of one state change: the new view, whether to flash it, what to say."""

    view: DisplayView
    highlight: bool
    announcement: AnnouncementRequest | None
    # calls made while the display was reconnecting, oldest first (from a resync snapshot)
    missed: tuple[AnnouncementRequest, ...] = ()


def office_counter_name(counter: Counter | None) -> str | None:
    """The name the office gave this counter in its settings; None when it gave none.

    The server names a counter without a name "Loket 3" (as /tv shows it); the display says
    that in its own words instead ("LOKET 3", in English "COUNTER 3").
    """
    if counter is None:
        return None
    name = counter.name.strip()
    return name if name and name != f"Loket {counter.number}" else None


def call_identity(ticket: Ticket) -> str:
    """A key that is the same for one call (or recall) of a ticket, whoever reports it.

    Not the event's seq: seq numbers are per server run, and a replayed call must not
    be announced twice while a new call of a requeued ticket must be.
    """
    called_at = ticket.called_at.isoformat() if ticket.called_at else ""
    return f"{ticket.id}@{called_at}#{ticket.recalls}"


def _called_at_key(ticket: Ticket) -> float:
    # Newest first; a call without a time (never expected) goes last.
    return -ticket.called_at.timestamp() if ticket.called_at is not None else math.inf


class DisplayPresenter:
    """Turns (OfficeState, event) into a DisplayUpdate; remembers only the featured call.

    Live ``ticket.called`` and ``ticket.recalled`` events flash the panel and are
    announced. A snapshot (event None) is shown silently, except that after a reconnect
    the calls it holds that are newer than any this display knew are announced too: a
    clerk who called while the TV was reconnecting is still heard.
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language
        self._featured: Ticket | None = None
        self._featured_recall = False
        self._has_state = False
        self._latest_call: datetime | None = None  # the newest call time this display knows
        self._latest_call_day: date | None = None

    @property
    def has_state(self) -> bool:
        """True once a snapshot has been shown."""
        return self._has_state

    def present(self, state: OfficeState, event: Event | UnknownEvent | None) -> DisplayUpdate:
        """The update for ``state``, reached by ``event`` (None for a snapshot)."""
        missed = self._missed_calls(state) if event is None and self._has_state else ()
        self._remember_latest_call(state)
        self._has_state = True
        is_call = isinstance(event, Event) and event.type in ANNOUNCED_EVENTS
        announcement = None
        if is_call and isinstance(event, Event) and event.ticket is not None:
            ticket = event.ticket
            counter = event.counter.number if event.counter is not None else ticket.counter
            self._featured = ticket
            self._featured_recall = event.type is EventType.TICKET_RECALLED
            if counter is not None:
                announcement = AnnouncementRequest(
                    ticket.number, counter, self._featured_recall, call_identity(ticket)
                )
        elif missed:
            # the newest call made while the display was cut off takes the big panel
            self._featured = next(
                (
                    ticket
                    for ticket in state.recent_calls
                    if call_identity(ticket) == missed[-1].event_id
                ),
                self._featured,
            )
            self._featured_recall = False
        else:
            self._refresh_featured(state)
        view = DisplayView(
            office=state.office,
            timezone=state.timezone,
            now_calling=self._call_view(state),
            counters=self._counter_rows(state),
            services=self._service_rows(state),
        )
        return DisplayUpdate(
            view, highlight=announcement is not None or bool(missed), announcement=announcement,
            missed=missed,
        )  # fmt: skip

    def _missed_calls(self, state: OfficeState) -> tuple[AnnouncementRequest, ...]:
        if self._latest_call is None or state.today != self._latest_call_day:
            return ()
        latest = self._latest_call
        missed = [
            ticket
            for ticket in state.recent_calls
            if ticket.called_at is not None and ticket.called_at > latest
            and ticket.counter is not None
        ]  # fmt: skip
        missed.sort(key=lambda ticket: ticket.called_at or latest)
        return tuple(
            AnnouncementRequest(ticket.number, ticket.counter, False, call_identity(ticket))
            for ticket in missed[-MAX_MISSED_CALLS:]
            if ticket.counter is not None
        )

    def _remember_latest_call(self, state: OfficeState) -> None:
        times = [ticket.called_at for ticket in state.recent_calls if ticket.called_at]
        if times and (self._latest_call is None or max(times) > self._latest_call):
            self._latest_call = max(times)
        self._latest_call_day = state.today

    def connection_text(self, status: ConnectionStatus | str, token_rejected: bool = False) -> str:
        """The discreet line about the link to the server; empty while connected."""
        if status == ConnectionStatus.CONNECTED:
            return ""
        if token_rejected:
            return text("token_rejected", self.language)
        if self._has_state:
            return text("reconnecting", self.language)
        if status == ConnectionStatus.UNAVAILABLE:
            return text("unavailable", self.language)
        return text("searching", self.language)

    # -- parts ---------------------------------------------------------------------------

    def _refresh_featured(self, state: OfficeState) -> None:
        # Keep the featured call (a recall of an older ticket stays up) while it is among
        # today's recent calls or still at its counter (a recall of a call older than the
        # last 20 of a busy office). Otherwise (it was transferred or re-queued, or this is
        # the first snapshot) show the latest call still at its counter, or nothing: an
        # older ticket already served must not look as if it were being called.
        featured = self._featured
        if featured is not None:
            known = (
                *state.recent_calls,
                *(counter.current for counter in state.counters if counter.current is not None),
            )
            fresh = next((call for call in known if call.id == featured.id), None)
            if fresh is not None and fresh.called_at == featured.called_at:
                self._featured = fresh
                return
        self._featured = next(
            (call for call in state.recent_calls if call.status is TicketStatus.CALLED), None
        )
        self._featured_recall = False

    def _call_view(self, state: OfficeState) -> CallView | None:
        ticket = self._featured
        if ticket is None or ticket.counter is None:
            return None
        service = state.service(ticket.service)
        return CallView(
            number=ticket.number,
            counter=ticket.counter,
            counter_text=office_counter_name(state.counter(ticket.counter))
            or text("counter", self.language, number=ticket.counter),
            service_text=service_name(service, self.language) if service else "",
            recall=self._featured_recall,
        )

    def _counter_rows(self, state: OfficeState) -> tuple[CounterRow, ...]:
        featured_counter = self._featured.counter if self._featured else None
        last_call: dict[int, Ticket] = {}
        for call in state.recent_calls:  # newest first
            if call.counter is not None and call.counter not in last_call:
                last_call[call.counter] = call
        counters = {counter.number: counter for counter in state.counters}
        # A counter still serving a call older than the recent calls (30 counters, one
        # long case) shows that number, not "no call yet".
        for number, serving in counters.items():
            if number not in last_call and serving.current is not None:
                last_call[number] = serving.current
        # The counter of the big panel first (a recall of an old call too), then newest
        # call first, then counters without a call today in their own order.
        order = sorted(
            last_call,
            key=lambda number: (number != featured_counter, _called_at_key(last_call[number])),
        )
        last_number = {number: call.number for number, call in last_call.items()}
        order += [number for number in sorted(counters) if number not in last_number]
        rows = []
        for number in order[:MAX_COUNTER_ROWS]:
            counter = counters.get(number)
            rows.append(
                CounterRow(
                    counter=number,
                    counter_text=office_counter_name(counter)
                    or text("counter_short", self.language, number=number),
                    number_text=last_number.get(number, text("no_call_yet", self.language)),
                    note=self._counter_note(counter),
                    latest=number == featured_counter,
                )
            )
        return tuple(rows)

    def _counter_note(self, counter: Counter | None) -> str:
        if counter is not None and counter.state is CounterState.PAUSED:
            return text("paused", self.language)
        return ""

    def _service_rows(self, state: OfficeState) -> tuple[ServiceRow, ...]:
        rows = []
        for service in state.services[:MAX_SERVICE_ROWS]:
            waiting = format_number(service.waiting, self.language)
            count = text("waiting_count", self.language, count=waiting)
            closed_text = ""
            waiting_text = count
            if not service.open:
                # People may still wait for a closed service: they want their count too.
                waiting_text = count if service.waiting else text("closed", self.language)
                closed_text = closed_service_text(
                    service, state.today, state.timezone, self.language
                )
            rows.append(
                ServiceRow(
                    code=service.code,
                    name=service_name(service, self.language),
                    waiting=service.waiting,
                    waiting_text=waiting_text,
                    open=service.open,
                    closed_text=closed_text,
                )
            )
        return tuple(rows)
