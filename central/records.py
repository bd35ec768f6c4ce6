"""An office's records in the reports' queries: which rows to read, which copy counts.

An office renewed (`antrian-central office renew`) has several records, each stored under
its own row id (`central.schema`); a report reads the tickets and events of all of them
(`RecordRows`: each row id with its office, one row per record in the queries' `unnest`).
A record restored from a backup starts with the events the older record already had (the
same ids, times and tickets): such a visit or survey answer is counted once, in the
newest record that holds it — as the office's own reports count it after the restore. A
ticket is the same visit when a later
record of the office has a ticket with the same id, number and issue time (to the
microsecond); a survey answer when a later record has the event with the same id, type,
time and data. A re-installed office (a fresh record) shares nothing: both count whole.
(A shared visit answered in each record after the fork — the old PC after the backup, the
restored one again — is two answers: they are two events, told apart by nothing here.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from central.store import Office

# `later` (record, later): an older record of an office and each later one of the same
# office (empty for offices with one record each)
LATER_CTE = """later AS (
  SELECT * FROM unnest(%(older)s::bigint[], %(later)s::bigint[]) AS l(record, later))"""
# the queries say `AND {TICKETS_ONCE}` / `AND {EVENTS_ONCE}`; `once` puts the NOT EXISTS
# there only when some office has two records (else the planner keeps the plain plan)
TICKETS_ONCE = "/* tickets once */ TRUE"
EVENTS_ONCE = "/* events once */ TRUE"
TICKET_COUNTS = """NOT EXISTS (
  SELECT 1 FROM later l JOIN tickets n ON n.office = l.later AND n.id = t.id
  WHERE l.record = t.office AND n.issued_at = t.issued_at AND n.number = t.number)"""
EVENT_COUNTS = """NOT EXISTS (
  SELECT 1 FROM later l JOIN events n ON n.office = l.later AND n.id = e.id
  WHERE l.record = e.office AND n.at = e.at AND n.type = e.type AND n.data = e.data)"""


@dataclass(frozen=True, slots=True)
class RecordRows:
    """Every record of some offices: `records` (row ids), with `offices`, `current` (the
    office's current record?) and `positions` (the office's place in the offices given)
    alike; and the (`older`, `later`) pairs of `LATER_CTE`."""

    records: list[int]
    offices: list[int]
    current: list[bool]
    positions: list[int]
    older: list[int]
    later: list[int]

    def per_record(self, values: Sequence[Any]) -> list[Any]:
        """A value per office (in the order the offices were given) as one per record."""
        return [values[position] for position in self.positions]

    def parameters(self) -> dict[str, Any]:
        return {
            "records": self.records, "offices": self.offices, "current": self.current,
            "older": self.older, "later": self.later,
        }  # fmt: skip


def once(query: str, rows: RecordRows) -> str:
    """`query` counting each visit and answer once over the records of `rows`."""
    if not rows.older:
        return query
    return query.replace(TICKETS_ONCE, TICKET_COUNTS).replace(EVENTS_ONCE, EVENT_COUNTS)


def record_rows(offices: Sequence[Office]) -> RecordRows:
    """Every record row of these offices, and each (older, later) pair of one office."""
    rows = RecordRows([], [], [], [], [], [])
    for place, office in enumerate(offices):
        ids = office.record_ids
        for position, record in enumerate(ids):
            rows.records.append(record)
            rows.offices.append(office.id)
            rows.current.append(record == office.record)
            rows.positions.append(place)
            for later in ids[position + 1 :]:
                rows.older.append(record)
                rows.later.append(later)
    return rows
