"""Builders of parsed protocol values (tickets, office states) and shared sample data.

They build on the JSON samples of ``tests.client.samples`` (shaped as in docs/api.md) and
parse them as a client would, so a test never hand-writes a dataclass that the server
could not have sent.
"""

from __future__ import annotations

from typing import Any

from client.state import OfficeState
from client.wire import Ticket, parse_snapshot, parse_ticket
from tests.client.samples import service_json, snapshot_json, ticket_json


def make_ticket(ticket_id: int = 1, number: str = "A001", **changes: Any) -> Ticket:
    """A parsed ticket (waiting, today) with some fields of its JSON changed."""
    return parse_ticket(ticket_json(ticket_id, number, **changes))


def office_state(seq: int = 10, **changes: Any) -> OfficeState:
    """The client's state after a snapshot with some of its JSON keys changed."""
    return OfficeState.from_snapshot(parse_snapshot(snapshot_json(seq, **changes)))


_CLOSED = {
    "id": [
        service_json("A", open=False, closed_reason="quota", waiting=2,
                     opens_at="2026-11-25T08:00:00+07:00"),
        service_json("B", name="Perizinan dan Non-Perizinan", open=False,
                     closed_reason="break", closed_note="Istirahat salat Jumat",
                     opens_at="2026-11-24T13:00:00+07:00", waiting=12),
        service_json("C", name="Legalisasi dan Layanan Umum", open=False,
                     closed_reason="hours", waiting=1),
    ],
    "en": [
        service_json("A", open=False, closed_reason="quota", waiting=2,
                     opens_at="2026-11-25T08:00:00+07:00"),
        service_json("B", name_en="Licensing", open=False, closed_reason="break",
                     closed_note="Friday prayer break", opens_at="2026-11-24T13:00:00+07:00",
                     waiting=12),
        service_json("C", open=False, closed_reason="holiday",
                     closed_note="Christmas Day"),
    ],
}  # fmt: skip


def closed_services(language: str = "id") -> list[dict[str, Any]]:
    """Three closed services with the longest reasons a TV tile or kiosk button shows:
    quota (opens tomorrow), a break with a note (opens at 13.00), and hours or a holiday."""
    return [dict(service) for service in _CLOSED[language]]
