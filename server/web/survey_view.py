"""What the survey form shows: the questionnaire, the profile choices, the texts.

Shared by the phone page (`/t/{id}`, once the ticket is done) and the tablet page
(`/survey/{counter}`); both render `survey_form.html`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.domain.model import Ticket, TicketStatus
from server.survey import SurveyDesk
from server.web import survey_text

SURVEY_KEY = web.AppKey("survey", SurveyDesk)


def form_context(language: str, chosen: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form's questions, choices and labels (`chosen`: values sent before, kept)."""
    return {
        "questions": survey_text.questionnaire(language),
        "choices": survey_text.profile_choices(language),
        "labels": survey_text.LABELS[language],
        "chosen": chosen or {},
    }


async def phone_survey(
    request: web.Request, ticket: Ticket, language: str, query: str
) -> dict[str, Any] | None:
    """The phone page's survey part: None before the ticket is done."""
    if ticket.status is not TicketStatus.DONE or SURVEY_KEY not in request.app:
        return None
    desk = request.app[SURVEY_KEY]
    answered = await desk.answered(ticket.id)
    context = form_context(language)
    context |= {
        "answered": answered,
        "action": f"/t/{ticket.id}/survey?{query}",
        "api": f"/api/v1/tickets/{ticket.id}/survey?{query}",
    }
    return context
