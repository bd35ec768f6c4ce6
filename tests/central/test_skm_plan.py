"""The city's SKM query on a long history: it reads each record's answers from the period's
first day on (the events index's range), never every answer the city ever stored, and
still counts a restored office's answers once.

Real PostgreSQL: six offices × 400 days × 30 answers a day (and as many other events)
written straight into the events table (enough for the planner to have chosen a hash join
over every answer of the city); Karawaci restored from a backup of 20 days before the end
(a second record holding the backup's answers again, the same ids, times and data). The
plan is PostgreSQL's own `EXPLAIN (ANALYZE)` of the query the dashboard and the city SKM
report run, on the central's own connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from central.skm import answer_sums, sums_statement
from central.store import CentralStore
from server.reports import skm
from tests.support.postgres import Cluster

LAST = date(2026, 12, 1)
DAYS = 400
PER_DAY = 30
BACKUP = LAST - timedelta(days=20)
# every answer rates each element 3, except u9: 4
NAMES = ("Karawaci", "Cibodas", "Tangerang", "Batuceper", "Neglasari", "Periuk")
ANSWERS = '{"u1":3,"u2":3,"u3":3,"u4":3,"u5":3,"u6":3,"u7":3,"u8":3,"u9":4}'


@pytest.fixture
def store(postgres_cluster: Cluster) -> Iterator[CentralStore]:
    store = CentralStore(postgres_cluster.create_database())
    store.open()
    try:
        yield store
    finally:
        store.close()


def fill(store: CentralStore) -> list[int]:
    """The six offices' answers (and some tickets' events beside them); Karawaci renewed."""
    ids = [store.add_office(name, datetime.now(UTC))[0].id for name in NAMES]
    first = LAST - timedelta(days=DAYS - 1)
    with psycopg.connect(store.url, autocommit=True) as connection:
        for office in ids:
            # per day 30 answers (visit day = the event's day) and 30 `ticket.called`
            connection.execute(
                "INSERT INTO events (office, id, v, type, at, at_time, day, tickets, data) "
                "SELECT %(office)s, g, 1, CASE WHEN g %% 2 = 0 THEN 'survey.answered' "
                "ELSE 'ticket.called' END, to_char(t, 'YYYY-MM-DD\"T\"HH24:MI:SS+07:00'), "
                "t, t::date, '[]', CASE WHEN g %% 2 = 0 THEN jsonb_build_object("
                "'visit_day', to_char(t, 'YYYY-MM-DD'), 'answers', %(answers)s::jsonb) "
                "ELSE '{}' END FROM generate_series(0, %(count)s - 1) g, "
                "LATERAL (SELECT %(first)s::date + g / %(per_day)s "
                "+ make_interval(secs => 28800 + g %% %(per_day)s * 60) AS t) s",
                {"office": office, "answers": ANSWERS, "count": DAYS * PER_DAY * 2,
                 "first": first, "per_day": PER_DAY * 2},
            )  # fmt: skip
        (record,) = connection.execute(
            "INSERT INTO offices (record_of, created_at, log_id) VALUES (%s, now(), 'r2') "
            "RETURNING id",
            (ids[0],),
        ).fetchone() or (None,)
        connection.execute(
            "INSERT INTO events SELECT %s, id, v, type, at, office_name, at_time, day, ticket, "
            "counter, clerk, synthesized, tickets, data FROM events "
            "WHERE office = %s AND day <= %s",
            (record, ids[0], BACKUP),
        )
        connection.execute("ANALYZE")
    return ids


def answers_read(plan: dict[str, Any]) -> int:
    """The rows the plan's scans of `events e` (the answers, not the NOT EXISTS's probe)
    read: those they returned and those their filters removed, over all their loops."""
    found = 0
    if plan.get("Relation Name") == "events" and plan.get("Alias") == "e":
        rows = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
        rows += plan.get("Rows Removed by Index Recheck", 0)
        found += rows * plan["Actual Loops"]
    for child in plan.get("Plans", ()):
        found += answers_read(child)
    return found


def stored_since(store: CentralStore, first: date) -> int:
    with psycopg.connect(store.url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM events WHERE type = 'survey.answered' AND day >= %s", (first,)
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("renewed", [False, True], ids=["one-record", "renewed"])
@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 11, 1), date(2026, 11, 30)), (LAST, LAST)],
    ids=["city-skm-november", "dashboard-today"],
)
def test_the_skm_query_reads_the_answers_of_the_period_only(
    store: CentralStore, renewed: bool, first: date, last: date
) -> None:
    karawaci, *_others = fill(store)
    offices = [office for office in store.offices() if renewed or office.id != karawaci]
    periods = [(office, first, last) for office in offices]
    days = (last - first).days + 1
    # each office: 30 respondents a day, counted once; every element 3 but u9 4
    respondents = days * PER_DAY
    expected = skm.AnswerSums(respondents, (3 * respondents,) * 8 + (4 * respondents,))
    assert answer_sums(store, periods) == {office.id: expected for office in offices}
    assert len(offices) == (6 if renewed else 5)
    assert renewed == (karawaci in {office.id for office in offices})

    query, parameters = sums_statement(periods)
    with store.reading("the plan") as connection:
        row = connection.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, parameters).fetchone()
    assert row is not None
    # the central's connection never compiles it (JIT: 0.3 s a query, a query of 0.1 s)
    assert "JIT" not in row[0][0]
    read = answers_read(row[0][0]["Plan"])
    # no more than the answers stored from the period's first day on (in every record; a
    # row more per record row: EXPLAIN rounds each scan's rows per loop), of the 400 days'
    since = stored_since(store, first)
    assert 0 < read <= since + len(parameters["records"])
    assert since < DAYS * PER_DAY * len(NAMES) / 10


def test_odd_answers_are_not_counted_and_fail_nothing(store: CentralStore) -> None:
    """Answers the office never records (not an object, an element missing, not 1–4,
    a text, a fraction) are skipped; the two whole answers count."""
    office = store.add_office("Karawaci", datetime.now(UTC))[0]
    whole = {f"u{index}": 4 for index in range(1, 10)}
    odd: list[Any] = [
        [4] * 9, "4", None, 4,
        {**whole, "u9": 5}, {**whole, "u3": "4"}, {**whole, "u1": 3.5}, {**whole, "u2": None},
        {**whole, "u4": {"value": 4}}, {key: 4 for key in list(whole)[:8]},
    ]  # fmt: skip
    datas: list[dict[str, Any]] = [{"visit_day": "2026-11-20", "answers": item} for item in odd]
    datas += [{"visit_day": "2026-11-20"}, {"visit_day": "2026-11-20", "answers": whole}]
    datas.append({"visit_day": "2026-11-21", "answers": {**whole, "u9": 3}})
    with psycopg.connect(store.url, autocommit=True) as connection:
        for number, data in enumerate(datas, start=1):
            connection.execute(
                "INSERT INTO events (office, id, v, type, at, at_time, day, tickets, data) "
                "VALUES (%s, %s, 1, 'survey.answered', '2026-11-21T09:00:00+07:00', "
                "'2026-11-21T02:00:00Z', '2026-11-21', '[]', %s)",
                (office.id, number, Jsonb(data)),
            )
    [current] = store.offices()
    found = answer_sums(store, [(current, date(2026, 11, 1), date(2026, 11, 30))])
    assert found == {office.id: skm.AnswerSums(2, (8,) * 8 + (7,))}
