"""A year's published holiday list (CSV or TOML) into `[[holidays]]` tables.

The government publishes libur nasional and cuti bersama once a year (SKB 3 Menteri);
an office types or downloads them into a CSV with the columns `date,name` and runs
`antrian-server holidays import FILE >> antrian.toml`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from server import config_texts as texts
from server.config import parse_office_settings, read_toml
from server.domain.settings import Holiday
from server.errors import ConfigError

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12,
}  # fmt: skip
HEADERS = {("date", "name"), ("tanggal", "nama"), ("tanggal", "keterangan")}
# "1 Januari 2027", "Jumat, 1 Januari 2027", "01/01/2027", "1-1-2027", "2027-01-01"
WRITTEN = re.compile(r"^(?:\w+,\s*)?(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")
NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(text: str) -> date | None:
    """An ISO date or a simple Indonesian form (day first); None when it is neither."""
    value = text.strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            return date.fromisoformat(value)
        if match := WRITTEN.match(value):
            month = MONTHS.get(match.group(2).lower())
            if month is None:
                return None
            return date(int(match.group(3)), month, int(match.group(1)))
        if match := NUMERIC.match(value):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:  # 31 Februari
        return None
    return None


def read_holidays(path: Path, language: str) -> list[Holiday]:
    """The holidays in a .csv (`date,name`) or .toml (`[[holidays]]`) file, checked."""
    suffix = path.suffix.lower()
    if suffix == ".toml":
        document = read_toml(path, language)
        holidays = {"holidays": document.get("holidays", [])}
        return list(parse_office_settings(holidays, language).holidays)
    if suffix != ".csv":
        raise ConfigError(texts.say("holidays.format", language, path=path))
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV starts with a BOM
    except FileNotFoundError as exc:
        raise ConfigError(texts.say("file.missing", language, path=path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(texts.say("file.unreadable", language, path=path, error=exc)) from exc
    return _read_csv(text, path, language)


def _read_csv(text: str, path: Path, language: str) -> list[Holiday]:
    first = text.split("\n", 1)[0]
    # a spreadsheet set to Indonesian writes ";" between columns
    delimiter = ";" if ";" in first and "," not in first else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(rows, [])
    if tuple(cell.strip().lower() for cell in header[:2]) not in HEADERS:
        raise ConfigError(texts.say("holidays.csv.header", language, path=path))
    holidays: list[Holiday] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue

        problem = None
        day = parse_date(row[0])
        name = ",".join(row[1:]).strip()
        if day is None:
            problem = texts.say("holidays.date", language, value=row[0].strip())
        elif not name:
            problem = texts.say("holidays.name", language)
        elif any(holiday.date == day for holiday in holidays):
            problem = texts.say("holiday.twice", language, date=day.isoformat())
        if problem is not None or day is None:
            raise ConfigError(
                texts.say("holidays.csv.row", language, path=path, line=line, problem=problem)
            )
        holidays.append(Holiday(day, name))
    return sorted(holidays, key=lambda holiday: holiday.date)


def holidays_toml(holidays: Iterable[Holiday], source: str) -> str:
    """`[[holidays]]` tables, ready to append to antrian.toml."""
    lines = [f"# {source}"]
    for holiday in holidays:
        # a JSON string of plain text is a valid TOML basic string
        name = json.dumps(holiday.name, ensure_ascii=False)
        lines += ["", "[[holidays]]", f"date = {holiday.date.isoformat()}", f"name = {name}"]
    return "\n".join(lines) + "\n"
