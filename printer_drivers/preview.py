"""Preview printer: each ticket becomes a PNG (and its ESC/POS bytes) in a folder."""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from pathlib import Path

from printer_drivers.base import (
    PaperState,
    PrinterStatus,
    PrintResult,
    TicketFormat,
    TicketPrinter,
)
from printer_drivers.errors import PrinterNotFound, PrinterPermissionDenied, PrinterUnavailable
from printer_drivers.escpos_bytes import encode_layout
from printer_drivers.ticket import TicketData

logger = logging.getLogger(__name__)

UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]+")


class PreviewPrinter(TicketPrinter):
    """Writes <number>-<timestamp>.png and .bin beside it; the default with no printer set up."""

    def __init__(self, folder: Path | str, ticket_format: TicketFormat | None = None) -> None:
        super().__init__(ticket_format)
        self.folder = Path(folder)
        self.description = f"preview printer into {self.folder}"
        self.last_path: Path | None = None

    @property
    def last_bytes_path(self) -> Path | None:
        """The .bin file with the exact ESC/POS bytes of the last ticket."""
        return None if self.last_path is None else self.last_path.with_suffix(".bin")

    def _print_ticket(self, ticket: TicketData) -> PrintResult:
        started = time.perf_counter()
        layout = self.ticket_format.layout(ticket)
        data = encode_layout(layout)
        # Pillow and qrcode load with the first ticket, not with the kiosk's first frame.
        from printer_drivers.render import render_layout

        picture = render_layout(layout)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._free_path(ticket)
            _write_atomically(path.with_suffix(".bin"), data)
            with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".png", delete=False) as file:
                picture.save(file, format="PNG")
            os.replace(file.name, path)
        except OSError as exc:
            raise _folder_error(self.folder, exc) from exc
        self.last_path = path
        logger.info("ticket %s previewed as %s", ticket.number, path.name)
        return PrintResult(
            number=ticket.number,
            bytes_sent=len(data),
            duration_s=time.perf_counter() - started,
            status=PrinterStatus(online=True, paper=PaperState.OK, cover_open=False),
            preview_path=path,
        )

    def _status(self) -> PrinterStatus:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not os.access(self.folder, os.W_OK | os.X_OK):
                raise PermissionError(13, "not writable", str(self.folder))
        except OSError as exc:
            return PrinterStatus.from_error(_folder_error(self.folder, exc))
        return PrinterStatus(online=True, paper=PaperState.OK, cover_open=False, answered=True)

    def _close(self) -> None:
        """Nothing stays open between tickets."""

    def _free_path(self, ticket: TicketData) -> Path:
        number = UNSAFE_FILE_CHARACTERS.sub("_", ticket.number)[:16] or "ticket"
        stem = f"{number}-{ticket.issued_at:%Y%m%d-%H%M%S}"
        path = self.folder / f"{stem}.png"
        counter = 1
        while path.exists():
            counter += 1
            path = self.folder / f"{stem}-{counter}.png"
        return path


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
        file.write(data)
    os.replace(file.name, path)


def _folder_error(folder: Path, exc: OSError) -> PrinterUnavailable:
    if isinstance(exc, PermissionError):
        return PrinterPermissionDenied(f"preview folder {folder} is not writable: {exc.strerror}")
    if isinstance(exc, (FileNotFoundError, NotADirectoryError, FileExistsError)):
        return PrinterNotFound(f"preview folder {folder} cannot be created: {exc.strerror}")
    return PrinterNotFound(f"preview folder {folder}: {exc.strerror or exc}")
