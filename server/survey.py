"""The SKM survey at the office: answers recorded once per ticket, the report, retention.

Application layer beside `server.office`: an answer is a `survey.answered` event of the
office's record, committed by the office's writer in the same transaction as its row (the
nine answers) and, apart, the respondent's profile and comment, which retention deletes
after `[survey] retention_days` while the answers stay. The event carries the ticket,
service, counter and answers — never the profile or comment — and no device is sent it.

Once per ticket: a ticket being answered is held in memory (on the event loop) until its
commit is durable, and the database is asked only after that hold is taken, so two
answers at once give one 201 and one 409; the table's primary key is the last guard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from server.domain.model import Ticket, TicketStatus
from server.domain.schedule import local_day
from server.domain.survey import TABLET_WINDOW, Channel, SurveyAnswer
from server.office import Office
from server.reports import skm
from server.storage.port import Commit, Event, Store, Suggestion, SurveyRow

log = logging.getLogger(__name__)
SURVEY_ANSWERED = "survey.answered"  # in the office's record, not sent to devices
MAX_SUGGESTIONS = 1000
RETENTION_EVERY_S = 24 * 3600.0
RETENTION_FIRST_S = 60.0  # after start: the first clean-up waits until the server settled


class SurveyError(Exception):
    """Root of the survey's refusals; `code` is the API's error code."""

    code = "survey_error"


class NotDone(SurveyError):
    code = "ticket_not_done"


class AlreadyAnswered(SurveyError):
    code = "already_answered"


@dataclass(frozen=True, slots=True)
class ServiceIndex:
    """One service's figures in a report."""

    service: str
    index: skm.Index


@dataclass(frozen=True, slots=True)
class SkmReport:
    """The SKM of a period (and optionally one service): what the API and exports show."""

    first: date
    last: date
    service: str | None
    index: skm.Index
    services: tuple[ServiceIndex, ...]
    population: int  # visitors served in the period
    required_respondents: int
    suggestions: tuple[Suggestion, ...]
    # respondents per gender, education, occupation (only those who said, profiles kept)
    profile: dict[str, dict[str, int]]


def build_skm_report(
    store: Store, first: date, last: date, service: str | None = None
) -> SkmReport:
    """The SKM report from the database (blocking: call it off the event loop)."""
    groups = store.skm_sums(first, last, service)
    per_service = tuple(
        ServiceIndex(group.service, skm.index_of(skm.AnswerSums(group.respondents, group.sums)))
        for group in groups
    )
    whole = skm.total(skm.AnswerSums(group.respondents, group.sums) for group in groups)
    population = store.served_count(first, last, service)
    return SkmReport(
        first, last, service, skm.index_of(whole), per_service, population,
        skm.required_respondents(population),
        tuple(store.suggestions(first, last, service, MAX_SUGGESTIONS)),
        store.survey_profiles(first, last, service),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class MonthIndex:
    """The IKM of one calendar month (the latest with answers), for the waiting room."""

    month: str  # "2026-11"
    index: skm.Index


def month_index(store: Store) -> MonthIndex | None:
    """The IKM of the month of the newest answer (blocking: off the event loop)."""
    newest = store.latest_survey_day()
    if newest is None:
        return None
    first = newest.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    groups = store.skm_sums(first, last, None)
    whole = skm.total(skm.AnswerSums(group.respondents, group.sums) for group in groups)
    return MonthIndex(first.strftime("%Y-%m"), skm.index_of(whole))


_DESKS: weakref.WeakKeyDictionary[Office, SurveyDesk] = weakref.WeakKeyDictionary()


class SurveyDesk:
    """Takes the survey answers of one office."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self._answering: set[int] = set()
        self._retention: asyncio.Task[None] | None = None
        # the latest month's IKM, kept in memory for the TV (read on the event loop)
        self.latest: MonthIndex | None = None
        self._refreshing: asyncio.Task[None] | None = None
        self._stale = False
        _DESKS[office] = self

    @staticmethod
    def of(office: Office) -> SurveyDesk | None:
        return _DESKS.get(office)

    def refresh_latest(self) -> None:
        """Recompute the latest month's IKM off the loop (after an answer, at start)."""
        self._stale = True
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        while self._stale:  # answers stored meanwhile: once more, not once per answer
            self._stale = False
            try:
                self.latest = await asyncio.to_thread(month_index, self.office.store)
            except Exception:  # a loop boundary: the TV keeps the figure it had
                log.exception("the latest IKM could not be computed")

    @staticmethod
    def ensure_done(ticket: Ticket) -> None:
        """Only a visit that was served may be rated (NotDone before reading any answer)."""
        if ticket.status is not TicketStatus.DONE:
            raise NotDone(str(ticket.status))

    async def answer(self, ticket: Ticket, answer: SurveyAnswer, channel: Channel) -> Event:
        """Record `answer` for `ticket` (done, not answered yet), once it is durable."""
        self.ensure_done(ticket)
        if ticket.id in self._answering:
            raise AlreadyAnswered(ticket.number)
        self._answering.add(ticket.id)
        try:
            store = self.office.store
            if await asyncio.to_thread(store.survey_answered, ticket.id):
                raise AlreadyAnswered(ticket.number)
            profile = answer.respondent
            row = SurveyRow(
                ticket=ticket.id, day=ticket.day, answered_at=self.office.clock(),
                service=ticket.service, counter=ticket.counter, channel=str(channel),
                answers=answer.answers, age=profile.age, gender=profile.gender,
                education=profile.education, occupation=profile.occupation,
                comment=answer.comment,
            )  # fmt: skip
            data: dict[str, Any] = {
                "service": ticket.service,
                "visit_day": ticket.day.isoformat(),
                "channel": str(channel),
                "answers": answer.as_dict(),
            }
            event = await self.office.record(
                SURVEY_ANSWERED,
                lambda event: Commit(event=event, survey=replace(row, answered_at=event.at)),
                ticket=ticket.id, counter=ticket.counter, data=data,
            )  # fmt: skip
            self.refresh_latest()
            return event
        finally:
            self._answering.discard(ticket.id)

    async def answered(self, ticket_id: int) -> bool:
        if ticket_id in self._answering:
            return True
        return await asyncio.to_thread(self.office.store.survey_answered, ticket_id)

    async def tablet_ticket(self, counter: int) -> Ticket | None:
        """The counter's last finished visitor of the past 15 minutes, if not answered yet."""
        office = self.office
        office.day.counter(counter)  # an unknown counter: UnknownCounter (404)
        now = office.clock()
        last: Ticket | None = None
        for ticket in office.day.tickets.values():
            if ticket.counter != counter or ticket.finished_at is None:
                continue
            if ticket.status not in (TicketStatus.DONE, TicketStatus.NO_SHOW):
                continue
            if last is None or (ticket.finished_at, ticket.id) > (last.finished_at, last.id):
                last = ticket
        if last is None or last.status is not TicketStatus.DONE:
            return None  # nobody yet, or the last one called never came
        assert last.finished_at is not None
        if now - last.finished_at > TABLET_WINDOW or await self.answered(last.id):
            return None
        return last

    async def report(self, first: date, last: date, service: str | None) -> SkmReport:
        return await asyncio.to_thread(build_skm_report, self.office.store, first, last, service)

    # ---------------------------------------------------------------- retention

    def retention_cutoff(self, now: datetime) -> date:
        """Profiles and comments of visits before this day are deleted."""
        days = self.office.config.survey.retention_days
        return local_day(now, self.office.config.zone) - timedelta(days=days)

    async def apply_retention(self) -> int:
        """Delete the profiles and comments older than the retention; the answers stay."""
        cutoff = self.retention_cutoff(self.office.clock())
        deleted = await asyncio.to_thread(self.office.store.delete_survey_profiles, cutoff)
        if deleted:
            log.info("survey retention: %d profiles and comments before %s deleted", deleted,
                     cutoff)  # fmt: skip
        return deleted

    def start_retention(self) -> None:
        """Run the clean-up shortly after start, then daily (a standby skips its turns, so
        one that takes over later cleans up too)."""
        if self._retention is None:
            self._retention = asyncio.get_running_loop().create_task(self._retain())
        if not self.office.standby:
            self.refresh_latest()

    async def stop_retention(self) -> None:
        if self._refreshing is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._refreshing
        if self._retention is not None:
            self._retention.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retention
            self._retention = None

    async def _retain(self) -> None:
        await asyncio.sleep(RETENTION_FIRST_S)
        while True:
            try:
                if not self.office.standby:
                    await self.apply_retention()
            except Exception:  # a loop boundary: the next day tries again
                log.exception("survey retention failed")
            await asyncio.sleep(RETENTION_EVERY_S)
