"""API v1 messages as msgspec Structs: the one contract the server encodes and clients decode.

The server builds its JSON answers and event messages from these Structs; the clients
decode them back with the same types, strictly (a wrong type, a missing field or an unknown
enum value is a ProtocolError naming the place). Fields added after API v1 first shipped
have defaults, so a client parses an older server's messages and a newer server's extra
keys are ignored. Event messages are a tagged union on ``type``; an event type this client
does not know (from a newer server) decodes as an `UnknownEvent` that keeps its seq.

This module imports nothing of the server and nothing of Qt.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Final, TypeVar, cast

import msgspec

from client.errors import ProtocolError

# Every time on the wire carries its UTC offset; a time without one is refused.
Time = Annotated[datetime, msgspec.Meta(tz=True)]
StructType = TypeVar("StructType", bound=msgspec.Struct)


class TicketStatus(StrEnum):
    """Where a ticket is in its life."""

    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    NO_SHOW = "no_show"
    VOIDED = "voided"


class CounterState(StrEnum):
    """Whether a counter (loket) takes visitors."""

    OPEN = "open"
    PAUSED = "paused"


class ClosedReason(StrEnum):
    """Why a service issues no tickets now."""

    HOURS = "hours"
    BREAK = "break"
    QUOTA = "quota"
    CLOSED = "closed"
    HOLIDAY = "holiday"  # the office is closed all day


class EventType(StrEnum):
    """The kinds of change the event stream reports."""

    TICKET_ISSUED = "ticket.issued"
    TICKET_VOIDED = "ticket.voided"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_DONE = "ticket.done"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_REQUEUED = "ticket.requeued"
    TICKET_TRANSFERRED = "ticket.transferred"
    COUNTER_CHANGED = "counter.changed"
    SERVICE_CHANGED = "service.changed"
    DAY_ROLLOVER = "day.rollover"


# -- objects -----------------------------------------------------------------------------


class Health(msgspec.Struct, frozen=True, omit_defaults=True):
    """Answer of GET /health from an active server."""

    status: str
    office: str
    version: str
    today: date
    timezone: str
    log_id: str | None = None
    last_event_id: int | None = None
    # on PostgreSQL: who serves the database (active, standbys, replicas, warnings)
    ha: dict[str, Any] | None = None


class Service(msgspec.Struct, frozen=True):
    """A service line (layanan) with its letter code and today's counts.

    The fields after ``quota`` are optional: the server always sends them (``null`` or an
    empty list when not set); a server from before them does not.
    """

    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    open: bool
    closed_reason: ClosedReason | None
    waiting: int
    waiting_priority: int
    est_wait_s: int
    issued_today: int
    quota: int | None
    # why it is closed, in words ("Istirahat salat Jumat"), and when it opens again
    closed_note: str | None = None
    opens_at: Time | None = None
    # service standards (standar pelayanan)
    completion_time: str | None = None
    completion_time_en: str | None = None
    fee: str | None = None
    fee_en: str | None = None
    requirements: tuple[str, ...] = ()
    requirements_en: tuple[str, ...] = ()
    target_wait_minutes: int | None = None

    def __post_init__(self) -> None:
        if not self.open and self.closed_reason is None:
            raise ValueError("closed service without closed_reason")
        if self.closed_note == "":
            msgspec.structs.force_setattr(self, "closed_note", None)  # nothing to say


class Ticket(msgspec.Struct, frozen=True, omit_defaults=True):
    """A queue ticket such as A005.

    ``people_ahead`` and ``est_wait_s`` are the server's, as of the message that carried
    the ticket; ``check_url`` is only in the answer to POST /tickets.
    """

    id: int
    number: str
    service: str
    priority: bool
    status: TicketStatus
    issued_at: Time
    day: date
    people_ahead: int
    est_wait_s: int
    counter: int | None
    called_at: Time | None
    finished_at: Time | None
    recalls: int
    requeued: bool
    transferred_from: str | None
    check_url: str | None = None


class Counter(msgspec.Struct, frozen=True):
    """A counter (loket), the services it serves and the ticket it is serving."""

    number: int
    name: str
    services: tuple[str, ...]
    state: CounterState
    current: Ticket | None
    # the clerk signed in at it today (None: nobody, or a server from before sign-in)
    clerk: str | None = None


class Figures(msgspec.Struct, frozen=True):
    """The office's figures for the waiting room (`[office] show_figures`).

    ``avg_wait_s_today``: the mean wait of today's served visitors (issued → the call that
    served them), None before the first; ``ikm``: the latest month's IKM (SKM index,
    0–100) with its ``ikm_month`` ("2026-11") and ``grade`` ("A"–"D"), None without one.
    """

    avg_wait_s_today: int | None = None
    served_today: int = 0
    ikm: float | None = None
    ikm_month: str | None = None
    grade: str | None = None


class PriorityOffer(msgspec.Struct, frozen=True):
    """Whether the office issues priority tickets, and for whom (lansia, ibu hamil, ...).

    Every field is always sent: a page reading `enabled` must never find it missing.
    """

    enabled: bool = True
    groups: tuple[str, ...] = ()
    max_in_row: int | None = None
    regular_after_minutes: int | None = None


class ServicesAnswer(msgspec.Struct, frozen=True, omit_defaults=True):
    """Answer of GET /services."""

    services: tuple[Service, ...]
    priority: PriorityOffer | None = None


class CountersAnswer(msgspec.Struct, frozen=True):
    """Answer of GET /counters."""

    counters: tuple[Counter, ...]


class Snapshot(msgspec.Struct, frozen=True, omit_defaults=True, tag_field="type", tag="snapshot"):
    """The whole state of today, sent first on the event stream and by GET /snapshot.

    ``seq`` is the id of the last event it includes; ``log_id`` names the database, so a
    client resuming with ``?after=seq&log=log_id`` is never given another log's events.
    """

    seq: int
    today: date
    office: str
    timezone: str
    server_time: Time
    services: tuple[Service, ...]
    counters: tuple[Counter, ...]
    recent_calls: tuple[Ticket, ...]
    waiting: tuple[Ticket, ...]
    log_id: str | None = None
    priority: PriorityOffer | None = None  # None from a server before it: offered
    figures: Figures | None = None  # None: the office shows none (or an older server)


# -- events ------------------------------------------------------------------------------


class Event(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, tag_field="type"):
    """One change on the event stream; each event type is a subclass tagged by ``type``.

    ``seq`` is the event's id in the office's record; ``prev`` is the seq of the message
    the same stream sent before it (None from a server that does not say), so a client
    sees a gap without knowing the whole log. ``ticket`` is the main ticket of the change
    and ``tickets`` every ticket it touched, in their state after it (``next`` also
    finishes the ticket that was at the counter).
    """

    seq: int
    prev: int | None = None
    at: Time | None = None
    ticket: Ticket | None = None
    tickets: tuple[Ticket, ...] = ()
    counter: Counter | None = None
    services: tuple[Service, ...] = ()
    from_service: str | None = None
    today: date | None = None
    # the office's figures anew, when the change moved them (a visitor served)
    figures: Figures | None = None

    @property
    def type(self) -> EventType:
        """The event's type (its tag on the wire)."""
        return EventType(cast(str, self.__struct_config__.tag))

    @property
    def touched(self) -> tuple[Ticket, ...]:
        """Every ticket the change touched (just ``ticket`` from a server before ``tickets``)."""
        if self.tickets:
            return self.tickets
        return (self.ticket,) if self.ticket is not None else ()


class TicketIssued(Event, frozen=True, kw_only=True, tag="ticket.issued"):
    """A kiosk issued a ticket."""

    ticket: Ticket
    services: tuple[Service, ...]


class TicketVoided(Event, frozen=True, kw_only=True, tag="ticket.voided"):
    """A waiting ticket was voided (its print failed)."""

    ticket: Ticket
    services: tuple[Service, ...]


class TicketCalled(Event, frozen=True, kw_only=True, tag="ticket.called"):
    """A counter called a ticket (the one it was serving, if any, is in ``tickets`` as done)."""

    ticket: Ticket
    counter: Counter
    services: tuple[Service, ...]


class TicketRecalled(Event, frozen=True, kw_only=True, tag="ticket.recalled"):
    """A counter called its current ticket again."""

    ticket: Ticket
    counter: Counter
    services: tuple[Service, ...]


class TicketDone(Event, frozen=True, kw_only=True, tag="ticket.done"):
    """A counter finished its current ticket."""

    ticket: Ticket
    counter: Counter
    services: tuple[Service, ...]


class TicketNoShow(Event, frozen=True, kw_only=True, tag="ticket.no_show"):
    """The called visitor did not come."""

    ticket: Ticket
    counter: Counter
    services: tuple[Service, ...]


class TicketRequeued(Event, frozen=True, kw_only=True, tag="ticket.requeued"):
    """A no-show ticket waits again."""

    ticket: Ticket
    services: tuple[Service, ...]


class TicketTransferred(Event, frozen=True, kw_only=True, tag="ticket.transferred"):
    """A counter sent its current ticket to another service, where it waits."""

    ticket: Ticket
    counter: Counter
    services: tuple[Service, ...]
    from_service: str


class CounterChanged(Event, frozen=True, kw_only=True, tag="counter.changed"):
    """A counter paused or resumed (with the services whose waits that changed)."""

    counter: Counter


class ServiceChanged(Event, frozen=True, kw_only=True, tag="service.changed"):
    """Services opened or closed (hours, break, quota, holiday or the supervisor)."""

    services: tuple[Service, ...]


class DayRollover(Event, frozen=True, kw_only=True, tag="day.rollover"):
    """Midnight, office time: a new day with empty lines.

    ``services`` and ``counters`` are all of them as the new day starts (absent from an
    older server: then the client asks for a snapshot).
    """

    today: date
    counters: tuple[Counter, ...] = ()


class UnknownEvent(msgspec.Struct, frozen=True):
    """An event of a type this client does not know (from a newer server); only its seq."""

    type: str
    seq: int
    prev: int | None = None


EVENT_CLASSES: Final[dict[EventType, type[Event]]] = {
    EventType.TICKET_ISSUED: TicketIssued,
    EventType.TICKET_VOIDED: TicketVoided,
    EventType.TICKET_CALLED: TicketCalled,
    EventType.TICKET_RECALLED: TicketRecalled,
    EventType.TICKET_DONE: TicketDone,
    EventType.TICKET_NO_SHOW: TicketNoShow,
    EventType.TICKET_REQUEUED: TicketRequeued,
    EventType.TICKET_TRANSFERRED: TicketTransferred,
    EventType.COUNTER_CHANGED: CounterChanged,
    EventType.SERVICE_CHANGED: ServiceChanged,
    EventType.DAY_ROLLOVER: DayRollover,
}
_KNOWN_TYPES: Final = frozenset({"snapshot", *EventType})
KnownEvent = (
    TicketIssued | TicketVoided | TicketCalled | TicketRecalled | TicketDone | TicketNoShow
    | TicketRequeued | TicketTransferred | CounterChanged | ServiceChanged | DayRollover
)  # fmt: skip
Message = Snapshot | Event | UnknownEvent


class _Envelope(msgspec.Struct):
    """What every event has, read when its type is not one this client knows."""

    type: str
    seq: int
    prev: int | None = None


# -- encoding (the server) ---------------------------------------------------------------

_encoder: Final = msgspec.json.Encoder()


def encode(message: msgspec.Struct) -> bytes:
    """JSON of a message or answer, as the server sends it."""
    return _encoder.encode(message)


def encode_text(message: msgspec.Struct) -> str:
    """`encode` as text (a WebSocket text message)."""
    return _encoder.encode(message).decode("utf-8")


# -- decoding (the clients) --------------------------------------------------------------

_message_decoder: Final = msgspec.json.Decoder(Snapshot | KnownEvent)
_envelope_decoder: Final = msgspec.json.Decoder(_Envelope)


def _invalid(error: msgspec.ValidationError, where: str) -> ProtocolError:
    return ProtocolError(f"{where}: {error}")


def _from_envelope(envelope: _Envelope, error: msgspec.ValidationError) -> UnknownEvent:
    if envelope.type in _KNOWN_TYPES:
        raise _invalid(error, f"event {envelope.type}") from error
    return UnknownEvent(type=envelope.type, seq=envelope.seq, prev=envelope.prev)


def decode_message(text: str | bytes) -> Message:
    """Decode one WebSocket text message: a snapshot or an event."""
    try:
        return cast(Message, _message_decoder.decode(text))
    except msgspec.ValidationError as error:
        invalid = error
    except (msgspec.DecodeError, RecursionError) as error:
        raise ProtocolError(f"not JSON: {error}") from error
    try:
        envelope = _envelope_decoder.decode(text)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        raise _invalid(invalid, "message") from invalid
    return _from_envelope(envelope, invalid)


def decode_json(text: str | bytes) -> object:
    """Decode JSON text from the server; anything but valid JSON is a ProtocolError."""
    try:
        return msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError) as error:
        raise ProtocolError(f"not JSON: {error}") from error


def convert(value: object, message_type: type[StructType], where: str) -> StructType:
    """A decoded JSON value (dicts and lists) as ``message_type``, strictly."""
    try:
        return msgspec.convert(value, message_type)
    except msgspec.ValidationError as error:
        raise _invalid(error, where) from error


def parse_health(value: object) -> Health:
    """Parse the answer of GET /health."""
    return convert(value, Health, "health")


def parse_service(value: object, where: str = "service") -> Service:
    """Parse a Service object."""
    return convert(value, Service, where)


def parse_ticket(value: object, where: str = "ticket") -> Ticket:
    """Parse a Ticket object (``check_url`` is optional)."""
    return convert(value, Ticket, where)


def parse_counter(value: object, where: str = "counter") -> Counter:
    """Parse a Counter object."""
    return convert(value, Counter, where)


def parse_services(value: object) -> tuple[Service, ...]:
    """Parse the answer of GET /services."""
    return convert(value, ServicesAnswer, "services answer").services


def parse_counters(value: object) -> tuple[Counter, ...]:
    """Parse the answer of GET /counters."""
    return convert(value, CountersAnswer, "counters answer").counters


def parse_snapshot(value: object) -> Snapshot:
    """Parse a snapshot message (WebSocket) or the answer of GET /snapshot."""
    return convert(value, Snapshot, "snapshot")


def parse_event(value: object) -> Event | UnknownEvent:
    """Parse one event message; an unknown type gives an UnknownEvent."""
    try:
        event = msgspec.convert(value, KnownEvent)
    except msgspec.ValidationError as error:
        try:
            envelope = msgspec.convert(value, _Envelope)
        except msgspec.ValidationError:
            raise _invalid(error, "event") from error
        return _from_envelope(envelope, error)
    return cast(Event, event)


def parse_message(value: object) -> Message:
    """Parse any message of the event stream: a snapshot or an event."""
    if isinstance(value, dict) and value.get("type") == "snapshot":
        return parse_snapshot(value)
    return parse_event(value)


def to_builtins(message: msgspec.Struct) -> Any:
    """A message as plain JSON values (dicts, lists, strings), as the server would send it."""
    return msgspec.json.decode(encode(message))


__all__ = [
    "EVENT_CLASSES",
    "ClosedReason",
    "Counter",
    "CounterChanged",
    "CounterState",
    "CountersAnswer",
    "DayRollover",
    "Event",
    "EventType",
    "Figures",
    "Health",
    "KnownEvent",
    "Message",
    "PriorityOffer",
    "Service",
    "ServiceChanged",
    "ServicesAnswer",
    "Snapshot",
    "Ticket",
    "TicketCalled",
    "TicketDone",
    "TicketIssued",
    "TicketNoShow",
    "TicketRecalled",
    "TicketRequeued",
    "TicketStatus",
    "TicketTransferred",
    "TicketVoided",
    "Time",
    "UnknownEvent",
    "convert",
    "decode_json",
    "decode_message",
    "encode",
    "encode_text",
    "parse_counter",
    "parse_counters",
    "parse_event",
    "parse_health",
    "parse_message",
    "parse_service",
    "parse_services",
    "parse_snapshot",
    "parse_ticket",
    "to_builtins",
]
