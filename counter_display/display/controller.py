"""Wires the server link to the display window and the announcement player."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from client.connection import ConnectionStatus
from client.state import OfficeState
from client.wire import Event, UnknownEvent
from counter_display.display.audio_player import AnnouncementPlayer
from counter_display.display.presenter import DisplayPresenter, DisplayUpdate
from counter_display.display.texts import figures_text
from counter_display.display.window import DisplayWindow

logger = logging.getLogger(__name__)


class DisplayController(QObject):
    """Feeds each state change to the presenter, then to the window and the player.

    ``link`` is anything with the ``ServerLink`` signals ``state_changed(state, event)``
    and ``connection_changed(status)``; ``player`` may be None for a silent display.
    """

    updated = Signal(object)  # the DisplayUpdate just shown

    def __init__(
        self,
        link: QObject,
        window: DisplayWindow,
        player: AnnouncementPlayer | None,
        presenter: DisplayPresenter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.player = player
        self.presenter = presenter or DisplayPresenter(window.language)
        self._status = ConnectionStatus.SEARCHING
        self._link = link
        link.state_changed.connect(self._on_state_changed)  # type: ignore[attr-defined]
        link.connection_changed.connect(self._on_connection_changed)  # type: ignore[attr-defined]
        window.show_connection(self.presenter.connection_text(self._status))

    @Slot(object, object)
    def _on_state_changed(self, state: OfficeState, event: Event | UnknownEvent | None) -> None:
        try:
            update = self.presenter.present(state, event)
            self.window.show_view(update.view, highlight=update.highlight)
            self.window.show_figures(figures_text(state.figures, self.window.language))
            self._announce(update)
            if event is None:  # a snapshot: whatever the link said, the state is fresh now
                self.window.show_connection(self.presenter.connection_text(self._status))
            self.updated.emit(update)
        except Exception:
            # Slot boundary: one bad update must not stop an unattended display.
            logger.exception("could not show a state change (seq %s)", state.seq)

    @Slot(object)
    def _on_connection_changed(self, status: object) -> None:
        try:
            self._status = ConnectionStatus(str(status))
            rejected = bool(getattr(self._link, "token_rejected", False))
            self.window.show_connection(self.presenter.connection_text(self._status, rejected))
        except Exception:
            logger.exception("could not show the connection status %r", status)

    def _announce(self, update: DisplayUpdate) -> None:
        if self.player is None:
            return
        requests = [*update.missed, *([update.announcement] if update.announcement else [])]
        for request in requests:
            accepted = self.player.announce(
                request.number, request.counter, recall=request.recall, event_id=request.event_id
            )
            if not accepted:
                logger.info("call of %s already announced; not repeated", request.number)
