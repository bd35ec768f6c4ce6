"""A year of served visits and SKM answers, written straight into a store (for benchmarks).

`fill_survey_year(store, year=2026, answers=20_000)` writes the visits (each a `done`
ticket with its `ticket.issued`, `ticket.called` and `ticket.done` events) and, for
exactly `answers` of them (60 %), a `survey.answered` event with its answer row (a third
with a profile, some with a comment), through the store's own batch writer, so both
engines hold exactly what a running server would have written. Seeded: the same
arguments give the same data. Call it on a store that `acquire()`d the database and has
no tickets yet. `add_answers(store, tickets)` answers visits already stored instead (a
year of `bench/year_history.py`).
"""

from __future__ import annotations

import asyncio
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.domain.model import Lane, Ticket, TicketStatus
from server.domain.survey import EDUCATIONS, OCCUPATIONS
from server.record import ticket_record
from server.storage.port import Commit, Event, Store, SurveyRow
from server.survey import SURVEY_ANSWERED

ZONE = ZoneInfo("Asia/Jakarta")
SERVICES = {"A": (1, 2), "B": (2, 3), "C": (3,)}
ANSWER_SHARE = 0.6
BATCH = 2000
# how visitors tend to answer each element (the weights of 1, 2, 3, 4): u8 (complaints)
# and u4 (fees, often free) stand out, as in published SKM results
TENDENCY = {
    "u4": (1, 2, 20, 77),
    "u8": (8, 20, 50, 22),
}
USUAL = (2, 8, 55, 35)


@dataclass(frozen=True, slots=True)
class Filled:
    """What was written: visits served, answers, the period they span."""

    visits: int
    answers: int
    first: date
    last: date


def _working_days(year: int) -> list[date]:
    day, days = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def fill_survey_year(
    store: Store, year: int = 2026, answers: int = 20_000, seed: int = 13
) -> Filled:
    """Write a year of visits and about `answers` survey answers into `store` (blocking)."""
    chooser = random.Random(seed)
    days = _working_days(year)
    visits = round(answers / ANSWER_SHARE)
    answering = set(chooser.sample(range(1, visits + 1), answers))  # exactly `answers`
    per_day, extra = divmod(visits, len(days))
    event_id = store.head_event_id()
    ticket_id = 0
    written = 0
    commits: list[Commit] = []
    loop = asyncio.new_event_loop()  # the writer's callbacks would run here; none are used
    store.start_writer(loop)
    try:
        for index, day in enumerate(days):
            sequences = dict.fromkeys(SERVICES, 0)
            for visit in range(per_day + (1 if index < extra else 0)):
                ticket_id += 1
                service = chooser.choice(tuple(SERVICES))
                sequences[service] += 1
                issued = datetime(day.year, day.month, day.day, 8, tzinfo=ZONE) + timedelta(
                    seconds=visit * 40 + chooser.randint(0, 30)
                )
                called = issued + timedelta(seconds=chooser.randint(60, 1800))
                finished = called + timedelta(seconds=chooser.randint(120, 900))
                ticket = Ticket(
                    id=ticket_id, day=day, number=f"{service}{sequences[service]:03d}",
                    sequence=sequences[service], issued_service=service, service=service,
                    priority=False, status=TicketStatus.DONE, issued_at=issued.astimezone(UTC),
                    lane=Lane.REGULAR, sort_key=float(ticket_id), key=secrets.token_urlsafe(9),
                    counter=chooser.choice(SERVICES[service]), called_at=called.astimezone(UTC),
                    finished_at=finished.astimezone(UTC),
                )  # fmt: skip
                record = ticket_record(ticket, ZONE)
                for kind, moment in (
                    ("ticket.issued", issued), ("ticket.called", called), ("ticket.done", finished)
                ):  # fmt: skip
                    event_id += 1
                    event = Event(
                        id=event_id, type=kind, at=moment, day=day, ticket=ticket_id,
                        counter=ticket.counter if kind != "ticket.issued" else None,
                        tickets=(record,),
                    )  # fmt: skip
                    first = kind == "ticket.issued"
                    commits.append(Commit(event=event, new_tickets=(ticket,) if first else ()))
                if ticket_id in answering:
                    event_id += 1
                    written += 1
                    commits.append(_answer(chooser, ticket, event_id, finished))
                if len(commits) >= BATCH:
                    store.write_batch(commits)  # type: ignore[attr-defined]
                    commits = []
        if commits:
            store.write_batch(commits)  # type: ignore[attr-defined]
    finally:
        store.close()
        loop.close()
    return Filled(ticket_id, written, days[0], days[-1])


def add_answers(
    store: Store, tickets: Sequence[Ticket], answers: int = 20_000, seed: int = 13
) -> int:
    """Answer `answers` of the stored, served `tickets` (a year a benchmark made itself),
    each a `survey.answered` event after the record's head with its answer row, through
    the store's batch writer (blocking; call it on a store that `acquire()`d the database,
    which is closed afterwards). Returns how many were written."""
    chooser = random.Random(seed)
    served = [t for t in tickets if t.status is TicketStatus.DONE and t.finished_at is not None]
    chosen = sorted(chooser.sample(range(len(served)), min(answers, len(served))))
    event_id = store.head_event_id()
    loop = asyncio.new_event_loop()  # the writer's callbacks would run here; none are used
    store.start_writer(loop)
    try:
        for start in range(0, len(chosen), BATCH):
            commits = []
            for index in chosen[start : start + BATCH]:
                ticket = served[index]
                assert ticket.finished_at is not None
                event_id += 1
                commits.append(_answer(chooser, ticket, event_id, ticket.finished_at))
            store.write_batch(commits)  # type: ignore[attr-defined]
    finally:
        store.close()
        loop.close()
    return len(chosen)


def _answer(chooser: random.Random, ticket: Ticket, event_id: int, finished: datetime) -> Commit:
    values = tuple(
        chooser.choices((1, 2, 3, 4), TENDENCY.get(f"u{index}", USUAL))[0] for index in range(1, 10)
    )
    at = finished + timedelta(seconds=chooser.randint(20, 300))
    profile = chooser.random() < 0.35
    comment = chooser.random() < 0.05
    row = SurveyRow(
        ticket=ticket.id, day=ticket.day, answered_at=at, service=ticket.service,
        counter=ticket.counter, channel=chooser.choice(("phone", "tablet")), answers=values,
        age=chooser.randint(17, 75) if profile else None,
        gender=chooser.choice(("L", "P")) if profile else None,
        education=chooser.choice(EDUCATIONS) if profile else None,
        occupation=chooser.choice(OCCUPATIONS) if profile else None,
        comment=f"Saran nomor {ticket.id}: antrean lebih cepat" if comment else None,
    )  # fmt: skip
    event = Event(
        id=event_id, type=SURVEY_ANSWERED, at=at, day=ticket.day, ticket=ticket.id,
        counter=ticket.counter,
        data={"service": ticket.service, "visit_day": ticket.day.isoformat(),
              "channel": row.channel, "answers": dict(zip(
                  (f"u{index}" for index in range(1, 10)), values, strict=True))},
    )  # fmt: skip
    return Commit(event=event, survey=row)
