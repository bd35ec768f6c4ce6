"""The office settings back into the document they came from: the keys of the TOML sections.

`parse_office_settings(office_settings_document(settings))` gives the same settings; the
run-time settings API will answer GET with this document (as JSON) and read PUT with the
same schema.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from server.domain.settings import (
    Break,
    CounterSettings,
    OfficeSettings,
    ServiceSettings,
    TimeRange,
    WeeklyHours,
)
from server.settings_schema import WEEKDAYS


def office_settings_document(settings: OfficeSettings) -> dict[str, Any]:
    """JSON-ready: dates as "2026-12-25", times as "08:00"; unset optional keys left out."""
    priority: dict[str, Any] = {
        "enabled": settings.priority_enabled,
        "groups": list(settings.priority_groups),
    }
    _put(priority, "max_in_row", settings.priority_max_in_row)
    _put(priority, "regular_after_minutes", settings.priority_regular_after_minutes)
    return {
        "office": {
            "name": settings.office_name,
            "timezone": settings.timezone,
            "requeue_after": settings.requeue_after,
            "show_figures": settings.show_figures,
            "region": settings.letterhead.region,
            "address": settings.letterhead.address,
            "head_title": settings.letterhead.head_title,
            "head_name": settings.letterhead.head_name,
            "head_nip": settings.letterhead.head_nip,
            "logo": settings.letterhead.logo,
        },
        "priority": priority,
        "hours": _hours(settings.hours),
        "breaks": [_break(entry) for entry in settings.breaks],
        "holidays": [
            {"date": holiday.date.isoformat(), "name": holiday.name}
            for holiday in settings.holidays
        ],
        "services": [_service(service) for service in settings.services],
        "counters": [_counter(counter) for counter in settings.counters],
    }


def _put(table: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        table[key] = value


def _clock(moment: time | None) -> str:
    return "24:00" if moment is None else moment.strftime("%H:%M")


def _range(span: TimeRange) -> str:
    return f"{_clock(span.start)}-{_clock(span.end)}"


def _hours(hours: WeeklyHours) -> dict[str, Any]:
    return {
        day: [_range(span) for span in hours.get(index, ())] or "closed"
        for index, day in enumerate(WEEKDAYS)
    }


def _break(entry: Break) -> dict[str, Any]:
    return {
        "name": entry.name,
        "days": [WEEKDAYS[day] for day in entry.days],
        "start": _clock(entry.span.start),
        "end": _clock(entry.span.end),
        "services": list(entry.services),
    }


def _service(service: ServiceSettings) -> dict[str, Any]:
    document: dict[str, Any] = {
        "code": service.code,
        "name": service.name,
        "name_en": service.name_en,
        "description": service.description,
        "description_en": service.description_en,
        "minutes_per_visitor": service.minutes_per_visitor,
        "completion_time": service.completion_time,
        "completion_time_en": service.completion_time_en,
        "fee": service.fee,
        "fee_en": service.fee_en,
        "requirements": list(service.requirements),
        "requirements_en": list(service.requirements_en),
    }
    _put(document, "quota", service.quota)
    _put(document, "target_wait_minutes", service.target_wait_minutes)
    if service.hours is not None:
        document["hours"] = _hours(service.hours)
    own: dict[str, Any] = {}
    _put(own, "max_in_row", service.priority_max_in_row)
    _put(own, "regular_after_minutes", service.priority_regular_after_minutes)
    if own:
        document["priority"] = own
    return document


def _counter(counter: CounterSettings) -> dict[str, Any]:
    return {"number": counter.number, "name": counter.name, "services": list(counter.services)}
