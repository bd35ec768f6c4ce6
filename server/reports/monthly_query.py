"""The monthly report's figures read from the store: one read of the month's visits,
summarised as a total, per service and per day (blocking: call it off the event loop)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from server.domain.settings import OfficeSettings
from server.reports import query
from server.reports.monthly import MonthlyReport, build_monthly, month_end
from server.reports.summary import Group, summarize
from server.storage.port import Store


def gather_monthly(
    store: Store,
    settings: OfficeSettings,
    month: date,
    today: date,
    skm: Mapping[str, Any] | None,
) -> MonthlyReport:
    """The month's report as of `today`, signed today (on its last day if `today` is
    before the month)."""
    first, last = month, month_end(month)
    visits = query.visits(store, first, last, settings=settings, today=today).rows
    targets = query.targets_of(settings)
    zone = settings.zone
    by_service = summarize(visits, first, last, [Group.SERVICE], targets, zone).to_json()
    by_day = summarize(visits, first, last, [Group.DAY], targets, zone).to_json()
    return build_monthly(
        settings, month, by_service["total"], by_service["rows"], by_day["rows"], skm,
        signed_on=today if today >= first else last,
    )  # fmt: skip


def page_figures(
    store: Store, settings: OfficeSettings, first: date, last: date, group: str, today: date
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """What /admin/reports shows: summaries by day, by service and by `group`, from one
    read of the period's visits."""
    visits = query.visits(store, first, last, settings=settings, today=today).rows
    targets = query.targets_of(settings)

    def of(*groups: Group) -> dict[str, Any]:
        return summarize(visits, first, last, groups, targets, settings.zone).to_json()

    return of(Group.DAY), of(Group.SERVICE), of(Group(group))
