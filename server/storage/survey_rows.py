"""The SKM survey's rows and queries, the same SQL on SQLite and PostgreSQL.

Statements are written with `{p}` for a parameter: `?` on SQLite, `%s` on PostgreSQL. Days
are ISO text on SQLite and `date` on PostgreSQL; both compare in calendar order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from server.storage.port import SkmSums, Suggestion, SurveyRow

ELEMENT_COLUMNS = tuple(f"u{index}" for index in range(1, 10))
ANSWER_COLUMNS = (
    "ticket", "event_id", "day", "answered_at", "service", "counter", "channel", *ELEMENT_COLUMNS,
)  # fmt: skip
PROFILE_COLUMNS = ("ticket", "day", "age", "gender", "education", "occupation", "comment")


class Connection(Protocol):
    """What both drivers' connections offer (sqlite3 and psycopg)."""

    def execute(self, query: Any, params: Any = ...) -> Any: ...


def insert_answer(p: str) -> str:
    return (
        f"INSERT INTO survey_answers ({', '.join(ANSWER_COLUMNS)}) "
        f"VALUES ({', '.join([p] * len(ANSWER_COLUMNS))})"
    )


def insert_profile(p: str) -> str:
    return (
        f"INSERT INTO survey_profiles ({', '.join(PROFILE_COLUMNS)}) "
        f"VALUES ({', '.join([p] * len(PROFILE_COLUMNS))})"
    )


def answer_row(row: SurveyRow, event_id: int, day: object) -> tuple[object, ...]:
    return (
        row.ticket, event_id, day, row.answered_at.isoformat(), row.service, row.counter,
        row.channel, *row.answers,
    )  # fmt: skip


def profile_row(row: SurveyRow, day: object) -> tuple[object, ...]:
    return (row.ticket, day, row.age, row.gender, row.education, row.occupation, row.comment)


def read_surveys(connection: Connection) -> list[tuple[SurveyRow, int]]:
    """Every answer with its profile (None where retention deleted it) and its event id."""
    answers = ", ".join(f"answer.{column}" for column in ANSWER_COLUMNS)
    profile = ", ".join(f"profile.{column}" for column in PROFILE_COLUMNS[2:])
    rows = connection.execute(
        f"SELECT {answers}, {profile} FROM survey_answers AS answer "
        "LEFT JOIN survey_profiles AS profile ON profile.ticket = answer.ticket "
        "ORDER BY answer.ticket"
    ).fetchall()
    return [
        (
            SurveyRow(
                ticket=int(row[0]),
                day=row[2] if isinstance(row[2], date) else date.fromisoformat(str(row[2])),
                answered_at=datetime.fromisoformat(str(row[3])),
                service=str(row[4]),
                counter=int(row[5]) if row[5] is not None else None,
                channel=str(row[6]),
                answers=tuple(int(value) for value in row[7:16]),
                age=int(row[16]) if row[16] is not None else None,
                gender=row[17], education=row[18], occupation=row[19], comment=row[20],
            ),
            int(row[1]),
        )
        for row in rows
    ]  # fmt: skip


def history_rows(
    surveys: Sequence[tuple[SurveyRow, int]], day: Callable[[date], object]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The answer rows and the profile rows (only where one is kept) to insert."""
    answers = [answer_row(row, event_id, day(row.day)) for row, event_id in surveys]
    profiles = [profile_row(row, day(row.day)) for row, _ in surveys if row.has_profile]
    return answers, profiles


def _period(p: str, service: str | None, table: str = "") -> tuple[str, int]:
    prefix = f"{table}." if table else ""
    where = f"{prefix}day >= {p} AND {prefix}day <= {p}"
    if service is not None:
        where += f" AND {prefix}service = {p}"
    return where, 3 if service is not None else 2


def _params(first: object, last: object, service: str | None) -> tuple[object, ...]:
    return (first, last) if service is None else (first, last, service)


def survey_answered(connection: Connection, p: str, ticket_id: int) -> bool:
    found = connection.execute(
        f"SELECT 1 FROM survey_answers WHERE ticket = {p}", (ticket_id,)
    ).fetchone()
    return found is not None


def skm_sums(
    connection: Connection, p: str, first: object, last: object, service: str | None
) -> list[SkmSums]:
    where, _ = _period(p, service)
    sums = ", ".join(f"SUM({column})" for column in ELEMENT_COLUMNS)
    rows = connection.execute(
        f"SELECT service, COUNT(*), {sums} FROM survey_answers WHERE {where} "
        "GROUP BY service ORDER BY service",
        _params(first, last, service),
    ).fetchall()
    return [
        SkmSums(str(row[0]), int(row[1]), tuple(int(value) for value in row[2:])) for row in rows
    ]


def served_count(
    connection: Connection, p: str, first: object, last: object, service: str | None
) -> int:
    where, _ = _period(p, service)
    row = connection.execute(
        f"SELECT COUNT(*) FROM tickets WHERE {where} AND status = 'done'",
        _params(first, last, service),
    ).fetchone()
    return int(row[0])


def suggestions(
    connection: Connection, p: str, first: object, last: object, service: str | None, limit: int
) -> list[Suggestion]:
    where, _ = _period(p, service, "answer")
    rows = connection.execute(
        "SELECT answer.day, answer.service, profile.comment FROM survey_profiles AS profile "
        "JOIN survey_answers AS answer ON answer.ticket = profile.ticket "
        f"WHERE {where} AND profile.comment IS NOT NULL "
        f"ORDER BY answer.day, answer.answered_at, answer.ticket LIMIT {p}",
        (*_params(first, last, service), limit),
    ).fetchall()
    return [
        Suggestion(
            row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0])),
            str(row[1]),
            str(row[2]),
        )
        for row in rows
    ]


def delete_profiles(connection: Connection, p: str, before: object) -> int:
    cursor = connection.execute(f"DELETE FROM survey_profiles WHERE day < {p}", (before,))
    return int(cursor.rowcount)


PROFILE_FIELDS = ("gender", "education", "occupation")


def profile_counts(
    connection: Connection, p: str, first: object, last: object, service: str | None
) -> dict[str, dict[str, int]]:
    """How many respondents gave each gender, education and occupation (profiles kept)."""
    where, _ = _period(p, service, "answer")
    counts: dict[str, dict[str, int]] = {}
    for field in PROFILE_FIELDS:
        rows = connection.execute(
            f"SELECT profile.{field}, COUNT(*) FROM survey_profiles AS profile "
            "JOIN survey_answers AS answer ON answer.ticket = profile.ticket "
            f"WHERE {where} AND profile.{field} IS NOT NULL "
            f"GROUP BY profile.{field} ORDER BY profile.{field}",
            _params(first, last, service),
        ).fetchall()
        counts[field] = {str(value): int(count) for value, count in rows}
    return counts


def latest_answer_day(connection: Connection, p: str) -> date | None:
    """The visit day of the newest answer, or None before the first."""
    row = connection.execute("SELECT MAX(day) FROM survey_answers").fetchone()
    if row is None or row[0] is None:
        return None
    value = row[0]
    return value if isinstance(value, date) else date.fromisoformat(str(value))
