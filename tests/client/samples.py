"""JSON objects shaped as in docs/api.md, for building test messages."""

from __future__ import annotations

from typing import Any


def service_json(code: str = "A", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": "Administrasi Kependudukan",
        "name_en": "Population Administration",
        "description": "KTP-el, KK, akta",
        "description_en": "ID card, family card, certificates",
        "open": True,
        "closed_reason": None,
        "waiting": 0,
        "waiting_priority": 0,
        "est_wait_s": 0,
        "issued_today": 0,
        "quota": None,
    }
    data.update(changes)
    return data


def ticket_json(ticket_id: int = 1, number: str = "A001", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ticket_id,
        "number": number,
        "service": number[0],
        "priority": False,
        "status": "waiting",
        "issued_at": f"2026-11-24T09:{ticket_id % 60:02d}:02+07:00",
        "day": "2026-11-24",
        "people_ahead": 0,
        "est_wait_s": 0,
        "counter": None,
        "called_at": None,
        "finished_at": None,
        "recalls": 0,
        "requeued": False,
        "transferred_from": None,
    }
    data.update(changes)
    return data


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
    return {
        "number": number,
        "name": f"Loket {number}",
        "services": services if services is not None else ["A"],
        "state": state,
        "current": current,
    }


def snapshot_json(seq: int = 10, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "snapshot",
        "seq": seq,
        "today": "2026-11-24",
        "office": "Kantor Kecamatan Contoh",
        "timezone": "Asia/Jakarta",
        "server_time": "2026-11-24T09:15:02+07:00",
        "services": [service_json("A"), service_json("B", name="Perizinan")],
        "counters": [counter_json(1, ["A"]), counter_json(2, ["A", "B"])],
        "recent_calls": [],
        "waiting": [],
    }
    data.update(changes)
    return data


def event_json(event_type: str, seq: int, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "seq": seq, "at": "2026-11-24T09:15:03+07:00", **fields}
