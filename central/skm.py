"""The city's SKM: the offices' `survey.answered` events through `server.reports.skm`.

The central only adds up: per office, how many answered and the sum of each element's
answers (u1..u9), over the answers whose visit day (`data.visit_day`, as the office's own
report counts them; else the event's day) lies in the period. NRR, IKM, rounding and grade
are `server.reports.skm.index_of`, unchanged — for each office, for the city (every
respondent pooled: the respondent-weighted IKM, not the mean of the offices' IKMs) and for
the dashboard's IKM of the month. An answer that is not 1–4 for all nine elements is not
counted (the office never records one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from central.records import EVENTS_ONCE, LATER_CTE, once, record_rows
from central.store import CentralStore, Office
from server.reports import skm
from server.reports.csv_text import BOM, FORMULA_STARTS
from server.reports.export_text import TEXTS, language_of
from server.reports.xlsx import (
    BOX,
    NRR_FORMAT,
    TOTAL_FONT,
    column_widths,
    header_row,
    new_workbook,
    skm_summary_sheet,
    workbook_bytes,
)
from server.web.survey_api import index_json

# each answer's elements read from its `answers` once (jsonb_to_record: 4× faster than a
# `->` per element and use); not an object: no elements, not counted
_ANSWERS = (
    "CASE WHEN jsonb_typeof(e.data->'answers') = 'object' THEN e.data->'answers' ELSE '{}' END"
)
_ELEMENTS = ", ".join(f"{key} jsonb" for key in skm.ELEMENTS)
_VALID = " AND ".join(f"a.{key} = ANY('{{1,2,3,4}}'::jsonb[])" for key in skm.ELEMENTS)
_SUMS = ", ".join(f"sum(a.{key}::numeric) AS {key}" for key in skm.ELEMENTS)
_TOTALS = ", ".join(f"sum(s.{key})" for key in skm.ELEMENTS)
_VISIT_DAY = (
    "CASE WHEN e.data->>'visit_day' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' "
    "THEN e.data->>'visit_day' ELSE to_char(e.day, 'YYYY-MM-DD') END"
)
# Per record row, its answers' count and sums: the aggregate in the LATERAL keeps it a
# nested loop, one index range scan of events (office, type, day) per record from its
# `first` day on (an answer comes on or after its visit day), whatever the history's
# length; then per office, over its records.
SUMS_QUERY = f"""
WITH {LATER_CTE}
SELECT d.office, sum(s.answers), {_TOTALS}
FROM unnest(%(records)s::bigint[], %(offices)s::bigint[], %(firsts)s::date[],
  %(first_texts)s::text[], %(last_texts)s::text[]) AS d(record, office, first, first_text,
  last_text)
CROSS JOIN LATERAL (
  SELECT count(*) AS answers, {_SUMS}
  FROM events e CROSS JOIN LATERAL jsonb_to_record({_ANSWERS}) AS a({_ELEMENTS})
  WHERE e.office = d.record AND e.type = 'survey.answered' AND e.day >= d.first
    AND {_VISIT_DAY} BETWEEN d.first_text AND d.last_text AND {_VALID} AND {EVENTS_ONCE}
) s
GROUP BY d.office
HAVING sum(s.answers) > 0
"""


def sums_statement(periods: Sequence[tuple[Office, date, date]]) -> tuple[str, dict[str, Any]]:
    """`SUMS_QUERY` (counting once over the offices' records) and its parameters."""
    firsts = [first for _office, first, _last in periods]
    records = record_rows([office for office, _first, _last in periods])
    lasts = [last for _office, _first, last in periods]
    parameters = records.parameters() | {
        "firsts": records.per_record(firsts),
        "first_texts": records.per_record([first.isoformat() for first in firsts]),
        "last_texts": records.per_record([last.isoformat() for last in lasts]),
    }
    return once(SUMS_QUERY, records), parameters


def answer_sums(
    store: CentralStore, periods: Sequence[tuple[Office, date, date]]
) -> dict[int, skm.AnswerSums]:
    """Per office id, the answers (of all its records) of visits from its `first` to its
    `last` day (blocking)."""
    if not periods:
        return {}
    ids = [office.id for office, _first, _last in periods]
    query, parameters = sums_statement(periods)
    with store.reading("the survey") as connection:
        rows = connection.execute(query, parameters).fetchall()
    found = {office: skm.NO_ANSWERS for office in ids}
    for row in rows:
        found[row[0]] = skm.AnswerSums(int(row[1]), tuple(int(value) for value in row[2:]))
    return found


@dataclass(frozen=True, slots=True)
class CitySkm:
    """`GET /api/v1/city/reports/skm`: each office's index and the city's (pooled)."""

    first: date
    last: date
    by_office: tuple[tuple[Office, skm.Index], ...]
    city: skm.Index

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "offices": [
                {"office": office.id, "office_name": office.name, **index_json(index)}
                for office, index in self.by_office
            ],
            "city": index_json(self.city),
        }


def city_skm(
    store: CentralStore, first: date, last: date, office_id: int | None = None
) -> CitySkm | None:
    """The SKM of every office (or one; None: unknown) from `first` to `last` (blocking)."""
    offices = store.offices()
    if office_id is not None:
        offices = [office for office in offices if office.id == office_id]
        if not offices:
            return None
    sums = answer_sums(store, [(office, first, last) for office in offices])
    by_office = tuple((office, skm.index_of(sums[office.id])) for office in offices)
    city = skm.index_of(skm.total(sums[office.id] for office in offices))
    return CitySkm(first, last, by_office, city)


CSV_HEADER = {
    "id": ["Kantor", "Responden", *(f"NRR {key.upper()}" for key in skm.ELEMENTS),
           "IKM", "Mutu", "Kinerja"],
    "en": ["Office", "Respondents", *(f"NRR {key.upper()}" for key in skm.ELEMENTS),
           "IKM", "Grade", "Performance"],
}  # fmt: skip
CITY_ROW = {"id": "Kota", "en": "City"}


def _row(name: str, index: skm.Index, language: str) -> list[str]:
    nrr = index.nrr or {}
    performance = index.performance
    if language == "en" and index.grade is not None:
        performance = skm.PERFORMANCE_EN[index.grade]
    return [
        name,
        str(index.respondents),
        *(f"{float(nrr[key]):.4f}" if key in nrr else "" for key in skm.ELEMENTS),
        f"{index.ikm:.2f}" if index.ikm is not None else "",
        index.grade or "",
        performance or "",
    ]


def city_skm_csv(result: CitySkm, language: str = "id") -> bytes:
    """One row per office (NRR per element, IKM, grade, performance), then the city's."""
    lang = "en" if language == "en" else "id"
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER[lang])
    for office, index in result.by_office:
        name = "'" + office.name if office.name.startswith(FORMULA_STARTS) else office.name
        writer.writerow(_row(name, index, lang))
    writer.writerow(_row(CITY_ROW[lang], result.city, lang))
    return out.getvalue().encode("utf-8")


def city_skm_workbook(result: CitySkm, language: str = "id") -> bytes:
    """A sheet of the offices (respondents, NRR per element, IKM, grade, performance) and
    the city's row, then the city's rekapitulasi in the office's SKM layout."""
    lang = language_of(language)
    texts = TEXTS[lang]
    book, sheet = new_workbook(texts["office"])
    header = CSV_HEADER[lang]
    header_row(sheet, 1, header)
    body = result.to_json()
    rows = [(row["office_name"], row) for row in body["offices"]]
    for line, (name, row) in enumerate([*rows, (CITY_ROW[lang], body["city"])], start=2):
        nrr = row["nrr"] or {}
        performance = row["performance"]
        if lang == "en" and row["grade"] is not None:
            performance = skm.PERFORMANCE_EN[row["grade"]]
        values = [name, row["respondents"], *(nrr.get(key) for key in skm.ELEMENTS),
                  row["ikm"], row["grade"], performance]  # fmt: skip
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.border = BOX
            if 3 <= column <= 3 + len(skm.ELEMENTS):
                cell.number_format = NRR_FORMAT
            if line == len(rows) + 2:
                cell.font = TOTAL_FONT
        sheet.cell(row=line, column=1).data_type = "s"  # a name is text, never a formula
    column_widths(sheet, [28, 11, *[9] * len(skm.ELEMENTS), 9, 8, 16])
    sheet.freeze_panes = "B2"
    city = book.create_sheet(texts["skm_sheet"])
    skm_summary_sheet(city, body["city"] | {"required_respondents": None}, lang)
    city["A2"] = f"{texts['period']}: {result.first.isoformat()} – {result.last.isoformat()}"
    return workbook_bytes(book)
