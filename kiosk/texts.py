"""The kiosk's screen texts in Bahasa Indonesia (default) and English, overridable per office."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from client.formatting import format_number, format_wait, plural_form
from client.i18n import DEFAULT_LANGUAGE, Language, closed_reason_text, opens_again_text, tr
from client.wire import ClosedReason, Service

logger = logging.getLogger(__name__)

# client.i18n has one catalogue for every program and no way to register another, so the
# kiosk keeps its own here and falls back to client.i18n for the shared keys (common.*).
KIOSK_STRINGS: Mapping[Language, Mapping[str, str]] = MappingProxyType(
    {
        Language.INDONESIAN: MappingProxyType(
            {
                "welcome": "Selamat datang",
                "choose_service": "Silakan sentuh layanan yang Anda perlukan",
                "waiting_line": "Menunggu: {count} orang · {wait}",
                "waiting_none": "Tidak ada yang menunggu",
                "closed.hours": "Tutup — di luar jam layanan",
                "closed.break": "Istirahat — silakan kembali nanti",
                "closed.quota": "Tutup — kuota hari ini habis",
                "closed.closed": "Ditutup sementara",
                "closed.note": "Tutup — {note}",
                "closed.holiday": "Kantor tutup: hari libur",
                "closed.holiday_note": "Kantor tutup: {note}",
                "priority_button": "Prioritas: lansia, disabilitas, ibu hamil, ibu dengan balita",
                "priority_button_hint": "Sentuh di sini untuk antrian prioritas",
                "priority_title": "Antrian prioritas",
                "priority_hint": (
                    "Untuk lansia, penyandang disabilitas, ibu hamil, dan ibu dengan balita. "
                    "Anda akan dipanggil lebih dulu. Silakan pilih layanan:"
                ),
                "priority_groups": "Kelompok prioritas: {groups}",
                "priority_badge": "PRIORITAS",
                "back": "Kembali",
                "info_button": "Info layanan",
                "info_title": "Standar pelayanan",
                "info_hint": "Waktu penyelesaian, biaya, dan persyaratan setiap layanan",
                "info_completion_time": "Waktu penyelesaian",
                "info_fee": "Biaya",
                "info_requirements": "Persyaratan",
                "info_no_requirements": "Tidak ada persyaratan khusus",
                "info_not_set": "—",
                "switch_language": "English",
                "please_wait": "Mohon tunggu, tiket sedang dicetak…",
                "your_number": "Nomor antrian Anda",
                "take_ticket": "Silakan ambil tiket Anda",
                "people_ahead": "{count} orang di depan Anda · perkiraan tunggu {wait}",
                "no_one_ahead": "Tidak ada yang di depan Anda · segera dipanggil",
                "done": "Selesai",
                "print_failed_title": "Maaf, tiket tidak dapat dicetak",
                "print_failed_voided": (
                    "Nomor {number} dibatalkan dan tidak akan dipanggil. Silakan hubungi petugas."
                ),
                "print_failed_not_voided": ("Silakan hubungi petugas dan sebutkan nomor {number}."),
                "service_closed_title": "Layanan sedang tutup",
                "issue_failed_title": "Tiket belum dapat dibuat",
                "issue_failed_hint": "Silakan coba lagi sebentar lagi atau hubungi petugas.",
                "out_of_order_title": "Mohon maaf, kiosk ini sedang tidak dapat mencetak tiket",
                "out_of_order_hint": "Silakan hubungi petugas.",
                "printer.paper_out": "Kertas tiket habis",
                "printer.cover_open": "Tutup printer terbuka",
                "printer.offline": "Printer tidak terhubung",
                "token_rejected_title": "Kiosk belum terdaftar di server antrian",
                "token_rejected_hint": (
                    "Server menolak token kiosk ini. Petugas: buat token baru di PC server "
                    "(antrian-server token create --role kiosk) dan isi di antrian.toml."
                ),
                "unavailable_title": "Sistem antrian sedang tidak tersedia",
                "unavailable_hint": (
                    "Kiosk mencoba menghubungkan kembali secara otomatis. "
                    "Mohon tunggu sebentar atau hubungi petugas."
                ),
                "connecting_title": "Menghubungkan…",
                "connecting_hint": "Mencari server antrian",
                "setup_error_title": "Kiosk belum dapat digunakan",
                "setup_error_hint": "Silakan hubungi petugas.",
                "admin_title": "Keluar dari kiosk",
                "admin_prompt": "Masukkan PIN petugas",
                "admin_wrong_pin": "PIN salah",
                "admin_no_pin": "PIN belum diatur (admin_pin di antrian.toml)",
                "admin_exit": "Keluar",
                "admin_cancel": "Batal",
                "ticket_footer": "Simpan tiket ini sampai nomor Anda dipanggil",
            }
        ),
        Language.ENGLISH: MappingProxyType(
            {
                "welcome": "Welcome",
                "choose_service": "Please touch the service you need",
                "waiting_line": "Waiting: {count} people · {wait}",
                "waiting_line.one": "Waiting: {count} person · {wait}",
                "waiting_none": "Nobody is waiting",
                "closed.hours": "Closed — outside service hours",
                "closed.break": "On break — please come back later",
                "closed.quota": "Closed — today's quota is full",
                "closed.closed": "Temporarily closed",
                "closed.note": "Closed — {note}",
                "closed.holiday": "Office closed: public holiday",
                "closed.holiday_note": "Office closed: {note}",
                "priority_button": (
                    "Priority: elderly, disabled people, pregnant women, mothers with toddlers"
                ),
                "priority_button_hint": "Touch here for a priority ticket",
                "priority_title": "Priority queue",
                "priority_hint": (
                    "For the elderly, people with disabilities, pregnant women and mothers with "
                    "toddlers. You will be called first. Please choose a service:"
                ),
                "priority_groups": "Priority groups: {groups}",
                "priority_badge": "PRIORITY",
                "back": "Back",
                "info_button": "Service information",
                "info_title": "Service standards",
                "info_hint": "Completion time, fee and requirements of each service",
                "info_completion_time": "Completion time",
                "info_fee": "Fee",
                "info_requirements": "Requirements",
                "info_no_requirements": "No special requirements",
                "info_not_set": "—",
                "switch_language": "Bahasa Indonesia",
                "please_wait": "Please wait, your ticket is being printed…",
                "your_number": "Your queue number",
                "take_ticket": "Please take your ticket",
                "people_ahead": "{count} people ahead of you · estimated wait {wait}",
                "people_ahead.one": "{count} person ahead of you · estimated wait {wait}",
                "no_one_ahead": "Nobody is ahead of you · you will be called soon",
                "done": "Done",
                "print_failed_title": "Sorry, the ticket could not be printed",
                "print_failed_voided": (
                    "Number {number} has been cancelled and will not be called. "
                    "Please ask a staff member."
                ),
                "print_failed_not_voided": (
                    "Please ask a staff member and tell them number {number}."
                ),
                "service_closed_title": "This service is closed",
                "issue_failed_title": "The ticket could not be issued",
                "issue_failed_hint": "Please try again in a moment or ask a staff member.",
                "out_of_order_title": "Sorry, this kiosk cannot print tickets right now",
                "out_of_order_hint": "Please ask a staff member.",
                "printer.paper_out": "The ticket paper has run out",
                "printer.cover_open": "The printer cover is open",
                "printer.offline": "The printer is not connected",
                "token_rejected_title": "This kiosk is not registered with the queue server",
                "token_rejected_hint": (
                    "The server refuses this kiosk's token. Staff: create a new one on the "
                    "server PC (antrian-server token create --role kiosk) and put it into "
                    "antrian.toml."
                ),
                "unavailable_title": "The queue system is currently unavailable",
                "unavailable_hint": (
                    "The kiosk keeps trying to reconnect by itself. "
                    "Please wait a moment or ask a staff member."
                ),
                "connecting_title": "Connecting…",
                "connecting_hint": "Looking for the queue server",
                "setup_error_title": "The kiosk is not ready yet",
                "setup_error_hint": "Please ask a staff member.",
                "admin_title": "Leave the kiosk",
                "admin_prompt": "Enter the staff PIN",
                "admin_wrong_pin": "Wrong PIN",
                "admin_no_pin": "No PIN is set (admin_pin in antrian.toml)",
                "admin_exit": "Exit",
                "admin_cancel": "Cancel",
                "ticket_footer": "Keep this ticket until your number is called",
            }
        ),
    }
)

# A key ending in ".one" is the singular of a text about a count (English only so far).
TEXT_KEYS = frozenset(key for table in KIOSK_STRINGS.values() for key in table)


class KioskTexts:
    """Looks up kiosk texts: the office's overrides first, then the built-in catalogue."""

    def __init__(self, overrides: Mapping[Language, Mapping[str, str]] | None = None) -> None:
        self._overrides = {language: dict(table) for language, table in (overrides or {}).items()}
        self._reported: set[tuple[str, str]] = set()

    def get(self, key: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
        """The text for ``key`` with ``{params}`` filled in; never raises."""
        template = self._overrides.get(language, {}).get(key)
        if template is None:
            template = KIOSK_STRINGS.get(language, {}).get(key)
        if template is None:
            template = KIOSK_STRINGS[DEFAULT_LANGUAGE].get(key)
        if template is None:
            return tr(key, language, **params)
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError, AttributeError):
            if (key, language) not in self._reported:
                self._reported.add((key, language))
                logger.warning("kiosk text %r (%s) has bad placeholders", key, language)
            return template

    def get_count(
        self, key: str, count: int, language: Language = DEFAULT_LANGUAGE, /, **params: object
    ) -> str:
        """``get`` for a text about ``count`` things, in the count's plural form: the key
        ``key.one`` for one in English, ``key`` itself otherwise (and in Indonesian)."""
        form = plural_form(count, language)
        chosen = f"{key}.{form}"
        if form == "other" or not self._has(chosen, language):
            chosen = key
        return self.get(chosen, language, count=format_number(count, language), **params)

    def _has(self, key: str, language: Language) -> bool:
        overrides = self._overrides.get(language, {})
        if key in overrides:
            return True
        # An office that rewrote the general form but not the singular gets its own text.
        general = key.rpartition(".")[0]
        return general not in overrides and key in KIOSK_STRINGS.get(language, {})

    def closed_line(self, reason: ClosedReason | None, language: Language) -> str:
        """Why a service issues no ticket now, as its button says it, from the reason only."""
        return self.get(f"closed.{reason or ClosedReason.CLOSED}", language)

    def closed_service_line(
        self, service: Service, language: Language, today: date, timezone_name: str | None
    ) -> str:
        """Why a service is closed and when it opens again: "Tutup — Istirahat salat Jumat ·
        Buka kembali pukul 13.00"; on a holiday "Kantor tutup: Hari Raya Natal"."""
        note = service.closed_note
        if service.closed_reason is ClosedReason.HOLIDAY:
            if note:
                return self.get("closed.holiday_note", language, note=note)
            return self.get("closed.holiday", language)
        if service.opens_at is None:
            if note:
                return self.get("closed.note", language, note=note)
            return self.closed_line(service.closed_reason, language)
        # "Istirahat — silakan kembali nanti · Buka kembali …" would say it twice.
        what = note or closed_reason_text(service.closed_reason, language)
        opens = opens_again_text(service.opens_at, today, timezone_name, language)
        return f"{self.get('closed.note', language, note=what)} · {opens}"

    def waiting_line(self, waiting: int, est_wait_s: int, language: Language) -> str:
        """ "Menunggu: 5 orang · ± 15 menit", or that nobody is waiting."""
        if waiting <= 0:
            return self.get("waiting_none", language)
        wait = format_wait(est_wait_s, language)
        return self.get_count("waiting_line", waiting, language, wait=wait)

    def people_ahead_line(self, people_ahead: int, est_wait_s: int, language: Language) -> str:
        """The line under the number on the confirmation screen."""
        if people_ahead <= 0:
            return self.get("no_one_ahead", language)
        wait = format_wait(est_wait_s, language)
        return self.get_count("people_ahead", people_ahead, language, wait=wait)
