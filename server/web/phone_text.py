"""What the visitor's phone page says about one ticket, in Indonesian or English.

The page and its live feed both take their texts from `ticket_view`, so a page loaded
fresh and a page updated by the feed read the same. Times, dates, counts and waits come
from `client.formatting` (Babel), the module the kiosk and the printed ticket use, so the
phone and the ticket never disagree on a wait ("± 15 menit") or a time ("13.05").
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from client import formatting


class Language(StrEnum):
    INDONESIAN = "id"
    ENGLISH = "en"

    @classmethod
    def from_query(cls, value: str | None) -> Language:
        return cls.ENGLISH if value == "en" else cls.INDONESIAN


# the page's fixed texts; {placeholders} are filled by `ticket_view`
LABELS: dict[Language, dict[str, str]] = {
    Language.INDONESIAN: {
        "title": "Status antrian",
        "your_number": "Nomor antrian Anda",
        "switch": "English",
        "waiting": "Menunggu panggilan",
        "requeued": "Diantrekan ulang — menunggu panggilan",
        "called": "Nomor Anda dipanggil — silakan ke {counter}",
        "done": "Terima kasih, layanan Anda sudah selesai",
        "no_show": "Nomor Anda sudah dipanggil, tetapi Anda tidak datang ke loket. "
        "Silakan ambil nomor baru di mesin antrian.",
        "voided": "Tiket ini dibatalkan. Silakan ambil nomor baru di mesin antrian.",
        "unserved": "Tidak terlayani — tiket ini dari hari sebelumnya",
        "ahead_none": "Anda berikutnya",
        "ahead_one": "1 orang di depan Anda",
        "ahead_many": "{count} orang di depan Anda",
        "wait": "Perkiraan waktu tunggu {wait}",
        "soon": "Sebentar lagi giliran Anda",
        "issued_at": "Diambil pukul {time}",
        "called_at": "Dipanggil pukul {time} ke {counter}",
        "finished_at": "Selesai pukul {time}",
        "ticket_day": "Tiket tanggal {date}",
        "transferred": "Dialihkan dari layanan {service}",
        "live": "Halaman ini diperbarui otomatis.",
        "offline": "Koneksi terputus, mencoba lagi…",
        "alerts": "Aktifkan suara & getar",
        "alerts_on": "Suara & getar aktif",
        "not_found_title": "Tiket tidak ditemukan",
        "not_found": "Tiket ini tidak ada atau kodenya salah. Pindai lagi kode QR pada tiket "
        "Anda, atau tanyakan kepada petugas.",
    },
    Language.ENGLISH: {
        "title": "Queue status",
        "your_number": "Your queue number",
        "switch": "Bahasa Indonesia",
        "waiting": "Waiting to be called",
        "requeued": "Queued again — waiting to be called",
        "called": "Your number is called — please go to {counter}",
        "done": "Thank you, your service is complete",
        "no_show": "Your number was called, but you did not come to the counter. "
        "Please take a new number at the ticket machine.",
        "voided": "This ticket was cancelled. Please take a new number at the ticket machine.",
        "unserved": "Not served — this ticket is from an earlier day",
        "ahead_none": "You are next",
        "ahead_one": "1 person ahead of you",
        "ahead_many": "{count} people ahead of you",
        "wait": "Estimated wait {wait}",
        "soon": "Your turn is coming up",
        "issued_at": "Taken at {time}",
        "called_at": "Called at {time} to {counter}",
        "finished_at": "Finished at {time}",
        "ticket_day": "Ticket of {date}",
        "transferred": "Transferred from the service {service}",
        "live": "This page updates by itself.",
        "offline": "Connection lost, trying again…",
        "alerts": "Turn on sound & vibration",
        "alerts_on": "Sound & vibration on",
        "not_found_title": "Ticket not found",
        "not_found": "This ticket does not exist or its code is wrong. Scan the QR code on "
        "your ticket again, or ask the staff.",
    },
}


def format_time(moment: datetime, language: Language) -> str:
    """Office-local wall time: "13.05" in Indonesian, "13:05" in English (24 hours)."""
    return formatting.format_time(moment, str(language))


def format_day(day: date, language: Language) -> str:
    """ "Selasa, 24 November 2026", as the ticket prints it."""
    return formatting.format_date(datetime.combine(day, time()), str(language))


@functools.lru_cache(maxsize=4096)
def format_count(count: int, language: Language) -> str:
    return formatting.format_number(count, str(language))


def format_wait(seconds: int, language: Language) -> str:
    """The kiosk's estimate ("± 15 menit"), kept on one line (no-break spaces)."""
    return formatting.format_wait(seconds, str(language)).replace(" ", "\u00a0")


@dataclass(frozen=True, slots=True)
class Names:
    """The office's names the page shows: services in both languages, counters."""

    services: Mapping[str, tuple[str, str]]  # code -> (Indonesian, English)
    counters: Mapping[int, str]

    def service(self, code: str, language: Language) -> str:
        names = self.services.get(code)
        if names is None:
            return code
        return names[1] if language is Language.ENGLISH and names[1] else names[0]

    def counter(self, number: int | None) -> str:
        if number is None:
            return ""
        return self.counters.get(number, f"Loket {number}")


def ticket_view(
    ticket: Mapping[str, Any], today: date, names: Names, language: Language
) -> dict[str, Any]:
    """The page's texts for one ticket (its API JSON), as the template and the feed show them.

    `state` is the ticket's status, or `unserved` for an earlier day's ticket that was never
    finished; `live` says whether the page should keep listening.
    """
    labels = LABELS[language]
    status = str(ticket["status"])
    day = date.fromisoformat(str(ticket["day"]))
    counter = names.counter(ticket.get("counter"))
    earlier = day != today
    state = "unserved" if earlier and status in {"waiting", "called"} else status
    if state == "waiting":
        headline = labels["requeued" if ticket.get("requeued") else "waiting"]
    elif state == "called":
        headline = labels["called"].format(counter=counter)
    else:
        headline = labels[state]
    ahead = wait = ""
    if state == "waiting":
        count = int(ticket["people_ahead"])
        if count == 0:
            ahead = labels["ahead_none"]
        elif count == 1:
            ahead = labels["ahead_one"]
        else:
            ahead = labels["ahead_many"].format(count=format_count(count, language))
        seconds = int(ticket["est_wait_s"])
        wait = (
            labels["wait"].format(wait=format_wait(seconds, language))
            if seconds > 0
            else labels["soon"]
        )
    lines = []
    if earlier:
        lines.append(labels["ticket_day"].format(date=format_day(day, language)))
    lines.append(labels["issued_at"].format(time=_time(ticket.get("issued_at"), language)))
    if ticket.get("called_at") and status in {"called", "done", "no_show"} and counter:
        called = _time(ticket["called_at"], language)
        lines.append(labels["called_at"].format(time=called, counter=counter))
    if ticket.get("finished_at") and status == "done":
        lines.append(labels["finished_at"].format(time=_time(ticket["finished_at"], language)))
    if ticket.get("transferred_from"):
        source = names.service(str(ticket["transferred_from"]), language)
        lines.append(labels["transferred"].format(service=source))
    return {
        "number": ticket["number"],
        "service": names.service(str(ticket["service"]), language),
        "state": state,
        "headline": headline,
        "ahead": ahead,
        "wait": wait,
        "lines": lines,
        "recalls": ticket.get("recalls", 0),
        "live": state in {"waiting", "called"},
    }


def _time(text: object, language: Language) -> str:
    if not isinstance(text, str) or not text:
        return ""
    return _time_of_text(text, language)


@functools.lru_cache(maxsize=4096)
def _time_of_text(text: str, language: Language) -> str:
    # a thousand phones in one line share a few hundred distinct times: format each once
    return format_time(datetime.fromisoformat(text), language)
