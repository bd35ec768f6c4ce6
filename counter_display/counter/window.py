"""CounterWindow: the compact counter terminal window, driven by a ServerLink's signals."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from client.connection import ConnectionStatus
from client.errors import ClientError
from client.state import OfficeState
from client.wire import Event, Snapshot, UnknownEvent
from counter_display.counter.actions import SHORTCUTS, Action, Button, Phase
from counter_display.counter.clerk import SignInDialog, sign_in_error_text
from counter_display.counter.dialogs import CallNumberDialog, RequeueDialog, TransferDialog
from counter_display.counter.presenter import CounterPresenter, CounterView, Level, Request
from counter_display.counter.texts import text

if TYPE_CHECKING:
    from client.api import ApiClient

logger = logging.getLogger(__name__)

DEFAULT_SIZE = (480, 640)
MINIMUM_SIZE = (400, 560)
CHECK_RETRY_MS = 1000

LEVEL_COLORS = {
    Level.INFO: ("#1d3557", "#e8eef7"),
    Level.SUCCESS: ("#1b5e20", "#e6f4ea"),
    Level.WARNING: ("#7a4f01", "#fff4d6"),
    Level.ERROR: ("#ffffff", "#b3261e"),
}
CARD_COLORS = {
    Phase.IDLE: "#f1f5f9",
    Phase.SERVING: "#e6f4ea",
    Phase.PAUSED: "#fff4d6",
    Phase.BUSY: "#e8eef7",
    Phase.UNAVAILABLE: "#eceff1",
}
WINDOW_STYLE = """
QWidget#counter_window { background: #ffffff; }
QLabel#title_label { font-size: 15pt; font-weight: bold; }
QLabel#services_label { color: #455a64; font-size: 10pt; }
QLabel#current_caption_label { font-size: 11pt; color: #37474f; }
QLabel#current_number_label { font-size: 46pt; font-weight: bold; }
QLabel#current_detail_label { font-size: 10pt; color: #37474f; }
QLabel#section_label { font-size: 10pt; font-weight: bold; color: #455a64; }
QPushButton { font-size: 11pt; min-height: 50px; padding: 2px 6px; border-radius: 6px;
              border: 1px solid #90a4ae; background: #f5f7f8; color: #102027; }
QPushButton:pressed { background: #cfd8dc; }
QPushButton:disabled { color: #a0a8ad; background: #f0f0f0; border-color: #dde1e3; }
QLabel#clerk_label { font-size: 10pt; font-weight: bold; color: #1d3557; }
QPushButton#clerk_button { font-size: 10pt; min-height: 26px; padding: 1px 10px; }
QPushButton#button_next { font-size: 14pt; font-weight: bold; min-height: 62px;
                          background: #1b5e20; color: #ffffff; border: none; }
QPushButton#button_next:pressed { background: #104015; }
QPushButton#button_next:disabled { background: #c8d3c9; color: #f5f5f5; }
"""
RESUME_STYLE = (
    "QPushButton { background: #e65100; color: #ffffff; font-weight: bold; border: none; }"
    " QPushButton:disabled { background: #f3c9a8; }"
)


class Link(Protocol):
    """What the window needs from ServerLink (a test may pass a fake with these)."""

    connection_changed: SignalInstance
    state_changed: SignalInstance

    @property
    def status(self) -> ConnectionStatus: ...

    @property
    def state(self) -> OfficeState | None: ...

    def submit(
        self, operation: Callable[[ApiClient], Awaitable[Any]], *, name: str | None = None
    ) -> RequestHandleLike: ...


class RequestHandleLike(Protocol):
    """A request in flight: exactly one of its signals fires, on the Qt thread."""

    finished: SignalInstance
    failed: SignalInstance


WidgetType = TypeVar("WidgetType", bound=QWidget)


def _named(widget: WidgetType, name: str) -> WidgetType:
    """The widget with its object name set (used by the style sheet and the tests); a
    label shows its text as typed (names come from the settings: never markup)."""
    widget.setObjectName(name)
    if isinstance(widget, QLabel):
        widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def shortcut_text(button: Button, language: str) -> str:
    """ "Spasi · F1" — the shortcuts as shown on a button."""
    names = [
        text("shortcut.space", language) if key == "Space" else key for key in SHORTCUTS[button]
    ]
    return " · ".join(names)


class CounterWindow(QWidget):
    """The counter terminal: current ticket, queue, action buttons, last outcome."""

    def __init__(
        self,
        link: Link,
        counter_number: int,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("counter_window")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.link = link
        self.language = language
        self.presenter = CounterPresenter(counter_number, language)
        self.dialog: QDialog | None = None
        self._transfer_ticket_id: int | None = None  # the ticket the transfer dialog is about
        self._handles: set[RequestHandleLike] = set()  # kept alive until answered
        self.setWindowTitle(text("window.title", language, counter=self.presenter.counter_label))
        self.setStyleSheet(WINDOW_STYLE)
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MINIMUM_SIZE)
        self._build()
        self._add_shortcuts()
        link.connection_changed.connect(self._on_connection_changed)
        link.state_changed.connect(self._on_state_changed)
        self.presenter.set_connection(link.status)
        if link.state is not None:
            self.presenter.set_state(link.state, None)
        self._render()

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title_label = _named(QLabel(), "title_label")
        self.services_label = _named(QLabel(), "services_label")
        titles.addWidget(self.title_label)
        titles.addWidget(self.services_label)
        header.addLayout(titles, 1)
        self.connection_label = _named(QLabel(), "connection_label")
        self.connection_label.setWordWrap(True)
        self.connection_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.connection_label.setMaximumWidth(230)
        header.addWidget(self.connection_label)
        layout.addLayout(header)

        clerk_row = QHBoxLayout()
        self.clerk_label = _named(QLabel(), "clerk_label")
        self.clerk_button = _named(QPushButton(), "clerk_button")
        self.clerk_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clerk_button.clicked.connect(self._on_clerk_button)
        clerk_row.addWidget(self.clerk_label, 1)
        clerk_row.addWidget(self.clerk_button)
        layout.addLayout(clerk_row)

        self.card = _named(QFrame(), "current_card")
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(8, 6, 8, 6)
        card_layout.setSpacing(0)
        self.current_caption_label = _named(QLabel(), "current_caption_label")
        self.current_number_label = _named(QLabel(), "current_number_label")
        self.current_detail_label = _named(QLabel(), "current_detail_label")
        self.current_detail_label.setWordWrap(True)
        self.stale_label = _named(QLabel(), "stale_label")
        self.stale_label.setStyleSheet("color: #b3261e; font-size: 9pt;")
        for label in (
            self.current_caption_label,
            self.current_number_label,
            self.current_detail_label,
            self.stale_label,
        ):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            card_layout.addWidget(label)
        layout.addWidget(self.card)

        self.message_label = _named(QLabel(), "message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setMinimumHeight(38)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message_label)

        self.buttons: dict[Button, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        positions = {  # six columns: two buttons a row, three in the last
            Button.NEXT: (0, 0, 1, 6),
            Button.RECALL: (1, 0, 1, 3),
            Button.DONE: (1, 3, 1, 3),
            Button.NO_SHOW: (2, 0, 1, 3),
            Button.TRANSFER: (2, 3, 1, 3),
            Button.REQUEUE: (3, 0, 1, 2),
            Button.CALL: (3, 2, 1, 2),
            Button.PAUSE_RESUME: (3, 4, 1, 2),
        }
        for button_id, (row, column, rows, columns) in positions.items():
            button = _named(QPushButton(), f"button_{button_id}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the shortcuts
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.clicked.connect(lambda _=False, pressed=button_id: self._on_button(pressed))
            grid.addWidget(button, row, column, rows, columns)
            self.buttons[button_id] = button
        layout.addLayout(grid)

        lists = QHBoxLayout()
        lists.setSpacing(10)
        waiting_box = QVBoxLayout()
        waiting_title = _named(QLabel(text("waiting.title", self.language)), "section_label")
        waiting_box.addWidget(waiting_title)
        self.waiting_label = _named(QLabel(), "waiting_label")
        self.waiting_label.setTextFormat(Qt.TextFormat.RichText)
        self.waiting_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.waiting_label.setWordWrap(True)
        waiting_box.addWidget(self.waiting_label, 1)
        recent_box = QVBoxLayout()
        recent_title = _named(QLabel(text("recent.title", self.language)), "section_label")
        recent_box.addWidget(recent_title)
        self.recent_label = _named(QLabel(), "recent_label")
        self.recent_label.setTextFormat(Qt.TextFormat.RichText)
        self.recent_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        recent_box.addWidget(self.recent_label, 1)
        lists.addLayout(waiting_box, 3)
        lists.addLayout(recent_box, 2)
        layout.addLayout(lists, 1)

    def _add_shortcuts(self) -> None:
        self.shortcuts: list[QShortcut] = []
        for button_id, keys in SHORTCUTS.items():
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.setAutoRepeat(False)  # a held key is one press
                shortcut.activated.connect(lambda pressed=button_id: self._on_button(pressed))
                self.shortcuts.append(shortcut)

    # -- rendering ------------------------------------------------------------------------

    def _render(self) -> None:
        view = self.presenter.view()
        self.title_label.setText(view.title)
        self.services_label.setText(view.services_text)
        foreground, background = LEVEL_COLORS[view.connection_level]
        self.connection_label.setText(view.connection_text)
        self.connection_label.setStyleSheet(
            f"color: {foreground}; background: {background}; border-radius: 4px;"
            " padding: 3px 8px; font-size: 10pt; font-weight: bold;"
        )
        self.card.setStyleSheet(
            f"QFrame#current_card {{ background: {CARD_COLORS[view.phase]}; border-radius: 8px; }}"
        )
        self.current_caption_label.setText(view.current_caption)
        self.current_number_label.setText(view.current_number)
        self.current_number_label.setStyleSheet("color: #9e9e9e;" if view.stale else "")
        self.current_detail_label.setText(view.current_detail)
        self.current_detail_label.setVisible(bool(view.current_detail))
        self.stale_label.setText(text("connection.stale", self.language) if view.stale else "")
        self.stale_label.setVisible(view.stale)
        if view.message is not None:
            foreground, background = LEVEL_COLORS[view.message.level]
            self.message_label.setText(view.message.text)
            self.message_label.setStyleSheet(
                f"color: {foreground}; background: {background}; border-radius: 4px;"
                " padding: 4px; font-size: 11pt; font-weight: bold;"
            )
        else:
            self.message_label.setText("")
            self.message_label.setStyleSheet("")
        self._render_buttons(view)
        self._render_lists(view)
        self._render_clerk(view)

    def _render_clerk(self, view: CounterView) -> None:
        counter = self.presenter.counter
        clerk = counter.clerk if counter is not None else None
        if clerk is not None:
            self.clerk_label.setText(text("clerk.signed_in", self.language, name=clerk))
            self.clerk_button.setText(text("clerk.sign_out", self.language))
        else:
            self.clerk_label.setText(text("clerk.nobody", self.language))
            self.clerk_button.setText(text("clerk.title", self.language))
        self.clerk_button.setEnabled(view.phase is not Phase.UNAVAILABLE)

    def _render_buttons(self, view: CounterView) -> None:
        for button_id, button in self.buttons.items():
            if button_id is Button.PAUSE_RESUME:
                action = view.pause_action
            else:
                action = Action(button_id.value)
            label = text(f"action.{action}", self.language)
            button.setText(f"{label}\n{shortcut_text(button_id, self.language)}")
            button.setEnabled(action in view.enabled)
            if button_id is Button.PAUSE_RESUME:
                # On a break, Resume is the one thing to do: make it stand out.
                button.setStyleSheet(RESUME_STYLE if action is Action.RESUME else "")

    def _render_lists(self, view: CounterView) -> None:
        # rich text for the table; every name in it is escaped (names are text, never markup)
        rows = []
        for line in view.waiting:
            priority = ""
            if line.priority_count:
                words = text("waiting.priority", self.language, count=line.priority_count)
                priority = f" <span style='color:#7a4f01'>({escape(words)})</span>"
            count = f"<b style='font-size:13pt'>{line.count}</b>"
            rows.append(
                f"<tr><td><b>{escape(line.code)}</b>&nbsp;</td><td>{escape(line.name)}</td>"
                f"<td align='right'>&nbsp;{count}{priority}</td></tr>"
            )
        summary = f"<p style='color:#455a64'>{escape(view.waiting_summary)}</p>"
        self.waiting_label.setText(f"<table width='100%'>{''.join(rows)}</table>{summary}")
        if view.recent:
            recent_rows = "".join(
                f"<tr><td><b>{escape(entry.number)}</b>&nbsp;</td><td>{escape(entry.outcome)}</td>"
                f"<td style='color:#607d8b'>&nbsp;{escape(entry.time)}</td></tr>"
                for entry in view.recent
            )
            self.recent_label.setText(f"<table>{recent_rows}</table>")
        else:
            self.recent_label.setText(
                f"<span style='color:#607d8b'>{escape(text('recent.empty', self.language))}</span>"
            )

    # -- presses --------------------------------------------------------------------------

    def _on_button(self, button_id: Button) -> None:
        try:
            if button_id is Button.PAUSE_RESUME:
                self.press(self.presenter.view().pause_action)
            elif button_id is Button.TRANSFER:
                self.open_transfer_dialog()
            elif button_id is Button.REQUEUE:
                self.open_requeue_dialog()
            elif button_id is Button.CALL:
                self.open_call_dialog()
            else:
                self.press(Action(button_id.value))
        except Exception:
            logger.exception("error handling the %s button", button_id)

    def press(self, action: Action, argument: str | None = None) -> bool:
        """Send ``action`` if it makes sense now; False (and nothing sent) otherwise."""
        request = self.presenter.press(action, argument)
        if request is None:
            return False
        logger.info("%s pressed", action)
        self._send(request)
        self._render()
        return True

    def _send(self, request: Request) -> None:
        handle = self.link.submit(request.operation, name=str(request.action))
        self._handles.add(handle)

        def finished(result: object) -> None:
            self._handles.discard(handle)
            self._on_request_finished(result)

        def failed(error: object) -> None:
            self._handles.discard(handle)
            self._on_request_failed(error)

        handle.finished.connect(finished)
        handle.failed.connect(failed)

    def _on_request_finished(self, result: object) -> None:
        try:
            self.presenter.succeeded(result)
            self._render()
        except Exception:
            logger.exception("error showing a request's answer")

    def _on_request_failed(self, error: object) -> None:
        try:
            if not isinstance(error, ClientError):
                error = ClientError(str(error))
            if self.presenter.failed(error):
                self._check_outcome()
            self._render()
        except Exception:
            logger.exception("error showing a failed request")

    def _check_outcome(self) -> None:
        """Ask for a snapshot to learn whether a press whose answer was lost happened."""
        handle = self.link.submit(lambda api: api.snapshot(), name="snapshot")
        self._handles.add(handle)

        def finished(snapshot: object) -> None:
            self._handles.discard(handle)
            try:
                if isinstance(snapshot, Snapshot) and self.presenter.verifying:
                    self.presenter.verify(OfficeState.from_snapshot(snapshot))
                    self._render()
            except Exception:
                logger.exception("error checking a press's outcome")

        def failed(_error: object) -> None:
            # Unreachable: ask again soon; the event stream's next snapshot may come first.
            self._handles.discard(handle)
            if self.presenter.verifying:
                QTimer.singleShot(CHECK_RETRY_MS, self, self._retry_check)

        handle.finished.connect(finished)
        handle.failed.connect(failed)

    def _retry_check(self) -> None:
        try:
            if self.presenter.verifying:
                self._check_outcome()
        except Exception:
            logger.exception("error checking a press's outcome again")

    def open_transfer_dialog(self) -> TransferDialog | None:
        """Ask which service the current ticket moves to (only when Transfer is enabled)."""
        counter = self.presenter.counter
        if Action.TRANSFER not in self.presenter.enabled or counter is None or not counter.current:
            return None
        dialog = TransferDialog(
            counter.current.number, self.presenter.transfer_targets(), self.language, self
        )
        dialog.service_chosen.connect(lambda code: self._on_transfer_chosen(code))
        self._show_dialog(dialog)
        self._transfer_ticket_id = counter.current.id
        return dialog

    def _on_transfer_chosen(self, code: str) -> None:
        try:
            counter = self.presenter.counter
            current = counter.current if counter is not None else None
            if current is None or current.id != self._transfer_ticket_id:
                return  # the dialog was about another ticket (see _close_stale_dialog)
            self.press(Action.TRANSFER, code)
        except Exception:
            logger.exception("error handling the transfer dialog")

    def _close_stale_dialog(self) -> None:
        """Close the transfer dialog once its ticket is no longer at this counter."""
        if not isinstance(self.dialog, TransferDialog):
            return
        counter = self.presenter.counter
        current = counter.current if counter is not None else None
        if current is None or current.id != self._transfer_ticket_id:
            logger.info("transfer dialog closed: its ticket left the counter")
            self.dialog.reject()

    def open_requeue_dialog(self) -> RequeueDialog | None:
        """Ask which no-show goes back in line (only when Re-queue is enabled)."""
        if Action.REQUEUE not in self.presenter.enabled:
            return None
        state = self.presenter.state
        services = {service.code: service for service in state.services} if state else {}
        dialog = RequeueDialog(self.presenter.requeue_candidates(), services, self.language, self)
        dialog.number_chosen.connect(lambda number: self.press(Action.REQUEUE, number))
        self._show_dialog(dialog)
        return dialog

    def open_call_dialog(self) -> CallNumberDialog | None:
        """Ask which waiting number to call out of order (only when it is enabled)."""
        if Action.CALL not in self.presenter.enabled:
            return None
        state = self.presenter.state
        services = {service.code: service for service in state.services} if state else {}
        dialog = CallNumberDialog(self.presenter.call_candidates(), services, self.language, self)
        dialog.number_chosen.connect(lambda number: self.press(Action.CALL, number))
        self._show_dialog(dialog)
        return dialog

    # -- the clerk's sign-in -----------------------------------------------------------------

    def _on_clerk_button(self) -> None:
        try:
            counter = self.presenter.counter
            if counter is not None and counter.clerk is not None:
                self.sign_out()
            else:
                self.open_sign_in_dialog()
        except Exception:
            logger.exception("error handling the clerk's button")

    def open_sign_in_dialog(self) -> SignInDialog:
        """Ask for the clerk's name and PIN; the dialog stays open until they are right."""
        dialog = SignInDialog(self.language, self)
        dialog.credentials_entered.connect(
            lambda name, pin: self._sign_in(dialog, str(name), str(pin))
        )
        self._show_dialog(dialog)
        return dialog

    def _sign_in(self, dialog: SignInDialog, name: str, pin: str) -> None:
        number = self.presenter.counter_number
        handle = self.link.submit(lambda api: api.sign_in(number, name, pin), name="sign-in")
        self._handles.add(handle)

        def finished(_counter: object) -> None:
            self._handles.discard(handle)
            logger.info("a clerk signed in")  # no names in the log of a shared PC
            if isValid(dialog) and self.dialog is dialog:
                dialog.accept()

        def failed(error: object) -> None:
            self._handles.discard(handle)
            if not isinstance(error, ClientError):
                error = ClientError(str(error))
            if isValid(dialog) and self.dialog is dialog:
                dialog.show_error(sign_in_error_text(error, self.language))

        handle.finished.connect(finished)
        handle.failed.connect(failed)

    def sign_out(self) -> None:
        """The signed-in clerk leaves the counter (it keeps working, unnamed)."""
        number = self.presenter.counter_number
        handle = self.link.submit(lambda api: api.sign_out(number), name="sign-out")
        self._handles.add(handle)
        handle.finished.connect(lambda _counter: self._handles.discard(handle))
        handle.failed.connect(lambda _error: self._handles.discard(handle))

    def _show_dialog(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        dialog.open()

    def _forget_dialog(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.activateWindow()  # the shortcuts work only in the active window

    # -- link signals ---------------------------------------------------------------------

    def _on_connection_changed(self, status: object) -> None:
        try:
            rejected = bool(getattr(self.link, "token_rejected", False))  # fakes lack it
            self.presenter.set_connection(ConnectionStatus(str(status)), rejected)
            self._render()
        except Exception:
            logger.exception("error showing the connection status")

    def _on_state_changed(self, state: object, event: object) -> None:
        try:
            if not isinstance(state, OfficeState):
                return
            if not isinstance(event, Event | UnknownEvent):
                event = None
            self.presenter.set_state(state, event)
            self._render()
            self._close_stale_dialog()
        except Exception:
            logger.exception("error showing the office state")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        super().closeEvent(event)
