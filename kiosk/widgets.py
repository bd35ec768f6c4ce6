"""The kiosk's touch widgets: service button, priority button, admin corner, priority icon."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPixmap, QResizeEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.controller import ServiceView
from kiosk.style import PRIORITY_ICON

logger = logging.getLogger(__name__)

ADMIN_HOLD_MS = 3000


def passive_label(object_name: str, text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label inside a button: it lets touches through to the button."""
    label = QLabel(text, parent)
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from the settings: never markup
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    return label


def set_style_property(widget: QWidget, name: str, value: str) -> None:
    """Set a property the style sheet selects on, and restyle the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class LayoutButton(QPushButton):
    """A push button whose content is a layout of labels; it is sized by that layout."""

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()


class ServiceButton(LayoutButton):
    """One service: code letter, name, description and waiting line (or why it is closed)."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setObjectName("service")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.code_label = passive_label("serviceCode", code)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_label = passive_label("serviceName")
        self.description_label = passive_label("serviceDescription")
        self.status_label = passive_label("serviceStatus")
        self.arrow_label = passive_label("serviceArrow", "›")
        for label in (self.name_label, self.description_label, self.status_label):
            label.setWordWrap(True)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addStretch(1)
        texts.addWidget(self.name_label)
        texts.addWidget(self.description_label)
        texts.addWidget(self.status_label)
        texts.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 24, 14)
        row.setSpacing(24)
        row.addWidget(self.code_label)
        row.addLayout(texts, 1)
        row.addWidget(self.arrow_label)

    def show_service(self, view: ServiceView, code_size_px: int, max_height_px: int) -> None:
        """Show the service's current texts; a closed service cannot be pressed."""
        self.setMaximumHeight(max_height_px)
        self.name_label.setText(view.name)
        self.description_label.setText(view.description)
        self._fit_texts()
        self.status_label.setText(view.status_line)
        self.code_label.setFixedSize(QSize(code_size_px, code_size_px))
        self.setEnabled(view.enabled)
        state = "true" if view.enabled else "false"
        for label in (self.code_label, self.name_label, self.status_label, self.arrow_label):
            set_style_property(label, "open", state)
        self.setAccessibleName(f"{view.code} {view.name}: {view.status_line}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_texts()

    def _fit_texts(self) -> None:
        """Drop the description line when the button is too low for three lines of text.

        The name and the waiting line matter most; on a short window (the demo's, or a
        small touchscreen) the three would otherwise be drawn on top of each other.
        """
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        padding = margins.top() + margins.bottom() if margins is not None else 0
        lines = (self.name_label, self.description_label, self.status_label)
        width = max(1, self.name_label.width())  # the text column's width, after layout
        needed = padding + sum(label.heightForWidth(width) for label in lines) + 8
        fits = needed <= self.height() or not self.isVisible()
        self.description_label.setVisible(bool(self.description_label.text()) and fits)


@cache
def _priority_svg() -> bytes:
    # The bytes are cached, not a QSvgRenderer: a Qt object kept in a Python global until
    # interpreter exit outlives the QApplication and crashes PySide at shutdown.
    try:
        return PRIORITY_ICON.read_bytes()
    except OSError as exc:
        logger.warning("priority icon %s cannot be read: %s", PRIORITY_ICON, exc)
        return b""


def _priority_renderer() -> QSvgRenderer | None:
    renderer = QSvgRenderer(QByteArray(_priority_svg()))
    if not renderer.isValid():
        logger.warning("priority icon %s is not a valid SVG", PRIORITY_ICON)
        return None
    return renderer


def priority_icon(size_px: int) -> QPixmap:
    """The priority pictogram (assets/icons/kiosk-priority.svg), or a plain disc without it."""
    pixmap = QPixmap(size_px, size_px)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer = _priority_renderer()
    if renderer is not None:
        renderer.render(painter)
    else:
        painter.setBrush(QColor("white"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(0, 0, size_px, size_px)
    painter.end()
    return pixmap


class PriorityButton(LayoutButton):
    """The clearly marked way to a priority ticket, with its pictogram."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priority")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.icon_label = passive_label("priorityIcon")
        self.text_label = passive_label("priorityText")
        self.hint_label = passive_label("priorityHint")
        self.text_label.setWordWrap(True)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addStretch(1)
        texts.addWidget(self.text_label)
        texts.addWidget(self.hint_label)
        texts.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.setSpacing(24)
        row.addWidget(self.icon_label)
        row.addLayout(texts, 1)
        arrow = passive_label("priorityText", "›")
        row.addWidget(arrow)

    def show_texts(self, text: str, hint: str, icon_px: int) -> None:
        self.text_label.setText(text)
        self.hint_label.setText(hint)
        self.icon_label.setPixmap(priority_icon(icon_px))
        self.setAccessibleName(text)


class AdminCorner(QWidget):
    """An invisible square in a corner: held for a few seconds it opens the admin exit."""

    held = Signal()

    def __init__(self, parent: QWidget, hold_ms: int = ADMIN_HOLD_MS) -> None:
        super().__init__(parent)
        self.setObjectName("adminCorner")
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.held)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._timer.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._timer.stop()
        event.accept()


def connect_clicked(
    button: QPushButton,
    action: Callable[[], object],
    accept: Callable[[], bool] | None = None,
) -> None:
    """Run action on click (Qt's `checked` argument dropped); a bug is logged, not raised.

    With accept, a click runs the action only when accept() says the touch counts.
    """

    def on_clicked(_checked: bool = False) -> None:
        try:
            if accept is None or accept():
                action()
        except Exception:
            # Slot boundary: a bug must never leave a traceback on the visitor's screen.
            logger.exception("error handling a touch on %s", button.objectName())

    button.clicked.connect(on_clicked)
