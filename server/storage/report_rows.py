"""The reports' query of both engines: the visits of a range of days, as `Visit` values.

Only the columns a visit needs are read, in one indexed range query on `tickets.day`
(the `(day, number)` index), through the store's reading connections.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from server.reports.visit import Visit, VisitStatus

VISIT_COLUMNS = (
    "number, service, issued_service, priority, status, day, issued_at, called_at, "
    "finished_at, counter, clerk, transfers, requeues"
)


def visits_query(
    placeholder: str, first: date, last: date, service: str | None, counter: int | None
) -> tuple[str, tuple[object, ...]]:
    """The SQL and its parameters (`?` for SQLite, `%s` for PostgreSQL)."""
    sql = f"SELECT {VISIT_COLUMNS} FROM tickets WHERE day >= {placeholder} AND day <= {placeholder}"
    parameters: list[object] = [first, last]
    if service is not None:
        sql += f" AND service = {placeholder}"
        parameters.append(service)
    if counter is not None:
        sql += f" AND counter = {placeholder}"
        parameters.append(counter)
    return sql + " ORDER BY id", tuple(parameters)


def visits_from_rows(rows: Sequence[Sequence[Any]]) -> list[Visit]:
    """Visits from rows of VISIT_COLUMNS (days as text on SQLite, as dates on PostgreSQL).

    The loop builds each visit in place (as `Visit.of` would): a year is 150,000 rows.
    """
    parse = datetime.fromisoformat
    new = tuple.__new__
    done = VisitStatus.DONE
    statuses = {str(status): status for status in VisitStatus}
    days: dict[object, date] = {}
    found: list[Visit] = []
    append = found.append
    for row in rows:
        (number, service, issued_service, priority, status_text, day, issued_text,
         called_text, finished_text, counter, clerk, transfers, requeues) = row  # fmt: skip
        visit_day = days.get(day)
        if visit_day is None:
            visit_day = day if isinstance(day, date) else date.fromisoformat(str(day))
            days[day] = visit_day
        status = statuses[status_text]
        issued_at = parse(issued_text)
        called_at = parse(called_text) if called_text is not None else None
        finished_at = parse(finished_text) if finished_text is not None else None
        wait_s = service_s = None
        if status is done and called_at is not None:
            wait_s = max(0.0, (called_at - issued_at).total_seconds())
            if finished_at is not None:
                service_s = max(0.0, (finished_at - called_at).total_seconds())
        append(
            new(Visit, (
                number, service, issued_service, bool(priority), status, visit_day, issued_at,
                called_at, finished_at, counter, clerk, transfers or 0, requeues or 0, wait_s,
                service_s,
            ))
        )  # fmt: skip
    return found
