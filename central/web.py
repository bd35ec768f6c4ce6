"""The central's HTTP face: the ingest API for offices, the city API, the city dashboard.

Handlers parse, call one store function in the executor (never on the event loop) and
serialise. Offices authenticate with the token `office add` printed; the city API takes a
read token (`token create`) or a signed-in supervisor/admin session (the same sessions,
CSRF protection and sign-in limits as the office's /admin, `server.web.sessions`).
The dashboard's pages are /admin's: rendered by `server.web.admin.render_page` in the
frame `admin/frame.html` with the sign-in card of /admin (the central's templates are
looked up first, then the office's).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp_jinja2
import jinja2
from aiohttp import web

from central.batch import parse_batch, parse_log_id
from central.errors import BadBatch, IngestConflict
from central.letterhead import CityLetterhead
from central.overview import city_overview, office_json
from central.pdf import check_printable, city_skm_pdf, city_summary_report_pdf, signed_on
from central.reports import (
    OFFICE_GROUP,
    city_reports,
    city_summary,
    city_summary_csv,
    city_summary_workbook,
    office_summary,
    office_visits,
)
from central.skm import city_skm, city_skm_csv, city_skm_workbook
from central.store import CentralStore, Office
from central.texts import CITY_ZONE, TEXTS, clock_text, minutes_text
from server.accounts import Accounts, Refusal
from server.auth import bearer
from server.json_text import dumps
from server.reports.csv_text import summary_csv, visits_csv
from server.reports.formats import PDF_TYPE, XLSX_TYPE
from server.reports.request import (
    BadReportRequest,
    parse_counter,
    parse_groups,
    parse_range,
    parse_service,
)
from server.reports.skm import PERFORMANCE_EN
from server.reports.summary import Group
from server.storage.port import Account, AccountRole
from server.web import sessions as session_module
from server.web.admin import NO_STORE, language_of, render_page, sign_in_page, signed_in
from server.web.decode import BadJson, decode_json
from server.web.errors import ApiFailure, error_middleware
from server.web.pages import STATIC_DIR, STATIC_KEY, TEMPLATE_DIR, load_static, static_file
from server.web.phone_text import Language
from server.web.query import query_int, whole_number
from server.web.sessions import (
    SESSIONS_KEY,
    Session,
    clear_cookie,
    current_session,
    may,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
PACKAGE_DIR = Path(__file__).parent
API = "/api/v1"
MAX_BODY_BYTES = 16 * 1024 * 1024  # 1,000 events of a busy office, with room
STORE_KEY = web.AppKey("central_store", CentralStore)
EXECUTOR_KEY = web.AppKey("central_executor", ThreadPoolExecutor)
CLOCK_KEY: web.AppKey[Callable[[], datetime]] = web.AppKey("central_clock")
LETTERHEAD_KEY = web.AppKey("central_letterhead", CityLetterhead)
LOG_LIMIT_MAX = 10_000
POLL_MS = 5000
DOWNLOADS = ("json", "csv", "xlsx", "pdf")  # the city reports' formats


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=dumps(body), status=status, content_type="application/json", headers=NO_STORE
    )


async def off_loop(request: web.Request, function: Callable[..., T], *arguments: Any) -> T:
    """Run a blocking store call in the central's executor."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[EXECUTOR_KEY], function, *arguments)


def now_of(request: web.Request) -> datetime:
    return request.app[CLOCK_KEY]()


# ------------------------------------------------------------------ who asks


async def office_of(request: web.Request) -> Office:
    """The office whose token the request carries, else 401."""
    secret = bearer(request)
    if not secret or len(secret) > 128:
        raise ApiFailure(401, "unauthorized", "Perlu token kantor: Authorization: Bearer <token>.")
    office = await off_loop(request, request.app[STORE_KEY].office_for_token, secret)
    if office is None:
        raise ApiFailure(401, "unauthorized", "Token kantor tidak dikenal.")
    return office


async def reader_of(request: web.Request) -> str:
    """A read token's name or a signed-in supervisor's; else 401/403."""
    secret = bearer(request)
    if secret:
        name = None
        if len(secret) <= 128:
            name = await off_loop(request, request.app[STORE_KEY].reader_for_token, secret)
        if name is None:
            raise ApiFailure(401, "unauthorized", "Token tidak dikenal atau sudah dicabut.")
        return f"token {name}"
    session = current_session(request)
    account = session.account if session is not None else None
    if account is None:
        raise ApiFailure(401, "unauthorized", "Masuk di / atau kirim token baca kota.")
    if not may(account, AccountRole.SUPERVISOR):
        raise ApiFailure(403, "forbidden", "Akun ini tidak boleh membaca data kota.")
    return account.name


def office_clock(request: web.Request) -> datetime | None:
    """The office's clock from its request's `Date` header (for the skew shown)."""
    header = request.headers.get("Date")
    if not header or len(header) > 64:
        return None
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


# ------------------------------------------------------------------ ingest


async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "service": "antrian-central"})


async def ingest_state(request: web.Request) -> web.Response:
    office = await office_of(request)
    log_id = None
    if "log_id" in request.query:  # the record the office holds: another one is a conflict
        try:
            log_id = parse_log_id(request.query["log_id"])
        except BadBatch as exc:
            raise ApiFailure(400, "bad_request", str(exc), path=exc.path) from exc
    office = await off_loop(
        request, request.app[STORE_KEY].heard_from, office.id, now_of(request),
        office_clock(request), log_id,
    )  # fmt: skip
    return json_response({"log_id": office.log_id, "last_event_id": office.last_event_id})


async def ingest(request: web.Request) -> web.Response:
    office = await office_of(request)
    try:
        body = decode_json(await request.read())
        batch = parse_batch(body)
    except BadJson as exc:
        raise ApiFailure(400, "bad_json", f"Isi permintaan bukan JSON yang sah: {exc}") from exc
    except BadBatch as exc:
        raise ApiFailure(400, "bad_request", str(exc), path=exc.path) from exc
    try:
        stored = await off_loop(
            request, request.app[STORE_KEY].ingest, office.id, batch, now_of(request),
            office_clock(request),
        )  # fmt: skip
    except IngestConflict as exc:
        raise ApiFailure(409, exc.code, str(exc), **exc.held) from exc
    return json_response(
        {"log_id": batch.log_id, "last_event_id": stored.last_event_id, "stored": stored.stored}
    )


# ------------------------------------------------------------------ the city API


async def offices_api(request: web.Request) -> web.Response:
    await reader_of(request)
    now = now_of(request)
    figures = await off_loop(request, city_overview, request.app[STORE_KEY], now)
    return json_response({"offices": [office_json(item, now) for item in figures]})


async def office_log(request: web.Request) -> web.Response:
    """An office's events as the central holds them (the shape of the office's own /log):
    its current record's, or with `?record=ID` one of its `records`."""
    office = await _drilled_office(request)
    after = query_int(request, "after", 0, 10**15)
    limit = query_int(request, "limit", 1000, LOG_LIMIT_MAX, 1)
    wanted = query_int(request, "record", office.record, 2**62)
    record = next((item for item in office.records if item.id == wanted), None)
    if record is None:
        raise ApiFailure(404, "unknown_record", "Catatan ini bukan milik kantor tersebut.")
    events = await off_loop(request, request.app[STORE_KEY].events_of, record.id, after, limit)
    return json_response(
        {
            "log_id": record.log_id,
            "record": record.id,
            "events": events,
            "last_id": events[-1]["id"] if events else after,
            "head_id": record.last_event_id,
        }
    )


# ------------------------------------------------------------------ reports


def _report_failure(request: web.Request, exc: BadReportRequest) -> ApiFailure:
    return ApiFailure(400, "bad_request", exc.message(str(language_of(request))))


def _format_wanted(request: web.Request, choices: tuple[str, ...] = ("json", "csv")) -> str:
    wanted = request.query.get("format", "json").strip().lower()
    if wanted not in choices:
        listed = ", ".join(choices)
        raise _report_failure(
            request,
            BadReportRequest(
                f"format tidak dikenal: {wanted[:20]!r} (pilihan: {listed})",
                f"unknown format {wanted[:20]!r} (choose from: {listed})",
            ),
        )
    return wanted


def _csv_wanted(request: web.Request) -> bool:
    return _format_wanted(request) == "csv"


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "pdf": PDF_TYPE}


def _file(body: bytes, extension: str, name: str, first: date, last: date) -> web.Response:
    """A report download: `ringkasan-kota-2026-12-01-2026-12-31.pdf`."""
    return web.Response(
        body=body,
        headers={
            "Content-Type": CONTENT_TYPES[extension],
            "Content-Disposition": f'attachment; filename="{name}-{first}-{last}.{extension}"',
            **NO_STORE,
        },
    )


def _city_groups(text: str | None) -> tuple[str, ...]:
    parts = [part.strip().lower() for part in (text or "").split(",") if part.strip()]
    inner = parse_groups(",".join(part for part in parts if part != OFFICE_GROUP))
    if parts.count(OFFICE_GROUP) > 1:
        raise BadReportRequest("pengelompokan office disebut dua kali", "group office is twice")
    if inner and OFFICE_GROUP not in parts:
        raise BadReportRequest(
            "laporan kota dikelompokkan per kantor dulu: tambahkan 'office' (mis. office,month)",
            "city reports group by office first: add 'office' (e.g. office,month)",
        )
    return (OFFICE_GROUP, *(str(group) for group in inner)) if parts else ()


async def city_report_summary(request: web.Request) -> web.Response:
    await reader_of(request)
    try:
        first, last = parse_range(request.query.get("from"), request.query.get("to"))
        groups = _city_groups(request.query.get("group"))
        service = parse_service(request.query.get("service"))
    except BadReportRequest as exc:
        raise _report_failure(request, exc) from exc
    wanted = _format_wanted(request, DOWNLOADS)
    result = await off_loop(
        request, city_summary, request.app[STORE_KEY], first, last, groups, now_of(request),
        service,
    )  # fmt: skip
    language = str(language_of(request))
    if wanted == "csv":
        return _file(city_summary_csv(result, language), "csv", "ringkasan-kota", first, last)
    if wanted == "xlsx":
        body = await off_loop(request, city_summary_workbook, result, language)
        return _file(body, "xlsx", "ringkasan-kota", first, last)
    if wanted == "pdf":
        try:
            check_printable(result)
        except BadReportRequest as exc:
            raise _report_failure(request, exc) from exc
        body = await off_loop(
            request, city_summary_report_pdf, request.app[STORE_KEY], result,
            request.app[LETTERHEAD_KEY], signed_on(now_of(request), last), language, service,
        )  # fmt: skip
        return _file(body, "pdf", "ringkasan-kota", first, last)
    return json_response(result.to_json())


def _office_id(text: str | None) -> int | None:
    """`office=ID` of a city report (None: every office)."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 16:
        raise BadReportRequest(
            f"parameter 'office' harus nomor kantor: {text[:20]!r}",
            f"'office' must be an office number: {text[:20]!r}",
        )
    return int(text)


async def city_report_skm(request: web.Request) -> web.Response:
    """The SKM per office and for the city (all respondents pooled)."""
    await reader_of(request)
    try:
        first, last = parse_range(request.query.get("from"), request.query.get("to"))
        office_id = _office_id(request.query.get("office"))
    except BadReportRequest as exc:
        raise _report_failure(request, exc) from exc
    wanted = _format_wanted(request, DOWNLOADS)
    result = await off_loop(request, city_skm, request.app[STORE_KEY], first, last, office_id)
    if result is None:
        raise ApiFailure(404, "unknown_office", "Kantor tidak dikenal.")
    language = str(language_of(request))
    if wanted == "csv":
        return _file(city_skm_csv(result, language), "csv", "skm-kota", first, last)
    if wanted == "xlsx":
        body = await off_loop(request, city_skm_workbook, result, language)
        return _file(body, "xlsx", "skm-kota", first, last)
    if wanted == "pdf":
        body = await off_loop(
            request, city_skm_pdf, result, request.app[LETTERHEAD_KEY],
            signed_on(now_of(request), last), language, office_id is not None,
        )  # fmt: skip
        return _file(body, "pdf", "skm-kota", first, last)
    return json_response(result.to_json())


async def _path_office(request: web.Request) -> Office | None:
    """The office `{office_id}` of the path names, if the central knows it."""
    office_id = whole_number(request.match_info["office_id"])
    if office_id is None:
        return None
    return await off_loop(request, request.app[STORE_KEY].office, office_id)


async def _drilled_office(request: web.Request) -> Office:
    """The office of a drill-down call a reader may see; else 401/403/404."""
    await reader_of(request)
    office = await _path_office(request)
    if office is None:
        raise ApiFailure(404, "unknown_office", "Kantor tidak dikenal.")
    return office


@dataclass(frozen=True, slots=True)
class DrillDown:
    """What a drill-down report asks for: the dates, optional groups, service and counter."""

    first: date
    last: date
    groups: tuple[Group, ...]
    service: str | None
    counter: int | None


def _drill_down(request: web.Request, grouped: bool = False) -> DrillDown:
    """The query of an office's report at the central (as the office's own API reads it)."""
    query = request.query
    try:
        first, last = parse_range(query.get("from"), query.get("to"))
        groups = parse_groups(query.get("group")) if grouped else ()
        service = parse_service(query.get("service"))
        counter = parse_counter(query.get("counter"))
    except BadReportRequest as exc:
        raise _report_failure(request, exc) from exc
    return DrillDown(first, last, groups, service, counter)


async def office_report_summary(request: web.Request) -> web.Response:
    """An office's summary as its own /admin gives it (read-only, from the central's copy)."""
    office = await _drilled_office(request)
    asked = _drill_down(request, grouped=True)
    csv_wanted = _csv_wanted(request)
    result = await off_loop(
        request, office_summary, request.app[STORE_KEY], office, asked.first, asked.last,
        asked.groups, now_of(request), asked.service, asked.counter,
    )  # fmt: skip
    if csv_wanted:
        body = summary_csv(result, str(language_of(request)))
        return _file(body, "csv", "ringkasan", asked.first, asked.last)
    return json_response(result.to_json())


async def office_report_visits(request: web.Request) -> web.Response:
    office = await _drilled_office(request)
    asked = _drill_down(request)
    csv_wanted = _csv_wanted(request)
    result = await off_loop(
        request, office_visits, request.app[STORE_KEY], office, asked.first, asked.last,
        now_of(request), asked.service, asked.counter,
    )  # fmt: skip
    if csv_wanted:
        body = visits_csv(result, str(language_of(request)))
        return _file(body, "csv", "kunjungan", asked.first, asked.last)
    return json_response(result.to_json())


# ------------------------------------------------------------------ pages


def render(
    request: web.Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    session: Session | None = None,
) -> web.Response:
    """A dashboard page: /admin's rendering with the central's texts; `?lang=` is kept."""
    return render_page(
        request, template, context, TEXTS, status, session, remember_language=True,
        compress=False,
    )  # fmt: skip


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, **NO_STORE})


def csrf_refused(request: web.Request) -> web.Response:
    return render(request, "message.html", {"kind": "csrf"}, status=403)


def row_view(item: dict[str, Any], office: Office, language: Language) -> dict[str, Any]:
    """What the dashboard's row shows (the same words the script writes when it refreshes)."""
    texts = TEXTS[language]
    if item["last_seen"] is None:
        link = texts["never_seen"]
    else:
        seen = datetime.fromisoformat(item["last_seen"])
        link = texts["seen_at"].format(time=clock_text(seen, office.utc_offset_s))
        if not item["stale"]:
            link = texts["live"]
    share = item["within_standard"]
    skew = item["clock_skew_s"]
    return {
        **item,
        "link_text": link,
        "longest_wait_text": minutes_text(item["longest_wait_s"], language),
        "mean_wait_text": minutes_text(item["wait_s"]["mean"], language),
        "within_text": f"{round(share * 100)}%" if share is not None else texts["none"],
        "ikm_text": f"{item['ikm_month']:.2f}" if item["ikm_month"] is not None else texts["none"],
        "skew_text": (
            texts["clock_skew"].format(minutes=round(abs(skew) / 60))
            if skew is not None and abs(skew) > 300
            else None
        ),
    }


def _page_refused(request: web.Request) -> web.Response | None:
    """A page's answer to someone not signed in (the sign-in page) or not a supervisor (403)."""
    session = current_session(request)
    account: Account | None = session.account if session is not None else None
    if account is None:
        return redirect("/login")
    if not may(account, AccountRole.SUPERVISOR):
        return render(request, "message.html", {"kind": "forbidden"}, status=403)
    return None


def _page_range(
    request: web.Request, today: date, language: Language
) -> tuple[date, date, str | None]:
    """A page's `from`/`to` (this month up to today when not given), and why a wrong one
    was replaced by that default (None when it was not)."""
    if "from" not in request.query and "to" not in request.query:
        return today.replace(day=1), today, None
    try:
        first, last = parse_range(request.query.get("from"), request.query.get("to"))
    except BadReportRequest as exc:
        return today.replace(day=1), today, exc.message(str(language))
    return first, last, None


async def dashboard_page(request: web.Request) -> web.Response:
    refused = _page_refused(request)
    if refused is not None:
        return refused
    language = language_of(request)
    now = now_of(request)
    figures = await off_loop(request, city_overview, request.app[STORE_KEY], now)
    rows = [row_view(office_json(item, now), item.office, language) for item in figures]
    return render(
        request, "dashboard.html",
        {"rows": rows, "poll_ms": POLL_MS, "updated": clock_text(now, 7 * 3600)},
    )  # fmt: skip


async def office_page(request: web.Request) -> web.Response:
    """One office's reports, read-only: its summary by service for a range, its CSVs."""
    refused = _page_refused(request)
    if refused is not None:
        return refused
    language = language_of(request)
    office = await _path_office(request)
    if office is None:
        return render(request, "message.html", {"kind": "unknown_office"}, status=404)
    now = now_of(request)
    today = office.today(now)
    first, last, error = _page_range(request, today, language)
    result = await off_loop(
        request, office_summary, request.app[STORE_KEY], office, first, last,
        (Group.SERVICE,), now,
    )  # fmt: skip
    texts = TEXTS[language]
    rows = [
        summary_row(str(row.keys[0][1]), row.figures.to_json(), language) for row in result.rows
    ]
    rows.append(summary_row(texts["all_services"], result.total.to_json(), language, total=True))
    return render(
        request, "office.html",
        {"office": office, "first": first.isoformat(), "last": last.isoformat(), "rows": rows,
         "error": error},
        status=400 if error else 200,
    )  # fmt: skip


async def city_reports_page(request: web.Request) -> web.Response:
    """The city's reports for a range: the within-standard ranking and the SKM per office."""
    refused = _page_refused(request)
    if refused is not None:
        return refused
    language = language_of(request)
    now = now_of(request)
    today = now.astimezone(CITY_ZONE).date()
    first, last, error = _page_range(request, today, language)
    summary, skm = await off_loop(request, city_reports, request.app[STORE_KEY], first, last, now)
    texts = TEXTS[language]
    ranking = [
        {
            "rank": row["rank"] if row["rank"] is not None else texts["none"],
            "name": row["office_name"],
            "served": row["served"],
            "within": share_text(row["within_standard"], language),
        }
        for row in summary.ranking()
    ]
    body = skm.to_json()
    skm_rows = [skm_row(row["office_name"], row, language) for row in body["offices"]] + [
        skm_row(texts["total"], body["city"], language, total=True)
    ]
    return render(
        request, "reports.html",
        {"first": first.isoformat(), "last": last.isoformat(), "ranking": ranking,
         "skm": skm_rows, "error": error},
        status=400 if error else 200,
    )  # fmt: skip


def share_text(share: float | None, language: Language) -> str:
    return f"{round(share * 100)}%" if share is not None else TEXTS[language]["none"]


def skm_row(
    label: str, index: dict[str, Any], language: Language, total: bool = False
) -> dict[str, Any]:
    none = TEXTS[language]["none"]
    performance = index["performance"]
    if language is Language.ENGLISH and index["grade"] is not None:
        performance = PERFORMANCE_EN[index["grade"]]
    return {
        "name": label, "total": total, "respondents": index["respondents"],
        "ikm": f"{index['ikm']:.2f}" if index["ikm"] is not None else none,
        "grade": index["grade"] or none, "performance": performance or none,
    }  # fmt: skip


def summary_row(
    label: str, figures: dict[str, Any], language: Language, total: bool = False
) -> dict[str, Any]:
    share = figures["within_standard"]
    wait = figures["wait_s"]
    return {
        "label": label, "total": total, "issued": figures["issued"],
        "served": figures["served"], "no_show": figures["no_show"],
        "mean": minutes_text(wait["mean"], language),
        "median": minutes_text(wait["median"], language),
        "p90": minutes_text(wait["p90"], language),
        "within": share_text(share, language),
    }  # fmt: skip


async def login_page(request: web.Request) -> web.Response:
    return sign_in_page(
        request, "/",
        lambda session: render(request, "login.html", {"error": None, "name": ""},
                               session=session),
    )  # fmt: skip


async def login(request: web.Request) -> web.Response:
    session = current_session(request)
    if session is None:
        return csrf_refused(request)
    form = await request.post()
    name = str(form.get("name") or "")[:200]
    password = str(form.get("password") or "")[:300]
    accounts = request.app[session_module.ACCOUNTS_KEY]
    address = request.remote or "?"
    answer = await off_loop(request, accounts.sign_in, name, password, address)
    texts = TEXTS[language_of(request)]
    if answer.account is None or not may(answer.account, AccountRole.SUPERVISOR):
        if answer.refusal is Refusal.TOO_MANY:
            error = texts["too_many"].format(minutes=max(1, round(answer.wait_s / 60)))
        elif answer.refusal is Refusal.CLERK:
            error = texts["forbidden"]
        else:
            error = texts["wrong"]
        return render(request, "login.html", {"error": error, "name": name}, status=401)
    return signed_in(request, session, answer.account, "/")


async def logout(request: web.Request) -> web.Response:
    session = current_session(request)
    if session is not None:
        request.app[SESSIONS_KEY].end(session)
    response = redirect("/login")
    clear_cookie(request, response)
    return response


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")


def create_app(
    store: CentralStore,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    workers: int = 8,
    letterhead: CityLetterhead | None = None,
) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[error_middleware])
    app[STORE_KEY] = store
    app[LETTERHEAD_KEY] = letterhead or CityLetterhead()
    app[CLOCK_KEY] = clock
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="central-db")
    app[EXECUTOR_KEY] = executor
    session_module.install(app, Accounts(store), csrf_refused)
    app[STATIC_KEY] = {**load_static(STATIC_DIR), **load_static(PACKAGE_DIR / "static")}
    # the central's pages first, then the frame and the parts they share with /admin
    templates = [PACKAGE_DIR / "templates", TEMPLATE_DIR]
    environment = aiohttp_jinja2.setup(
        app, loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(path) for path in templates]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    files = app[STATIC_KEY]
    environment.globals["static"] = lambda name: f"/static/{name}?v={files[name].version}"
    app.on_response_prepare.append(_security_headers)

    async def stop_executor(app: web.Application) -> None:
        executor.shutdown(wait=True, cancel_futures=True)

    app.on_cleanup.append(stop_executor)
    app.router.add_get(f"{API}/health", health)
    app.router.add_get(f"{API}/city/ingest", ingest_state)
    app.router.add_post(f"{API}/city/ingest", ingest)
    app.router.add_get(f"{API}/city/offices", offices_api)
    app.router.add_get(f"{API}/city/offices/{{office_id}}/log", office_log)
    app.router.add_get(f"{API}/city/reports/summary", city_report_summary)
    app.router.add_get(f"{API}/city/reports/skm", city_report_skm)
    app.router.add_get(f"{API}/city/offices/{{office_id}}/reports/summary", office_report_summary)
    app.router.add_get(f"{API}/city/offices/{{office_id}}/reports/visits", office_report_visits)
    app.router.add_get("/", dashboard_page)
    app.router.add_get("/offices/{office_id}", office_page)
    app.router.add_get("/reports", city_reports_page)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/static/{name}", static_file)
    return app
