"""Server configuration: antrian.toml into frozen dataclasses, with built-in defaults."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.errors import ConfigError

DEFAULT_PORT = 8470
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Tables that belong to the other programs sharing the same file; they validate them.
CLIENT_TABLES = frozenset({"printer", "kiosk", "counter", "display", "client"})
SERVICE_CODE = re.compile(r"^[A-Z]$")
HOURS_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A span within one day; `end` may be 24:00, stored as None."""

    start: time
    end: time | None

    def contains(self, moment: time) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True, slots=True)
class Break:
    """A recurring break (e.g. Friday prayer) during which services issue nothing."""

    name: str
    days: tuple[int, ...]
    span: TimeRange
    services: tuple[str, ...] = ()  # empty: every service


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """One service line (layanan) with its letter code."""

    code: str
    name: str
    name_en: str
    description: str = ""
    description_en: str = ""
    quota: int | None = None
    minutes_per_visitor: float = 5.0
    # weekday (0 = Monday) -> ranges; None means: the office-wide hours apply
    hours: Mapping[int, tuple[TimeRange, ...]] | None = None


@dataclass(frozen=True, slots=True)
class CounterConfig:
    """One counter (loket) and the services it calls."""

    number: int
    name: str
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Where the server listens and keeps its data."""

    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=lambda: default_data_dir())
    zeroconf: bool = True
    zeroconf_interfaces: tuple[str, ...] = ()  # empty: every interface
    public_url: str | None = None
    database: str | None = None  # a postgresql:// URL; None: SQLite in data_dir


@dataclass(frozen=True, slots=True)
class Config:
    """The whole server configuration."""

    office_name: str
    timezone: str
    requeue_after: int
    priority_enabled: bool
    priority_groups: tuple[str, ...]
    hours: Mapping[int, tuple[TimeRange, ...]]
    breaks: tuple[Break, ...]
    services: tuple[ServiceConfig, ...]
    counters: tuple[CounterConfig, ...]
    server: ServerSettings

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def service(self, code: str) -> ServiceConfig | None:
        return next((service for service in self.services if service.code == code), None)

    def counter(self, number: int) -> CounterConfig | None:
        return next((counter for counter in self.counters if counter.number == number), None)

    def service_hours(self, service: ServiceConfig) -> Mapping[int, tuple[TimeRange, ...]]:
        return service.hours if service.hours is not None else self.hours


def default_data_dir() -> Path:
    """The platform default: $XDG_DATA_HOME/antrian, else ~/.local/share/antrian."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "antrian"


ALL_DAY = {day: (TimeRange(time(0, 0), None),) for day in range(7)}

DEFAULT_SERVICES: tuple[dict[str, Any], ...] = (
    {
        "code": "A",
        "name": "Administrasi Kependudukan",
        "name_en": "Population Administration",
        "description": "KTP-el, KK, akta",
        "description_en": "ID card, family card, certificates",
    },
    {
        "code": "B",
        "name": "Perizinan dan Non-Perizinan",
        "name_en": "Licensing and Permits",
        "description": "IMB rumah tinggal ≤ 70 m², izin PAUD/TK, SIUP mikro",
        "description_en": "Small house building permit, preschool permit, micro business permit",
    },
    {
        "code": "C",
        "name": "Legalisasi dan Layanan Umum",
        "name_en": "Legalisation and General Services",
        "description": "Legalisasi dokumen, surat keterangan",
        "description_en": "Document legalisation, certificates of statement",
    },
)
DEFAULT_COUNTERS: tuple[dict[str, Any], ...] = (
    {"number": 1, "services": ["A"]},
    {"number": 2, "services": ["A", "B"]},
    {"number": 3, "services": ["B", "C"]},
)
DEFAULT_PRIORITY_GROUPS = ("lansia", "penyandang disabilitas", "ibu hamil", "ibu dengan balita")


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read `path` (or the built-in defaults when None) and apply environment overrides."""
    environ = os.environ if environ is None else environ
    document: dict[str, Any] = {}
    if path is not None:
        try:
            document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    return parse_config(document, environ)


def parse_config(document: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Config:
    """Validate a parsed TOML document; every problem is a ConfigError naming its key."""
    environ = {} if environ is None else environ
    known = {"office", "server", "hours", "breaks", "services", "counters", "priority"}
    for key in document:
        if key not in known and key not in CLIENT_TABLES:
            raise ConfigError(f"{key}: unknown section (expected one of {sorted(known)})")
    office = _table(document, "office")
    _reject_unknown(office, "office", {"name", "timezone", "requeue_after"})
    office_name = _string(office, "office.name", "Kantor Kecamatan")
    timezone = _string(office, "office.timezone", "Asia/Jakarta")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        # OSError: a zone *folder* such as "Asia" is not a zone
        raise ConfigError(f"office.timezone: unknown time zone {timezone!r}") from exc
    requeue_after = _integer(office, "office.requeue_after", 3, minimum=0)

    priority = _table(document, "priority")
    _reject_unknown(priority, "priority", {"enabled", "groups"})
    priority_enabled = _boolean(priority, "priority.enabled", True)
    priority_groups = _string_list(priority, "priority.groups", DEFAULT_PRIORITY_GROUPS)

    hours = _parse_hours(document.get("hours"), "hours") if "hours" in document else ALL_DAY
    breaks = tuple(
        _parse_break(entry, f"breaks[{index}]")
        for index, entry in enumerate(_array_of_tables(document, "breaks"))
    )
    raw_services = document.get("services", DEFAULT_SERVICES)
    services = tuple(
        _parse_service(entry, f"services[{index}]")
        for index, entry in enumerate(_as_tables(raw_services, "services"))
    )
    if not services:
        raise ConfigError("services: at least one service is needed")
    codes = [service.code for service in services]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ConfigError(f"services: code {duplicates[0]} is used twice")
    raw_counters = document.get("counters", DEFAULT_COUNTERS)
    counters = tuple(
        _parse_counter(entry, f"counters[{index}]", set(codes))
        for index, entry in enumerate(_as_tables(raw_counters, "counters"))
    )
    if not counters:
        raise ConfigError("counters: at least one counter is needed")
    numbers = [counter.number for counter in counters]
    if len(set(numbers)) != len(numbers):
        twice = next(number for number in numbers if numbers.count(number) > 1)
        raise ConfigError(f"counters: number {twice} is used twice")
    for brk in breaks:
        for code in brk.services:
            if code not in codes:
                raise ConfigError(f"breaks: service {code!r} is not defined in [[services]]")
    return Config(
        office_name=office_name,
        timezone=timezone,
        requeue_after=requeue_after,
        priority_enabled=priority_enabled,
        priority_groups=priority_groups,
        hours=hours,
        breaks=breaks,
        services=services,
        counters=counters,
        server=_parse_server(_table(document, "server"), environ),
    )


def _parse_server(table: Mapping[str, Any], environ: Mapping[str, str]) -> ServerSettings:
    allowed = {
        "host", "port", "data_dir", "zeroconf", "zeroconf_interfaces", "public_url", "database",
    }  # fmt: skip
    _reject_unknown(table, "server", allowed)
    merged = dict(table)
    # Only this module reads the environment: ANTRIAN_SERVER_<KEY>.
    for key, kind in (("host", str), ("port", int), ("data_dir", str), ("public_url", str)):
        value = environ.get(f"ANTRIAN_SERVER_{key.upper()}")
        if value:
            if kind is int:
                try:
                    merged[key] = int(value)
                except ValueError as exc:
                    raise ConfigError(f"ANTRIAN_SERVER_{key.upper()}: not a number") from exc
            else:
                merged[key] = value
    if environ.get("ANTRIAN_DATABASE_URL"):
        merged["database"] = environ["ANTRIAN_DATABASE_URL"]
    zeroconf_env = environ.get("ANTRIAN_SERVER_ZEROCONF")
    if zeroconf_env:
        merged["zeroconf"] = zeroconf_env.lower() not in {"0", "false", "no", "off"}
    data_dir = _string(merged, "server.data_dir", "")
    return ServerSettings(
        host=_string(merged, "server.host", "0.0.0.0"),
        port=_integer(merged, "server.port", DEFAULT_PORT, minimum=0, maximum=65535),
        data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
        zeroconf=_boolean(merged, "server.zeroconf", True),
        zeroconf_interfaces=_string_list(merged, "server.zeroconf_interfaces", ()),
        public_url=_string(merged, "server.public_url", "") or None,
        database=_string(merged, "server.database", "") or None,
    )


def _parse_service(table: Mapping[str, Any], where: str) -> ServiceConfig:
    allowed = {
        "code", "name", "name_en", "description", "description_en", "quota",
        "minutes_per_visitor", "hours",
    }  # fmt: skip
    _reject_unknown(table, where, allowed)
    if "code" not in table:
        raise ConfigError(f'{where}.code: missing (a capital letter such as "A")')
    code = _string(table, f"{where}.code", "")
    if not SERVICE_CODE.match(code):
        raise ConfigError(f"{where}.code: {code!r} is not one capital letter A-Z")
    if "name" not in table:
        raise ConfigError(f"{where}.name: missing")
    name = _string(table, f"{where}.name", "")
    quota = table.get("quota")
    if quota is not None:
        quota = _integer(table, f"{where}.quota", 0, minimum=1)
    minutes = table.get("minutes_per_visitor", 5.0)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0:
        raise ConfigError(f"{where}.minutes_per_visitor: expected a positive number")
    hours = _parse_hours(table["hours"], f"{where}.hours") if "hours" in table else None
    return ServiceConfig(
        code=code,
        name=name,
        name_en=_string(table, f"{where}.name_en", name),
        description=_string(table, f"{where}.description", ""),
        description_en=_string(table, f"{where}.description_en", ""),
        quota=quota,
        minutes_per_visitor=float(minutes),
        hours=hours,
    )


def _parse_counter(table: Mapping[str, Any], where: str, codes: set[str]) -> CounterConfig:
    _reject_unknown(table, where, {"number", "name", "services"})
    if "number" not in table:
        raise ConfigError(f"{where}.number: missing")
    number = _integer(table, f"{where}.number", 0, minimum=1, maximum=999)
    services = _string_list(table, f"{where}.services", ())
    if not services:
        raise ConfigError(f"{where}.services: a counter must serve at least one service")
    for code in services:
        if code not in codes:
            raise ConfigError(f"{where}.services: service {code!r} is not defined in [[services]]")
    return CounterConfig(
        number=number,
        name=_string(table, f"{where}.name", f"Loket {number}"),
        services=services,
    )


def _parse_break(table: Mapping[str, Any], where: str) -> Break:
    _reject_unknown(table, where, {"name", "days", "start", "end", "services"})
    days = _string_list(table, f"{where}.days", WEEKDAYS)
    for day in days:
        if day not in WEEKDAYS:
            raise ConfigError(f"{where}.days: {day!r} is not one of {', '.join(WEEKDAYS)}")
    for key in ("start", "end"):
        if key not in table:
            raise ConfigError(f"{where}.{key}: missing (HH:MM)")
    span = _parse_range(f"{table['start']}-{table['end']}", f"{where}")
    return Break(
        name=_string(table, f"{where}.name", "Istirahat"),
        days=tuple(WEEKDAYS.index(day) for day in days),
        span=span,
        services=_string_list(table, f"{where}.services", ()),
    )


def _parse_hours(value: Any, where: str) -> dict[int, tuple[TimeRange, ...]]:
    if not isinstance(value, Mapping):
        raise ConfigError(f'{where}: expected a table such as {{ mon = "08:00-15:00" }}')
    _reject_unknown(value, where, set(WEEKDAYS))
    hours: dict[int, tuple[TimeRange, ...]] = {}
    for index, day in enumerate(WEEKDAYS):
        spec = value.get(day, "closed")
        specs = [spec] if isinstance(spec, str) else spec
        if not isinstance(specs, list) or not all(isinstance(item, str) for item in specs):
            raise ConfigError(f'{where}.{day}: expected "HH:MM-HH:MM", a list of them, or "closed"')
        ranges = [
            _parse_range(item, f"{where}.{day}") for item in specs if item.strip() != "closed"
        ]
        hours[index] = tuple(sorted(ranges, key=lambda span: span.start))
    return hours


def _parse_range(text: str, where: str) -> TimeRange:
    match = HOURS_RANGE.match(text.strip())
    if not match:
        raise ConfigError(f'{where}: {text!r} is not a time range like "08:00-15:00"')
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
    if start_hour > 23 or start_minute > 59 or end_hour > 24 or end_minute > 59:
        raise ConfigError(f"{where}: {text!r} has an impossible time")
    if end_hour == 24 and end_minute != 0:
        raise ConfigError(f"{where}: {text!r} ends after 24:00")
    start = time(start_hour, start_minute)
    end = None if end_hour == 24 else time(end_hour, end_minute)
    if end is not None and end <= start:
        raise ConfigError(f"{where}: {text!r} ends before it starts")
    return TimeRange(start, end)


def _table(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: expected a table [{key}]")
    return value


def _array_of_tables(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    return _as_tables(document.get(key, []), key)


def _as_tables(value: Any, key: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, Mapping) for item in value):
        raise ConfigError(f"{key}: expected an array of tables [[{key}]]")
    return list(value)


def _reject_unknown(table: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(allowed))})")


def _string(table: Mapping[str, Any], key: str, default: str) -> str:
    value = table.get(key.rsplit(".", 1)[-1], default)
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected text, got {type(value).__name__}")
    return value


def _integer(
    table: Mapping[str, Any], key: str, default: int, minimum: int | None = None,
    maximum: int | None = None,
) -> int:  # fmt: skip
    value = table.get(key.rsplit(".", 1)[-1], default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected a whole number, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{key}: must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{key}: must be at most {maximum}")
    return value


def _boolean(table: Mapping[str, Any], key: str, default: bool) -> bool:
    value = table.get(key.rsplit(".", 1)[-1], default)
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false")
    return value


def _string_list(table: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = table.get(key.rsplit(".", 1)[-1], list(default))
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f'{key}: expected a list of texts such as ["A", "B"]')
    return tuple(value)


def config_path(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """--config, else $ANTRIAN_CONFIG, else the first of the places the clients look too."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get("ANTRIAN_CONFIG"):
        return Path(environ["ANTRIAN_CONFIG"])
    home = Path.home() / ".config" / "antrian" / "antrian.toml"
    for candidate in (Path("antrian.toml"), home, Path("/etc/antrian/antrian.toml")):
        if candidate.is_file():
            return candidate
    return None
