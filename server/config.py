"""Server configuration: antrian.toml into the domain's office settings, plus [server].

The schema (`server/settings_schema.py`) checks types and keys; this module checks what
needs more than one value, reads the environment (the only module that does) and builds
the frozen values the rules use. Every mistake is a ConfigError in Indonesian (English
with ANTRIAN_LANG=en) that names the place as people know it: "Loket 3", "Layanan B".
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from server import config_texts as texts
from server import settings_schema as schema
from server.config_texts import Path as KeyPath
from server.domain.settings import (
    ALL_DAY,
    Break,
    CounterSettings,
    Holiday,
    Letterhead,
    OfficeSettings,
    ServiceSettings,
    TimeRange,
    WeeklyHours,
)
from server.errors import ConfigError
from server.settings_errors import decode, fail
from server.settings_schema import DEFAULT_PORT, DEFAULT_PRIORITY_GROUPS, WEEKDAYS

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_PRIORITY_GROUPS",
    "WEEKDAYS",
    "Break",
    "CitySettings",
    "Config",
    "CounterConfig",
    "Holiday",
    "ServerSettings",
    "ServiceConfig",
    "SurveySettings",
    "TimeRange",
    "config_path",
    "load_config",
    "parse_config",
    "parse_office_settings",
]  # fmt: skip

ENV_LANGUAGE = "ANTRIAN_LANG"
SERVICE_CODE = re.compile(r"^[A-Z]$")
_CLOCK = r"(\d{1,2})[:.](\d{2})"
TIME_OF_DAY = re.compile(rf"^{_CLOCK}$")
NIP_LENGTH = 18
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
HOURS_RANGE = re.compile(rf"^{_CLOCK}\s*(?:-|–|—|s\.?d\.?|s/d|sampai)\s*{_CLOCK}$", re.IGNORECASE)

# the names other modules and tests know these values by
ServiceConfig = ServiceSettings
CounterConfig = CounterSettings


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
    public_host: str | None = None  # the guest Wi-Fi listener's address; None: off
    public_port: int = schema.DEFAULT_PUBLIC_PORT
    max_connections_per_address: int = schema.DEFAULT_CONNECTIONS_PER_ADDRESS


@dataclass(frozen=True, slots=True)
class SurveySettings:
    """The SKM survey's `[survey]` table."""

    retention_days: int = 365  # profiles and comments of older visits are deleted


@dataclass(frozen=True, slots=True)
class CitySettings:
    """Where the office pushes its record ([city]); `url` None: it pushes nowhere."""

    url: str | None = None
    token: str = ""
    ca_file: Path | None = None


@dataclass(frozen=True, slots=True)
class Config(OfficeSettings):
    """The whole server configuration: the office settings and where the server runs."""

    server: ServerSettings = field(default_factory=ServerSettings)
    survey: SurveySettings = field(default_factory=SurveySettings)
    city: CitySettings = field(default_factory=CitySettings)


def default_data_dir() -> Path:
    """The platform default: $XDG_DATA_HOME/antrian, else ~/.local/share/antrian."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "antrian"


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


def configured_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of config messages: ANTRIAN_LANG=en for English, else Indonesian."""
    environ = os.environ if environ is None else environ
    return texts.language_of(environ.get(ENV_LANGUAGE))


def read_toml(path: Path, language: str) -> dict[str, Any]:
    """The parsed file; a missing, unreadable or malformed file is a ConfigError."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(texts.say("file.missing", language, path=path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(texts.say("file.toml", language, path=path, error=exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(texts.say("file.unreadable", language, path=path, error=exc)) from exc


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read `path` (or the built-in defaults when None) and apply environment overrides."""
    environ = os.environ if environ is None else environ
    language = configured_language(environ)
    document = read_toml(path, language) if path is not None else {}
    return parse_config(document, environ, language)


def parse_config(
    document: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    language: str | None = None,
) -> Config:
    """Validate a parsed TOML document; every problem is a ConfigError naming its place."""
    environ = {} if environ is None else environ
    language = language or configured_language(environ)
    known = (*schema.OFFICE_SECTIONS, *schema.SERVER_SECTIONS, *schema.CLIENT_SECTIONS)
    for key in document:
        if key not in known:
            suggestion = texts.suggestion(key, known, language)
            fail(document, (), language, "unknown_section", key_path=(key,), key=key,
                  suggestion=suggestion, allowed=", ".join(known))  # fmt: skip
    office = parse_office_settings(
        {key: value for key, value in document.items() if key in schema.OFFICE_SECTIONS},
        language,
    )
    server = _parse_server(document, environ, language)
    city = _parse_city(document, environ, language)
    fields = {name: getattr(office, name) for name in OfficeSettings.__dataclass_fields__}
    return Config(
        **fields,
        server=server,
        survey=_parse_survey(document, language),
        city=city,
    )


def _parse_survey(document: Mapping[str, Any], language: str) -> SurveySettings:
    table = document.get("survey", {})
    section: schema.SurveySection = decode(table, schema.SurveySection, ("survey",), document,
                                           language)  # fmt: skip
    return SurveySettings(retention_days=section.retention_days)


def parse_office_settings(document: Mapping[str, Any], language: str = "id") -> OfficeSettings:
    """The office sections (`office`, `priority`, `hours`, `breaks`, `holidays`,
    `services`, `counters`) as domain settings; from TOML now, from the settings API later."""
    parsed: schema.OfficeDocument = decode(document, schema.OfficeDocument, (), document, language)
    return _Builder(document, language).build(parsed)


class _Builder:
    """Checks what the schema cannot and builds the domain values."""

    def __init__(self, document: Mapping[str, Any], language: str) -> None:
        self.document = document
        self.language = language

    def fail(self, path: KeyPath, text_id: str, /, **params: object) -> NoReturn:
        fail(self.document, path, self.language, text_id, None, **params)

    def build(self, parsed: schema.OfficeDocument) -> OfficeSettings:
        office = parsed.office
        if not office.name.strip():
            self.fail(("office", "name"), "not_empty")
        self._check_zone(office.timezone)
        services = self._services(parsed.services)
        codes = [service.code for service in services]
        counters = self._counters(parsed.counters, codes)
        breaks = tuple(
            self._break(entry, index, codes) for index, entry in enumerate(parsed.breaks)
        )
        priority = parsed.priority
        return OfficeSettings(
            office_name=office.name,
            timezone=office.timezone,
            requeue_after=office.requeue_after,
            show_figures=office.show_figures,
            priority_enabled=priority.enabled,
            priority_groups=tuple(priority.groups),
            priority_max_in_row=priority.max_in_row,
            priority_regular_after_minutes=priority.regular_after_minutes,
            hours=self._hours(parsed.hours, ("hours",)) if parsed.hours is not None else ALL_DAY,
            breaks=breaks,
            holidays=self._holidays(parsed.holidays),
            services=services,
            counters=counters,
            letterhead=self._letterhead(office),
        )

    def _letterhead(self, office: schema.OfficeSection) -> Letterhead:
        nip = "".join(office.head_nip.split())
        if nip and not (nip.isascii() and nip.isdigit() and len(nip) == NIP_LENGTH):
            self.fail(("office", "head_nip"), "nip", value=office.head_nip)
        logo = office.logo.strip()
        if logo and (
            not logo.lower().endswith(LOGO_SUFFIXES)
            or Path(logo).name != logo
            or logo.startswith(".")
        ):
            self.fail(("office", "logo"), "logo", value=office.logo)
        return Letterhead(
            region=office.region.strip(),
            address=office.address.strip(),
            head_title=office.head_title.strip() or "Camat",
            head_name=office.head_name.strip(),
            head_nip=office.head_nip.strip(),
            logo=logo,
        )

    def _check_zone(self, name: str) -> None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # OSError: a zone *folder* such as "Asia" is not a zone
            zone = texts.suggest_zone(name)
            if zone is not None:
                self.fail(("office", "timezone"), "timezone.hint", value=name, zone=zone)
            self.fail(("office", "timezone"), "timezone", value=name)

    def _services(self, entries: list[schema.ServiceSection] | None) -> tuple[ServiceSettings, ...]:
        if entries is None:
            entries = [msgspec.convert(entry, schema.ServiceSection) for entry in DEFAULT_SERVICES]
        if not entries:
            self.fail(("services",), "no_services")
        services: list[ServiceSettings] = []
        for index, entry in enumerate(entries):
            path: KeyPath = ("services", index)
            if not SERVICE_CODE.match(entry.code):
                guess = entry.code.strip().upper()
                hint = texts.say("code.hint", self.language, code=guess)
                self.fail((*path, "code"), "code", value=entry.code,
                          hint=hint if SERVICE_CODE.match(guess) else "")  # fmt: skip
            if any(service.code == entry.code for service in services):
                self.fail(path, "code.twice", code=entry.code)
            if not entry.name.strip():
                self.fail((*path, "name"), "not_empty")
            for position, requirement in enumerate(entry.requirements):
                if not requirement.strip():
                    self.fail((*path, "requirements", position), "not_empty")
            own = entry.priority or schema.ServicePrioritySection()
            services.append(
                ServiceSettings(
                    code=entry.code,
                    name=entry.name,
                    name_en=entry.name_en or entry.name,
                    description=entry.description,
                    description_en=entry.description_en,
                    quota=entry.quota,
                    minutes_per_visitor=float(entry.minutes_per_visitor),
                    hours=self._hours(entry.hours, (*path, "hours")) if entry.hours else None,
                    completion_time=entry.completion_time,
                    completion_time_en=(
                        entry.completion_time
                        if entry.completion_time_en is None
                        else entry.completion_time_en
                    ),
                    fee=entry.fee,
                    fee_en=entry.fee if entry.fee_en is None else entry.fee_en,
                    requirements=tuple(entry.requirements),
                    requirements_en=tuple(
                        entry.requirements
                        if entry.requirements_en is None
                        else entry.requirements_en
                    ),
                    target_wait_minutes=entry.target_wait_minutes,
                    priority_max_in_row=own.max_in_row,
                    priority_regular_after_minutes=own.regular_after_minutes,
                )
            )
        return tuple(services)

    def _counters(
        self, entries: list[schema.CounterSection] | None, codes: list[str]
    ) -> tuple[CounterSettings, ...]:
        if entries is None:
            entries = [msgspec.convert(entry, schema.CounterSection) for entry in DEFAULT_COUNTERS]
        if not entries:
            self.fail(("counters",), "no_counters")
        counters: list[CounterSettings] = []
        for index, entry in enumerate(entries):
            path: KeyPath = ("counters", index)
            if any(counter.number == entry.number for counter in counters):
                self.fail(path, "counter.twice", number=entry.number)
            for position, code in enumerate(entry.services):
                self._check_service((*path, "services", position), code, codes)
            name = entry.name if entry.name and entry.name.strip() else f"Loket {entry.number}"
            counters.append(CounterSettings(entry.number, name, tuple(entry.services)))
        return tuple(counters)

    def _check_service(self, path: KeyPath, code: str, codes: list[str]) -> None:
        if code not in codes:
            self.fail(path, "unknown_service", code=code, known=", ".join(codes))

    def _break(self, entry: schema.BreakSection, index: int, codes: list[str]) -> Break:
        path: KeyPath = ("breaks", index)
        start = self._time(entry.start, (*path, "start"))
        end = self._end_time(entry.end, (*path, "end"))
        if end is not None and end <= start:
            self.fail(path, "break.backwards", start=entry.start, end=entry.end)
        for position, code in enumerate(entry.services):
            self._check_service((*path, "services", position), code, codes)
        return Break(
            name=entry.name,
            days=tuple(sorted({WEEKDAYS.index(day) for day in entry.days})),
            span=TimeRange(start, end),
            services=tuple(entry.services),
        )

    def _holidays(self, entries: list[schema.HolidaySection]) -> tuple[Holiday, ...]:
        holidays: list[Holiday] = []
        for index, entry in enumerate(entries):
            path: KeyPath = ("holidays", index)
            if not entry.name.strip():
                self.fail((*path, "name"), "not_empty")
            if any(holiday.date == entry.date for holiday in holidays):
                self.fail(path, "holiday.twice", date=entry.date.isoformat())
            holidays.append(Holiday(entry.date, entry.name.strip()))
        return tuple(sorted(holidays, key=lambda holiday: holiday.date))

    def _hours(self, section: schema.HoursSection, path: KeyPath) -> WeeklyHours:
        hours: dict[int, tuple[TimeRange, ...]] = {}
        for index, day in enumerate(WEEKDAYS):
            spec = getattr(section, day)
            specs = [spec] if isinstance(spec, str) else spec
            ranges = [
                self._range(item, (*path, day))
                for item in specs
                if item.strip().lower() not in ("closed", "tutup")
            ]
            hours[index] = tuple(sorted(ranges, key=lambda span: span.start))
        return hours

    def _range(self, text: str, path: KeyPath) -> TimeRange:
        match = HOURS_RANGE.match(text.strip())
        if not match:
            self.fail(path, "time_range", value=text)
        start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
        if start_hour > 23 or start_minute > 59 or end_hour > 24 or end_minute > 59:
            self.fail(path, "time.impossible", value=text)
        if end_hour == 24 and end_minute != 0:
            self.fail(path, "time.after_midnight", value=text)
        start = time(start_hour, start_minute)
        end = None if end_hour == 24 else time(end_hour, end_minute)
        if end is not None and end <= start:
            self.fail(path, "time.backwards", value=text)
        return TimeRange(start, end)

    def _time(self, text: str, path: KeyPath) -> time:
        end = self._end_time(text, path)
        if end is None:  # 24:00 starts nothing
            self.fail(path, "time.impossible", value=text)
        return end

    def _end_time(self, text: str, path: KeyPath) -> time | None:
        """A time of day; "24:00" (the end of the day) is None."""
        match = TIME_OF_DAY.match(text.strip())
        if not match:
            self.fail(path, "time", value=text)
        hour, minute = int(match.group(1)), int(match.group(2))
        if (hour, minute) == (24, 0):
            return None
        if hour > 23 or minute > 59:
            self.fail(path, "time.impossible", value=text)
        return time(hour, minute)


NUMBER_KEYS = frozenset({"port", "public_port", "max_connections_per_address"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def _parse_server(
    document: Mapping[str, Any], environ: Mapping[str, str], language: str
) -> ServerSettings:
    table = document.get("server", {})
    merged = dict(table) if isinstance(table, Mapping) else table
    if isinstance(merged, dict):
        # Only this module reads the environment: ANTRIAN_SERVER_<KEY>.
        for key in (
            "host", "port", "data_dir", "public_url", "public_host", "public_port",
            "max_connections_per_address",
        ):  # fmt: skip
            name = f"ANTRIAN_SERVER_{key.upper()}"
            value = environ.get(name)
            if not value:
                continue
            if key in NUMBER_KEYS:
                if not (value.isascii() and value.isdigit() and len(value) <= 7):
                    raise ConfigError(
                        texts.say("env.number", language, name=name, value=value), name
                    )
                merged[key] = int(value)
            else:
                merged[key] = value
        if environ.get("ANTRIAN_DATABASE_URL"):
            merged["database"] = environ["ANTRIAN_DATABASE_URL"]
        zeroconf_env = environ.get("ANTRIAN_SERVER_ZEROCONF")
        if zeroconf_env:
            merged["zeroconf"] = zeroconf_env.lower() not in {"0", "false", "no", "off"}
    section: schema.ServerSection = decode(
        merged, schema.ServerSection, ("server",), {**document, "server": merged}, language
    )
    if (
        section.public_host
        and section.port != 0
        and section.public_port == section.port
        and (
            # one address (or a wildcard) cannot take the same port twice
            section.public_host == section.host or {section.host, section.public_host} & WILDCARDS
        )
    ):
        fail(
            {**document, "server": merged}, ("server", "public_port"), language, "public_port.same",
            key_path=("server", "public_port"), port=section.public_port,
        )  # fmt: skip
    return ServerSettings(
        host=section.host,
        port=section.port,
        data_dir=Path(section.data_dir).expanduser() if section.data_dir else default_data_dir(),
        zeroconf=section.zeroconf,
        zeroconf_interfaces=tuple(section.zeroconf_interfaces),
        public_url=section.public_url or None,
        database=section.database or None,
        public_host=section.public_host or None,
        public_port=section.public_port,
        max_connections_per_address=section.max_connections_per_address,
    )


def _parse_city(
    document: Mapping[str, Any], environ: Mapping[str, str], language: str
) -> CitySettings:
    table = document.get("city", {})
    merged = dict(table) if isinstance(table, Mapping) else table
    if isinstance(merged, dict):
        for key in ("url", "token", "ca_file"):  # ANTRIAN_CITY_<KEY>
            value = environ.get(f"ANTRIAN_CITY_{key.upper()}")
            if value:
                merged[key] = value
    whole = {**document, "city": merged}
    section: schema.CitySection = decode(merged, schema.CitySection, ("city",), whole, language)
    if not section.url:
        return CitySettings()
    url = section.url.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        fail(whole, ("city",), language, "city.url", key_path=("city", "url"), value=section.url)
    if not section.token.strip():
        fail(whole, ("city",), language, "city.token", key_path=("city", "token"))
    ca_file = Path(section.ca_file).expanduser() if section.ca_file else None
    if ca_file is not None and not ca_file.is_file():
        fail(whole, ("city",), language, "city.ca_file", key_path=("city", "ca_file"),
             value=str(ca_file))  # fmt: skip
    return CitySettings(url=url, token=section.token.strip(), ca_file=ca_file)


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
