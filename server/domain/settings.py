"""The office settings the queue rules use: plain values, no files, no environment.

`server/config.py` turns antrian.toml into these; the run-time settings API will build
the same values from JSON. Nothing here reads or validates text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo

# weekday (0 = Monday) -> the day's opening spans, sorted
WeeklyHours = Mapping[int, tuple["TimeRange", ...]]


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

    def applies_to(self, code: str) -> bool:
        return not self.services or code in self.services


@dataclass(frozen=True, slots=True)
class Holiday:
    """A day the whole office is closed: libur nasional, cuti bersama, a local holiday."""

    date: date
    name: str


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The kop surat and signature block of the office's printed reports."""

    region: str = ""  # "Pemerintah Kota Tangerang"
    address: str = ""
    head_title: str = "Camat"
    head_name: str = ""
    head_nip: str = ""  # 18 digits, or empty
    logo: str = ""  # a PNG/JPEG file name in the data dir, or empty


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """One service line (layanan) with its letter code and its service standards."""

    code: str
    name: str
    name_en: str
    description: str = ""
    description_en: str = ""
    quota: int | None = None
    minutes_per_visitor: float = 5.0
    # None means: the office-wide hours apply
    hours: WeeklyHours | None = None
    # service standards (standar pelayanan), shown to visitors
    completion_time: str = ""  # waktu penyelesaian, e.g. "15 menit", "3 hari kerja"
    completion_time_en: str = ""
    fee: str = ""  # biaya/tarif, e.g. "Gratis"
    fee_en: str = ""
    requirements: tuple[str, ...] = ()  # persyaratan
    requirements_en: tuple[str, ...] = ()
    target_wait_minutes: int | None = None
    # priority fairness for this service; None means: the office-wide value
    priority_max_in_row: int | None = None
    priority_regular_after_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class CounterSettings:
    """One counter (loket) and the services it calls."""

    number: int
    name: str
    services: tuple[str, ...]


ALL_DAY: WeeklyHours = {day: (TimeRange(time(0, 0), None),) for day in range(7)}


@dataclass(frozen=True, slots=True)
class OfficeSettings:
    """Everything the queue rules of one office depend on."""

    office_name: str = "Kantor Kecamatan"
    timezone: str = "Asia/Jakarta"
    requeue_after: int = 3
    show_figures: bool = True  # today's average wait and the latest IKM on the TV
    priority_enabled: bool = True
    priority_groups: tuple[str, ...] = ()
    # at most this many priority calls in a row before a waiting regular ticket; None: no limit
    priority_max_in_row: int | None = None
    # a regular ticket waiting this long is called before newer priority ones; None: never
    priority_regular_after_minutes: int | None = None
    hours: WeeklyHours = field(default_factory=lambda: ALL_DAY)
    breaks: tuple[Break, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    services: tuple[ServiceSettings, ...] = ()
    counters: tuple[CounterSettings, ...] = ()
    letterhead: Letterhead = field(default_factory=Letterhead)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def service(self, code: str) -> ServiceSettings | None:
        return next((service for service in self.services if service.code == code), None)

    def counter(self, number: int) -> CounterSettings | None:
        return next((counter for counter in self.counters if counter.number == number), None)

    def service_hours(self, service: ServiceSettings) -> WeeklyHours:
        return service.hours if service.hours is not None else self.hours

    def holiday(self, day: date) -> Holiday | None:
        return next((holiday for holiday in self.holidays if holiday.date == day), None)

    def max_in_row(self, service: ServiceSettings) -> int | None:
        """The priority fairness limit of `service`: its own, else the office's."""
        if service.priority_max_in_row is not None:
            return service.priority_max_in_row
        return self.priority_max_in_row

    def regular_after_minutes(self, service: ServiceSettings) -> int | None:
        """After how many minutes a regular ticket of `service` goes first, if ever."""
        if service.priority_regular_after_minutes is not None:
            return service.priority_regular_after_minutes
        return self.priority_regular_after_minutes
