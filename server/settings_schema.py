"""The one schema of the server's settings: every TOML section as a msgspec Struct.

The same structs check antrian.toml at start-up and, later, the JSON of the run-time
settings API (the same keys as the TOML sections). Types, ranges and unknown keys are
checked here; what needs more than one value (a time range, a service code that must
exist) is checked in `server/config.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct, field

DEFAULT_PORT = 8470
DEFAULT_PUBLIC_PORT = 8471
DEFAULT_CONNECTIONS_PER_ADDRESS = 256
DEFAULT_PRIORITY_GROUPS = ("lansia", "penyandang disabilitas", "ibu hamil", "ibu dengan balita")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Positive = Annotated[int, Meta(ge=1)]
DaySpec = str | list[str]  # "08:00-15:00", a list of them, or "closed"


class Section(Struct, forbid_unknown_fields=True, kw_only=True):
    """A table of antrian.toml: unknown keys are refused."""


class OfficeSection(Section, kw_only=True):
    name: str = "Kantor Kecamatan"
    timezone: str = "Asia/Jakarta"
    requeue_after: Annotated[int, Meta(ge=0)] = 3
    # today's average wait and the latest IKM on the TV (the display's ticker and /tv)
    show_figures: bool = True
    # the letterhead and signature block of the printed reports
    region: str = ""
    address: str = ""
    head_title: str = "Camat"
    head_name: str = ""
    head_nip: str = ""
    logo: str = ""


class PrioritySection(Section, kw_only=True):
    enabled: bool = True
    groups: list[str] = field(default_factory=lambda: list(DEFAULT_PRIORITY_GROUPS))
    max_in_row: Positive | None = None
    regular_after_minutes: Positive | None = None


class ServicePrioritySection(Section, kw_only=True):
    """A service's own priority fairness, overriding [priority]."""

    max_in_row: Positive | None = None
    regular_after_minutes: Positive | None = None


class HoursSection(Section, kw_only=True):
    mon: DaySpec = "closed"
    tue: DaySpec = "closed"
    wed: DaySpec = "closed"
    thu: DaySpec = "closed"
    fri: DaySpec = "closed"
    sat: DaySpec = "closed"
    sun: DaySpec = "closed"


class BreakSection(Section, kw_only=True):
    name: str = "Istirahat"
    days: list[Weekday] = field(default_factory=lambda: list(WEEKDAYS))
    start: str
    end: str
    services: list[str] = field(default_factory=list)


class HolidaySection(Section, kw_only=True):
    date: date
    name: str


class ServiceSection(Section, kw_only=True):
    code: str
    name: str
    name_en: str | None = None
    description: str = ""
    description_en: str = ""
    quota: Positive | None = None
    minutes_per_visitor: Annotated[float, Meta(gt=0)] = 5.0
    hours: HoursSection | None = None
    completion_time: str = ""
    completion_time_en: str | None = None
    fee: str = ""
    fee_en: str | None = None
    requirements: list[str] = field(default_factory=list)
    requirements_en: list[str] | None = None
    target_wait_minutes: Positive | None = None
    priority: ServicePrioritySection | None = None


class CounterSection(Section, kw_only=True):
    number: Annotated[int, Meta(ge=1, le=999)]
    name: str | None = None
    services: Annotated[list[str], Meta(min_length=1)]


class ServerSection(Section, kw_only=True):
    host: str = "0.0.0.0"
    port: Annotated[int, Meta(ge=0, le=65535)] = DEFAULT_PORT
    data_dir: str = ""
    zeroconf: bool = True
    zeroconf_interfaces: list[str] = field(default_factory=list)
    public_url: str = ""
    database: str = ""  # a postgresql:// URL; empty: SQLite in data_dir
    # the second listener for phones on a guest Wi-Fi (only /t/, the survey, the ticket's
    # feed and static files); empty host: off
    public_host: str = ""
    public_port: Annotated[int, Meta(ge=0, le=65535)] = DEFAULT_PUBLIC_PORT
    # open connections one address may hold (a guest Wi-Fi behind NAT is one address)
    max_connections_per_address: Annotated[int, Meta(ge=1, le=1_000_000)] = (
        DEFAULT_CONNECTIONS_PER_ADDRESS
    )


class SurveySection(Section, kw_only=True):
    # how long the respondents' profiles and comments are kept (UU 27/2022); answers stay
    retention_days: Annotated[int, Meta(ge=1, le=3650)] = 365


class CitySection(Section, kw_only=True):
    """Where the office pushes its record (the city's antrian-central); empty url: nowhere."""

    url: str = ""
    token: str = ""
    ca_file: str = ""


class OfficeDocument(Section, kw_only=True):
    """The office sections: what the run-time settings API reads and replaces."""

    office: OfficeSection = field(default_factory=OfficeSection)
    priority: PrioritySection = field(default_factory=PrioritySection)
    hours: HoursSection | None = None  # None: open at every hour
    breaks: list[BreakSection] = field(default_factory=list)
    holidays: list[HolidaySection] = field(default_factory=list)
    services: list[ServiceSection] | None = None  # None: the demo office's services
    counters: list[CounterSection] | None = None  # None: the demo office's counters


OFFICE_SECTIONS = tuple(OfficeDocument.__struct_fields__)
SERVER_SECTIONS = ("server", "survey", "city")
# Tables that belong to the other programs sharing the same file; they validate them.
CLIENT_SECTIONS = ("printer", "kiosk", "counter", "display", "client")


def decode(document: Any, schema: type[Struct]) -> Any:
    """`document` (parsed TOML or JSON) as `schema`; msgspec.ValidationError names the path."""
    return msgspec.convert(document, schema)


def allowed_keys(schema: type[Struct]) -> tuple[str, ...]:
    """The keys a table of this schema accepts, in declaration order."""
    return tuple(schema.__struct_fields__)
