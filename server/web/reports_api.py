"""`GET /api/v1/reports/visits` and `/summary`: the office's reports as JSON or CSV.

For a supervisor or admin signed in at /admin, or an admin device token. Bad dates,
groups or ranges answer 400 with the message in Indonesian (`?lang=en`: English). The
report itself is made in the reports' worker process (`server.reports.worker`): a year's
report does not hold up a kiosk. Formats other than JSON are those of
`server.reports.formats`.
"""

from __future__ import annotations

from aiohttp import web

from server.domain.schedule import local_day
from server.office import Office
from server.reports.formats import SUMMARY_FORMATS, VISITS_FORMATS, Format
from server.reports.request import (
    BadReportRequest,
    parse_counter,
    parse_groups,
    parse_range,
    parse_service,
)
from server.reports.worker import ReportJob, ReportRunner
from server.storage.port import AccountRole
from server.web.errors import ApiFailure
from server.web.sessions import api_actor

REPORTS_PATH = "/api/v1/reports"
OFFICE_KEY = web.AppKey("reports_office", Office)
RUNNER_KEY = web.AppKey("reports_runner", ReportRunner)


def language_of(request: web.Request) -> str:
    # as /admin: ?lang=en, else the language chosen there, else Indonesian
    from server.web.admin import language_of as admin_language

    return str(admin_language(request))


def _format(request: web.Request, formats: dict[str, Format]) -> str:
    wanted = request.query.get("format", "json").strip().lower()
    if wanted != "json" and wanted not in formats:
        known = ", ".join(["json", *formats])
        raise BadReportRequest(
            f"format tidak dikenal: {wanted[:20]!r} (pilihan: {known})",
            f"unknown format {wanted[:20]!r} (choose from: {known})",
        )
    return wanted


def _job(request: web.Request, kind: str) -> ReportJob:
    office = request.app[OFFICE_KEY]
    query = request.query
    try:
        first, last = parse_range(query.get("from"), query.get("to"))
        return ReportJob(
            kind=kind, first=first, last=last,
            today=local_day(office.clock(), office.config.zone),
            groups=parse_groups(query.get("group")) if kind == "summary" else (),
            service=parse_service(query.get("service")),
            counter=parse_counter(query.get("counter")),
            format=_format(request, VISITS_FORMATS if kind == "visits" else SUMMARY_FORMATS),
            language=language_of(request),
        )  # fmt: skip
    except BadReportRequest as exc:
        raise ApiFailure(400, "bad_request", exc.message(language_of(request))) from exc


async def _answer(request: web.Request, job: ReportJob) -> web.Response:
    office = request.app[OFFICE_KEY]
    rendered = await request.app[RUNNER_KEY].run(job, office.config, office.data_dir)
    headers = {"Content-Type": rendered.content_type, "Cache-Control": "no-store"}
    if job.format != "json":
        headers["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return web.Response(body=rendered.body, headers=headers)


async def report_visits(request: web.Request) -> web.Response:
    """Every visit of a range of days, in order of issue."""
    api_actor(request, AccountRole.SUPERVISOR)
    return await _answer(request, _job(request, "visits"))


async def report_summary(request: web.Request) -> web.Response:
    """The figures of a range of days, grouped by `group=` (day, service, counter, …)."""
    api_actor(request, AccountRole.SUPERVISOR)
    return await _answer(request, _job(request, "summary"))


def setup_reports(app: web.Application, office: Office) -> None:
    app[OFFICE_KEY] = office
    app[RUNNER_KEY] = ReportRunner()
    app.router.add_get(f"{REPORTS_PATH}/visits", report_visits)
    app.router.add_get(f"{REPORTS_PATH}/summary", report_summary)
