"""The supervisor's dashboard: today's numbers in words a non-IT supervisor reads.

One function builds it, for the page as rendered and for the JSON its script polls
(`GET /api/v1/admin/dashboard`), so both always say the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.city import CityStatus
from server.domain.model import TicketStatus
from server.domain.queue import QueueDay
from server.domain.schedule import closure
from server.storage.port import ClusterView
from server.web.admin_text import TEXTS, clock_text, wait_text
from server.web.ha_text import servers_view
from server.web.phone_text import Language

SKEW_SHOWN_S = 300.0


def dashboard(
    day: QueueDay, now: datetime, language: Language, cluster: ClusterView | None = None
) -> dict[str, Any]:
    """Waiting per service and its longest wait, every loket, today's totals; on
    PostgreSQL also who serves the database (`servers`: active, standbys, replicas)."""
    texts = TEXTS[language]
    zone = day.config.zone
    oldest: dict[str, datetime] = {}
    totals = {"issued": 0, "served": 0, "no_show": 0, "waiting": 0}
    for ticket in day.tickets.values():
        if ticket.day != day.day:
            continue
        if ticket.status is not TicketStatus.VOIDED:
            totals["issued"] += 1
        if ticket.status is TicketStatus.DONE:
            totals["served"] += 1
        elif ticket.status is TicketStatus.NO_SHOW:
            totals["no_show"] += 1
        elif ticket.status is TicketStatus.WAITING:
            totals["waiting"] += 1
            first = oldest.get(ticket.service)
            if first is None or ticket.issued_at < first:
                oldest[ticket.service] = ticket.issued_at
    services = []
    for service in day.config.services:
        code = service.code
        closed = closure(
            day.config, service, now, day.issued_count[code], code in day.closed_services,
            day.closed_notes.get(code),
        )  # fmt: skip
        waiting, waiting_priority = day.waiting_count(code)
        longest = (now - oldest[code]).total_seconds() if code in oldest else None
        name = service.name_en if language is Language.ENGLISH and service.name_en else service.name
        state = texts["open"]
        if closed is not None:
            state = f"{texts['closed']} — {texts['closed_' + str(closed.reason)]}"
            if closed.note:
                state += f": {closed.note}"
        services.append(
            {
                "code": code,
                "name": name,
                "open": closed is None,
                "closed_by_hand": code in day.closed_services,
                "closed_note": closed.note if closed is not None else None,
                "state_text": state,
                "waiting": waiting,
                "waiting_priority": waiting_priority,
                "longest_wait_s": round(longest) if longest is not None else None,
                "longest_wait_text": wait_text(longest, language),
            }
        )
    counters = []
    for number in sorted(day.counters):
        counter = day.counters[number]
        config = day.config.counter(number)
        current = day.tickets.get(counter.current) if counter.current is not None else None
        paused = str(counter.state) == "paused"
        counters.append(
            {
                "number": number,
                "name": config.name if config else f"Loket {number}",
                "state": str(counter.state),
                "state_text": texts["counter_paused" if paused else "counter_open"],
                "current": current.number if current is not None else None,
                "current_text": current.number if current is not None else texts["nobody"],
                "clerk": counter.clerk,  # signed in at the counter (server.clerks)
                "clerk_text": counter.clerk if counter.clerk is not None else texts["nobody"],
            }
        )
    return {
        "time_text": clock_text(now, zone, language),
        "today": totals,
        "services": services,
        "counters": counters,
        "servers": servers_view(cluster, zone, language) if cluster is not None else None,
    }


def city_text(
    status: CityStatus | None, office_last_id: int, zone: ZoneInfo, language: Language
) -> str | None:
    """The link to the city's central in one line: last push, backlog, what is wrong."""
    if status is None:
        return None
    texts = TEXTS[language]
    backlog = status.backlog(office_last_id)
    if status.last_push_at is None or backlog is None:
        text = texts["city_never"].format(backlog=office_last_id)
    else:
        moment = clock_text(status.last_push_at, zone, language)
        text = texts["city_pushed"].format(time=moment, backlog=backlog)
    if status.conflict:
        text += texts["city_conflict"]
    elif status.error:
        text += texts["city_error"].format(error=status.error[:120])
    if status.clock_skew_s is not None and abs(status.clock_skew_s) > SKEW_SHOWN_S:
        text += texts["city_skew"].format(minutes=round(abs(status.clock_skew_s) / 60))
    return text
