"""The counter terminal from its first frame: pairing first when there is no token.

The sequence (the pairing screen, the token stored, pairing again when the server refuses
it) is `qt_common.first_start.FirstStart`'s, shared with the kiosk and the display. A
counter takes its loket number from the approval (the supervisor chooses it) when
antrian.toml names none.
"""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtWidgets import QWidget

from client.config import ClientConfig
from client.first_frame import after_first_frame
from client.pairing import DeviceGrant
from client.qt_bridge import ServerLink
from counter_display.counter.main import CounterSettings, build_window
from qt_common.first_start import FirstStart, ShowWindow, close_window

logger = logging.getLogger(__name__)


class CounterStart(FirstStart):
    """The counter terminal: `window` and `link` once it has its token."""

    program = "counter"

    def __init__(self, settings: CounterSettings, show: ShowWindow, **options: object) -> None:
        super().__init__(settings.client, show, **options)  # type: ignore[arg-type]
        self.settings = settings
        self.window: QWidget | None = None
        self.link: ServerLink | None = None

    def open_window(self, client: ClientConfig, grant: DeviceGrant | None) -> QWidget:
        counter = self.settings.counter
        if grant is not None and grant.counter is not None:
            if counter is not None and counter != grant.counter:
                logger.warning(
                    "antrian.toml says loket %d, the pairing gave loket %d: using %d",
                    counter, grant.counter, grant.counter,
                )  # fmt: skip
            counter = grant.counter
        if counter is None:
            # a stored token without its loket (written by hand): nothing to serve
            raise RuntimeError("the counter's number is unknown: set counter = N in [counter]")
        self.settings = dataclasses.replace(self.settings, client=client, counter=counter)
        link, window = build_window(self.settings)
        self.link, self.window = link, window
        after_first_frame(window, link.start)
        return window

    def server_link(self) -> ServerLink | None:
        return self.link

    def close_program(self) -> None:
        close_window(self.link, self.window)
        self.link, self.window = None, None

    def stop(self) -> None:
        super().stop()
        if self.link is not None:
            self.link.stop()
