"""Domain values to the messages of API v1: the Structs of `client.protocol` (docs/api.md).

The server and the clients share one definition of every message; this module only fills
it from today's `QueueDay`. Times are sent in the office's zone, to the second.
"""

from __future__ import annotations

from datetime import datetime

from client import protocol
from server.domain.model import Counter, Ticket, TicketStatus
from server.domain.queue import QueueDay
from server.domain.schedule import closure


def _time(value: datetime, day: QueueDay) -> datetime:
    return value.astimezone(day.config.zone).replace(microsecond=0)


def _optional_time(value: datetime | None, day: QueueDay) -> datetime | None:
    return _time(value, day) if value is not None else None


def ticket_message(day: QueueDay, ticket: Ticket, now: datetime | None = None) -> protocol.Ticket:
    # a ticket left waiting on an earlier day is history: it has no place in today's line
    waiting = ticket.status is TicketStatus.WAITING and ticket.day == day.day
    ahead = day.people_ahead(ticket, now) if waiting else 0
    return protocol.Ticket(
        id=ticket.id,
        number=ticket.number,
        service=ticket.service,
        priority=ticket.priority,
        status=protocol.TicketStatus(ticket.status),
        issued_at=_time(ticket.issued_at, day),
        day=ticket.day,
        people_ahead=ahead,
        est_wait_s=day.estimated_wait_s(ticket.service, ahead) if waiting else 0,
        counter=ticket.counter,
        called_at=_optional_time(ticket.called_at, day),
        finished_at=_optional_time(ticket.finished_at, day),
        recalls=ticket.recalls,
        requeued=ticket.requeued,
        transferred_from=ticket.transferred_from,
    )


def service_message(day: QueueDay, code: str, now: datetime) -> protocol.Service:
    config = day.service_config(code)
    closed = closure(
        day.config, config, now, day.issued_count[code], code in day.closed_services,
        day.closed_notes.get(code),
    )  # fmt: skip
    waiting, waiting_priority = day.waiting_count(code)
    return protocol.Service(
        code=code,
        name=config.name,
        name_en=config.name_en,
        description=config.description,
        description_en=config.description_en,
        open=closed is None,
        closed_reason=protocol.ClosedReason(closed.reason) if closed is not None else None,
        waiting=waiting,
        waiting_priority=waiting_priority,
        est_wait_s=day.estimated_wait_s(code, waiting),
        issued_today=day.issued_count[code],
        quota=config.quota,
        closed_note=closed.note if closed is not None else None,
        opens_at=_optional_time(closed.opens_at if closed is not None else None, day),
        completion_time=config.completion_time or None,
        completion_time_en=config.completion_time_en or None,
        fee=config.fee or None,
        fee_en=config.fee_en or None,
        requirements=tuple(config.requirements),
        requirements_en=tuple(config.requirements_en),
        target_wait_minutes=config.target_wait_minutes,
    )


def counter_message(day: QueueDay, counter: Counter) -> protocol.Counter:
    config = day.config.counter(counter.number)
    current = day.tickets.get(counter.current) if counter.current is not None else None
    return protocol.Counter(
        number=counter.number,
        name=config.name if config else f"Loket {counter.number}",
        services=tuple(config.services) if config else (),
        state=protocol.CounterState(counter.state),
        current=ticket_message(day, current) if current is not None else None,
        clerk=counter.clerk,
    )


def priority_offer(day: QueueDay) -> protocol.PriorityOffer:
    """What the kiosk needs to offer priority tickets, and the office's fairness rules."""
    config = day.config
    return protocol.PriorityOffer(
        enabled=config.priority_enabled,
        groups=tuple(config.priority_groups),
        max_in_row=config.priority_max_in_row,
        regular_after_minutes=config.priority_regular_after_minutes,
    )


def services_answer(day: QueueDay, now: datetime) -> protocol.ServicesAnswer:
    """GET /services: every service, and whether and for whom priority tickets are offered."""
    return protocol.ServicesAnswer(all_services(day, now), priority=priority_offer(day))


def all_services(day: QueueDay, now: datetime) -> tuple[protocol.Service, ...]:
    return tuple(service_message(day, config.code, now) for config in day.config.services)


def all_counters(day: QueueDay) -> tuple[protocol.Counter, ...]:
    return tuple(counter_message(day, day.counters[number]) for number in sorted(day.counters))


def snapshot_message(
    day: QueueDay,
    now: datetime,
    seq: int,
    log_id: str | None,
    figures: protocol.Figures | None = None,
) -> protocol.Snapshot:
    return protocol.Snapshot(
        seq=seq,
        today=day.day,
        office=day.config.office_name,
        timezone=day.config.timezone,
        server_time=_time(now, day),
        services=all_services(day, now),
        counters=all_counters(day),
        recent_calls=tuple(ticket_message(day, called, now) for called in day.recent_calls()),
        waiting=tuple(ticket_message(day, waiting, now) for waiting in day.waiting(now=now)),
        log_id=log_id,
        priority=priority_offer(day),
        figures=figures,
    )
