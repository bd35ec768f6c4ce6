"""The kiosk from its first frame: the pairing screen while it has no token, then the kiosk.

With a token in antrian.toml (or ANTRIAN_TOKEN), or one stored by an earlier pairing, the
kiosk window comes at once. Without, the pairing screen shows a code until a supervisor
approves it; the token is stored and the kiosk window replaces the pairing screen, in the
same process. When the server refuses a stored token (revoked in /admin), the file is
removed and the kiosk pairs again; a token written in antrian.toml is left to the
"token rejected" message.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from client.pairing import DeviceGrant, default_token_path, with_stored_token
from client.pairing_link import PairingLink
from client.qt_bridge import ServerLink
from kiosk.controller import KioskController
from kiosk.pairing_screen import PairingScreen
from kiosk.printing import PrinterService
from kiosk.settings import KioskSettings
from kiosk.window import KioskWindow

logger = logging.getLogger(__name__)

ShowWindow = Callable[[QWidget], None]


class PairingOptions(TypedDict, total=False):
    """Timings of the pairing (tests make them short)."""

    poll_wait_s: float
    retry_s: float


LinkFactory = Callable[[KioskSettings], ServerLink]


class KioskStart(QObject):
    """Builds the kiosk, pairing it first when it has no token."""

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
        super().__init__()
        self.token_path = token_path or default_token_path("kiosk")
        self.settings = settings
        self._configured = settings
        self._printer_service = printer_service
        self._show = show
        self._setup_error = setup_error
        self._make_link = make_link or (lambda chosen: ServerLink.from_config(chosen.client))
        self._pairing_options: PairingOptions = pairing_options or {}
        self.pairing: PairingLink | None = None
        self.pairing_screen: PairingScreen | None = None
        self.link: ServerLink | None = None
        self.controller: KioskController | None = None
        self.window: KioskWindow | None = None

    def begin(self) -> None:
        """Show the kiosk, or the pairing screen when there is no token to start with."""
        client, grant = with_stored_token(self.settings.client, self.token_path)
        if client.token or self._setup_error is not None:
            self._open_kiosk(dataclasses.replace(self.settings, client=client), grant is not None)
            return
        logger.info("no token: pairing this kiosk with the server")
        self.pairing = PairingLink(self.settings.client, self.token_path, **self._pairing_options)
        self.pairing_screen = PairingScreen("kiosk", self.settings.language)
        self.pairing_screen.attach(self.pairing)
        self.pairing.paired.connect(self._on_paired)
        self._show(self.pairing_screen)
        self.pairing.start()

    def _on_paired(self, grant: DeviceGrant) -> None:
        client = dataclasses.replace(self.settings.client, token=grant.token)
        self._open_kiosk(dataclasses.replace(self.settings, client=client), True)
        if self.pairing_screen is not None:
            self.pairing_screen.close()
        if self.pairing is not None:
            self.pairing.stop()

    def _open_kiosk(self, settings: KioskSettings, paired: bool) -> None:
        self.settings = settings
        self.link = self._make_link(settings)
        if paired:  # a token from a pairing: paired again when the server refuses it
            self.link.connection_changed.connect(self._on_connection_changed)
        self.controller = KioskController(
            settings, self.link, self._printer_service, setup_error=self._setup_error
        )
        self.window = KioskWindow(self.controller)
        self._show(self.window)
        self.window.refresh()
        self.kiosk_shown.emit()

    def _on_connection_changed(self, _status: object) -> None:
        if self.link is None or not self.link.token_rejected:
            return
        logger.warning("the server refuses the stored token (revoked?): pairing again")
        self.token_path.unlink(missing_ok=True)
        self.link.stop()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
        self.link, self.controller, self.window = None, None, None
        self.settings = self._configured
        self.begin()

    def stop(self) -> None:
        if self.pairing is not None:
            self.pairing.stop()
        if self.link is not None:
            self.link.stop()
        if self._printer_service is not None:
            self._printer_service.stop()
