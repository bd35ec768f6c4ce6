"""Ticket layout: TicketData to a list of printable blocks, pure and shared by bytes and preview."""

from __future__ import annotations

import logging
import textwrap
import urllib.parse
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from printer_drivers.charset import DEFAULT_CODEPAGE, Codepage, clean_text, to_printable
from printer_drivers.texts import texts_for
from printer_drivers.ticket import TicketData

logger = logging.getLogger(__name__)

FONT_A_WIDTH_DOTS = 12
FONT_A_HEIGHT_DOTS = 24
NUMBER_SCALE = 4  # the printer's own font at quadruple width and height
MAX_NUMBER_CHARACTERS = 8  # 8 x 48 dots fits the 384-dot line of 58 mm paper
MAX_QR_DATA_BYTES = 256  # keeps a ticket without logo under 1 KB
OFFICE_NAME_LINES = 2
SERVICE_NAME_LINES = 2
FOOTER_LINES = 2
RULE_CHARACTER = "\u2500"


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper roll width: printable dots and font A columns."""

    width_mm: int
    dots: int
    columns: int
    qr_module_dots: int


PAPERS: dict[int, Paper] = {
    80: Paper(width_mm=80, dots=576, columns=48, qr_module_dots=6),
    58: Paper(width_mm=58, dots=384, columns=32, qr_module_dots=5),
}


class Align(StrEnum):
    """Horizontal justification of a block."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line, already wrapped to fit and made printable in the code page."""

    text: str
    align: Align = Align.CENTER
    bold: bool = False
    width_scale: int = 1
    height_scale: int = 1
    inverted: bool = False


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR code drawn by the printer's native command (model 2, error correction M)."""

    data: str
    module_dots: int


@dataclass(frozen=True, slots=True)
class RasterImage:
    """A 1-bit picture, rows packed 8 dots a byte, most significant bit left, 1 = black."""

    width: int
    height: int
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.width % 8 or len(self.data) != self.width // 8 * self.height:
            raise ValueError("raster data does not match its width and height")


@dataclass(frozen=True, slots=True)
class Feed:
    """Blank paper, in lines of the current spacing."""

    lines: int


@dataclass(frozen=True, slots=True)
class Cut:
    """Feed the ticket past the cutter and cut it."""


Block = TextLine | QrCode | RasterImage | Feed | Cut


@dataclass(frozen=True, slots=True)
class TicketLayout:
    """What one ticket looks like, independent of where its bytes go."""

    paper: Paper
    codepage: Codepage
    blocks: tuple[Block, ...]


def build_layout(
    ticket: TicketData,
    paper: Paper = PAPERS[80],
    codepage: Codepage = DEFAULT_CODEPAGE,
    logo: RasterImage | None = None,
) -> TicketLayout:
    """Lay out a ticket; long texts are cut, unprintable characters replaced."""
    texts = texts_for(ticket.language)
    columns = paper.columns

    def lines(text: str, max_lines: int, **style: Any) -> list[Block]:
        return list(text_lines(text, max_lines, columns, codepage, **style))

    rule = TextLine(to_printable(RULE_CHARACTER * columns, codepage))
    blocks: list[Block] = []
    if logo is not None:
        blocks += [logo, Feed(1)]
    blocks += lines(ticket.office_name, OFFICE_NAME_LINES, bold=True, height_scale=2)
    blocks += lines(ticket.service_name, SERVICE_NAME_LINES, height_scale=2)
    blocks.append(rule)
    blocks += lines(texts.queue_number, 1)
    number = to_printable(clean_text(ticket.number), codepage)[:MAX_NUMBER_CHARACTERS] or "-"
    blocks.append(TextLine(number, bold=True, width_scale=NUMBER_SCALE, height_scale=NUMBER_SCALE))
    if ticket.priority:
        label = to_printable(texts.priority.upper(), codepage)[: columns // 2 - 2]
        blocks.append(
            TextLine(f" {label} ", bold=True, width_scale=2, height_scale=2, inverted=True)
        )
    blocks.append(rule)
    blocks += labelled_lines(texts.people_ahead, str(ticket.people_ahead), columns, codepage)
    if ticket.wait_text is not None:
        blocks += labelled_lines(texts.estimated_wait, ticket.wait_text, columns, codepage)
    if ticket.issued_text:
        blocks += lines(ticket.issued_text, 1)
    qr_data = qr_payload(ticket.check_url)
    if qr_data is not None:
        blocks += [Feed(1), QrCode(qr_data, paper.qr_module_dots), Feed(1)]
        blocks += lines(texts.scan_to_check, 2)
    if ticket.footer:
        blocks.append(Feed(1))
        blocks += lines(ticket.footer, FOOTER_LINES)
    blocks.append(Feed(1))
    blocks += lines(texts.please_wait, 1, bold=True)
    blocks.append(Cut())
    return TicketLayout(paper=paper, codepage=codepage, blocks=tuple(blocks))


def text_lines(
    text: str,
    max_lines: int,
    columns: int,
    codepage: Codepage,
    *,
    bold: bool = False,
    width_scale: int = 1,
    height_scale: int = 1,
    inverted: bool = False,
) -> tuple[TextLine, ...]:
    """Centred lines of text, cleaned, made printable, wrapped and cut to max_lines."""
    width = columns // width_scale
    wrapped = wrap_text(to_printable(clean_text(text), codepage), width)
    return tuple(
        TextLine(line, Align.CENTER, bold, width_scale, height_scale, inverted)
        for line in shorten_lines(wrapped, max_lines, width)
    )


def labelled_lines(
    label: str, value: str, columns: int, codepage: Codepage
) -> tuple[TextLine, ...]:
    """'Label: value' on one line, or the label and then the value when that is too long."""
    combined = f"{label}: {value}"
    if len(to_printable(clean_text(combined), codepage)) <= columns:
        return text_lines(combined, 1, columns, codepage)
    return text_lines(f"{label}:", 1, columns, codepage) + text_lines(value, 1, columns, codepage)


def wrap_text(text: str, width: int) -> list[str]:
    """Words wrapped to lines of at most width characters; over-long words are split."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def shorten_lines(lines: list[str], max_lines: int, width: int) -> list[str]:
    """At most max_lines lines; when text was dropped the last line ends with '...'."""
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = kept[-1][: max(width - 3, 0)].rstrip() + "..."
    return kept


def qr_payload(check_url: str | None) -> str | None:
    """The URL as ASCII for the QR code, or None when absent or too long to print."""
    if not check_url:
        return None
    url = urllib.parse.quote(clean_text(check_url), safe=":/?#[]@!$&'()*+,;=%~")
    if not url:
        return None
    if len(url) > MAX_QR_DATA_BYTES:
        logger.warning("check URL of %d bytes is too long for the ticket QR; left out", len(url))
        return None
    return url
