"""The camat's monthly report: one month's figures gathered for the JSON, XLSX and PDF.

Pure: it takes the JSON-shaped figures of the reports engine (summary rows by service and
by day, the month's total, the SKM result) and the office settings; no I/O here.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from server.domain.settings import Letterhead, OfficeSettings

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
Figures = Mapping[str, Any]


class BadMonth(ValueError):
    """The month is not written YYYY-MM or does not exist."""


def parse_month(text: str | None) -> date:
    """ "2026-11" as date(2026, 11, 1); anything else is BadMonth."""
    found = MONTH.match(text or "")
    if found is None or not text or not text.isascii():
        raise BadMonth(text)
    year, month = int(found.group(1)), int(found.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 9999):
        raise BadMonth(text)
    return date(year, month, 1)


def month_end(month: date) -> date:
    """The last day of `month`."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service's figures of the month, with its name and waiting-time standard."""

    code: str
    name: str
    name_en: str
    target_wait_minutes: int | None
    figures: Figures


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """Everything the monthly page shows."""

    office: str
    letterhead: Letterhead
    month: date
    total: Figures
    services: tuple[ServiceLine, ...]
    days: tuple[Figures, ...]
    skm: Figures | None = None
    place: str = ""  # where it is signed; the office's name when empty
    signed_on: date | None = None  # the signature's date; the month's last day when None

    @property
    def signature_date(self) -> date:
        return self.signed_on or month_end(self.month)


def build_monthly(
    settings: OfficeSettings,
    month: date,
    total: Figures,
    by_service: Sequence[Figures],
    by_day: Sequence[Figures],
    skm: Figures | None,
    signed_on: date | None = None,
) -> MonthlyReport:
    """The month's report from the engine's summary rows and the SKM result."""
    rows = {str(row.get("service")): row for row in by_service}
    services = []
    for service in settings.services:
        row = rows.get(service.code)
        if row is None:
            continue
        services.append(
            ServiceLine(
                code=service.code,
                name=service.name,
                name_en=service.name_en,
                target_wait_minutes=service.target_wait_minutes,
                figures=row,
            )
        )
    known = {service.code for service in settings.services}
    for code, row in rows.items():  # a service since removed from the settings
        if code not in known:
            services.append(ServiceLine(code, code, code, None, row))
    return MonthlyReport(
        office=settings.office_name,
        letterhead=settings.letterhead,
        month=month,
        total=total,
        services=tuple(services),
        days=tuple(sorted(by_day, key=lambda row: str(row.get("day", "")))),
        skm=skm if skm and skm.get("respondents") else None,
        signed_on=signed_on,
    )


def daily_mean_wait(days: Sequence[Figures]) -> list[tuple[str, float | None]]:
    """(day, mean wait in seconds) for each day; rows of one day (one per service) are
    combined weighted by the visitors served."""
    combined: dict[str, list[tuple[float, int]]] = {}
    for row in days:
        day = str(row.get("day", ""))
        wait = (row.get("wait_s") or {}).get("mean")
        served = int(row.get("served") or 0)
        combined.setdefault(day, [])
        if wait is not None and served > 0:
            combined[day].append((float(wait), served))
    result: list[tuple[str, float | None]] = []
    for day in sorted(combined):
        parts = combined[day]
        weight = sum(count for _, count in parts)
        mean = sum(wait * count for wait, count in parts) / weight if weight else None
        result.append((day, mean))
    return result


def monthly_json(report: MonthlyReport) -> dict[str, Any]:
    """The JSON of `GET /api/v1/reports/monthly` (without `format`)."""
    letterhead = report.letterhead
    return {
        "month": report.month.strftime("%Y-%m"),
        "office": report.office,
        "letterhead": {
            "region": letterhead.region,
            "address": letterhead.address,
            "head_title": letterhead.head_title,
            "head_name": letterhead.head_name,
            "head_nip": letterhead.head_nip,
            "logo": bool(letterhead.logo),
        },
        "total": dict(report.total),
        "services": [
            {
                **dict(line.figures),
                "service": line.code,
                "name": line.name,
                "target_wait_minutes": line.target_wait_minutes,
            }
            for line in report.services
        ],
        "days": [{"day": day, "wait_mean_s": mean} for day, mean in daily_mean_wait(report.days)],
        "skm": dict(report.skm) if report.skm is not None else None,
    }
