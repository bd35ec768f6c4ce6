"""City reports: the office reports' own arithmetic over the visits the central rebuilt.

Visits come from the tickets projection (each ticket's latest state, as the office's
events carried it) and go through `server.reports` unchanged: `Visit`, `ended`,
`summarize` and the CSV writers — no second copy of the figures. What the city adds is
the `office` group: each office's visits are summarised in its own time zone with its
own targets, and the city's total is taken over all visits at once (each visit measured
against its own office's target).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

from central.records import LATER_CTE, TICKETS_ONCE, once, record_rows
from central.skm import CitySkm, city_skm
from central.store import CentralStore, Office
from server.reports.csv_text import summary_csv
from server.reports.figures import SHARE_DECIMALS, figures_of
from server.reports.summary import Group, SummaryResult, VisitsResult, summarize
from server.reports.visit import Visit, VisitStatus, ended
from server.reports.xlsx import summary_workbook

OFFICE_GROUP = "office"
# `office`: the record's row id (several per renewed office); in issue order
VISIT_QUERY = f"""
WITH {LATER_CTE}
SELECT t.office, t.number, t.service, t.issued_service, t.priority, t.status, t.day,
  t.issued_at, t.called_at, t.finished_at, t.counter, t.record->>'clerk',
  COALESCE((t.record->>'transfers')::int,
    CASE WHEN t.transferred_from IS NOT NULL THEN 1 ELSE 0 END),
  COALESCE((t.record->>'requeues')::int, CASE WHEN t.requeued THEN 1 ELSE 0 END)
FROM tickets t
WHERE t.office = ANY(%(records)s) AND t.day BETWEEN %(first)s AND %(last)s {{extra}}
  AND {TICKETS_ONCE}
ORDER BY t.issued_at, t.office, t.id
"""
OFFICE_HEADER = {"id": "Kantor", "en": "Office"}
STATUSES = {str(status): status for status in VisitStatus}


def zone_of(office: Office) -> tzinfo:
    """The office's UTC offset as its events carry it."""
    return timezone(timedelta(seconds=office.utc_offset_s or 0))


def targets_of(office: Office) -> dict[str, float]:
    return {code: minutes * 60.0 for code, minutes in office.targets.items()}


def read_visits(
    store: CentralStore,
    offices: Sequence[Office],
    first: date,
    last: date,
    now: datetime,
    service: str | None = None,
    counter: int | None = None,
) -> dict[int, list[Visit]]:
    """Each office's visits issued from `first` to `last`, as of the office's today (of
    every record of the office, a visit restored into a later record counted once)."""
    extra = ""
    rows = record_rows(offices)
    parameters = rows.parameters() | {"first": first, "last": last}
    if service is not None:
        extra += " AND t.service = %(service)s"
        parameters["service"] = service
    if counter is not None:
        extra += " AND t.counter = %(counter)s"
        parameters["counter"] = counter
    found: dict[int, list[Visit]] = {office.id: [] for office in offices}
    with store.reading("the reports") as connection:
        found_rows = connection.execute(
            once(VISIT_QUERY.format(extra=extra), rows), parameters
        ).fetchall()
    office_of = dict(zip(rows.records, rows.offices, strict=True))
    for row in found_rows:
        found[office_of[row[0]]].append(
            Visit.of(
                number=row[1], service=row[2], issued_service=row[3], priority=row[4],
                status=STATUSES[row[5]], day=row[6], issued_at=row[7], called_at=row[8],
                finished_at=row[9], counter=row[10], clerk=row[11], transfers=row[12] or 0,
                requeues=row[13] or 0,
            )
        )  # fmt: skip
    by_id = {office.id: office for office in offices}
    return {
        office_id: ended(visits, by_id[office_id].today(now)) for office_id, visits in found.items()
    }


@dataclass(frozen=True, slots=True)
class CitySummary:
    """`GET /api/v1/city/reports/summary`: rows per office (and the other groups), a total."""

    first: date
    last: date
    groups: tuple[str, ...]
    by_office: tuple[tuple[Office, SummaryResult], ...]
    total: SummaryResult

    def to_json(self) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        if OFFICE_GROUP in self.groups:
            for office, result in self.by_office:
                head = {"office": office.id, "office_name": office.name}
                if result.groups:
                    rows += [head | row.to_json() for row in result.rows]
                else:
                    rows.append(head | result.total.to_json())
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "group": list(self.groups),
            "rows": rows,
            "total": self.total.total.to_json(),
            "ranking": self.ranking(),
        }

    def ranking(self) -> list[dict[str, Any]]:
        """The offices by their share of visits within standard, highest first (equal
        shares share a rank; offices without a measured visit last, without a rank)."""
        ranked = sorted(
            self.by_office,
            key=lambda item: (
                item[1].total.within_standard is None,
                -(item[1].total.within_standard or 0.0),
                item[0].name.lower(),
                item[0].id,
            ),
        )
        rows: list[dict[str, Any]] = []
        previous: float | None = None
        rank = 0
        for position, (office, result) in enumerate(ranked, start=1):
            share = result.total.within_standard
            if share is not None and share != previous:
                rank, previous = position, share
            rows.append({
                "rank": rank if share is not None else None,
                "office": office.id,
                "office_name": office.name,
                "served": result.total.served,
                "within_standard": round(share, SHARE_DECIMALS) if share is not None else None,
            })  # fmt: skip
        return rows


def city_summary(
    store: CentralStore,
    first: date,
    last: date,
    groups: Sequence[str],
    now: datetime,
    service: str | None = None,
) -> CitySummary:
    """The city's figures from `first` to `last`, grouped by office and/or office groups."""
    offices = store.offices()
    visits = read_visits(store, offices, first, last, now, service=service)
    inner = tuple(Group(group) for group in groups if group != OFFICE_GROUP)
    by_office = tuple(
        (office, _summary(visits[office.id], first, last, inner, targets_of(office),
                          zone_of(office)))
        for office in offices
    )  # fmt: skip
    # the total over every visit at once; within standard: each visit against its own
    # office's target, i.e. the offices' shares weighted by their measured visits
    everyone = [visit for office in offices for visit in visits[office.id]]
    total = _summary(everyone, first, last, (), {}, UTC)
    measured = within = 0.0
    for office, result in by_office:
        share = result.total.within_standard
        if share is None:
            continue
        targets = targets_of(office)
        count = sum(1 for visit in visits[office.id] if visit.served and visit.service in targets)
        measured += count
        within += round(share * count)
    combined = within / measured if measured else None
    total = replace(total, total=replace(total.total, within_standard=combined))
    return CitySummary(first, last, tuple(groups), by_office, total)


def city_reports(
    store: CentralStore, first: date, last: date, now: datetime
) -> tuple[CitySummary, CitySkm]:
    """The city reports page: the summary by office (its ranking) and the SKM (blocking)."""
    summary = city_summary(store, first, last, (OFFICE_GROUP,), now)
    skm = city_skm(store, first, last)
    assert skm is not None  # every office: never unknown
    return summary, skm


def _summary(
    visits: Sequence[Visit], first: date, last: date, groups: tuple[Group, ...],
    targets_s: dict[str, float], zone: tzinfo,
) -> SummaryResult:  # fmt: skip
    """`summarize`; without groups only its total (`figures_of`), which is all a city row
    or total needs (no arrivals by the hour: a month of the city is some 150,000 visits)."""
    if groups:
        return summarize(visits, first, last, groups, targets_s, zone)
    return SummaryResult(first, last, (), (), figures_of(visits, targets_s), (), ())


def office_visits(
    store: CentralStore, office: Office, first: date, last: date, now: datetime,
    service: str | None = None, counter: int | None = None,
) -> VisitsResult:  # fmt: skip
    """An office's visits, as its own `/api/v1/reports/visits` gives them."""
    visits = read_visits(store, [office], first, last, now, service, counter)[office.id]
    return VisitsResult(first, last, tuple(visits), zone_of(office))


def office_summary(
    store: CentralStore, office: Office, first: date, last: date, groups: Sequence[Group],
    now: datetime, service: str | None = None, counter: int | None = None,
) -> SummaryResult:  # fmt: skip
    """An office's summary, as its own `/api/v1/reports/summary` gives it."""
    visits = read_visits(store, [office], first, last, now, service, counter)[office.id]
    return summarize(visits, first, last, groups, targets_of(office), zone_of(office))


def city_summary_csv(result: CitySummary, language: str = "id") -> bytes:
    """The offices' summaries (the office reports' CSV) under an office column, then the
    city's total."""
    lang = "en" if language == "en" else "id"
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    inner = len(result.by_office[0][1].groups) if result.by_office else 0
    header: list[str] | None = None
    for office, summary in result.by_office if OFFICE_GROUP in result.groups else ():
        lines = list(csv.reader(io.StringIO(summary_csv(summary, lang).decode("utf-8-sig"))))
        if header is None:
            header = [OFFICE_HEADER[lang], *(lines[0] if inner else lines[0][1:])]
            writer.writerow(header)
        for line in lines[1:-1] if inner else lines[-1:]:
            writer.writerow([office.name, *(line if inner else line[1:])])
    totals = list(csv.reader(io.StringIO(summary_csv(result.total, lang).decode("utf-8-sig"))))
    if header is None:
        writer.writerow(["", *totals[0][1:]])
    writer.writerow([totals[-1][0], *[""] * inner, *totals[-1][1:]])
    return out.getvalue().encode("utf-8")


def city_summary_workbook(result: CitySummary, language: str = "id") -> bytes:
    """The city summary as the office's summary workbook, the office's name first."""
    body = result.to_json()
    rows = [
        {key: value for key, value in row.items() if key != "office_name"}
        | {"office": row["office_name"]}
        for row in body["rows"]
    ]
    return summary_workbook({"rows": rows, "total": body["total"]}, language)
