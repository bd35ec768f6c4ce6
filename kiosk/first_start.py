"""The kiosk from its first frame: the pairing screen while it has no token, then the kiosk.

The sequence (the pairing screen, the token stored, pairing again when the server refuses
it) is `qt_common.first_start.FirstStart`'s, shared with the counter and the display. The
kiosk comes at once with a setup error too (a bad printer setting), token or not: the
error is what it must show.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from client.config import ClientConfig
from client.pairing import DeviceGrant
from client.qt_bridge import ServerLink
from kiosk.controller import KioskController
from kiosk.printing import PrinterService
from kiosk.settings import KioskSettings
from kiosk.style import BLUE
from kiosk.window import KioskWindow
from qt_common.first_start import FirstStart, PairingOptions, ShowWindow, close_window

logger = logging.getLogger(__name__)

LinkFactory = Callable[[KioskSettings], ServerLink]


class KioskStart(FirstStart):
    """Builds the kiosk, pairing it first when it has no token."""

    program = "kiosk"
    pairing_background = BLUE
    kiosk_shown = Signal()  # the kiosk window is up (at once, or after the pairing)

    def __init__(
        self,
        settings: KioskSettings,
        printer_service: PrinterService | None,
        show: ShowWindow,
        *,
        setup_error: str | None = None,
        token_path: Path | None = None,
        make_link: LinkFactory | None = None,
        pairing_options: PairingOptions | None = None,
    ) -> None:
        super().__init__(
            settings.client, show, token_path=token_path, pairing_options=pairing_options
        )
        self.settings = settings
        self._configured_settings = settings
        self._printer_service = printer_service
        self._setup_error = setup_error
        self._make_link = make_link or (lambda chosen: ServerLink.from_config(chosen.client))
        self.link: ServerLink | None = None
        self.controller: KioskController | None = None
        self.window: KioskWindow | None = None

    def needs_pairing(self, client: ClientConfig) -> bool:
        return super().needs_pairing(client) and self._setup_error is None

    def open_window(self, client: ClientConfig, grant: DeviceGrant | None) -> QWidget:
        self.settings = dataclasses.replace(self.settings, client=client)
        self.link = self._make_link(self.settings)
        self.controller = KioskController(
            self.settings, self.link, self._printer_service, setup_error=self._setup_error
        )
        self.window = KioskWindow(self.controller)
        return self.window

    def window_shown(self, window: QWidget) -> None:
        if self.window is not None:
            self.window.refresh()
        self.kiosk_shown.emit()

    def server_link(self) -> ServerLink | None:
        return self.link

    def close_program(self) -> None:
        close_window(self.link, self.window)
        self.link, self.controller, self.window = None, None, None
        self.settings = self._configured_settings

    def stop(self) -> None:
        super().stop()
        if self.link is not None:
            self.link.stop()
        if self._printer_service is not None:
            self._printer_service.stop()
