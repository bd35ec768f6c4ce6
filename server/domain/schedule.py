"""Opening rules: hours, breaks, quota and manual closing, and the office-local day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.config import Config, ServiceConfig
from server.domain.model import ClosedReason


def local_day(now: datetime, zone: ZoneInfo) -> date:
    """The office-local calendar day that `now` (aware) falls in."""
    return now.astimezone(zone).date()


def next_midnight(now: datetime, zone: ZoneInfo) -> datetime:
    """The next office-local midnight after `now`, as an aware datetime."""
    local = now.astimezone(zone)
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 0), tzinfo=zone)


def closed_reason(
    config: Config,
    service: ServiceConfig,
    now: datetime,
    issued_today: int,
    manually_closed: bool,
) -> ClosedReason | None:
    """Why `service` issues no tickets at `now`, or None when it is open."""
    if manually_closed:
        return ClosedReason.CLOSED
    local = now.astimezone(config.zone)
    weekday = local.weekday()
    moment = local.time().replace(tzinfo=None)
    ranges = config.service_hours(service).get(weekday, ())
    if not any(span.contains(moment) for span in ranges):
        return ClosedReason.HOURS
    for brk in config.breaks:
        applies = not brk.services or service.code in brk.services
        if applies and weekday in brk.days and brk.span.contains(moment):
            return ClosedReason.BREAK
    if service.quota is not None and issued_today >= service.quota:
        return ClosedReason.QUOTA
    return None


def boundaries(config: Config, day: date) -> list[datetime]:
    """Every moment of `day` at which some service may open or close (for timers)."""
    zone = config.zone
    weekday = day.weekday()
    moments: set[time] = set()
    for service in config.services:
        for span in config.service_hours(service).get(weekday, ()):
            moments.add(span.start)
            if span.end is not None:
                moments.add(span.end)
    for brk in config.breaks:
        if weekday in brk.days:
            moments.add(brk.span.start)
            if brk.span.end is not None:
                moments.add(brk.span.end)
    return sorted(datetime.combine(day, moment, tzinfo=zone) for moment in moments)
