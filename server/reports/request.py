"""Reading a report request's values (dates, months, groups), in Indonesian or English.

Pure: text in, values out; a `BadReportRequest` names what is wrong in both languages,
for the web edge to answer 400 with.
"""

from __future__ import annotations

import re
from datetime import date

from server.reports.summary import Group

MAX_RANGE_DAYS = 366  # a year of days, a leap year's included
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_SERVICE = re.compile(r"[A-Z0-9]{1,8}")


class BadReportRequest(ValueError):
    """A report request that cannot be answered: a bad date, group or range."""

    def __init__(self, indonesian: str, english: str) -> None:
        super().__init__(english)
        self.indonesian = indonesian
        self.english = english

    def message(self, language: str) -> str:
        return self.english if language == "en" else self.indonesian


def parse_date(name: str, text: str | None) -> date:
    """`from` or `to` as YYYY-MM-DD."""
    if text is None or not text.strip():
        raise BadReportRequest(
            f"parameter '{name}' wajib diisi (tanggal YYYY-MM-DD)",
            f"parameter '{name}' is required (a date YYYY-MM-DD)",
        )
    if not _DATE.fullmatch(text) or not text.isascii():
        raise BadReportRequest(
            f"'{name}' harus tanggal berbentuk YYYY-MM-DD, bukan {text[:40]!r}",
            f"'{name}' must be a date YYYY-MM-DD, not {text[:40]!r}",
        )
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadReportRequest(
            f"'{name}' bukan tanggal yang ada: {text}", f"'{name}' is not a real date: {text}"
        ) from exc


def parse_range(first_text: str | None, last_text: str | None) -> tuple[date, date]:
    """`from` and `to` (inclusive), at most MAX_RANGE_DAYS days."""
    first = parse_date("from", first_text)
    last = parse_date("to", last_text)
    if last < first:
        raise BadReportRequest(
            f"'to' ({last}) lebih awal dari 'from' ({first})",
            f"'to' ({last}) is before 'from' ({first})",
        )
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise BadReportRequest(
            f"rentang laporan paling lama {MAX_RANGE_DAYS} hari",
            f"a report covers at most {MAX_RANGE_DAYS} days",
        )
    return first, last


def parse_month(text: str | None) -> tuple[date, date]:
    """`month=YYYY-MM` as its first and last day."""
    if text is None or not _MONTH.fullmatch(text) or not text.isascii():
        raise BadReportRequest(
            "parameter 'month' harus berbentuk YYYY-MM", "'month' must be YYYY-MM"
        )
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12 or year < 1:
        raise BadReportRequest(f"bulan tidak dikenal: {text}", f"no such month: {text}")
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def parse_groups(text: str | None) -> tuple[Group, ...]:
    """`group=day,service`: known groups, each once; none given: no rows, only the total."""
    if text is None or not text.strip():
        return ()
    groups: list[Group] = []
    known = ", ".join(str(group) for group in Group)
    for part in text.split(","):
        name = part.strip().lower()
        try:
            group = Group(name)
        except ValueError:
            raise BadReportRequest(
                f"pengelompokan tidak dikenal: {part[:40]!r} (pilihan: {known})",
                f"unknown group {part[:40]!r} (choose from: {known})",
            ) from None
        if group in groups:
            raise BadReportRequest(
                f"pengelompokan {group} disebut dua kali", f"group {group} is given twice"
            )
        groups.append(group)
    return tuple(groups)


def parse_service(text: str | None) -> str | None:
    """`service=A`: a letter code (one no longer offered still has its history)."""
    if text is None or text == "":
        return None
    code = text.strip().upper()
    if not _SERVICE.fullmatch(code):
        raise BadReportRequest(
            f"'service' harus kode layanan (mis. A), bukan {text[:40]!r}",
            f"'service' must be a service code (e.g. A), not {text[:40]!r}",
        )
    return code


def parse_counter(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise BadReportRequest(
            f"'counter' harus nomor loket, bukan {text[:40]!r}",
            f"'counter' must be a counter number, not {text[:40]!r}",
        )
    return int(text)
