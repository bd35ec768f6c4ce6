"""`GET /api/v1/reports/visits` and `/summary`: the office's reports as JSON or CSV.

For a supervisor or admin signed in at /admin, or an admin device token. Bad dates,
groups or ranges answer 400 with the message in Indonesian (`?lang=en`: English).
Other formats (`&format=xlsx|pdf`) are added to `RENDERERS` by their exporters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web

from server.domain.schedule import local_day
from server.office import Office
from server.reports import query
from server.reports.csv_text import summary_csv, visits_csv
from server.reports.request import (
    BadReportRequest,
    parse_counter,
    parse_groups,
    parse_range,
    parse_service,
)
from server.reports.summary import SummaryResult, VisitsResult
from server.storage.port import AccountRole
from server.web.errors import ApiFailure
from server.web.json import dumps
from server.web.sessions import api_actor

REPORTS_PATH = "/api/v1/reports"
OFFICE_KEY = web.AppKey("reports_office", Office)
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
CSV_TYPE = "text/csv; charset=utf-8"

# format -> (content type, file extension, render(result, office, language) -> bytes)
Renderer = tuple[str, str, Callable[[Any, Office, str], bytes]]
VISITS_RENDERERS: dict[str, Renderer] = {
    "csv": (
        CSV_TYPE,
        "csv",
        lambda result, office, lang: visits_csv(result, lang),
    ),
}
SUMMARY_RENDERERS: dict[str, Renderer] = {
    "csv": (CSV_TYPE, "csv", lambda result, office, lang: summary_csv(result, lang)),
}


def language_of(request: web.Request) -> str:
    # as /admin: ?lang=en, else the language chosen there, else Indonesian
    from server.web.admin import language_of as admin_language

    return str(admin_language(request))


def _bad(request: web.Request, exc: BadReportRequest) -> ApiFailure:
    return ApiFailure(400, "bad_request", exc.message(language_of(request)))


def _renderer(request: web.Request, renderers: dict[str, Renderer]) -> Renderer | None:
    wanted = request.query.get("format", "json").strip().lower()
    if wanted == "json":
        return None
    if wanted not in renderers:
        known = ", ".join(["json", *renderers])
        raise _bad(
            request,
            BadReportRequest(
                f"format tidak dikenal: {wanted[:20]!r} (pilihan: {known})",
                f"unknown format {wanted[:20]!r} (choose from: {known})",
            ),
        )
    return renderers[wanted]


def _answer(
    request: web.Request, result: VisitsResult | SummaryResult, renderer: Renderer | None,
    name: str,
) -> web.Response:  # fmt: skip
    if renderer is None:
        return web.Response(text=dumps(result.to_json()), headers=JSON_HEADERS)
    content_type, extension, render = renderer
    body = render(result, request.app[OFFICE_KEY], language_of(request))
    filename = f"{name}-{result.first.isoformat()}-{result.last.isoformat()}.{extension}"
    return web.Response(
        body=body,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


async def report_visits(request: web.Request) -> web.Response:
    """Every visit of a range of days, in order of issue."""
    api_actor(request, AccountRole.SUPERVISOR)
    office = request.app[OFFICE_KEY]
    try:
        first, last = parse_range(request.query.get("from"), request.query.get("to"))
        service = parse_service(request.query.get("service"))
        counter = parse_counter(request.query.get("counter"))
    except BadReportRequest as exc:
        raise _bad(request, exc) from exc
    renderer = _renderer(request, VISITS_RENDERERS)
    today = local_day(office.clock(), office.config.zone)
    result = await asyncio.to_thread(
        query.visits, office.store, first, last, settings=office.config, today=today,
        service=service, counter=counter,
    )  # fmt: skip
    return _answer(request, result, renderer, "kunjungan")


async def report_summary(request: web.Request) -> web.Response:
    """The figures of a range of days, grouped by `group=` (day, service, counter, …)."""
    api_actor(request, AccountRole.SUPERVISOR)
    office = request.app[OFFICE_KEY]
    try:
        first, last = parse_range(request.query.get("from"), request.query.get("to"))
        groups = parse_groups(request.query.get("group"))
        service = parse_service(request.query.get("service"))
        counter = parse_counter(request.query.get("counter"))
    except BadReportRequest as exc:
        raise _bad(request, exc) from exc
    renderer = _renderer(request, SUMMARY_RENDERERS)
    settings = office.config
    today = local_day(office.clock(), settings.zone)
    result = await asyncio.to_thread(
        query.summary, office.store, first, last, groups, settings=settings, today=today,
        service=service, counter=counter,
    )  # fmt: skip
    return _answer(request, result, renderer, "ringkasan")


def setup_reports(app: web.Application, office: Office) -> None:
    app[OFFICE_KEY] = office
    app.router.add_get(f"{REPORTS_PATH}/visits", report_visits)
    app.router.add_get(f"{REPORTS_PATH}/summary", report_summary)
