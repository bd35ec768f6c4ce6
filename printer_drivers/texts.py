"""Ticket wording in Bahasa Indonesia and English (dates and waits come formatted)."""

from __future__ import annotations

from dataclasses import dataclass

from printer_drivers.ticket import Language


@dataclass(frozen=True, slots=True)
class TicketTexts:
    """The fixed words printed on a ticket in one language."""

    queue_number: str
    priority: str
    people_ahead: str
    estimated_wait: str
    scan_to_check: str
    please_wait: str


INDONESIAN = TicketTexts(
    queue_number="Nomor Antrian",
    priority="Prioritas",
    people_ahead="Orang di depan Anda",
    estimated_wait="Perkiraan waktu tunggu",
    scan_to_check="Pindai untuk melihat status antrian",
    please_wait="Silakan menunggu panggilan",
)

ENGLISH = TicketTexts(
    queue_number="Queue Number",
    priority="Priority",
    people_ahead="People ahead of you",
    estimated_wait="Estimated wait",
    scan_to_check="Scan to check your place in the queue",
    please_wait="Please wait to be called",
)

TEXTS: dict[Language, TicketTexts] = {Language.INDONESIAN: INDONESIAN, Language.ENGLISH: ENGLISH}


def texts_for(language: Language | str) -> TicketTexts:
    """The wording for a language."""
    return TEXTS[Language(language)]
