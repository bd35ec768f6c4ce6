"""The ticket data the kiosk hands to a printer: plain values, validated on creation.

Dates and waits come already formatted (``wait_text``, ``issued_text``): the kiosk formats
them with the same module as its screen (client.formatting), so the two never disagree,
and this package stays free of other project packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from printer_drivers.errors import TicketDataError


class Language(StrEnum):
    """Language of the printed ticket."""

    INDONESIAN = "id"
    ENGLISH = "en"


@dataclass(frozen=True, slots=True)
class TicketData:
    """Everything printed on one ticket; texts may hold any unicode, long ones are cut."""

    office_name: str
    service_name: str
    number: str
    priority: bool
    people_ahead: int
    wait_text: str | None  # "± 15 menit"; None prints no estimate
    issued_at: datetime  # names the preview file
    issued_text: str  # "Senin, 2 Juni 2025 08.15 WIB", printed as it is
    check_url: str | None = None
    footer: str | None = None
    language: Language | str = Language.INDONESIAN

    def __post_init__(self) -> None:
        for name in ("office_name", "service_name", "number"):
            if not isinstance(getattr(self, name), str):
                raise TicketDataError(f"ticket.{name}: expected a string")
        if not isinstance(self.issued_text, str):
            raise TicketDataError("ticket.issued_text: expected a string")
        for name in ("wait_text", "check_url", "footer"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TicketDataError(f"ticket.{name}: expected a string or None")
        if not isinstance(self.priority, bool):
            raise TicketDataError("ticket.priority: expected true or false")
        if not _is_integer(self.people_ahead) or self.people_ahead < 0:
            raise TicketDataError("ticket.people_ahead: expected an integer >= 0")
        if not isinstance(self.issued_at, datetime) or self.issued_at.utcoffset() is None:
            raise TicketDataError("ticket.issued_at: expected a time-zone aware datetime")
        try:
            language = Language(self.language)
        except ValueError:
            raise TicketDataError(
                f"ticket.language: expected 'id' or 'en', got {self.language!r}"
            ) from None
        object.__setattr__(self, "language", language)


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
