"""The office's figures for the waiting room: today's average wait and the latest IKM.

Sent to devices in the snapshot and, when they move, with the event that moved them (a
visitor served, the day rollover), only while `[office] show_figures` is on (the default).
"""

from __future__ import annotations

from dataclasses import dataclass

from client import protocol
from server.domain.figures import average_wait_s
from server.domain.model import TicketStatus
from server.domain.queue import QueueDay
from server.office import Office
from server.survey import SurveyDesk


@dataclass(frozen=True, slots=True)
class LatestIkm:
    """The IKM of the latest month with answers (Permenpan RB 14/2017)."""

    ikm: float  # rounded half up to 2 decimals
    month: str  # "2026-11"
    grade: str  # "A" … "D"


def latest_ikm(office: Office) -> LatestIkm | None:
    """The office's latest monthly IKM, or None when there is none.

    Asked on the event loop at every snapshot and every visitor served: it answers from
    memory, the value the survey desk (`server.survey`) recomputes off the loop at start
    and whenever an answer is stored.
    """
    desk = SurveyDesk.of(office)
    latest = desk.latest if desk is not None else None
    if latest is None or latest.index.ikm is None or latest.index.grade is None:
        return None
    return LatestIkm(float(latest.index.ikm), latest.month, latest.index.grade)


def figures_message(office: Office, day: QueueDay | None = None) -> protocol.Figures | None:
    """The figures as devices get them; None while the office shows none."""
    day = day or office.day
    if not day.config.show_figures:
        return None
    tickets = day.tickets.values()
    ikm = latest_ikm(office)
    return protocol.Figures(
        avg_wait_s_today=average_wait_s(tickets),
        served_today=sum(1 for ticket in tickets if ticket.status is TicketStatus.DONE),
        ikm=ikm.ikm if ikm is not None else None,
        ikm_month=ikm.month if ikm is not None else None,
        grade=ikm.grade if ikm is not None else None,
    )
