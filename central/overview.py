"""The city dashboard's figures, per office, from the tickets and counters projections.

Today is each office's own date (from the UTC offset its events carry). An office with
several records (`office renew`) counts the visits of all of them (`central.records`); its
waiting visitors, longest wait and open lokets are its current record's (an older record's
queue was left as it was when the office was re-installed). Waiting times
are those of the office's reports: `wait_s` = issued → the call that was finally served
(`called_at` of a done ticket), percentiles by linear interpolation (PostgreSQL's
`percentile_cont`). Within standard: the share of served tickets whose service has a
target and whose wait is within it. The IKM of the month (visit days from the 1st to
today) is `server.reports.skm`'s over the office's answers (`central.skm`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from psycopg.types.json import Jsonb

from central.records import LATER_CTE, TICKETS_ONCE, once, record_rows
from central.skm import answer_sums
from central.store import CentralStore, Office
from server.reports import skm

STALE_AFTER_S = 120.0

TODAY_QUERY = f"""
WITH {LATER_CTE}
SELECT d.office,
  count(*) FILTER (WHERE t.status <> 'voided'),
  count(*) FILTER (WHERE t.status = 'done'),
  count(*) FILTER (WHERE t.status = 'waiting' AND d.current),
  count(*) FILTER (WHERE t.status = 'no_show'),
  min(t.issued_at) FILTER (WHERE t.status = 'waiting' AND d.current),
  avg(extract(epoch FROM t.called_at - t.issued_at)) FILTER (WHERE t.status = 'done'),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.called_at - t.issued_at))
    FILTER (WHERE t.status = 'done'),
  percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM t.called_at - t.issued_at))
    FILTER (WHERE t.status = 'done'),
  max(extract(epoch FROM t.called_at - t.issued_at)) FILTER (WHERE t.status = 'done'),
  count(*) FILTER (WHERE t.status = 'done' AND d.targets ? t.service),
  count(*) FILTER (WHERE t.status = 'done' AND d.targets ? t.service
    AND t.called_at - t.issued_at <= make_interval(mins => (d.targets ->> t.service)::int))
FROM tickets t
JOIN (SELECT * FROM unnest(%(records)s::bigint[], %(offices)s::bigint[], %(days)s::date[],
  %(targets)s::jsonb[], %(current)s::boolean[]) AS u(record, office, day, targets, current)) d
  ON t.office = d.record AND t.day = d.day
WHERE {TICKETS_ONCE}
GROUP BY d.office
"""
# the lokets of each office's current record (an older record's were left as they were)
COUNTERS_QUERY = """
SELECT c.office, count(*) FROM counters c
JOIN unnest(%s::bigint[], %s::date[]) AS d(office, day) ON c.office = d.office AND c.day = d.day
WHERE c.state = 'open' GROUP BY c.office
"""


@dataclass(frozen=True, slots=True)
class OfficeFigures:
    """One office's row of the city dashboard."""

    office: Office
    today: date
    stale: bool
    issued: int = 0
    served: int = 0
    waiting: int = 0
    no_show: int = 0
    oldest_waiting: datetime | None = None
    wait_mean: float | None = None
    wait_median: float | None = None
    wait_p90: float | None = None
    wait_max: float | None = None
    with_target: int = 0
    within_target: int = 0
    counters_open: int = 0
    ikm_month: float | None = None

    def longest_wait_s(self, now: datetime) -> int | None:
        if self.oldest_waiting is None:
            return None
        return max(0, round((now - self.oldest_waiting).total_seconds()))

    @property
    def within_standard(self) -> float | None:
        """The share (0–1) of served visits within their service's target; None: no target."""
        if not self.with_target:
            return None
        return round(self.within_target / self.with_target, 4)


def city_overview(store: CentralStore, now: datetime) -> list[OfficeFigures]:
    """Every office's figures now (blocking: run it off the event loop)."""
    offices = store.offices()
    if not offices:
        return []
    days = [office.today(now) for office in offices]
    firsts = [day.replace(day=1) for day in days]
    targets = [office.targets for office in offices]
    records = record_rows(offices)
    parameters = records.parameters() | {
        "days": records.per_record(days),
        "targets": records.per_record([Jsonb(target) for target in targets]),
    }
    current = {office.record: office.id for office in offices}
    with store.reading("the dashboard") as connection:
        found = connection.execute(once(TODAY_QUERY, records), parameters).fetchall()
        today_rows = {row[0]: row for row in found}
        counter_rows = {
            current[record]: count
            for record, count in connection.execute(
                COUNTERS_QUERY, (list(current), days)
            ).fetchall()
        }
    answers = answer_sums(store, list(zip(offices, firsts, days, strict=True)))
    figures = []
    for office, day in zip(offices, days, strict=True):
        stale = office.last_seen is None or (now - office.last_seen).total_seconds() > STALE_AFTER_S
        row: Any = today_rows.get(office.id)
        month = skm.index_of(answers[office.id]).ikm
        values: dict[str, Any] = {}
        if row is not None:
            values = {
                "issued": row[1], "served": row[2], "waiting": row[3], "no_show": row[4],
                "oldest_waiting": row[5], "wait_mean": _number(row[6]),
                "wait_median": _number(row[7]), "wait_p90": _number(row[8]),
                "wait_max": _number(row[9]), "with_target": row[10], "within_target": row[11],
            }  # fmt: skip
        figures.append(
            OfficeFigures(
                office=office,
                today=day,
                stale=stale,
                counters_open=counter_rows.get(office.id, 0),
                ikm_month=float(month) if month is not None else None,
                **values,
            )
        )
    return figures


def _number(value: Any) -> float | None:
    return round(float(value), 1) if value is not None else None


def office_json(figures: OfficeFigures, now: datetime) -> dict[str, Any]:
    """One office as `GET /api/v1/city/offices` gives it (DESIGN.md "The city")."""
    office = figures.office
    return {
        "id": office.id,
        "name": office.name,
        "last_event_id": office.last_event_id,
        "last_seen": office.last_seen.isoformat() if office.last_seen else None,
        "stale": figures.stale,
        "conflict": (
            {
                "log_id": office.conflict_log_id,
                "at": office.conflict_at.isoformat(),
                "older_record": office.conflict_is_older_record,
            }
            if office.conflict_log_id and office.conflict_at
            else None
        ),
        "records": [
            {
                "id": record.id,
                "log_id": record.log_id,
                "last_event_id": record.last_event_id,
                "since": record.since.isoformat(),
                "current": record.id == office.record,
            }
            for record in office.records
        ],
        "clock_skew_s": round(office.clock_skew_s, 1) if office.clock_skew_s is not None else None,
        "utc_offset_s": office.utc_offset_s,
        "day": figures.today.isoformat(),
        "today": {
            "issued": figures.issued,
            "served": figures.served,
            "waiting": figures.waiting,
            "no_show": figures.no_show,
        },
        "wait_s": {
            "mean": figures.wait_mean,
            "median": figures.wait_median,
            "p90": figures.wait_p90,
            "max": figures.wait_max,
        },
        "longest_wait_s": figures.longest_wait_s(now),
        "counters_open": figures.counters_open,
        "within_standard": figures.within_standard,
        "ikm_month": figures.ikm_month,
    }
