"""Opening rules: hours, breaks, holidays, quota and manual closing; the office-local day.

Pure functions of the office settings and a time given as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.domain.model import ClosedReason
from server.domain.settings import OfficeSettings, ServiceSettings

# how far ahead `opens_at` looks; a service closed for longer has no known opening
OPENS_AT_HORIZON_DAYS = 14


@dataclass(frozen=True, slots=True)
class Closure:
    """Why a service issues no tickets now, what to call it, and when it opens again."""

    reason: ClosedReason
    note: str | None = None  # the break's or holiday's name
    opens_at: datetime | None = None  # aware, office time; None: unknown or too far ahead


def local_day(now: datetime, zone: ZoneInfo) -> date:
    """The office-local calendar day that `now` (aware) falls in."""
    return now.astimezone(zone).date()


def next_midnight(now: datetime, zone: ZoneInfo) -> datetime:
    """The next office-local midnight after `now`, as an aware datetime."""
    local = now.astimezone(zone)
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 0), tzinfo=zone)


def closure(
    settings: OfficeSettings,
    service: ServiceSettings,
    now: datetime,
    issued_today: int,
    manually_closed: bool,
    closed_note: str | None = None,
) -> Closure | None:
    """Why `service` issues no tickets at `now` and when it opens, or None when it is open.

    `closed_note`: the supervisor's reason for closing it by hand, shown as its note.
    """
    if manually_closed:
        # the supervisor opens it again; no time is known
        return Closure(ClosedReason.CLOSED, closed_note or None)
    local = now.astimezone(settings.zone)
    weekday = local.weekday()
    moment = local.time().replace(tzinfo=None)
    quota_used = service.quota is not None and issued_today >= service.quota
    holiday = settings.holiday(local.date())
    if holiday is not None:
        return Closure(ClosedReason.HOLIDAY, holiday.name, opens_at(settings, service, now))
    ranges = settings.service_hours(service).get(weekday, ())
    if not any(span.contains(moment) for span in ranges):
        return Closure(
            ClosedReason.HOURS, None, opens_at(settings, service, now, skip_today=quota_used)
        )
    for brk in settings.breaks:
        if brk.applies_to(service.code) and weekday in brk.days and brk.span.contains(moment):
            return Closure(
                ClosedReason.BREAK, brk.name, opens_at(settings, service, now, quota_used)
            )
    if quota_used:
        return Closure(ClosedReason.QUOTA, None, opens_at(settings, service, now, True))
    return None


def closed_reason(
    settings: OfficeSettings,
    service: ServiceSettings,
    now: datetime,
    issued_today: int,
    manually_closed: bool,
) -> ClosedReason | None:
    """Why `service` issues no tickets at `now`, or None when it is open."""
    found = closure(settings, service, now, issued_today, manually_closed)
    return found.reason if found is not None else None


def open_spans(
    settings: OfficeSettings, service: ServiceSettings, day: date
) -> list[tuple[datetime, datetime]]:
    """The moments of office-local `day` when `service` is open, breaks and holidays left out."""
    if settings.holiday(day) is not None:
        return []
    zone = settings.zone
    midnight = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)

    def at(moment: time | None) -> datetime:
        return midnight if moment is None else datetime.combine(day, moment, tzinfo=zone)

    spans = [
        (at(span.start), at(span.end))
        for span in settings.service_hours(service).get(day.weekday(), ())
    ]
    for brk in settings.breaks:
        if not brk.applies_to(service.code) or day.weekday() not in brk.days:
            continue
        break_start, break_end = at(brk.span.start), at(brk.span.end)
        cut: list[tuple[datetime, datetime]] = []
        for start, end in spans:
            if break_end <= start or end <= break_start:
                cut.append((start, end))
                continue
            if start < break_start:
                cut.append((start, break_start))
            if break_end < end:
                cut.append((break_end, end))
        spans = cut
    return sorted(spans)


def opens_at(
    settings: OfficeSettings, service: ServiceSettings, now: datetime, skip_today: bool = False
) -> datetime | None:
    """The next moment after `now` at which `service` opens, within the horizon.

    `skip_today`: today's spans do not count (the daily quota is used up).
    """
    today = local_day(now, settings.zone)
    for offset in range(int(skip_today), OPENS_AT_HORIZON_DAYS + 1):
        for start, _end in open_spans(settings, service, today + timedelta(days=offset)):
            if start > now:
                return start
    return None


def boundaries(settings: OfficeSettings, day: date) -> list[datetime]:
    """Every moment of `day` at which some service may open or close (for timers)."""
    zone = settings.zone
    weekday = day.weekday()
    moments: set[time] = set()
    for service in settings.services:
        for span in settings.service_hours(service).get(weekday, ()):
            moments.add(span.start)
            if span.end is not None:
                moments.add(span.end)
    for brk in settings.breaks:
        if weekday in brk.days:
            moments.add(brk.span.start)
            if brk.span.end is not None:
                moments.add(brk.span.end)
    return sorted(datetime.combine(day, moment, tzinfo=zone) for moment in moments)
