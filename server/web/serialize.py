"""Domain values to the JSON objects of API v1 (see docs/api.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.domain.model import Counter, Ticket, TicketStatus
from server.domain.queue import QueueDay
from server.domain.schedule import closure


def _time(value: datetime | None, day: QueueDay) -> str | None:
    if value is None:
        return None
    return value.astimezone(day.config.zone).isoformat(timespec="seconds")


def ticket_json(day: QueueDay, ticket: Ticket) -> dict[str, Any]:
    # a ticket left waiting on an earlier day is history: it has no place in today's line
    waiting = ticket.status is TicketStatus.WAITING and ticket.day == day.day
    ahead = day.people_ahead(ticket) if waiting else 0
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "priority": ticket.priority,
        "status": str(ticket.status),
        "issued_at": _time(ticket.issued_at, day),
        "day": ticket.day.isoformat(),
        "people_ahead": ahead,
        "est_wait_s": day.estimated_wait_s(ticket.service, ahead) if waiting else 0,
        "counter": ticket.counter,
        "called_at": _time(ticket.called_at, day),
        "finished_at": _time(ticket.finished_at, day),
        "recalls": ticket.recalls,
        "requeued": ticket.requeued,
        "transferred_from": ticket.transferred_from,
    }


def service_json(day: QueueDay, code: str, now: datetime) -> dict[str, Any]:
    service = day.service_config(code)
    closed = closure(day.config, service, now, day.issued_count[code], code in day.closed_services)
    waiting, waiting_priority = day.waiting_count(code)
    return {
        "code": code,
        "name": service.name,
        "name_en": service.name_en,
        "description": service.description,
        "description_en": service.description_en,
        "open": closed is None,
        "closed_reason": str(closed.reason) if closed is not None else None,
        "closed_note": closed.note if closed is not None else None,
        "opens_at": _time(closed.opens_at if closed is not None else None, day),
        "waiting": waiting,
        "waiting_priority": waiting_priority,
        "est_wait_s": day.estimated_wait_s(code, waiting),
        "issued_today": day.issued_count[code],
        "quota": service.quota,
        "completion_time": service.completion_time or None,
        "completion_time_en": service.completion_time_en or None,
        "fee": service.fee or None,
        "fee_en": service.fee_en or None,
        "requirements": list(service.requirements),
        "requirements_en": list(service.requirements_en),
        "target_wait_minutes": service.target_wait_minutes,
    }


def counter_json(day: QueueDay, counter: Counter) -> dict[str, Any]:
    config = day.config.counter(counter.number)
    current = day.tickets.get(counter.current) if counter.current is not None else None
    return {
        "number": counter.number,
        "name": config.name if config else f"Loket {counter.number}",
        "services": list(config.services) if config else [],
        "state": str(counter.state),
        "current": ticket_json(day, current) if current is not None else None,
    }


def services_json(day: QueueDay, now: datetime) -> list[dict[str, Any]]:
    return [service_json(day, service.code, now) for service in day.config.services]


def counters_json(day: QueueDay) -> list[dict[str, Any]]:
    return [counter_json(day, day.counters[number]) for number in sorted(day.counters)]


def snapshot_json(day: QueueDay, now: datetime, seq: int) -> dict[str, Any]:
    return {
        "type": "snapshot",
        "seq": seq,
        "today": day.day.isoformat(),
        "office": day.config.office_name,
        "timezone": day.config.timezone,
        "server_time": _time(now, day),
        "services": services_json(day, now),
        "counters": counters_json(day),
        "recent_calls": [ticket_json(day, ticket) for ticket in day.recent_calls()],
        "waiting": [ticket_json(day, ticket) for ticket in day.waiting()],
    }
