"""ESC/POS bytes for a ticket layout, produced through python-escpos' Dummy printer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from printer_drivers.layout import (
    Align,
    Cut,
    Feed,
    QrCode,
    RasterImage,
    TextLine,
    TicketLayout,
)

if TYPE_CHECKING:
    from escpos.printer import Dummy

GS = b"\x1d"


CUT_MARGIN_LINES = 2  # GS V 66 feeds to the blade itself; this is the bottom margin


@dataclass(slots=True)
class _TextState:
    """Text settings the printer currently holds, to send only what changes."""

    align: Align = Align.LEFT
    bold: bool = False
    width_scale: int = 1
    height_scale: int = 1
    inverted: bool = False


def warm_up_encoder() -> None:
    """Import python-escpos ahead of the first ticket (it takes ~0.25 s to load)."""
    import escpos.printer  # noqa: F401


def encode_layout(layout: TicketLayout) -> bytes:
    """The exact bytes sent to the printer for one ticket."""
    # python-escpos is imported here, not at module level: loading its printer
    # capabilities takes a quarter of a second, which the kiosk's start-up should not pay
    from escpos.constants import CODEPAGE_CHANGE, HW_INIT, QR_ECLEVEL_M
    from escpos.printer import Dummy

    printer = Dummy()
    printer._raw(HW_INIT)
    printer._raw(CODEPAGE_CHANGE + bytes([layout.codepage.table]))
    state = _TextState()
    for block in layout.blocks:
        if isinstance(block, TextLine):
            _set_style(printer, state, block)
            printer._raw(block.text.encode(layout.codepage.codec) + b"\n")
        elif isinstance(block, QrCode):
            _set_align(printer, state, Align.CENTER)
            printer.qr(block.data, ec=QR_ECLEVEL_M, size=block.module_dots, native=True)
        elif isinstance(block, RasterImage):
            _set_align(printer, state, Align.CENTER)
            printer._raw(raster_command(block))
        elif isinstance(block, Feed):
            printer.print_and_feed(block.lines)
        elif isinstance(block, Cut):
            printer.print_and_feed(CUT_MARGIN_LINES)
            printer.cut(mode="PART", feed=False)  # GS V 66 0: feed to the blade, cut
    return bytes(printer.output)


def raster_command(image: RasterImage) -> bytes:
    """GS v 0: print a raster bit image at normal density."""
    width_bytes = image.width // 8
    size = width_bytes.to_bytes(2, "little") + image.height.to_bytes(2, "little")
    return bytes(GS) + b"v0\x00" + size + image.data


def _set_style(printer: Dummy, state: _TextState, line: TextLine) -> None:
    _set_align(printer, state, line.align)
    if line.bold != state.bold:
        printer.set(bold=line.bold)
        state.bold = line.bold
    if (line.width_scale, line.height_scale) != (state.width_scale, state.height_scale):
        printer.set(custom_size=True, width=line.width_scale, height=line.height_scale)
        state.width_scale, state.height_scale = line.width_scale, line.height_scale
    if line.inverted != state.inverted:
        printer.set(invert=line.inverted)
        state.inverted = line.inverted


def _set_align(printer: Dummy, state: _TextState, align: Align) -> None:
    if align != state.align:
        printer.set(align=align.value)
        state.align = align
