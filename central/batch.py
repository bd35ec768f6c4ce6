"""An ingest body checked and turned into values: what the office's forwarder pushes.

The body is `{"log_id": UUID, "events": [...≤ 1000]}` with the events exactly as the
office's `GET /api/v1/log` gives them (`server.record.event_json`). Older event versions
are accepted: only `id`, `type` and `at` are required; `day` defaults to the date of `at`,
the rest to empty. The central keeps each event as it came (its `at` text included), so
the office's log and the central's copy compare equal; from each event's `tickets` (the
full state of every ticket it touched) it keeps each ticket's latest state.

Nothing here does I/O; every refusal is a `BadBatch` with an Indonesian message.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from central.errors import BadBatch

MAX_EVENTS = 1000
MAX_TICKETS_PER_EVENT = 100
MAX_ID = 2**62
MAX_TEXT = 200
MAX_LONG_TEXT = 10_000  # a supervisor's note, a survey comment
MAX_VALUES_PER_EVENT = 20_000
TICKET_STATUSES = frozenset({"waiting", "called", "done", "no_show", "voided"})


@dataclass(frozen=True, slots=True)
class TicketState:
    """A ticket's state after an event, the columns the dashboard and reports read."""

    id: int
    day: date
    number: str
    issued_service: str
    service: str
    priority: bool
    status: str
    issued_at: datetime
    called_at: datetime | None
    finished_at: datetime | None
    counter: int | None
    requeued: bool
    transferred_from: str | None
    event_id: int  # the event that left the ticket so
    record: dict[str, Any]  # the state as the office sent it


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    """One event of a batch as the central stores it."""

    id: int
    v: int
    type: str
    at_text: str
    office_name: str | None
    at: datetime
    day: date
    ticket: int | None
    counter: int | None
    clerk: str | None
    tickets: list[dict[str, Any]]
    data: dict[str, Any]
    synthesized: bool
    ticket_states: tuple[TicketState, ...]


@dataclass(frozen=True, slots=True)
class Batch:
    """A checked ingest body: its record id, its events in id order, and service targets."""

    log_id: str
    events: tuple[IncomingEvent, ...]
    targets: dict[str, int]  # service code -> target waiting minutes (optional)


def parse_batch(body: object) -> Batch:
    """Check an ingest body; ids must rise by one from event to event."""
    if not isinstance(body, dict):
        raise BadBatch("Isi permintaan harus berupa objek JSON.")
    log_id = parse_log_id(body.get("log_id"))
    events = body.get("events")
    if not isinstance(events, list):
        raise BadBatch("'events' harus berupa daftar.", "events")
    if len(events) > MAX_EVENTS:
        raise BadBatch(f"Paling banyak {MAX_EVENTS} kejadian per kiriman.", "events")
    parsed = tuple(parse_event(event, f"events[{index}]") for index, event in enumerate(events))
    for previous, current in itertools.pairwise(parsed):
        if current.id != previous.id + 1:
            raise BadBatch(
                f"Nomor kejadian harus berurutan: {current.id} setelah {previous.id}.", "events"
            )
    return Batch(log_id, parsed, parse_targets(body.get("targets")))


def parse_log_id(value: object) -> str:
    if not isinstance(value, str) or len(value) > 64:
        raise BadBatch("'log_id' harus berupa UUID.", "log_id")
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise BadBatch("'log_id' harus berupa UUID.", "log_id") from exc


def parse_targets(value: object) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 100:
        raise BadBatch("'targets' harus berupa objek kode layanan → menit.", "targets")
    targets: dict[str, int] = {}
    for code, minutes in value.items():
        if not isinstance(code, str) or not 1 <= len(code) <= 8:
            raise BadBatch("Kode layanan pada 'targets' tidak sah.", "targets")
        if minutes is None:
            continue
        if not _is_int(minutes) or not 1 <= minutes <= 24 * 60:
            raise BadBatch(f"Target layanan {code} harus 1 sampai 1440 menit.", "targets")
        targets[code] = minutes
    return targets


def parse_event(value: object, path: str) -> IncomingEvent:
    if not isinstance(value, dict):
        raise BadBatch("Setiap kejadian harus berupa objek.", path)
    event_id = _whole(value.get("id"), f"{path}.id", minimum=1)
    version = value.get("v", 1)
    if not _is_int(version) or not 1 <= version <= 1000:
        raise BadBatch("'v' harus bilangan bulat positif.", f"{path}.v")
    kind = _text(value.get("type"), f"{path}.type", required=True)
    at_text = _text(value.get("at"), f"{path}.at", required=True)
    at = _moment(at_text, f"{path}.at")
    assert at is not None
    day_text = value.get("day")
    day = _day(day_text, f"{path}.day") if day_text is not None else at.date()
    tickets = value.get("tickets", [])
    if not isinstance(tickets, list) or len(tickets) > MAX_TICKETS_PER_EVENT:
        raise BadBatch(
            f"'tickets' harus daftar berisi paling banyak {MAX_TICKETS_PER_EVENT} tiket.",
            f"{path}.tickets",
        )
    states = tuple(
        parse_ticket(ticket, event_id, f"{path}.tickets[{index}]")
        for index, ticket in enumerate(tickets)
    )
    data = value.get("data", {})
    if not isinstance(data, dict):
        raise BadBatch("'data' harus berupa objek.", f"{path}.data")
    _check_storable(tickets, f"{path}.tickets")
    _check_storable(data, f"{path}.data")
    synthesized = value.get("synthesized", False)
    if not isinstance(synthesized, bool):
        raise BadBatch("'synthesized' harus true atau false.", f"{path}.synthesized")
    return IncomingEvent(
        id=event_id, v=version, type=kind or "", at_text=at_text or "", at=at, day=day,
        office_name=_text(value.get("office"), f"{path}.office"),
        ticket=_optional_whole(value.get("ticket"), f"{path}.ticket"),
        counter=_optional_whole(value.get("counter"), f"{path}.counter"),
        clerk=_text(value.get("clerk"), f"{path}.clerk"), tickets=tickets, data=data,
        synthesized=synthesized, ticket_states=states,
    )  # fmt: skip


def parse_ticket(value: object, event_id: int, path: str) -> TicketState:
    if not isinstance(value, dict):
        raise BadBatch("Setiap tiket harus berupa objek.", path)
    status = _text(value.get("status"), f"{path}.status", required=True)
    if status not in TICKET_STATUSES:
        raise BadBatch(f"Status tiket tidak dikenal: {status!r}.", f"{path}.status")
    issued_at = _moment(_text(value.get("issued_at"), f"{path}.issued_at", True), path)
    assert issued_at is not None
    service = _text(value.get("service"), f"{path}.service", required=True) or ""
    priority = value.get("priority", False)
    requeued = value.get("requeued", False)
    if not isinstance(priority, bool) or not isinstance(requeued, bool):
        raise BadBatch("'priority' dan 'requeued' harus true atau false.", path)
    day_text = value.get("day")
    return TicketState(
        id=_whole(value.get("id"), f"{path}.id", minimum=1),
        day=_day(day_text, f"{path}.day") if day_text is not None else issued_at.date(),
        number=_text(value.get("number"), f"{path}.number", required=True) or "",
        issued_service=_text(value.get("issued_service"), f"{path}.issued_service") or service,
        service=service, priority=priority, status=status, issued_at=issued_at,
        called_at=_moment(_text(value.get("called_at"), f"{path}.called_at"), path),
        finished_at=_moment(_text(value.get("finished_at"), f"{path}.finished_at"), path),
        counter=_optional_whole(value.get("counter"), f"{path}.counter"), requeued=requeued,
        transferred_from=_text(value.get("transferred_from"), f"{path}.transferred_from"),
        event_id=event_id, record=value,
    )  # fmt: skip


def _check_storable(value: object, path: str) -> None:
    """Refuse what PostgreSQL's jsonb cannot hold (NUL in a text) or a huge value."""
    pending = [value]
    seen = 0
    while pending:
        current = pending.pop()
        seen += 1
        if seen > MAX_VALUES_PER_EVENT:
            raise BadBatch(f"'{path}' terlalu besar.", path)
        if isinstance(current, dict):
            pending.extend(current.keys())
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
        elif isinstance(current, str):
            if "\x00" in current or len(current) > MAX_LONG_TEXT:
                raise BadBatch(f"'{path}' berisi teks yang tidak sah.", path)
        elif _is_int(current) and not -(2**63) <= current < 2**63:  # type: ignore[operator]
            raise BadBatch(f"'{path}' berisi bilangan di luar batas.", path)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(value: object, path: str, minimum: int = 0) -> int:
    if not _is_int(value) or not minimum <= value <= MAX_ID:  # type: ignore[operator]
        raise BadBatch(f"'{path}' harus bilangan bulat ≥ {minimum}.", path)
    assert isinstance(value, int)
    return value


def _optional_whole(value: object, path: str) -> int | None:
    return None if value is None else _whole(value, path)


def _text(value: object, path: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise BadBatch(f"'{path}' harus berupa teks 1–{MAX_TEXT} karakter.", path)
    if "\x00" in value or not value.isprintable():
        raise BadBatch(f"'{path}' berisi karakter yang tidak sah.", path)
    return value


def _moment(text: str | None, path: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadBatch(f"'{path}' harus waktu ISO 8601.", path) from exc
    if moment.tzinfo is None:
        raise BadBatch(f"'{path}' harus menyertakan zona waktu (+07:00).", path)
    if not 2000 <= moment.year <= 2200:
        raise BadBatch(f"'{path}' berada di luar rentang tahun 2000–2200.", path)
    return moment


def _day(value: object, path: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise BadBatch(f"'{path}' harus tanggal YYYY-MM-DD.", path)
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise BadBatch(f"'{path}' harus tanggal YYYY-MM-DD.", path) from exc
    if not 2000 <= day.year <= 2200:
        raise BadBatch(f"'{path}' berada di luar rentang tahun 2000–2200.", path)
    return day
