"""Report downloads and the /admin report pages.

- `GET /api/v1/reports/monthly?month=YYYY-MM[&format=pdf|xlsx][&lang=en]`: the camat's month
  as JSON, a one-page PDF (`laporan-2026-11.pdf`) or a workbook (`laporan-2026-11.xlsx`).
- (`&format=xlsx` on `/api/v1/reports/visits` and `/summary` is in `server.reports.formats`.)
- `/admin/reports`: the page a supervisor reads (a clerk may not); `/admin/skm` is in
  `server.web.skm_pages`.

Reading the figures and rendering them run in the reports' worker process
(`server.reports.worker`), never on the event loop nor under the server's interpreter lock,
so a ticket issued meanwhile is not delayed; only the month's SKM figures are read in a
worker thread of the server (the survey's own query) and handed to the job.
"""

from __future__ import annotations

import asyncio

import orjson
from aiohttp import web

from server.office import Office
from server.reports.request import BadReportRequest, parse_month
from server.reports.summary import Group
from server.reports.worker import ReportJob
from server.storage.port import AccountRole
from server.web.admin import language_of, person, render
from server.web.errors import ApiFailure
from server.web.report_views import group_of, report_view
from server.web.sessions import api_actor
from server.web.skm_pages import (
    RUNNER,
    SKM_SOURCE_KEY,
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
    figures = await asyncio.to_thread(skm, first, last) if skm is not None else None
    job = ReportJob(
        kind="monthly", first=first, last=last, today=today_of(office), format=wanted,
        language=language, skm=figures, logo=logo_of(office),
    )  # fmt: skip
    rendered = await RUNNER.run(job, office.config, office.data_dir)
    if wanted == "json":
        return web.Response(body=rendered.body, content_type="application/json",
                            charset="utf-8", headers=NO_STORE)  # fmt: skip
    return _download(rendered.body, rendered.content_type, job.filename)


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
    job = ReportJob(kind="page", first=period.first, last=period.last, today=today_of(office),
                    groups=(Group(group),))  # fmt: skip
    rendered = await RUNNER.run(job, office.config, office.data_dir)
    by_day, by_service, grouped = orjson.loads(rendered.body)
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
