"""The download formats of the reports: content type, file extension and renderer.

A renderer takes the report's result, the office settings and the language (`id`, `en`)
and returns the file's bytes. Renderers are module-level functions: they run in the
reports' worker process (`server.reports.worker`). Another format (XLSX, PDF) is one more
entry in `VISITS_FORMATS` / `SUMMARY_FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.domain.settings import OfficeSettings
from server.reports.csv_text import summary_csv, visits_csv
from server.reports.xlsx import summary_workbook, visits_workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


@dataclass(frozen=True, slots=True)
class Format:
    content_type: str
    extension: str
    render: Callable[[Any, OfficeSettings, str], bytes]


def _visits_csv(result: Any, settings: OfficeSettings, language: str) -> bytes:
    return visits_csv(result, language)


def _summary_csv(result: Any, settings: OfficeSettings, language: str) -> bytes:
    return summary_csv(result, language)


def _visits_xlsx(result: Any, settings: OfficeSettings, language: str) -> bytes:
    return visits_workbook(result.to_json(), settings.zone, language)


def _summary_xlsx(result: Any, settings: OfficeSettings, language: str) -> bytes:
    return summary_workbook(result.to_json(), language)


VISITS_FORMATS: dict[str, Format] = {
    "csv": Format(CSV_TYPE, "csv", _visits_csv),
    "xlsx": Format(XLSX_TYPE, "xlsx", _visits_xlsx),
}
SUMMARY_FORMATS: dict[str, Format] = {
    "csv": Format(CSV_TYPE, "csv", _summary_csv),
    "xlsx": Format(XLSX_TYPE, "xlsx", _summary_xlsx),
}
