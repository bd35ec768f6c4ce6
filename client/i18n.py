"""UI strings in Bahasa Indonesia (default) and English; formats are in client.formatting."""

from __future__ import annotations

import logging
from datetime import date, datetime
from enum import StrEnum

from client.formatting import format_date, format_time, in_zone, plural_form
from client.wire import ClosedReason, Service, TicketStatus

logger = logging.getLogger(__name__)


class Language(StrEnum):
    """Languages of the user interface."""

    INDONESIAN = "id"
    ENGLISH = "en"


DEFAULT_LANGUAGE = Language.INDONESIAN

# One flat dict per language. Keys are dotted by area: common., kiosk., counter., display.
# Add a key to both languages; a key missing in English falls back to Indonesian.
STRINGS: dict[Language, dict[str, str]] = {
    Language.INDONESIAN: {
        "common.unavailable": "Sistem antrian sedang tidak tersedia",
        "common.unavailable_hint": "Silakan hubungi petugas",
        "common.connecting": "Menghubungkan…",
        "common.searching": "Mencari server antrian…",
        "common.connected": "Terhubung",
        "common.retry": "Coba lagi",
        "common.cancel": "Batal",
        "common.ok": "OK",
        "common.queue_number": "Nomor antrian",
        "common.service": "Layanan",
        "common.counter": "Loket",
        "common.counter_number": "Loket {number}",
        "common.waiting": "Menunggu",
        "common.waiting_count": "{count} menunggu",
        "common.people_ahead": "{count} orang di depan Anda",
        "common.estimated_wait": "Perkiraan tunggu",
        "common.open": "Buka",
        "common.closed": "Tutup",
        "common.priority": "Prioritas",
        "closed_reason.hours": "Di luar jam layanan",
        "closed_reason.break": "Istirahat",
        "closed_reason.holiday": "Hari libur",
        "closed_reason.quota": "Kuota hari ini sudah habis",
        "closed_reason.closed": "Ditutup sementara",
        "closed.holiday": "Kantor tutup: hari libur",
        "closed.holiday_note": "Kantor tutup: {note}",
        "opens_again.today": "Buka kembali pukul {time}",
        "opens_again.tomorrow": "Buka kembali besok pukul {time}",
        "opens_again.later": "Buka kembali {date} pukul {time}",
        "ticket_status.waiting": "Menunggu",
        "ticket_status.called": "Dipanggil",
        "ticket_status.done": "Selesai",
        "ticket_status.no_show": "Tidak hadir",
        "ticket_status.voided": "Dibatalkan",
        "counter_state.open": "Melayani",
        "counter_state.paused": "Istirahat",
        "error.queue_empty": "Tidak ada antrian yang menunggu",
        "error.service_closed": "Layanan sedang tutup",
        "error.unauthorized": "Perangkat ini belum terdaftar di server",
        "error.forbidden": "Perangkat ini tidak berhak melakukan tindakan ini",
        "error.storage_unavailable": "Server tidak dapat menyimpan data",
        "error.unexpected": "Terjadi kesalahan",
        "pairing.title": "Perangkat baru: {device}",
        "pairing.code": "Kode pemasangan: {code}",
        "pairing.hint": "— minta supervisor menyetujui di /admin → Perangkat",
        "pairing.asking": "Meminta kode pemasangan dari server…",
        "pairing.waiting": "Menunggu persetujuan…",
        "pairing.expired": (
            "Kode tadi sudah tidak berlaku (kedaluwarsa atau server dimulai ulang)."
            " Meminta kode baru…"
        ),
        "pairing.wrong_role": (
            "Kode tadi disetujui untuk jenis perangkat lain. Meminta kode baru —"
            ' pilih "{device}" saat menyetujui.'
        ),
        "pairing.unreachable": "Server antrian belum dapat dihubungi. Mencoba lagi…",
        "pairing.device.kiosk": "Kiosk",
        "pairing.device.counter": "Loket",
        "pairing.device.display": "Layar TV",
    },
    Language.ENGLISH: {
        "common.unavailable": "The queue system is currently unavailable",
        "common.unavailable_hint": "Please ask a staff member",
        "common.connecting": "Connecting…",
        "common.searching": "Looking for the queue server…",
        "common.connected": "Connected",
        "common.retry": "Try again",
        "common.cancel": "Cancel",
        "common.ok": "OK",
        "common.queue_number": "Queue number",
        "common.service": "Service",
        "common.counter": "Counter",
        "common.counter_number": "Counter {number}",
        "common.waiting": "Waiting",
        "common.waiting_count": "{count} waiting",
        "common.people_ahead": "{count} people ahead of you",
        "common.people_ahead.one": "{count} person ahead of you",
        "common.estimated_wait": "Estimated wait",
        "common.open": "Open",
        "common.closed": "Closed",
        "common.priority": "Priority",
        "closed_reason.hours": "Outside service hours",
        "closed_reason.break": "On break",
        "closed_reason.holiday": "Public holiday",
        "closed_reason.quota": "Today's quota has been reached",
        "closed_reason.closed": "Temporarily closed",
        "closed.holiday": "Office closed: public holiday",
        "closed.holiday_note": "Office closed: {note}",
        "opens_again.today": "Opens again at {time}",
        "opens_again.tomorrow": "Opens again tomorrow at {time}",
        "opens_again.later": "Opens again on {date} at {time}",
        "ticket_status.waiting": "Waiting",
        "ticket_status.called": "Called",
        "ticket_status.done": "Done",
        "ticket_status.no_show": "Did not show up",
        "ticket_status.voided": "Cancelled",
        "counter_state.open": "Serving",
        "counter_state.paused": "On break",
        "error.queue_empty": "Nobody is waiting",
        "error.service_closed": "The service is closed",
        "error.unauthorized": "This device is not registered with the server",
        "error.forbidden": "This device may not do this",
        "error.storage_unavailable": "The server cannot store data",
        "error.unexpected": "Something went wrong",
        "pairing.title": "New device: {device}",
        "pairing.code": "Pairing code: {code}",
        "pairing.hint": "— ask a supervisor to approve it in /admin → Devices",
        "pairing.asking": "Asking the server for a pairing code…",
        "pairing.waiting": "Waiting for approval…",
        "pairing.expired": (
            "That code is no longer valid (it expired or the server restarted)."
            " Asking for a new one…"
        ),
        "pairing.wrong_role": (
            "That code was approved for another kind of device. Asking for a new one —"
            ' choose "{device}" when approving.'
        ),
        "pairing.unreachable": "The queue server cannot be reached yet. Trying again…",
        "pairing.device.kiosk": "Kiosk",
        "pairing.device.counter": "Counter",
        "pairing.device.display": "TV display",
    },
}

_reported_problems: set[tuple[str, str]] = set()


def _report_once(problem: str, key: str, language: str) -> None:
    if (key, language) in _reported_problems:
        return
    _reported_problems.add((key, language))
    logger.warning("i18n: %s %r for language %r", problem, key, language)


def parse_language(value: str) -> Language:
    """The Language for "id" or "en"; anything else is the default (Indonesian)."""
    try:
        return Language(value)
    except ValueError:
        _report_once("unknown language, using Indonesian, asked", value, value)
        return DEFAULT_LANGUAGE


def tr(key: str, language: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The UI string for ``key`` with ``{params}`` filled in; never raises.

    A key missing in the language falls back to Indonesian, then to the key itself;
    each such problem is logged once.
    """
    table = STRINGS.get(Language(language) if language in STRINGS else DEFAULT_LANGUAGE, {})
    template = table.get(key)
    if template is None:
        template = STRINGS[DEFAULT_LANGUAGE].get(key)
        if template is None:
            _report_once("missing key", key, language)
            return key
        _report_once("missing translation, using Indonesian, of", key, language)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        _report_once("bad parameters for", key, language)
        return template


def tr_count(key: str, count: int, language: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Like ``tr`` for a text about ``count`` things, in the count's plural form.

    ``key`` is the general ("other") form; ``key.one`` holds the singular where the
    language has one (English "1 person ahead of you"; Indonesian has no plural forms).
    """
    form = plural_form(count, language)
    table = STRINGS.get(Language(language) if language in STRINGS else DEFAULT_LANGUAGE, {})
    chosen = f"{key}.{form}" if form != "other" and f"{key}.{form}" in table else key
    return tr(chosen, language, count=count, **params)


def closed_reason_text(reason: ClosedReason | None, language: str = DEFAULT_LANGUAGE) -> str:
    """Why a service is closed, in words; "closed" when the reason is unknown."""
    return tr(f"closed_reason.{reason or ClosedReason.CLOSED}", language)


def opens_again_text(
    opens_at: datetime, today: date, timezone_name: str | None, language: str = DEFAULT_LANGUAGE
) -> str:
    """When a closed service opens again, in the office's time: "Buka kembali pukul 13.00",
    "… besok pukul 08.00", "… Senin, 28 Desember 2026 pukul 08.00"."""
    local = in_zone(opens_at, timezone_name)
    time = format_time(local, language)
    days = (local.date() - today).days
    if days <= 0:
        return tr("opens_again.today", language, time=time)
    if days == 1:
        return tr("opens_again.tomorrow", language, time=time)
    return tr("opens_again.later", language, date=format_date(local, language), time=time)


def closed_service_text(
    service: Service, today: date, timezone_name: str | None, language: str = DEFAULT_LANGUAGE
) -> str:
    """Why a service is closed and when it opens again, short (the TV's tile):
    "Istirahat salat Jumat · Buka kembali pukul 13.00", "Kantor tutup: Hari Raya Natal"."""
    if service.closed_reason is ClosedReason.HOLIDAY:
        if service.closed_note:
            return tr("closed.holiday_note", language, note=service.closed_note)
        return tr("closed.holiday", language)
    text = service.closed_note or closed_reason_text(service.closed_reason, language)
    if service.opens_at is not None:
        opens = opens_again_text(service.opens_at, today, timezone_name, language)
        text = f"{text} · {opens}"
    return text


def ticket_status_text(status: TicketStatus, language: str = DEFAULT_LANGUAGE) -> str:
    """A ticket status in words."""
    return tr(f"ticket_status.{status}", language)


def service_name(service: Service, language: str = DEFAULT_LANGUAGE) -> str:
    """The service's name in the language, Indonesian when no English name is set."""
    if language == Language.ENGLISH and service.name_en:
        return service.name_en
    return service.name


def service_description(service: Service, language: str = DEFAULT_LANGUAGE) -> str:
    """The service's description in the language, Indonesian when no English one is set."""
    if language == Language.ENGLISH and service.description_en:
        return service.description_en
    return service.description
