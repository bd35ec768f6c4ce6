"""The SKM survey's routes: answers from the phone and the tablet, the tablet page, the report.

- `POST /api/v1/tickets/{id}/survey?key=…` (JSON; the ticket's key is the capability)
- `POST /t/{id}/survey?key=…` (the phone page's plain HTML form, without JavaScript)
- `GET|POST /api/v1/counters/{n}/survey` (a `survey` device of that counter)
- `GET /survey/{n}` (the tablet page), `GET /api/v1/reports/skm?from=…&to=…[&service=…]`
"""

from __future__ import annotations

import hmac
from datetime import date, timedelta
from typing import Any

from aiohttp import web

from server.auth import authorize
from server.domain.model import Ticket
from server.domain.survey import BadSurvey, Channel, parse_answer
from server.json_text import dumps
from server.office import Office
from server.survey import AlreadyAnswered, NotDone, SkmReport, SurveyDesk, build_skm_report
from server.web import survey_text
from server.web.device_text import LABELS as DEVICE_LABELS
from server.web.device_text import Language as DeviceLanguage
from server.web.errors import ApiFailure
from server.web.pages import _render
from server.web.skm_pages import skm_file, skm_format, skm_source
from server.web.survey_view import SURVEY_KEY, form_context

MAX_PERIOD_DAYS = 366
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, text=dumps(body), headers=JSON_HEADERS)


def _language(request: web.Request) -> str:
    return survey_text.language_of(request.query.get("lang"))


def _failure(status: int, code: str, request: web.Request, **values: object) -> ApiFailure:
    return ApiFailure(status, code, survey_text.error_text(code, _language(request), **values))


def _desk(request: web.Request) -> SurveyDesk:
    return request.app[SURVEY_KEY]


async def _ticket_with_key(request: web.Request) -> Ticket:
    text = request.match_info["ticket_id"]
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise _failure(404, "unknown_ticket", request)
    _, ticket = await _desk(request).office.find_ticket(int(text))
    key = request.query.get("key", "")
    if ticket is None or not hmac.compare_digest(key.encode(), ticket.key.encode()):
        raise _failure(404, "unknown_ticket", request)
    return ticket


async def _answer(
    request: web.Request, ticket: Ticket, body: dict[str, Any], channel: Channel
) -> web.Response:
    language = _language(request)
    try:
        SurveyDesk.ensure_done(ticket)
        answer = parse_answer(body)
        event = await _desk(request).answer(ticket, answer, channel)
    except BadSurvey as exc:
        raise ApiFailure(400, "invalid_survey", survey_text.bad_survey_text(exc, language)) from exc
    except (NotDone, AlreadyAnswered) as exc:
        raise ApiFailure(409, exc.code, survey_text.error_text(exc.code, language)) from exc
    return _json({"ticket": ticket.id, "number": ticket.number, "event": event.id}, status=201)


async def ticket_survey(request: web.Request) -> web.Response:
    """The visitor's answer from the phone (anonymous: the ticket's key is enough)."""
    from server.web.routes import read_object  # routes registers this module

    ticket = await _ticket_with_key(request)
    body = await read_object(request)
    return await _answer(request, ticket, body, Channel.PHONE)


async def ticket_survey_form(request: web.Request) -> web.StreamResponse:
    """The phone page's form without JavaScript: a page again, with thanks or the mistake."""
    from server.web.pages import ticket_page

    ticket = await _ticket_with_key(request)
    language = _language(request)
    try:
        SurveyDesk.ensure_done(ticket)
    except NotDone as exc:
        raise ApiFailure(409, exc.code, survey_text.error_text(exc.code, language)) from exc
    form = await request.post()
    fields = {name: str(value) for name, value in form.items() if isinstance(value, str)}
    body = {
        "answers": {key: fields[key] for key in survey_text.ELEMENT_KEYS if fields.get(key)},
        "respondent": {
            name: fields[name]
            for name in ("age", "gender", "education", "occupation")
            if fields.get(name)
        },
        "comment": fields.get("comment") or None,
    }
    try:
        await _desk(request).answer(ticket, parse_answer(body), Channel.PHONE)
    except BadSurvey as exc:
        return await ticket_page(request, survey_text.bad_survey_text(exc, language), fields, 400)
    except NotDone as exc:
        raise ApiFailure(409, exc.code, survey_text.error_text(exc.code, language)) from exc
    except AlreadyAnswered:
        pass  # a second tap on "send": the same thank-you
    suffix = "&lang=en" if language == "en" else ""
    raise web.HTTPSeeOther(f"/t/{ticket.id}?key={ticket.key}{suffix}")


def _counter(request: web.Request) -> int:
    from server.web.routes import int_segment

    return int_segment(request, "number")


def _tablet_ticket_json(office: Office, ticket: Ticket) -> dict[str, Any]:
    service = office.config.service(ticket.service)
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "service_name": service.name if service is not None else ticket.service,
        "finished_at": ticket.finished_at.astimezone(office.config.zone).isoformat()
        if ticket.finished_at is not None
        else None,
    }


async def counter_survey(request: web.Request) -> web.Response:
    """The visitor the tablet asks now: the counter's last one served, in the past 15 min."""
    from server.storage.port import Role

    number = _counter(request)
    authorize(request, Role.SURVEY, counter=number)
    desk = _desk(request)
    ticket = await desk.tablet_ticket(number)
    body = _tablet_ticket_json(desk.office, ticket) if ticket is not None else None
    return _json({"counter": number, "ticket": body})


async def counter_survey_answer(request: web.Request) -> web.Response:
    """The tablet's answer for the counter's last visitor (`ticket`: the one it showed)."""
    from server.storage.port import Role
    from server.web.routes import read_object

    number = _counter(request)
    authorize(request, Role.SURVEY, counter=number)
    body = await read_object(request)
    desk = _desk(request)
    ticket = await desk.tablet_ticket(number)
    shown = body.get("ticket")
    if ticket is None or (shown is not None and shown != ticket.id):
        # answered already, too late, or the next visitor was served meanwhile
        raise _failure(409, "no_visitor", request)
    return await _answer(request, ticket, body, Channel.TABLET)


async def tablet_page(request: web.Request) -> web.Response:
    """`/survey/{n}`: the tablet at loket n (paired as a `survey` device)."""
    from server.web.routes import OFFICE_KEY

    number = _counter(request)
    office = request.app[OFFICE_KEY]
    try:
        office.day.counter(number)
    except Exception as exc:  # an unknown counter: the JSON 404 of the API
        raise ApiFailure(404, "unknown_counter", f"Loket {number} tidak ada") from exc
    language = _language(request)
    device_language = DeviceLanguage.from_query(language)
    survey = form_context(language)
    labels = survey["labels"]
    survey |= {"answered": False, "action": "", "api": "", "heading": " ", "error": None}
    device_labels = DEVICE_LABELS[device_language]
    context = {
        "lang": language,
        "labels": device_labels,
        "survey": survey,
        "office": office.config.office_name,
        "page": "survey",
        "counter": number,
        "switch_lang": "id" if language == "en" else "en",
        "title": labels["tablet_title"].format(counter=number),
        "config": {
            "page": "survey",
            "lang": language,
            "labels": device_labels,
            "survey_labels": labels,
            "office": office.config.office_name,
            "timezone": office.config.timezone,
            "counter": number,
        },
    }
    response = _render(request, "survey.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ the report


def _day(request: web.Request, name: str) -> date:
    text = request.query.get(name, "")
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _failure(400, "bad_period", request) from exc


def _fraction(value: Any) -> float:
    return round(float(value), 6)


def report_json(report: SkmReport, language: str = "id") -> dict[str, Any]:
    """The SKM report as `GET /api/v1/reports/skm` gives it."""
    index = report.index
    names = survey_text.ELEMENT_NAMES[language]
    body: dict[str, Any] = {
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "service": report.service,
        **index_json(index),
        "weakest": [
            {"element": key, "name": names[key], "nrr": _fraction(index.nrr[key])}
            for key in index.weakest
        ]
        if index.nrr is not None
        else [],
        "elements": dict(names),
        "population": report.population,
        "required_respondents": report.required_respondents,
        "enough_respondents": index.respondents >= report.required_respondents,
        "services": [
            {"service": item.service, **index_json(item.index)} for item in report.services
        ],
        "suggestions": [
            {"day": item.day.isoformat(), "service": item.service, "comment": item.comment}
            for item in report.suggestions
        ],
        "profile": report.profile,
    }
    return body


def index_json(index: Any) -> dict[str, Any]:
    return {
        "respondents": index.respondents,
        "nrr": {key: _fraction(value) for key, value in index.nrr.items()}
        if index.nrr is not None
        else None,
        "nrr_weighted": {key: _fraction(value) for key, value in index.weighted.items()}
        if index.weighted is not None
        else None,
        "ikm": float(index.ikm) if index.ikm is not None else None,
        "grade": index.grade,
        "performance": index.performance,
    }


async def skm_report(request: web.Request) -> web.Response:
    """`GET /api/v1/reports/skm?from=…&to=…[&service=A]` (admin token or a supervisor)."""
    from server.storage.port import AccountRole
    from server.web.sessions import api_actor

    api_actor(request, AccountRole.SUPERVISOR)
    first, last = _day(request, "from"), _day(request, "to")
    if last < first or last - first > timedelta(days=MAX_PERIOD_DAYS - 1):
        raise _failure(400, "bad_period", request)
    service = request.query.get("service") or None
    desk = _desk(request)
    if service is not None and desk.office.config.service(service) is None:
        raise _failure(404, "unknown_service", request, service=service[:8])
    skm_format(request)  # a bad format is refused before the database is read
    report = await desk.report(first, last, service)
    body = report_json(report, _language(request))
    download = await skm_file(request, desk.office, body, first, last)
    return download if download is not None else _json(body)


# ------------------------------------------------------------------ setup


async def _start_retention(app: web.Application) -> None:
    app[SURVEY_KEY].start_retention()


async def _stop_retention(app: web.Application) -> None:
    await app[SURVEY_KEY].stop_retention()


def setup_survey(app: web.Application, office: Office) -> None:
    """Register the survey's routes (before the generic `/counters/{n}/{action}`)."""
    app[SURVEY_KEY] = SurveyDesk(office)
    # the /admin SKM page and the monthly report read the same figures
    skm_source(app).figures = lambda first, last: report_json(
        build_skm_report(office.store, first, last)
    )
    app.on_startup.append(_start_retention)
    app.on_cleanup.append(_stop_retention)
    app.router.add_post("/api/v1/tickets/{ticket_id}/survey", ticket_survey)
    app.router.add_post("/t/{ticket_id}/survey", ticket_survey_form)
    app.router.add_get("/api/v1/counters/{number}/survey", counter_survey)
    app.router.add_post("/api/v1/counters/{number}/survey", counter_survey_answer)
    app.router.add_get("/survey/{number}", tablet_page)
    app.router.add_get("/api/v1/reports/skm", skm_report)


__all__ = ["SURVEY_KEY", "report_json", "setup_survey"]
