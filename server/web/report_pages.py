"""Report downloads and the /admin report pages.

- `GET /api/v1/reports/monthly?month=YYYY-MM[&format=pdf|xlsx][&lang=en]`: the camat's month
  as JSON, a one-page PDF (`laporan-2026-11.pdf`) or a workbook (`laporan-2026-11.xlsx`).
- (`&format=xlsx` on `/api/v1/reports/visits` and `/summary` is in `server.reports.formats`.)
- `/admin/reports`: the page a supervisor reads (a clerk may not); `/admin/skm` is in
  `server.web.skm_pages`.

Reading the figures and rendering them both run in a worker thread, never on the event
loop, so a ticket issued meanwhile is not delayed.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from server.office import Office
from server.reports.formats import PDF_TYPE
from server.reports.monthly import monthly_json
from server.reports.monthly_query import gather_monthly, page_figures
from server.reports.pdf import monthly_pdf
from server.reports.request import BadReportRequest, parse_month
from server.reports.summary import Group
from server.reports.xlsx import monthly_workbook
from server.storage.port import AccountRole
from server.web.admin import language_of, person, render
from server.web.errors import ApiFailure
from server.web.json import dumps
from server.web.report_views import group_of, report_view
from server.web.sessions import api_actor
from server.web.skm_pages import (
    SKM_SOURCE_KEY,
    XLSX_TYPE,
    logo_of,
    period_from,
    picker_context,
    today_of,
)

NO_STORE = {"Cache-Control": "no-store"}
REPORT_OFFICE_KEY = web.AppKey("report_pages_office", Office)


def _download(body: bytes, content_type: str, filename: str) -> web.Response:
    return web.Response(
        body=body,
        headers={"Content-Type": content_type,
                 "Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )  # fmt: skip


def _format(request: web.Request, allowed: tuple[str, ...], language: str) -> str:
    wanted = request.query.get("format", "json").strip().lower()
    if wanted not in allowed:
        known = ", ".join(allowed)
        message = (f"unknown format {wanted[:20]!r} (choose from: {known})" if language == "en"
                   else f"format tidak dikenal: {wanted[:20]!r} (pilihan: {known})")  # fmt: skip
        raise ApiFailure(400, "bad_request", message)
    return wanted


# ------------------------------------------------------------------ the monthly report


async def monthly(request: web.Request) -> web.Response:
    """The camat's month: JSON, PDF or XLSX."""
    api_actor(request, AccountRole.SUPERVISOR)
    office = request.app[REPORT_OFFICE_KEY]
    language = str(language_of(request))
    try:
        first, last = parse_month(request.query.get("month"))
    except BadReportRequest as exc:
        raise ApiFailure(400, "bad_request", exc.message(language)) from exc
    wanted = _format(request, ("json", "pdf", "xlsx"), language)
    skm = request.app[SKM_SOURCE_KEY].figures
    today = today_of(office)

    def build() -> tuple[bytes | str, str]:
        figures = skm(first, last) if skm is not None else None
        report = gather_monthly(office.store, office.config, first, today, figures)
        if wanted == "pdf":
            return monthly_pdf(report, language, logo_of(office)), PDF_TYPE
        if wanted == "xlsx":
            return monthly_workbook(report, language), XLSX_TYPE
        return dumps(monthly_json(report)), "application/json"

    body, content_type = await asyncio.to_thread(build)
    if isinstance(body, str):
        return web.Response(text=body, content_type=content_type, charset="utf-8",
                            headers=NO_STORE)  # fmt: skip
    return _download(body, content_type, f"laporan-{first:%Y-%m}.{wanted}")


# ------------------------------------------------------------------ /admin pages


async def reports_page(request: web.Request) -> web.Response:
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    office = request.app[REPORT_OFFICE_KEY]
    language = language_of(request)
    period, error = period_from(request, office)
    group = group_of(request.query)
    context = picker_context(request, office, period, error)
    context.update({"groups": [str(item) for item in Group], "chosen_group": group})
    if period is None:
        return render(request, "admin/reports.html", context, status=400)
    by_day, by_service, grouped = await asyncio.to_thread(
        page_figures, office.store, office.config, period.first, period.last, group,
        today_of(office),
    )  # fmt: skip
    context["view"] = report_view(
        office.config, period, group, by_day, by_service, grouped, language
    )
    return render(request, "admin/reports.html", context)


def setup_report_pages(app: web.Application, office: Office) -> None:
    """Register the monthly report and /admin/reports (before /admin's catch-all)."""
    app[REPORT_OFFICE_KEY] = office
    app.router.add_get("/api/v1/reports/monthly", monthly)
    app.router.add_get("/admin/reports", reports_page)


__all__ = ["setup_report_pages"]
