"""KioskWindow: header with office name and language switch over the current screen."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from kiosk.controller import KioskController, Screen
from kiosk.screens import (
    AdminScreen,
    ConfirmationScreen,
    InfoScreen,
    MessageScreen,
    PriorityScreen,
    ServicesScreen,
    label,
    touch_button,
)
from kiosk.style import Metrics, kiosk_font, style_sheet
from kiosk.widgets import ADMIN_HOLD_MS, AdminCorner, connect_clicked

logger = logging.getLogger(__name__)

ADMIN_CORNER_PX = 140
MIN_WIDTH_PX = 640
MIN_HEIGHT_PX = 480
LANGUAGE_SCREENS = frozenset({Screen.SERVICES, Screen.PRIORITY, Screen.INFO})


class KioskWindow(QWidget):
    """The kiosk's only window; it draws what the controller says and sends it the touches."""

    def __init__(self, controller: KioskController, admin_hold_ms: int = ADMIN_HOLD_MS) -> None:
        super().__init__()
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFont(kiosk_font())
        self.setWindowTitle("Antrian")
        self.controller = controller
        self._metrics: Metrics | None = None

        header = QWidget()
        header.setObjectName("header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.office = label("office", wrap=False)
        self.welcome = label("welcome", wrap=False)
        self.language_button = touch_button("language")
        connect_clicked(self.language_button, controller.toggle_language, controller.accept_tap)
        # Hidden but still taking its space: the header keeps its height on every screen.
        policy = self.language_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.language_button.setSizePolicy(policy)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.office)
        titles.addWidget(self.welcome)
        header_layout = QHBoxLayout(header)
        header_layout.addLayout(titles, 1)
        header_layout.addWidget(self.language_button)
        self._header_layout = header_layout

        self.services_screen = ServicesScreen(controller)
        self.priority_screen = PriorityScreen(controller)
        self.info_screen = InfoScreen(controller)
        self.confirmation_screen = ConfirmationScreen(controller)
        self.message_screen = MessageScreen(controller)
        self.admin_screen = AdminScreen(controller)
        self.stack = QStackedWidget()
        for screen in (
            self.services_screen,
            self.priority_screen,
            self.info_screen,
            self.confirmation_screen,
            self.message_screen,
            self.admin_screen,
        ):
            self.stack.addWidget(screen)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.stack, 1)

        self.admin_corner = AdminCorner(self, admin_hold_ms)
        self.admin_corner.setGeometry(0, 0, ADMIN_CORNER_PX, ADMIN_CORNER_PX)
        self.admin_corner.held.connect(controller.open_admin)
        controller.changed.connect(self.refresh)
        # An explicit minimum: the layouts never force the window above the screen's size.
        self.setMinimumSize(MIN_WIDTH_PX, MIN_HEIGHT_PX)
        self.resize(1280, 800)

    @property
    def current_screen(self) -> QWidget:
        widget = self.stack.currentWidget()
        assert widget is not None  # the stack always holds the screens
        return widget

    def _screen_widget(self, screen: Screen) -> QWidget:
        if screen is Screen.SERVICES:
            return self.services_screen
        if screen is Screen.PRIORITY:
            return self.priority_screen
        if screen is Screen.INFO:
            return self.info_screen
        if screen is Screen.CONFIRMATION:
            return self.confirmation_screen
        if screen is Screen.ADMIN:
            return self.admin_screen
        return self.message_screen

    @Slot()
    def refresh(self) -> None:
        """Redraw from the controller's current state."""
        try:
            self._refresh()
        except Exception:
            # Slot boundary: a drawing bug is logged, never shown as a traceback.
            logger.exception("redrawing the kiosk failed")

    def _refresh(self) -> None:
        metrics = self._metrics or Metrics.for_size(self.width(), self.height())
        controller = self.controller
        screen = controller.screen
        margin = metrics.px(40, 12)
        self._header_layout.setContentsMargins(margin, metrics.px(18, 6), margin, metrics.px(18, 6))
        self.office.setText(controller.office_name or "Antrian")
        self.welcome.setText(controller.text("welcome"))
        self.language_button.setText(controller.text("switch_language"))
        self.language_button.setVisible(screen in LANGUAGE_SCREENS)
        widget = self._screen_widget(screen)
        widget.refresh(metrics)  # type: ignore[attr-defined]
        self.stack.setCurrentWidget(widget)
        # Only the screen shown counts for the layout, not the largest of all of them.
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            policy = QSizePolicy.Policy.Preferred if page is widget else QSizePolicy.Policy.Ignored
            if page is not None:
                page.setSizePolicy(policy, policy)
        self.admin_corner.raise_()

    def show_at_size(self, width: int, height: int) -> None:
        """Resize to width x height with sizes for it (sizes for the old size may not fit)."""
        self._apply_metrics(width, height)
        self.resize(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_metrics(event.size().width(), event.size().height())

    def _apply_metrics(self, width: int, height: int) -> None:
        metrics = Metrics.for_size(width, height)
        if metrics != self._metrics:
            self._metrics = metrics
            self.setStyleSheet(style_sheet(metrics))
        self.refresh()
