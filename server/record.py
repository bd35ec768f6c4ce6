"""The office's record: domain changes as events, with the state of every ticket touched.

An event is what the log stores and `GET /api/v1/log` and the city read: plain JSON values,
no secrets (a ticket's key and the kiosk's request key stay out), every time with its UTC
offset. The devices' messages are built from the same change at the web edge.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from server.domain.model import Change, Counter, EventType, Ticket
from server.storage.port import Event


def iso(moment: datetime | None, zone: tzinfo | None = None) -> str | None:
    """ISO 8601 with the office's UTC offset (as every time in the API)."""
    if moment is None:
        return None
    return (moment.astimezone(zone) if zone is not None else moment).isoformat()


def ticket_record(ticket: Ticket, zone: tzinfo | None = None) -> dict[str, Any]:
    """A ticket's state as the record keeps it, times with the office's offset."""
    return {
        "id": ticket.id,
        "day": ticket.day.isoformat(),
        "number": ticket.number,
        "issued_service": ticket.issued_service,
        "service": ticket.service,
        "priority": ticket.priority,
        "status": str(ticket.status),
        "issued_at": iso(ticket.issued_at, zone),
        "counter": ticket.counter,
        "called_at": iso(ticket.called_at, zone),
        "finished_at": iso(ticket.finished_at, zone),
        "recalls": ticket.recalls,
        "requeued": ticket.requeued,
        "transferred_from": ticket.transferred_from,
        "clerk": ticket.clerk,
        "transfers": ticket.transfers,
        "requeues": ticket.requeues,
    }


def counter_record(counter: Counter) -> dict[str, Any]:
    record: dict[str, Any] = {
        "number": counter.number, "state": str(counter.state), "current": counter.current,
    }  # fmt: skip
    if counter.clerk is not None:
        record["clerk"] = counter.clerk
    return record


def event_for_change(
    change: Change,
    event_id: int,
    at: datetime,
    day: date,
    *,
    clerk: str | None = None,
    services: dict[str, dict[str, Any]] | None = None,
    zone: tzinfo | None = None,
) -> Event:
    """The event that records `change`; `services` is the state of the services it touched."""
    data: dict[str, Any] = {}
    if change.counters:
        data["counters"] = [counter_record(counter) for counter in change.counters]
    if services:
        data["services"] = services
    if change.from_service is not None:
        data["from_service"] = change.from_service
    main = change.ticket
    return Event(
        id=event_id,
        type=str(change.event),
        at=at.astimezone(zone) if zone is not None else at,
        day=day,
        ticket=main.id if main is not None else None,
        counter=change.counter.number if change.counter is not None else None,
        clerk=clerk,
        tickets=tuple(ticket_record(ticket, zone) for ticket in change.tickets),
        data=data,
    )


def clock_event(
    event_type: EventType, event_id: int, at: datetime, day: date, zone: tzinfo, **data: Any
) -> Event:
    """A change made by the clock (a service opening or closing, the day rollover)."""
    return Event(id=event_id, type=str(event_type), at=at.astimezone(zone), day=day, data=data)


def event_json(event: Event, office: str) -> dict[str, Any]:
    """An event as `GET /api/v1/log` and the city's ingest carry it."""
    body: dict[str, Any] = {
        "id": event.id,
        "v": event.v,
        "type": event.type,
        "at": iso(event.at),
        "day": event.day.isoformat(),
        "office": office,
        "ticket": event.ticket,
        "tickets": list(event.tickets),
        "counter": event.counter,
        "clerk": event.clerk,
        "data": event.data,
    }
    if event.synthesized:
        body["synthesized"] = True
    return body
