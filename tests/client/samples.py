"""Test messages built from the protocol's Structs, as JSON values the server would send.

Each sample is a `client.protocol` Struct with test values, encoded as the server encodes
it; keyword changes are applied to the JSON afterwards, so a test can also write values
of the wrong type or keys the protocol does not know.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from client import protocol

WIB = timezone(timedelta(hours=7))
DAY = date(2026, 11, 24)


def service(code: str = "A", **changes: Any) -> protocol.Service:
    return protocol.convert(service_json(code, **changes), protocol.Service, "sample")


def service_json(code: str = "A", **changes: Any) -> dict[str, Any]:
    sample = protocol.Service(
        code=code,
        name="Administrasi Kependudukan",
        name_en="Population Administration",
        description="KTP-el, KK, akta",
        description_en="ID card, family card, certificates",
        open=True,
        closed_reason=None,
        waiting=0,
        waiting_priority=0,
        est_wait_s=0,
        issued_today=0,
        quota=None,
    )
    return _with(sample, changes)


def ticket(ticket_id: int = 1, number: str = "A001", **changes: Any) -> protocol.Ticket:
    return protocol.convert(ticket_json(ticket_id, number, **changes), protocol.Ticket, "sample")


def ticket_json(ticket_id: int = 1, number: str = "A001", **changes: Any) -> dict[str, Any]:
    sample = protocol.Ticket(
        id=ticket_id,
        number=number,
        service=number[0],
        priority=False,
        status=protocol.TicketStatus.WAITING,
        issued_at=datetime(2026, 11, 24, 9, ticket_id % 60, 2, tzinfo=WIB),
        day=DAY,
        people_ahead=0,
        est_wait_s=0,
        counter=None,
        called_at=None,
        finished_at=None,
        recalls=0,
        requeued=False,
        transferred_from=None,
    )
    return _with(sample, changes)


def called_json(ticket_id: int, number: str, counter: int, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "status": "called",
        "counter": counter,
        "called_at": "2026-11-24T10:00:00+07:00",
    }
    fields.update(changes)
    return ticket_json(ticket_id, number, **fields)


def counter_json(
    number: int = 1,
    services: list[str] | None = None,
    current: dict[str, Any] | None = None,
    state: str = "open",
) -> dict[str, Any]:
    sample = protocol.Counter(
        number=number,
        name=f"Loket {number}",
        services=tuple(services if services is not None else ["A"]),
        state=protocol.CounterState(state),
        current=None,
    )
    return _with(sample, {"current": current})


def snapshot_json(seq: int = 10, **changes: Any) -> dict[str, Any]:
    sample = protocol.Snapshot(
        seq=seq,
        today=DAY,
        office="Kantor Kecamatan Contoh",
        timezone="Asia/Jakarta",
        server_time=datetime(2026, 11, 24, 9, 15, 2, tzinfo=WIB),
        services=(service("A"), service("B", name="Perizinan")),
        counters=(
            protocol.parse_counter(counter_json(1, ["A"])),
            protocol.parse_counter(counter_json(2, ["A", "B"])),
        ),
        recent_calls=(),
        waiting=(),
        log_id="6f1c2a4e-0000-4000-8000-000000000001",
    )
    return _with(sample, changes)


def event_json(event_type: str, seq: int, **fields: Any) -> dict[str, Any]:
    """An event of `event_type` with `fields` (JSON values); `prev` defaults to seq - 1."""
    base = {"type": event_type, "seq": seq, "prev": seq - 1, "at": "2026-11-24T09:15:03+07:00"}
    return {**base, **fields}


def _with(sample: Any, changes: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = protocol.to_builtins(sample)
    data.update(changes)
    return data
