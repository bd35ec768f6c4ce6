"""The /admin SKM page and the SKM downloads (`&format=xlsx|pdf` on `/api/v1/reports/skm`:
its handler answers with `skm_file`).

The SKM figures of a period come from the survey's report (`/api/v1/reports/skm` JSON),
set as a blocking function on the app's `SkmSource` (`app[SKM_SOURCE_KEY].figures = …`);
the figures are read in a worker thread, the files rendered in the reports' worker process
(`server.reports.worker`), never on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp import web

from server.domain.schedule import local_day
from server.office import Office
from server.reports.export_text import long_date
from server.reports.worker import ReportJob, ReportRunner
from server.storage.port import AccountRole
from server.web.admin import language_of, person, render
from server.web.errors import ApiFailure
from server.web.report_text import REPORT_TEXTS
from server.web.report_views import BadPeriod, Period, PeriodKind, period_of, skm_view

RUNNER = ReportRunner()  # the one reports' worker process of this server process
SKM_FORMATS = ("json", "xlsx", "pdf")
# the SKM result of a period as `/api/v1/reports/skm` gives it (blocking), or None
SkmFigures = Callable[[date, date], Mapping[str, Any] | None]


@dataclass
class SkmSource:
    """Where the SKM pages and downloads read a period's figures; None: no survey yet."""

    figures: SkmFigures | None = None


SKM_SOURCE_KEY = web.AppKey("skm_source", SkmSource)


def skm_source(app: web.Application) -> SkmSource:
    """The app's SKM source, made on first use: the survey sets `.figures` on it (before the
    app starts), whichever of the two is set up first."""
    if SKM_SOURCE_KEY not in app:
        app[SKM_SOURCE_KEY] = SkmSource()
    return app[SKM_SOURCE_KEY]


SKM_OFFICE_KEY = web.AppKey("skm_pages_office", Office)


def today_of(office: Office) -> date:
    return local_day(office.clock(), office.config.zone)


def logo_of(office: Office) -> Path | None:
    """The letterhead's logo file in the data dir, if it is there."""
    name = office.config.letterhead.logo
    path = Path(office.data_dir) / name if name else None
    return path if path is not None and path.is_file() else None


def skm_format(request: web.Request) -> str:
    """`format=` of `/api/v1/reports/skm`: json (the default), xlsx or pdf; else a 400."""
    wanted = request.query.get("format", "json").strip().lower()
    if wanted not in SKM_FORMATS:
        known = ", ".join(SKM_FORMATS)
        message = (f"unknown format {wanted[:20]!r} (choose from: {known})"
                   if str(language_of(request)) == "en"
                   else f"format tidak dikenal: {wanted[:20]!r} (pilihan: {known})")  # fmt: skip
        raise ApiFailure(400, "bad_request", message)
    return wanted


async def skm_file(
    request: web.Request, office: Office, figures: Mapping[str, Any], first: date, last: date
) -> web.Response | None:
    """The SKM tables as the download `format=xlsx|pdf` asks for (rendered in the reports'
    worker process), or None for JSON."""
    wanted = skm_format(request)
    if wanted == "json":
        return None
    job = ReportJob(
        kind="skm", first=first, last=last, today=today_of(office), format=wanted,
        language=str(language_of(request)), skm=figures, logo=logo_of(office),
    )  # fmt: skip
    rendered = await RUNNER.run(job, office.config, office.data_dir)
    return web.Response(
        body=rendered.body,
        headers={"Content-Type": rendered.content_type, "Cache-Control": "no-store",
                 "Content-Disposition": f'attachment; filename="{job.filename}"'},
    )  # fmt: skip


def picker_context(
    request: web.Request, office: Office, period: Period | None, error: str | None
) -> dict[str, Any]:
    """What the period picker of a report page shows."""
    language = language_of(request)
    today = today_of(office)
    shown = period or Period(PeriodKind.MONTH, today.replace(day=1), today)
    lang = str(language)
    return {
        "r": REPORT_TEXTS[language],
        "chosen": str(shown.kind),
        "first": shown.first.isoformat(),
        "last": shown.last.isoformat(),
        "period_text": f"{long_date(shown.first, lang)} – {long_date(shown.last, lang)}",
        "error": error,
        "view": None,
    }


def period_from(request: web.Request, office: Office) -> tuple[Period | None, str | None]:
    """The picker's period, or the message saying why it cannot be read."""
    try:
        return period_of(request.query, today_of(office)), None
    except BadPeriod as exc:
        return None, REPORT_TEXTS[language_of(request)]["bad_period"].format(problem=exc)


async def skm_page(request: web.Request) -> web.Response:
    account = person(request, AccountRole.SUPERVISOR)
    if isinstance(account, web.Response):
        return account
    office = request.app[SKM_OFFICE_KEY]
    period, error = period_from(request, office)
    context = picker_context(request, office, period, error)
    if period is None:
        return render(request, "admin/skm.html", context, status=400)
    figures_of = request.app[SKM_SOURCE_KEY].figures
    figures = None
    if figures_of is not None:
        figures = await asyncio.to_thread(figures_of, period.first, period.last)
    context["view"] = skm_view(figures, period, language_of(request))
    return render(request, "admin/skm.html", context)


def setup_skm_pages(app: web.Application, office: Office) -> None:
    """Register /admin/skm (before /admin's catch-all)."""
    app[SKM_OFFICE_KEY] = office
    skm_source(app)
    app.router.add_get("/admin/skm", skm_page)


__all__ = [
    "SKM_SOURCE_KEY",
    "SkmSource",
    "logo_of",
    "setup_skm_pages",
    "skm_file",
    "skm_format",
    "skm_source",
    "today_of",
]
