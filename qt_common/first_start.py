"""A program from its first frame: the pairing screen while it has no token, then its window.

With a token in antrian.toml (or ANTRIAN_TOKEN), or one stored by an earlier pairing, the
normal window comes at once. Without, the pairing screen shows a code until a supervisor
approves it in /admin → Perangkat; the token is stored and the normal window replaces
the pairing screen in the same process. When the server refuses a stored token (revoked
in /admin), the file is removed and the program pairs again; a token written in
antrian.toml is left to the "token rejected" message.

`FirstStart` holds that sequence; the kiosk, the counter and the display each subclass it
with how their window is built (`open_window`) and taken down (`close_program`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from client.config import ClientConfig
from client.pairing import DeviceGrant, default_token_path, with_stored_token
from client.pairing_link import PairingLink
from client.qt_bridge import ServerLink
from qt_common.pairing_screen import DEFAULT_BACKGROUND, PairingScreen

logger = logging.getLogger(__name__)

ShowWindow = Callable[[QWidget], None]


class PairingOptions(TypedDict, total=False):
    """Timings of the pairing (tests make them short)."""

    poll_wait_s: float
    retry_s: float


def close_window(link: ServerLink | None, window: QWidget | None) -> None:
    """Stop a program's server link and close its window for good (before it pairs again)."""
    if link is not None:
        link.stop()
    if window is not None:
        window.close()
        window.deleteLater()


class FirstStart(QObject):
    """The pairing screen while the program has no token, then its normal window."""

    program = ""  # "kiosk", "counter", "display": the token file's and the screen's name
    pairing_background = DEFAULT_BACKGROUND
    opened = Signal()  # the normal window is up (at once, or after the pairing)

    def __init__(
        self,
        client: ClientConfig,
        show: ShowWindow,
        *,
        token_path: Path | None = None,
        pairing_options: PairingOptions | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self._configured = client
        self.token_path = token_path or default_token_path(self.program)
        self._show = show
        self._pairing_options: PairingOptions = pairing_options or {}
        self.pairing: PairingLink | None = None
        self.pairing_screen: PairingScreen | None = None

    def begin(self) -> None:
        """Show the normal window, or the pairing screen when there is no token to start with."""
        client, grant = with_stored_token(self.client, self.token_path)
        if not self.needs_pairing(client):
            self._open(client, grant)
            return
        logger.info("no token: pairing this %s with the server", self.program)
        self.pairing = PairingLink(self.client, self.token_path, **self._pairing_options)
        self.pairing_screen = PairingScreen(
            self.program, self.client.language, self.pairing_background
        )
        self.pairing_screen.attach(self.pairing)
        self.pairing.paired.connect(self._on_paired)
        self._show(self.pairing_screen)
        self.pairing.start()

    def _on_paired(self, grant: DeviceGrant) -> None:
        self._open(dataclasses.replace(self.client, token=grant.token), grant)
        if self.pairing_screen is not None:
            self.pairing_screen.close()
        if self.pairing is not None:
            self.pairing.stop()

    def _open(self, client: ClientConfig, grant: DeviceGrant | None) -> None:
        self.client = client
        window = self.open_window(client, grant)
        link = self.server_link()
        if grant is not None and link is not None:  # a token from a pairing: re-pairable
            link.connection_changed.connect(self._on_connection_changed)
        self._show(window)
        self.window_shown(window)
        self.opened.emit()

    def _on_connection_changed(self, _status: object) -> None:
        link = self.server_link()
        if link is None or not link.token_rejected:
            return
        logger.warning("the server refuses the stored token (revoked?): pairing again")
        self.token_path.unlink(missing_ok=True)
        self.close_program()
        self.client = self._configured
        self.begin()

    # -- what each program says -----------------------------------------------------------

    def needs_pairing(self, client: ClientConfig) -> bool:
        """Whether to pair before the normal window: without a token, by default."""
        return not client.token

    def open_window(self, client: ClientConfig, grant: DeviceGrant | None) -> QWidget:
        """Build the normal window (and its server link) for ``client``; not shown yet."""
        raise NotImplementedError

    def window_shown(self, window: QWidget) -> None:
        """Called once the normal window is on screen, before `opened`."""

    def server_link(self) -> ServerLink | None:
        raise NotImplementedError

    def close_program(self) -> None:
        """Stop the link and close the normal window (before pairing again)."""
        raise NotImplementedError

    def stop(self) -> None:
        if self.pairing is not None:
            self.pairing.stop()
