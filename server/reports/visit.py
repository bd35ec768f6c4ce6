"""One visit as reports see it: a ticket's final state, pure values and no I/O.

A visit is built from a ticket row (the office's storage) or from a ticket record in an
event (the city rebuilds visits from the events it received); both give the same value.
`wait_s` and `service_s` exist only for a served visit (DESIGN "Reports"): issued → the
call that was finally served (after a re-queue or a transfer the last call counts), and
that call → done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any, NamedTuple


class VisitStatus(StrEnum):
    """How a visit ended; `waiting` and `called` only on a day that has not ended yet."""

    DONE = "done"
    NO_SHOW = "no_show"
    VOIDED = "voided"
    UNSERVED = "unserved"  # still waiting or called when its day ended
    WAITING = "waiting"
    CALLED = "called"


class Visit(NamedTuple):
    """One ticket's visit: what was issued, the call that counts, and how it ended.

    A named tuple rather than a frozen dataclass: a year's report makes 150,000 of them,
    and a tuple is built several times faster. Build one with `Visit.of`.
    """

    number: str
    service: str  # where it ended (after a transfer: the new service)
    issued_service: str
    priority: bool
    status: VisitStatus
    day: date  # the office-local day it was issued
    issued_at: datetime
    called_at: datetime | None  # the last call
    finished_at: datetime | None
    counter: int | None  # the counter of the last call
    clerk: str | None  # who made the last call
    transfers: int = 0
    requeues: int = 0
    # issued → the call that was served, that call → done; None unless served (`of`
    # computes them: stored, not derived on each read, as a year's report reads them often)
    wait_s: float | None = None
    service_s: float | None = None

    @classmethod
    def of(
        cls, number: str, service: str, issued_service: str, priority: bool,
        status: VisitStatus, day: date, issued_at: datetime, called_at: datetime | None,
        finished_at: datetime | None, counter: int | None, clerk: str | None,
        transfers: int = 0, requeues: int = 0,
    ) -> Visit:  # fmt: skip
        """A visit with its waiting and service time worked out."""
        wait_s = service_s = None
        if status is VisitStatus.DONE and called_at is not None:
            wait_s = max(0.0, (called_at - issued_at).total_seconds())
            if finished_at is not None:
                service_s = max(0.0, (finished_at - called_at).total_seconds())
        return cls(
            number, service, issued_service, priority, status, day, issued_at, called_at,
            finished_at, counter, clerk, transfers, requeues, wait_s, service_s,
        )  # fmt: skip

    @property
    def served(self) -> bool:
        return self.status is VisitStatus.DONE

    def to_json(self, zone: tzinfo | None = None) -> dict[str, Any]:
        """A row of `GET /api/v1/reports/visits`, times with the office's UTC offset."""
        wait_s, service_s = self.wait_s, self.service_s
        return {
            "number": self.number,
            "service": self.service,
            "issued_service": self.issued_service,
            "priority": self.priority,
            "status": str(self.status),
            "issued_at": _iso(self.issued_at, zone),
            "called_at": _iso(self.called_at, zone),
            "finished_at": _iso(self.finished_at, zone),
            "counter": self.counter,
            "clerk": self.clerk,
            "wait_s": round(wait_s, 1) if wait_s is not None else None,
            "service_s": round(service_s, 1) if service_s is not None else None,
            "transfers": self.transfers,
            "requeues": self.requeues,
        }


def _iso(moment: datetime | None, zone: tzinfo | None) -> str | None:
    if moment is None:
        return None
    return (moment.astimezone(zone) if zone is not None else moment).isoformat()


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def visit_from_record(record: Mapping[str, Any]) -> Visit:
    """The visit of a ticket record (`server.record.ticket_record`, in every event).

    A record from before the reports fields has no clerk and counts no transfers or
    re-queues (a re-queued one counts once).
    """
    issued_at = _time(record.get("issued_at"))
    if issued_at is None:
        raise ValueError("a ticket record without issued_at")
    return Visit.of(
        number=str(record["number"]),
        service=str(record["service"]),
        issued_service=str(record.get("issued_service") or record["service"]),
        priority=bool(record.get("priority")),
        status=VisitStatus(str(record["status"])),
        day=date.fromisoformat(str(record["day"])),
        issued_at=issued_at,
        called_at=_time(record.get("called_at")),
        finished_at=_time(record.get("finished_at")),
        counter=int(record["counter"]) if record.get("counter") is not None else None,
        clerk=str(record["clerk"]) if record.get("clerk") is not None else None,
        transfers=int(record.get("transfers") or (1 if record.get("transferred_from") else 0)),
        requeues=int(record.get("requeues") or (1 if record.get("requeued") else 0)),
    )


def ended(visits: Iterable[Visit], today: date) -> list[Visit]:
    """`visits` as of `today`: one still waiting or called on an earlier day is unserved."""
    open_states = (VisitStatus.WAITING, VisitStatus.CALLED)
    return [
        visit._replace(status=VisitStatus.UNSERVED)
        if visit.status in open_states and visit.day < today
        else visit
        for visit in visits
    ]
