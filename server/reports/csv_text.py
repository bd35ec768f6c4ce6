"""Reports as CSV for a spreadsheet: UTF-8 with a BOM (Excel then reads Indonesian text
right), `,` between fields, every field quoted, times in office-local time.

Pure: results in, bytes out. A text that a spreadsheet would run as a formula (it begins
with `=`, `+`, `-`, `@`) is written with a leading `'`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from server.reports.figures import Figures
from server.reports.summary import Group, SummaryResult, VisitsResult

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None

VISIT_HEADERS = {
    "id": (
        "Nomor", "Layanan", "Layanan awal", "Prioritas", "Status", "Diambil", "Dipanggil",
        "Selesai", "Loket", "Petugas", "Waktu tunggu (detik)", "Waktu layanan (detik)",
        "Dialihkan", "Diantrekan ulang",
    ),
    "en": (
        "Number", "Service", "Issued service", "Priority", "Status", "Issued", "Called",
        "Finished", "Counter", "Clerk", "Waiting time (s)", "Service time (s)",
        "Transfers", "Re-queues",
    ),
}  # fmt: skip
STATUS_TEXTS = {
    "id": {
        "done": "selesai", "no_show": "tidak hadir", "voided": "dibatalkan",
        "unserved": "tidak terlayani", "waiting": "menunggu", "called": "dipanggil",
    },
    "en": {
        "done": "served", "no_show": "no-show", "voided": "voided",
        "unserved": "unserved", "waiting": "waiting", "called": "called",
    },
}  # fmt: skip
YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}
GROUP_HEADERS = {
    "id": {
        Group.DAY: "Tanggal", Group.WEEK: "Minggu", Group.MONTH: "Bulan", Group.WEEKDAY: "Hari",
        Group.HOUR: "Jam", Group.SERVICE: "Layanan", Group.COUNTER: "Loket",
        Group.CLERK: "Petugas",
    },
    "en": {
        Group.DAY: "Date", Group.WEEK: "Week", Group.MONTH: "Month", Group.WEEKDAY: "Weekday",
        Group.HOUR: "Hour", Group.SERVICE: "Service", Group.COUNTER: "Counter",
        Group.CLERK: "Clerk",
    },
}  # fmt: skip
FIGURE_HEADERS = {
    "id": (
        "Diambil", "Dilayani", "Tidak hadir", "Dibatalkan", "Tidak terlayani", "Dialihkan",
        "Diantrekan ulang", "Tunggu rata-rata (detik)", "Tunggu median (detik)",
        "Tunggu p90 (detik)", "Tunggu maks (detik)", "Layanan rata-rata (detik)",
        "Layanan median (detik)", "Layanan p90 (detik)", "Layanan maks (detik)",
        "Sesuai standar (%)",
    ),
    "en": (
        "Issued", "Served", "No-show", "Voided", "Unserved", "Transferred", "Re-queued",
        "Wait mean (s)", "Wait median (s)", "Wait p90 (s)", "Wait max (s)",
        "Service mean (s)", "Service median (s)", "Service p90 (s)", "Service max (s)",
        "Within standard (%)",
    ),
}  # fmt: skip
WEEKDAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
TOTAL = {"id": "Jumlah", "en": "Total"}


def _language(language: str) -> str:
    return "en" if language == "en" else "id"


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def _table(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _local(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else None


def visits_csv(result: VisitsResult, language: str = "id") -> bytes:
    """One line per visit, in order of issue."""
    zone = result.zone
    lang = _language(language)
    yes, no = YES_NO[lang]
    rows = []
    for visit in result.rows:
        row = visit.to_json(zone)
        rows.append(
            (
                visit.number, visit.service, visit.issued_service, yes if visit.priority else no,
                STATUS_TEXTS[lang][str(visit.status)], _local(visit.issued_at, zone),
                _local(visit.called_at, zone), _local(visit.finished_at, zone), visit.counter,
                visit.clerk, row["wait_s"], row["service_s"], visit.transfers, visit.requeues,
            )
        )  # fmt: skip
    return _table(VISIT_HEADERS[lang], rows)


def _figures(figures: Figures) -> list[Cell]:
    shown = figures.to_json()
    wait, service = shown["wait_s"], shown["service_s"]
    share = shown["within_standard"]
    return [
        figures.issued, figures.served, figures.no_show, figures.voided, figures.unserved,
        figures.transferred, figures.requeued, wait["mean"], wait["median"], wait["p90"],
        wait["max"], service["mean"], service["median"], service["p90"], service["max"],
        round(share * 100, 2) if share is not None else None,
    ]  # fmt: skip


def group_cell(group: Group, value: Cell, language: str) -> Cell:
    """A group's value as people read it: "Senin" for weekday 1, "08:00" for hour 8."""
    if group is Group.WEEKDAY and isinstance(value, int):
        return WEEKDAYS[_language(language)][value - 1]
    if group is Group.HOUR and isinstance(value, int):
        return f"{value:02d}:00"
    return value


def summary_csv(result: SummaryResult, language: str = "id") -> bytes:
    """One line per group, then the total (`Jumlah`)."""
    lang = _language(language)
    header = [GROUP_HEADERS[lang][group] for group in result.groups]
    rows: list[list[Cell]] = []
    for row in result.rows:
        keys: list[Cell] = [group_cell(group, value, lang) for group, value in row.keys]
        rows.append(keys + _figures(row.figures))
    label: list[Cell] = [TOTAL[lang]]
    label += [None] * (len(result.groups) - 1)
    rows.append(label + _figures(result.total))
    return _table([*(header or [""]), *FIGURE_HEADERS[lang]], rows)
