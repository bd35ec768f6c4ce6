"""The running text at the bottom of the display: one cached pixmap moved by a QTimer."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

FRAME_INTERVAL_MS = 16
SPEED_HEIGHTS_PER_S = 2.2
"""Scroll speed in widget heights per second: the same reading pace on any screen."""
GAP_HEIGHTS = 3.0
"""Blank space between the end of the text and its next start, in widget heights."""


class TickerWidget(QWidget):
    """Scrolls one line of text from right to left, endlessly.

    The text is drawn once into a pixmap whenever the text, font or size changes; each
    frame only blits it at an offset computed from the elapsed time, so the speed stays
    even when a frame is late and nothing is allocated per frame. The timer runs only
    while the widget is visible and has text.
    """

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._text = ""
        self._clock = clock
        self._started_at = clock()
        self._pixmap: QPixmap | None = None
        self._text_color = QColor("#ffd400")
        self._background = QColor("#001a4d")
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self.update)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_text(text)

    # -- public --------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The running text."""
        return self._text

    @property
    def running(self) -> bool:
        """True while the text scrolls."""
        return self._timer.isActive()

    def set_text(self, value: str) -> None:
        """Replace the running text; an empty text hides the ticker."""
        value = " ".join(value.split())  # one line: newlines in the config become spaces
        if value == self._text:
            return
        self._text = value
        self._pixmap = None
        self._started_at = self._clock()
        self.setVisible(bool(value))
        self._update_timer()
        self.update()

    def set_colors(self, text_color: QColor, background: QColor) -> None:
        """Colours of the text and of the band behind it."""
        self._text_color, self._background = QColor(text_color), QColor(background)
        self._pixmap = None
        self.update()

    def offset(self) -> int:
        """How far the text has moved to the left of the widget's right edge, in pixels."""
        pixmap = self._ensure_pixmap()
        if pixmap is None:
            return 0
        height = max(1, self.height())
        period = self._pixmap_width(pixmap) + round(GAP_HEIGHTS * height)
        travelled = (self._clock() - self._started_at) * SPEED_HEIGHTS_PER_S * height
        return int(travelled) % max(1, period)

    # -- Qt ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background)
        pixmap = self._ensure_pixmap()
        if pixmap is not None:
            width = self._pixmap_width(pixmap)
            period = width + round(GAP_HEIGHTS * self.height())
            left = self.width() - self.offset()
            # Draw the copies that fall inside the widget (at most two overlap it).
            while left + width > 0:
                left -= period
            left += period
            while left < self.width():
                painter.drawPixmap(QPoint(left, 0), pixmap)
                left += period
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._pixmap = None
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_timer()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_timer()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._pixmap = None
        super().changeEvent(event)

    # -- internals -----------------------------------------------------------------------

    def _update_timer(self) -> None:
        if self._text and self.isVisible():
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def _pixmap_width(self, pixmap: QPixmap) -> int:
        return round(pixmap.width() / pixmap.devicePixelRatio())

    def _ensure_pixmap(self) -> QPixmap | None:
        if self._pixmap is not None or not self._text or self.height() <= 0:
            return self._pixmap
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        ratio = self.devicePixelRatioF()
        width = max(1, metrics.horizontalAdvance(self._text))
        height = self.height()
        pixmap = QPixmap(round(width * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(self._background)
        painter = QPainter(pixmap)
        painter.setFont(font)
        painter.setPen(self._text_color)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignVCenter, self._text)
        painter.end()
        self._pixmap = pixmap
        return pixmap
