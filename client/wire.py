"""API v1 messages as frozen dataclasses, parsed strictly from the server's JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from client.errors import ProtocolError

EnumType = TypeVar("EnumType", bound=StrEnum)


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


TICKET_EVENTS = frozenset(
    {
        EventType.TICKET_ISSUED,
        EventType.TICKET_VOIDED,
        EventType.TICKET_CALLED,
        EventType.TICKET_RECALLED,
        EventType.TICKET_DONE,
        EventType.TICKET_NO_SHOW,
        EventType.TICKET_REQUEUED,
        EventType.TICKET_TRANSFERRED,
    }
)
COUNTER_EVENTS = frozenset(
    {
        EventType.TICKET_CALLED,
        EventType.TICKET_RECALLED,
        EventType.TICKET_DONE,
        EventType.TICKET_NO_SHOW,
        EventType.TICKET_TRANSFERRED,
        EventType.COUNTER_CHANGED,
    }
)


@dataclass(frozen=True, slots=True)
class Health:
    """Answer of GET /health."""

    status: str
    office: str
    version: str
    today: date
    timezone: str


@dataclass(frozen=True, slots=True)
class Service:
    """A service line (layanan) with its letter code and today's counts."""

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
    # Optional (absent from older servers): why, in words ("Istirahat salat Jumat",
    # "Hari Raya Natal"), and when it opens again (office time, with its offset).
    closed_note: str | None = None
    opens_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    """A queue ticket such as A005."""

    id: int
    number: str
    service: str
    priority: bool
    status: TicketStatus
    issued_at: datetime
    day: date
    people_ahead: int
    est_wait_s: int
    counter: int | None
    called_at: datetime | None
    finished_at: datetime | None
    recalls: int
    requeued: bool
    transferred_from: str | None
    check_url: str | None = None


@dataclass(frozen=True, slots=True)
class Counter:
    """A counter (loket), the services it serves and the ticket it is serving."""

    number: int
    name: str
    services: tuple[str, ...]
    state: CounterState
    current: Ticket | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The whole state of today, sent first on the event stream and by GET /snapshot."""

    seq: int
    today: date
    office: str
    timezone: str
    server_time: datetime
    services: tuple[Service, ...]
    counters: tuple[Counter, ...]
    recent_calls: tuple[Ticket, ...]
    waiting: tuple[Ticket, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """One change on the event stream; which fields are set depends on ``type``."""

    type: EventType
    seq: int
    at: datetime | None = None
    ticket: Ticket | None = None
    counter: Counter | None = None
    services: tuple[Service, ...] = ()
    from_service: str | None = None
    today: date | None = None


@dataclass(frozen=True, slots=True)
class UnknownEvent:
    """An event of a type this client does not know (from a newer server); only its seq."""

    type: str
    seq: int


Message = Snapshot | Event | UnknownEvent


# -- strict field readers --------------------------------------------------------------


def _object(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ProtocolError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _field(data: Mapping[str, object], key: str, where: str) -> object:
    try:
        return data[key]
    except KeyError:
        raise ProtocolError(f"{where}: missing key {key!r}") from None


def _str(data: Mapping[str, object], key: str, where: str) -> str:
    value = _field(data, key, where)
    if not isinstance(value, str):
        raise ProtocolError(f"{where}.{key}: expected a string")
    return value


def _optional_str(data: Mapping[str, object], key: str, where: str) -> str | None:
    value = _field(data, key, where)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProtocolError(f"{where}.{key}: expected a string or null")
    return value


def _int(data: Mapping[str, object], key: str, where: str) -> int:
    value = _field(data, key, where)
    # bool is an int in Python, never in the protocol.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(f"{where}.{key}: expected an integer")
    return value


def _optional_int(data: Mapping[str, object], key: str, where: str) -> int | None:
    if _field(data, key, where) is None:
        return None
    return _int(data, key, where)


def _bool(data: Mapping[str, object], key: str, where: str) -> bool:
    value = _field(data, key, where)
    if not isinstance(value, bool):
        raise ProtocolError(f"{where}.{key}: expected true or false")
    return value


def _enum(data: Mapping[str, object], key: str, where: str, enum_type: type[EnumType]) -> EnumType:
    value = _str(data, key, where)
    try:
        return enum_type(value)
    except ValueError:
        raise ProtocolError(f"{where}.{key}: unknown value {value!r}") from None


def _datetime(data: Mapping[str, object], key: str, where: str) -> datetime:
    text = _str(data, key, where)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ProtocolError(f"{where}.{key}: not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise ProtocolError(f"{where}.{key}: time without UTC offset: {text!r}")
    return moment


def _optional_datetime(data: Mapping[str, object], key: str, where: str) -> datetime | None:
    if _field(data, key, where) is None:
        return None
    return _datetime(data, key, where)


def _date(data: Mapping[str, object], key: str, where: str) -> date:
    text = _str(data, key, where)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ProtocolError(f"{where}.{key}: not an ISO 8601 date: {text!r}") from None


def _list(data: Mapping[str, object], key: str, where: str) -> list[object]:
    value = _field(data, key, where)
    if not isinstance(value, list):
        raise ProtocolError(f"{where}.{key}: expected a list")
    return value


# -- parsers -----------------------------------------------------------------------------


def parse_health(value: object) -> Health:
    """Parse the answer of GET /health."""
    where = "health"
    data = _object(value, where)
    return Health(
        status=_str(data, "status", where),
        office=_str(data, "office", where),
        version=_str(data, "version", where),
        today=_date(data, "today", where),
        timezone=_str(data, "timezone", where),
    )


def parse_service(value: object, where: str = "service") -> Service:
    """Parse a Service object (``closed_note`` and ``opens_at`` are optional)."""
    data = _object(value, where)
    is_open = _bool(data, "open", where)
    closed_reason_value = _field(data, "closed_reason", where)
    closed_reason = (
        None if closed_reason_value is None else _enum(data, "closed_reason", where, ClosedReason)
    )
    if not is_open and closed_reason is None:
        raise ProtocolError(f"{where}: closed service without closed_reason")
    return Service(
        code=_str(data, "code", where),
        name=_str(data, "name", where),
        name_en=_str(data, "name_en", where),
        description=_str(data, "description", where),
        description_en=_str(data, "description_en", where),
        open=is_open,
        closed_reason=None if is_open else closed_reason,
        waiting=_int(data, "waiting", where),
        waiting_priority=_int(data, "waiting_priority", where),
        est_wait_s=_int(data, "est_wait_s", where),
        issued_today=_int(data, "issued_today", where),
        quota=_optional_int(data, "quota", where),
        closed_note=(
            _optional_str(data, "closed_note", where) or None if "closed_note" in data else None
        ),
        opens_at=_optional_datetime(data, "opens_at", where) if "opens_at" in data else None,
    )


def parse_ticket(value: object, where: str = "ticket") -> Ticket:
    """Parse a Ticket object (``check_url`` is optional)."""
    data = _object(value, where)
    check_url = _optional_str(data, "check_url", where) if "check_url" in data else None
    return Ticket(
        id=_int(data, "id", where),
        number=_str(data, "number", where),
        service=_str(data, "service", where),
        priority=_bool(data, "priority", where),
        status=_enum(data, "status", where, TicketStatus),
        issued_at=_datetime(data, "issued_at", where),
        day=_date(data, "day", where),
        people_ahead=_int(data, "people_ahead", where),
        est_wait_s=_int(data, "est_wait_s", where),
        counter=_optional_int(data, "counter", where),
        called_at=_optional_datetime(data, "called_at", where),
        finished_at=_optional_datetime(data, "finished_at", where),
        recalls=_int(data, "recalls", where),
        requeued=_bool(data, "requeued", where),
        transferred_from=_optional_str(data, "transferred_from", where),
        check_url=check_url,
    )


def parse_counter(value: object, where: str = "counter") -> Counter:
    """Parse a Counter object."""
    data = _object(value, where)
    services = []
    for index, code in enumerate(_list(data, "services", where)):
        if not isinstance(code, str):
            raise ProtocolError(f"{where}.services[{index}]: expected a string")
        services.append(code)
    current_value = _field(data, "current", where)
    return Counter(
        number=_int(data, "number", where),
        name=_str(data, "name", where),
        services=tuple(services),
        state=_enum(data, "state", where, CounterState),
        current=None if current_value is None else parse_ticket(current_value, f"{where}.current"),
    )


def _services(data: Mapping[str, object], where: str) -> tuple[Service, ...]:
    items = _list(data, "services", where)
    return tuple(parse_service(item, f"{where}.services[{i}]") for i, item in enumerate(items))


def _counters(data: Mapping[str, object], where: str) -> tuple[Counter, ...]:
    items = _list(data, "counters", where)
    return tuple(parse_counter(item, f"{where}.counters[{i}]") for i, item in enumerate(items))


def _tickets(data: Mapping[str, object], key: str, where: str) -> tuple[Ticket, ...]:
    items = _list(data, key, where)
    return tuple(parse_ticket(item, f"{where}.{key}[{i}]") for i, item in enumerate(items))


def parse_services(value: object) -> tuple[Service, ...]:
    """Parse the answer of GET /services."""
    return _services(_object(value, "services answer"), "services answer")


def parse_counters(value: object) -> tuple[Counter, ...]:
    """Parse the answer of GET /counters."""
    return _counters(_object(value, "counters answer"), "counters answer")


def parse_snapshot(value: object) -> Snapshot:
    """Parse a snapshot message (WebSocket) or the answer of GET /snapshot."""
    where = "snapshot"
    data = _object(value, where)
    if "type" in data and data["type"] != "snapshot":
        raise ProtocolError(f"{where}: type is {data['type']!r}, not 'snapshot'")
    return Snapshot(
        seq=_int(data, "seq", where),
        today=_date(data, "today", where),
        office=_str(data, "office", where),
        timezone=_str(data, "timezone", where),
        server_time=_datetime(data, "server_time", where),
        services=_services(data, where),
        counters=_counters(data, where),
        recent_calls=_tickets(data, "recent_calls", where),
        waiting=_tickets(data, "waiting", where),
    )


def parse_event(value: object) -> Event | UnknownEvent:
    """Parse one event message; an unknown type gives an UnknownEvent."""
    data = _object(value, "event")
    type_name = _str(data, "type", "event")
    where = f"event {type_name}"
    seq = _int(data, "seq", where)
    try:
        event_type = EventType(type_name)
    except ValueError:
        return UnknownEvent(type=type_name, seq=seq)
    ticket = (
        parse_ticket(_field(data, "ticket", where), f"{where}.ticket")
        if event_type in TICKET_EVENTS
        else None
    )
    counter = (
        parse_counter(_field(data, "counter", where), f"{where}.counter")
        if event_type in COUNTER_EVENTS
        else None
    )
    # Ticket events and service.changed always carry the affected services; any other
    # event may (counter.changed does: pausing a counter changes its services' waits).
    has_services = (
        event_type in TICKET_EVENTS or event_type is EventType.SERVICE_CHANGED or "services" in data
    )
    return Event(
        type=event_type,
        seq=seq,
        at=_datetime(data, "at", where) if "at" in data else None,
        ticket=ticket,
        counter=counter,
        services=_services(data, where) if has_services else (),
        from_service=(
            _str(data, "from_service", where)
            if event_type is EventType.TICKET_TRANSFERRED
            else None
        ),
        today=_date(data, "today", where) if event_type is EventType.DAY_ROLLOVER else None,
    )


def parse_message(value: object) -> Message:
    """Parse any message of the event stream: a snapshot or an event."""
    data = _object(value, "message")
    if data.get("type") == "snapshot":
        return parse_snapshot(data)
    return parse_event(data)


def decode_json(text: str | bytes) -> object:
    """Decode JSON text from the server; anything but valid JSON is a ProtocolError."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError and UnicodeDecodeError.
        raise ProtocolError(f"not JSON: {exc}") from exc


def decode_message(text: str | bytes) -> Message:
    """Decode and parse one WebSocket text message."""
    return parse_message(decode_json(text))
