"""A year of survey answers written in large batches and read back, on both engines.

The expected figures are computed here from the rows as `Database.rows` reads them with a
plain SELECT, and the IKM with the regulation's formula in Decimal, not by the report code.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from server.survey import build_skm_report
from tests.support.database import Database
from tests.support.survey_data import fill_survey_year


def test_a_year_in_batches_of_2000_changes_is_stored_and_reported(
    tmp_path: Path, database_url: str | None
) -> None:
    database = Database(tmp_path / "data", database_url)
    store = database.store()
    assert store.acquire()
    # 1,000 visits, 600 answers: batches of 2,000 changes (a PostgreSQL batch of some 500
    # or more once read the wrong result for its lease check and failed)
    filled = fill_survey_year(store, 2026, answers=600)
    assert (filled.visits, filled.answers) == (1000, 600)
    assert database.rows("SELECT COUNT(*) FROM tickets WHERE status = 'done'") == [(1000,)]
    assert database.rows("SELECT COUNT(*) FROM events WHERE type = 'survey.answered'") == [(600,)]
    rows = database.rows("SELECT u1 + u2 + u3 + u4 + u5 + u6 + u7 + u8 + u9 FROM survey_answers")
    total = sum(row[0] for row in rows)
    expected = (Decimal(25 * total) / Decimal(9 * len(rows))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    comments = database.rows("SELECT COUNT(*) FROM survey_profiles WHERE comment IS NOT NULL")[0][0]
    reader = database.store()
    reader.open_existing()
    try:
        report = build_skm_report(reader, date(2026, 1, 1), date(2026, 12, 31))
        assert report.index.respondents == 600
        assert report.index.ikm == expected
        assert report.population == 1000
        assert len(report.suggestions) == comments
        assert sum(item.index.respondents for item in report.services) == 600
    finally:
        reader.close()
