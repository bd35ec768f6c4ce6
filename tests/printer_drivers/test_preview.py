"""Preview printer: a PNG of the ticket and the exact bytes beside it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PIL import Image

from printer_drivers import (
    PaperState,
    PreviewPrinter,
    PrinterConfig,
    PrinterPermissionDenied,
    PrinterUnavailable,
    TicketData,
    load_printer_config,
    open_printer,
)
from printer_drivers.base import TicketFormat
from printer_drivers.layout import PAPERS
from printer_drivers.render import render_layout
from tests.printer_drivers.conftest import make_ticket
from tests.printer_drivers.test_layout import REFERENCE_TICKET_80MM


def test_default_config_is_a_preview_printer_into_the_given_folder(
    tmp_path: Path, ticket: TicketData
) -> None:
    printer = open_printer(load_printer_config({}, default_preview_dir=tmp_path / "previews"))
    assert isinstance(printer, PreviewPrinter)
    result = printer.print_ticket(ticket)
    assert result.preview_path == printer.last_path
    assert result.preview_path == tmp_path / "previews" / "A005-20250602-081530.png"


def test_png_is_as_wide_as_the_printable_paper(tmp_path: Path, ticket: TicketData) -> None:
    for width_mm, dots in ((80, 576), (58, 384)):
        printer = PreviewPrinter(tmp_path / str(width_mm), TicketFormat(PAPERS[width_mm]))
        printer.print_ticket(ticket)
        assert printer.last_path is not None
        with Image.open(printer.last_path) as picture:
            assert picture.format == "PNG"
            assert picture.width == dots
            assert 700 < picture.height < 1400


def test_bin_file_holds_the_exact_escpos_bytes(tmp_path: Path, ticket: TicketData) -> None:
    printer = PreviewPrinter(tmp_path)
    result = printer.print_ticket(ticket)
    assert printer.last_bytes_path is not None
    assert printer.last_bytes_path.read_bytes() == REFERENCE_TICKET_80MM
    assert result.bytes_sent == len(REFERENCE_TICKET_80MM)


def test_png_shows_the_big_number_and_the_qr(tmp_path: Path, ticket: TicketData) -> None:
    layout = TicketFormat().layout(ticket)
    with_qr = render_layout(layout)
    without_qr = render_layout(TicketFormat().layout(make_ticket(check_url=None)))
    assert with_qr.height - without_qr.height > 150  # the QR takes room
    # The big number is a band of heavy ink across the middle of the paper.
    band = with_qr.crop((200, 0, 380, with_qr.height))
    levels = band.tobytes()  # one byte per dot in grey-scale mode
    ink_rows = [
        row
        for row in range(band.height)
        if sum(1 for level in levels[row * band.width : (row + 1) * band.width] if level < 128) > 40
    ]
    assert len(ink_rows) > 40


def test_same_second_tickets_get_distinct_files(tmp_path: Path, ticket: TicketData) -> None:
    printer = PreviewPrinter(tmp_path)
    first = printer.print_ticket(ticket).preview_path
    second = printer.print_ticket(ticket).preview_path
    assert first != second and first is not None and second is not None
    assert second.name == "A005-20250602-081530-2.png"


def test_number_cannot_escape_the_folder(tmp_path: Path) -> None:
    printer = PreviewPrinter(tmp_path)
    path = printer.print_ticket(make_ticket(number="../../etc/A1")).preview_path
    assert path is not None and path.parent == tmp_path


def test_unwritable_folder_is_a_typed_error(tmp_path: Path, ticket: TicketData) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    printer = PreviewPrinter(blocker / "previews")
    with pytest.raises(PrinterUnavailable):
        printer.print_ticket(ticket)
    assert not printer.status().online


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_is_permission_denied(tmp_path: Path, ticket: TicketData) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(PrinterPermissionDenied):
            PreviewPrinter(tmp_path).print_ticket(ticket)
    finally:
        tmp_path.chmod(0o700)


def test_status_of_a_preview_printer(tmp_path: Path) -> None:
    status = PreviewPrinter(tmp_path / "new").status()
    assert status.ready and status.paper is PaperState.OK


def test_concurrent_prints_each_get_a_file(tmp_path: Path) -> None:
    printer = open_printer(PrinterConfig(preview_dir=tmp_path))
    tickets = [make_ticket(number=f"B{index:03d}") for index in range(8)]
    threads = [threading.Thread(target=printer.print_ticket, args=(item,)) for item in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(list(tmp_path.glob("*.png"))) == 8
    assert len(list(tmp_path.glob("*.bin"))) == 8
    assert not list(tmp_path.glob("*.tmp"))
