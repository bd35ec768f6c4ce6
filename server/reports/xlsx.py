"""Report workbooks (openpyxl): summary, visits, the monthly report and the SKM tables.

Durations are stored as Excel times (a fraction of a day) shown `[h]:mm:ss`, shares as
fractions shown `0.0%`, so a supervisor can sum and chart them; headers are frozen, columns
sized, labels in Indonesian (English with `language="en"`). Summary and monthly workbooks
carry chart sheets: mean waiting time per day and per service, in minutes.

The sheet helpers other report modules build on (the city's SKM workbook in `central.skm`
uses them, so the office's and the city's tables look alike):
`new_workbook` (a workbook and its first, titled sheet), `header_row` (the dark header
row), `column_widths`, `skm_summary_sheet` (the SKM rekapitulasi table) and
`workbook_bytes` (the .xlsx file); the styles `BOX`, `TOTAL_FONT` and the number formats.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.reports.export_text import (
    ELEMENT_KEYS,
    SKM_ELEMENTS,
    TEXTS,
    WEEKDAYS,
    language_of,
    month_name,
    suggestions_of,
)
from server.reports.monthly import MonthlyReport, daily_mean_wait

Figures = Mapping[str, Any]

DURATION_FORMAT = "[h]:mm:ss"
PERCENT_FORMAT = "0.0%"
MINUTES_FORMAT = "0.0"
NRR_FORMAT = "0.00"
DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
SECONDS_PER_DAY = 86400
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TOTAL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# "office": the city's summary (antrian-central) groups by office first
GROUP_KEYS = ("office", "day", "week", "month", "weekday", "hour", "service", "counter", "clerk")
COUNT_KEYS = ("issued", "served", "no_show", "voided", "unserved", "transferred", "requeued")
STAT_KEYS = ("mean", "median", "p90", "max")
ACTION_PLAN_ROWS = 5


def _duration(seconds: object) -> float | None:
    return None if seconds is None else float(seconds) / SECONDS_PER_DAY  # type: ignore[arg-type]


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """A workbook and its first sheet, named `title`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    return book, sheet


def header_row(sheet: Worksheet, row: int, labels: Sequence[str]) -> None:
    """`labels` in row `row` from column A on: bold white on dark blue, boxed, wrapped."""
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = BOX


def column_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    """The widths (in characters) of columns A, B, … in order."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _group_value(key: str, value: object, language: str) -> object:
    if key == "weekday" and isinstance(value, int) and 1 <= value <= 7:  # ISO: 1 = Monday
        return WEEKDAYS[language][value - 1]
    return value


# ------------------------------------------------------------------ summary


def _summary_table(
    sheet: Worksheet, rows: Sequence[Figures], total: Figures | None, language: str, top: int = 1
) -> int:
    """The summary table from row `top`; returns the last row written."""
    texts = TEXTS[language]
    groups = [key for key in GROUP_KEYS if any(key in row for row in rows)] or ["service"]
    labels = [texts[key] for key in groups]
    labels += [texts[key] for key in COUNT_KEYS]
    labels += [texts[f"wait_{key}"] for key in STAT_KEYS]
    labels += [texts[f"service_{key}"] for key in STAT_KEYS]
    labels.append(texts["within_standard"])
    header_row(sheet, top, labels)
    line = top
    for row in [*rows, *([total] if total is not None else [])]:
        line += 1
        is_total = total is not None and row is total
        values: list[object] = []
        for key in groups:
            values.append(texts["total"] if is_total and key == groups[0] else None)
            if not is_total:
                values[-1] = _group_value(key, row.get(key), language)
        values += [row.get(key) for key in COUNT_KEYS]
        values += [_duration((row.get("wait_s") or {}).get(key)) for key in STAT_KEYS]
        values += [_duration((row.get("service_s") or {}).get(key)) for key in STAT_KEYS]
        values.append(row.get("within_standard"))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.border = BOX
            if is_total:
                cell.font = TOTAL_FONT
        first_duration = len(groups) + len(COUNT_KEYS) + 1
        for column in range(first_duration, first_duration + 2 * len(STAT_KEYS)):
            sheet.cell(row=line, column=column).number_format = DURATION_FORMAT
        sheet.cell(row=line, column=len(values)).number_format = PERCENT_FORMAT
    column_widths(sheet, [12] * len(groups) + [11] * (len(labels) - len(groups)))
    sheet.row_dimensions[top].height = 32
    sheet.freeze_panes = sheet.cell(row=top + 1, column=len(groups) + 1)
    return line


def _chart_sheet(
    book: Workbook,
    data: Worksheet,
    column: int,
    points: Sequence[tuple[object, float | None]],
    heading: str,
    title: str,
    sheet_title: str,
    language: str,
) -> None:
    """Write `points` (label, seconds) as minutes into `data` at `column` and chart them."""
    texts = TEXTS[language]
    data.cell(row=1, column=column, value=heading).font = TOTAL_FONT
    data.cell(row=1, column=column + 1, value=texts["minutes"]).font = TOTAL_FONT
    for index, (label, seconds) in enumerate(points, start=2):
        data.cell(row=index, column=column, value=label)
        cell = data.cell(
            row=index, column=column + 1, value=None if seconds is None else seconds / 60
        )
        cell.number_format = MINUTES_FORMAT
    data.column_dimensions[get_column_letter(column)].width = 14
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = texts["minutes"]
    chart.x_axis.title = heading
    chart.legend = None
    last = max(2, len(points) + 1)
    values = Reference(data, min_col=column + 1, min_row=1, max_row=last)
    categories = Reference(data, min_col=column, min_row=2, max_row=last)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(categories)
    chart.y_axis.numFmt = MINUTES_FORMAT
    sheet = book.create_chartsheet(sheet_title)
    sheet.add_chart(chart)


def _service_points(rows: Sequence[Figures]) -> list[tuple[object, float | None]]:
    return [
        (row.get("service"), (row.get("wait_s") or {}).get("mean"))
        for row in rows
        if row.get("service") is not None
    ]


def summary_workbook(report: Figures, language: str = "id") -> bytes:
    """`/api/v1/reports/summary` as XLSX: the table, its total, and a chart sheet."""
    language = language_of(language)
    texts = TEXTS[language]
    book, sheet = new_workbook(texts["summary"])
    rows = list(report.get("rows") or [])
    _summary_table(sheet, rows, report.get("total"), language)
    data = book.create_sheet(texts["chart_data"])
    if any("day" in row for row in rows):
        _chart_sheet(book, data, 1, daily_mean_wait(rows), texts["day"],
                     texts["chart_wait_title"], texts["chart_day"], language)  # fmt: skip
    if any("service" in row for row in rows):
        _chart_sheet(book, data, 4, _service_points(_by_service(rows)), texts["service"],
                     texts["chart_wait_title"], texts["chart_service"], language)  # fmt: skip
    return workbook_bytes(book)


def _by_service(rows: Sequence[Figures]) -> list[Figures]:
    """Rows of one service each: a table grouped by more than the service is combined."""
    combined: dict[str, list[tuple[float, int]]] = {}
    for row in rows:
        code = row.get("service")
        if code is None:
            continue
        mean = (row.get("wait_s") or {}).get("mean")
        served = int(row.get("served") or 0)
        combined.setdefault(str(code), [])
        if mean is not None and served:
            combined[str(code)].append((float(mean), served))
    result: list[Figures] = []
    for code in sorted(combined):
        parts = combined[code]
        weight = sum(count for _, count in parts)
        mean_wait = sum(wait * count for wait, count in parts) / weight if weight else None
        result.append({"service": code, "wait_s": {"mean": mean_wait}})
    return result


# ------------------------------------------------------------------ visits


def _local(text: object, zone: tzinfo) -> datetime | None:
    """An ISO time with its offset as the naive office-local time Excel shows."""
    if not isinstance(text, str) or not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.replace(tzinfo=None)


def visits_workbook(report: Figures, zone: tzinfo, language: str = "id") -> bytes:
    """`/api/v1/reports/visits` as XLSX: one row a visit, times in the office's zone.

    Written in openpyxl's write-only mode: a month of a busy office is some 10,000 rows."""
    language = language_of(language)
    texts = TEXTS[language]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(texts["visits"])
    keys = ("number", "service", "issued_service", "priority", "status", "issued_at",
            "called_at", "finished_at", "counter", "clerk", "wait", "service_time",
            "transfers", "requeues")  # fmt: skip
    column_widths(sheet, [9, 8, 10, 9, 13, 20, 20, 20, 7, 16, 12, 12, 9, 10])
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(keys))}1"
    header = []
    for key in keys:
        cell = WriteOnlyCell(sheet, value=texts[key])
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)

    def formatted(value: object, number_format: str) -> object:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    yes, no = texts["yes"], texts["no"]
    for row in report.get("rows") or []:
        status = str(row.get("status") or "")
        sheet.append([
            row.get("number"), row.get("service"), row.get("issued_service"),
            yes if row.get("priority") else no, texts.get(f"status_{status}", status),
            formatted(_local(row.get("issued_at"), zone), DATE_TIME_FORMAT),
            formatted(_local(row.get("called_at"), zone), DATE_TIME_FORMAT),
            formatted(_local(row.get("finished_at"), zone), DATE_TIME_FORMAT),
            row.get("counter"), row.get("clerk"),
            formatted(_duration(row.get("wait_s")), DURATION_FORMAT),
            formatted(_duration(row.get("service_s")), DURATION_FORMAT),
            row.get("transfers"), row.get("requeues"),
        ])  # fmt: skip
    return workbook_bytes(book)


# ------------------------------------------------------------------ monthly


def monthly_workbook(report: MonthlyReport, language: str = "id") -> bytes:
    """The monthly report: totals and per service, per day, charts and the SKM result."""
    language = language_of(language)
    texts = TEXTS[language]
    book, sheet = new_workbook(texts["summary"])
    sheet["A1"] = texts["month_title"].format(month=month_name(report.month, language))
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = report.office
    if report.letterhead.region:
        sheet["A2"] = f"{report.office} — {report.letterhead.region}"
    rows = []
    for line in report.services:
        name = line.name_en if language == "en" else line.name
        rows.append({**dict(line.figures), "service": f"{line.code} {name}"})
    _summary_table(sheet, rows, report.total, language, top=4)
    sheet.freeze_panes = "B5"
    sheet.column_dimensions["A"].width = 34
    days = book.create_sheet(texts["per_day"])
    _summary_table(days, list(report.days), None, language)
    data = book.create_sheet(texts["chart_data"])
    _chart_sheet(book, data, 1, daily_mean_wait(report.days), texts["day"],
                 texts["chart_wait_title"], texts["chart_day"], language)  # fmt: skip
    points = [(line.code, (line.figures.get("wait_s") or {}).get("mean"))
              for line in report.services]  # fmt: skip
    _chart_sheet(book, data, 4, points, texts["service"], texts["chart_wait_title"],
                 texts["chart_service"], language)  # fmt: skip
    if report.skm is not None:
        skm_summary_sheet(book.create_sheet(texts["skm_sheet"]), report.skm, language)
    return workbook_bytes(book)


# ------------------------------------------------------------------ SKM


def skm_summary_sheet(sheet: Worksheet, skm: Figures, language: str) -> None:
    """Tabel rekapitulasi per unsur, then IKM, mutu pelayanan, kinerja and respondents.

    `skm` has the shape of `/api/v1/reports/skm` (`respondents`, `nrr`, `ikm`, `grade`,
    `performance`; optional `sums`, `required_respondents`); `language` is "id" or "en".
    """
    texts = TEXTS[language]
    names = SKM_ELEMENTS[language]
    respondents = int(skm.get("respondents") or 0)
    nrr: Mapping[str, Any] = skm.get("nrr") or {}
    sums: Mapping[str, Any] = skm.get("sums") or {}
    sheet["A1"] = texts["skm_title"]
    sheet["A1"].font = TITLE_FONT
    header_row(sheet, 3, [texts["code"], texts["element"], texts["sum"], texts["nrr"],
                          texts["nrr_weighted"]])  # fmt: skip
    line = 3
    for key in ELEMENT_KEYS:
        line += 1
        value = nrr.get(key)
        total = sums.get(key)
        if total is None and value is not None:
            total = round(float(value) * respondents)
        cells = [key.upper(), names[key], total, value,
                 None if value is None else float(value) / 9]  # fmt: skip
        for column, item in enumerate(cells, start=1):
            cell = sheet.cell(row=line, column=column, value=item)
            cell.border = BOX
        sheet.cell(row=line, column=4).number_format = NRR_FORMAT
        sheet.cell(row=line, column=5).number_format = "0.000"
    line += 1
    sheet.cell(row=line, column=2, value=texts["nrr_weighted_total"]).font = TOTAL_FONT
    weighted = sum(float(nrr[key]) / 9 for key in ELEMENT_KEYS if nrr.get(key) is not None)
    cell = sheet.cell(row=line, column=5, value=weighted if nrr else None)
    cell.number_format = "0.000"
    cell.font = TOTAL_FONT
    grade = skm.get("grade")
    facts: list[tuple[str, object, str | None]] = [
        (texts["ikm"], skm.get("ikm"), NRR_FORMAT),
        (texts["grade"], grade, None),
        (texts["performance"], skm.get("performance"), None),
        (texts["respondents"], respondents, None),
        (texts["respondents_required"], skm.get("required_respondents"), None),
    ]
    line += 1
    for label, value, number_format in facts:
        line += 1
        sheet.cell(row=line, column=2, value=label).font = TOTAL_FONT
        cell = sheet.cell(row=line, column=3, value=value)
        if number_format:
            cell.number_format = number_format
    column_widths(sheet, [7, 44, 14, 10, 16])
    sheet.freeze_panes = "A4"


def _profile_sheet(sheet: Worksheet, skm: Figures, language: str) -> None:
    texts = TEXTS[language]
    header_row(sheet, 1, [texts["profile_group"], texts["profile_value"], texts["profile_count"],
                          texts["profile_share"]])  # fmt: skip
    profile: Mapping[str, Mapping[str, int]] = skm.get("profile") or {}
    respondents = int(skm.get("respondents") or 0)
    line = 1
    for group in ("age", "gender", "education", "occupation"):
        for value, count in (profile.get(group) or {}).items():
            line += 1
            sheet.cell(row=line, column=1, value=texts[group])
            sheet.cell(row=line, column=2, value=str(value))
            sheet.cell(row=line, column=3, value=count)
            share = sheet.cell(
                row=line, column=4, value=count / respondents if respondents else None
            )
            share.number_format = PERCENT_FORMAT
    column_widths(sheet, [18, 28, 10, 12])
    sheet.freeze_panes = "A2"


def skm_workbook(skm: Figures, language: str = "id", period: str = "") -> bytes:
    """`/api/v1/reports/skm` in the layout offices publish: rekapitulasi per unsur, IKM,
    mutu pelayanan, profile of the respondents, suggestions and an empty follow-up table."""
    language = language_of(language)
    texts = TEXTS[language]
    book, sheet = new_workbook(texts["skm_sheet"])
    skm_summary_sheet(sheet, skm, language)
    if period:
        sheet["A2"] = f"{texts['period']}: {period}"
    _profile_sheet(book.create_sheet(texts["profile"]), skm, language)
    comments = book.create_sheet(texts["suggestions"])
    header_row(
        comments, 1, [texts["action_no"], texts["day"], texts["service"], texts["suggestion"]]
    )
    for line, (day, service, text) in enumerate(suggestions_of(skm), start=2):
        comments.cell(row=line, column=1, value=line - 1)
        comments.cell(row=line, column=2, value=day)
        comments.cell(row=line, column=3, value=service)
        # a suggestion is text, never a formula a spreadsheet would run
        comments.cell(row=line, column=4, value=text).data_type = "s"
        comments.cell(row=line, column=4).alignment = Alignment(wrap_text=True)
    column_widths(comments, [6, 12, 9, 90])
    comments.freeze_panes = "A2"
    plan = book.create_sheet(texts["action_plan"])
    labels = [texts[key] for key in ("action_no", "action_element", "action_program",
                                     "action_when", "action_who")]  # fmt: skip
    header_row(plan, 1, labels)
    for line in range(2, 2 + ACTION_PLAN_ROWS):
        for column in range(1, len(labels) + 1):
            plan.cell(row=line, column=column).border = BOX
        plan.cell(row=line, column=1, value=line - 1)
        plan.row_dimensions[line].height = 30
    column_widths(plan, [6, 34, 44, 16, 24])
    plan.freeze_panes = "A2"
    return workbook_bytes(book)
