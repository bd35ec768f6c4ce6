"""Summaries of visits: grouped figures, arrivals by weekday × hour, the busiest hours.

Pure: visits in, values out. Groups (`group=` of `/api/v1/reports/summary`) read the
office-local day a ticket was issued (`day`, `week` as ISO `2026-W49`, `month`, `weekday`
1 = Monday … 7 = Sunday), the office-local hour it was issued (`hour`), the service it
ended in (`service`), and the counter and clerk of its last call (`counter`, `clerk`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from enum import StrEnum
from typing import Any

from server.reports.figures import Figures, figures_of
from server.reports.visit import Visit

BUSIEST_HOURS = 3  # how many of the busiest hours a summary names
GroupValue = str | int | None


class Group(StrEnum):
    """What a summary's rows are grouped by."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    WEEKDAY = "weekday"
    HOUR = "hour"
    SERVICE = "service"
    COUNTER = "counter"
    CLERK = "clerk"


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def group_keys(zone: tzinfo) -> dict[Group, Callable[[Visit], GroupValue]]:
    """How each group reads a visit (hours in the office's time zone)."""
    return {
        Group.DAY: lambda visit: visit.day.isoformat(),
        Group.WEEK: lambda visit: _week(visit.day),
        Group.MONTH: lambda visit: visit.day.isoformat()[:7],
        Group.WEEKDAY: lambda visit: visit.day.isoweekday(),
        Group.HOUR: lambda visit: visit.issued_at.astimezone(zone).hour,
        Group.SERVICE: lambda visit: visit.service,
        Group.COUNTER: lambda visit: visit.counter,
        Group.CLERK: lambda visit: visit.clerk,
    }


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """The figures of one group: its values in the order of the groups asked for."""

    keys: tuple[tuple[Group, GroupValue], ...]
    figures: Figures

    def to_json(self) -> dict[str, Any]:
        return {**{str(group): value for group, value in self.keys}, **self.figures.to_json()}


@dataclass(frozen=True, slots=True)
class BusyHour:
    hour: int
    issued: int


@dataclass(frozen=True, slots=True)
class SummaryResult:
    """`GET /api/v1/reports/summary`: rows per group, the total, arrivals by the hour."""

    first: date
    last: date
    groups: tuple[Group, ...]
    rows: tuple[SummaryRow, ...]
    total: Figures
    # arrivals (tickets issued) by weekday (index 0 = Monday) and office-local hour
    heatmap: tuple[tuple[int, ...], ...]
    busiest_hours: tuple[BusyHour, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "group": [str(group) for group in self.groups],
            "rows": [row.to_json() for row in self.rows],
            "total": self.total.to_json(),
            "heatmap": [list(hours) for hours in self.heatmap],
            "busiest_hours": [
                {"hour": busy.hour, "issued": busy.issued} for busy in self.busiest_hours
            ],
        }


@dataclass(frozen=True, slots=True)
class VisitsResult:
    """`GET /api/v1/reports/visits`: every visit of the range, in order of issue."""

    first: date
    last: date
    rows: tuple[Visit, ...]
    zone: tzinfo  # the office's: times are shown with its UTC offset

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "rows": [visit.to_json(self.zone) for visit in self.rows],
        }


def _order(value: GroupValue) -> tuple[int, Any]:
    # None (never called: no counter, no clerk) after every value
    return (1, "") if value is None else (0, value)


def summarize(
    visits: Sequence[Visit],
    first: date,
    last: date,
    groups: Sequence[Group],
    targets_s: Mapping[str, float],
    zone: tzinfo,
) -> SummaryResult:
    """Group `visits` and compute each group's figures, the total and the arrivals."""
    keys = group_keys(zone)
    readers = [(group, keys[group]) for group in groups]
    functions = [read for _, read in readers]
    grouped: dict[tuple[GroupValue, ...], list[Visit]] = defaultdict(list)
    heatmap = [[0] * 24 for _ in range(7)]
    for visit in visits:
        grouped[tuple([read(visit) for read in functions])].append(visit)
        heatmap[visit.day.weekday()][visit.issued_at.astimezone(zone).hour] += 1
    rows = tuple(
        SummaryRow(
            tuple((group, value) for (group, _), value in zip(readers, values, strict=True)),
            figures_of(members, targets_s),
        )
        for values, members in sorted(
            grouped.items(), key=lambda item: tuple(_order(value) for value in item[0])
        )
    )
    by_hour = [sum(day[hour] for day in heatmap) for hour in range(24)]
    busiest = sorted(
        (BusyHour(hour, issued) for hour, issued in enumerate(by_hour) if issued),
        key=lambda busy: (-busy.issued, busy.hour),
    )[:BUSIEST_HOURS]
    return SummaryResult(
        first=first,
        last=last,
        groups=tuple(groups),
        rows=rows if groups else (),
        total=figures_of(visits, targets_s),
        heatmap=tuple(tuple(hours) for hours in heatmap),
        busiest_hours=tuple(busiest),
    )
