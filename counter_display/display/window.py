"""The TV display window: header with clock, the big "now calling" panel, recent calls, counts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from client.formatting import format_clock, format_date
from client.i18n import DEFAULT_LANGUAGE
from counter_display.display.presenter import (
    MAX_COUNTER_ROWS,
    MAX_SERVICE_ROWS,
    CounterRow,
    DisplayView,
    ServiceRow,
)
from counter_display.display.texts import text
from counter_display.display.ticker import TickerWidget

logger = logging.getLogger(__name__)

FONT_FAMILY: Final = "DejaVu Sans"
BACKGROUND: Final = QColor("#001a4d")  # dark blue
PANEL: Final = QColor("#002a73")
HEADER: Final = QColor("#000d29")
TEXT: Final = QColor("#ffffff")
MUTED: Final = QColor("#b8c7e6")
ACCENT: Final = QColor("#ffd400")  # yellow
WARNING: Final = QColor("#ffb020")
FLASH_INTERVAL_MS: Final = 500
DEFAULT_HIGHLIGHT_S: Final = 6.0
ROW_PIXELS: Final = 68
ROW_GAP_PIXELS: Final = 10
REFERENCE_HEIGHT_PX: Final = 1080
"""Font sizes below are pixels on a 1920×1080 screen; they scale with the shorter side."""
LANDSCAPE_TILES_SHARE: Final = 0.24
PORTRAIT_TILES_SHARE: Final = 0.32
"""At most this share of the window's height goes to the service tiles: with many
services the tiles get smaller, never the number being called."""
MIN_TILE_SCALE: Final = 0.3
MIN_FIT_SHARE: Final = 0.75  # a closed service's reason shrinks to this, then wraps
COUNTER_NAME_LINES: Final = 2  # a long counter name breaks at a space rather than shrink far
MIN_NAME_SHARE: Final = 0.6  # a counter's name in the recent calls shrinks to this, then "…"


def _font(pixels: float, bold: bool = False, condensed: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(max(8, round(pixels)))
    font.setBold(bold)
    if condensed:
        font.setStretch(QFont.Stretch.SemiCondensed)
    return font


def _wrapped_pixels(value: str, full_pixels: float, width: float, lines: int) -> float:
    """The largest bold font size, at most ``full_pixels``, at which ``value`` broken at its
    spaces takes at most ``lines`` lines of ``width`` pixels (a step of 5 % at a time)."""
    pixels = full_pixels
    while pixels > 8:
        metrics = QFontMetrics(_font(pixels, bold=True))
        bounds = metrics.boundingRect(
            QRect(0, 0, max(1, int(width)), 1 << 20), Qt.TextFlag.TextWordWrap, value
        )
        if bounds.width() <= width and bounds.height() < (lines + 0.5) * metrics.lineSpacing():
            return pixels
        pixels *= 0.95
    return pixels


def _paint(widget: QWidget, foreground: QColor, background: QColor | None = None) -> None:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, foreground)
    if background is not None:
        palette.setColor(QPalette.ColorRole.Window, background)
        widget.setAutoFillBackground(True)
    widget.setPalette(palette)


class PlainLabel(QLabel):
    """A label that shows its text as typed: names come from the settings, never markup."""

    def __init__(self, *arguments: Any) -> None:
        super().__init__(*arguments)
        self.setTextFormat(Qt.TextFormat.PlainText)


class NumberLabel(PlainLabel):
    """The big ticket number: as large as its space allows; reports each text once painted."""

    painted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._painted_text: str | None = None
        self._max_pixels = 300.0
        # It takes the space the layout gives and sizes its font to it, never the reverse.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_max_pixels(self, pixels: float) -> None:
        """The font size it never exceeds."""
        self._max_pixels = pixels
        self._fit()

    def set_number(self, number: str) -> None:
        """Show ``number`` in the largest font that fits."""
        if number != self.text():
            self.setText(number)
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.text() != self._painted_text:
            self._painted_text = self.text()
            self.painted.emit(self._painted_text)

    def _fit(self) -> None:
        font = _font(self._max_pixels, bold=True)
        metrics = QFontMetrics(font)
        width_share = self.width() * 0.94 / max(1, metrics.horizontalAdvance(self.text() or "0"))
        height_share = self.height() / max(1, metrics.height())
        share = min(1.0, width_share, height_share)
        if share < 1.0:
            font = _font(max(8.0, self._max_pixels * share), bold=True)
        if font != self.font():
            self.setFont(font)


class ElidedLabel(PlainLabel):
    """A one-line label that ends with "…" rather than growing past its width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    @property
    def full_text(self) -> str:
        """The text before eliding."""
        return self._full_text

    def set_full_text(self, value: str) -> None:
        """Show ``value``, shortened to fit."""
        self._full_text = value
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        metrics = QFontMetrics(self.font())
        width = max(1, self.width())
        self.setText(metrics.elidedText(self._full_text, Qt.TextElideMode.ElideRight, width))


class FittingLabel(PlainLabel):
    """A label that fits its text to its width itself (``_fit``); it never widens its column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full_text = ""
        self._pixels = 16.0
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    @property
    def full_text(self) -> str:
        """The text as given, before it was fitted."""
        return self._full_text

    def set_font_pixels(self, pixels: float) -> None:
        """The font size used when the text fits at it."""
        self._pixels = pixels
        self._fit()

    def set_full_text(self, value: str) -> None:
        self._full_text = value
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        raise NotImplementedError


class NameLabel(FittingLabel):
    """A name on one line: too long, its font shrinks (to ``MIN_NAME_SHARE`` of its size),
    then it ends with "…"."""

    def _fit(self) -> None:
        width = max(1, self.width())
        font = _font(self._pixels)
        advance = QFontMetrics(font).horizontalAdvance(self._full_text)
        if advance > width:
            font = _font(self._pixels * max(MIN_NAME_SHARE, width / advance * 0.98))
        if font != self.font():
            self.setFont(font)
        metrics = QFontMetrics(font)
        shown = metrics.elidedText(self._full_text, Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            self.setText(shown)


class FittedLabel(FittingLabel):
    """A label that always shows its whole text. Too long for one line, it breaks after
    its parts (" · ") and its font shrinks to fit the width, down to ``MIN_FIT_SHARE`` of
    its size; a text longer still wraps at words."""

    SEPARATOR: Final = " · "

    def _fit(self) -> None:
        width = max(1, self.width())
        font = _font(self._pixels, condensed=True)
        metrics = QFontMetrics(font)
        lines = [self._full_text]
        if metrics.horizontalAdvance(self._full_text) > width:
            lines = self._full_text.split(self.SEPARATOR)
        advance = max(metrics.horizontalAdvance(line) for line in lines)
        if advance > width:
            share = max(MIN_FIT_SHARE, width / advance * 0.98)
            font = _font(self._pixels * share, condensed=True)
        metrics = QFontMetrics(font)
        wrap = max(metrics.horizontalAdvance(line) for line in lines) > width
        if wrap != self.wordWrap():
            self.setWordWrap(wrap)
        if font != self.font():
            self.setFont(font)
        shown = "\n".join(lines)
        if shown != self.text():
            self.setText(shown)


class CounterRowWidgets:
    """The labels of one line of the recent-calls list (created once, reused)."""

    def __init__(self, grid: QGridLayout, row: int, parent: QWidget) -> None:
        self.counter = NameLabel(parent)  # a long counter name gives way, the number stays
        self.number = PlainLabel(parent)
        self.note = PlainLabel(parent)
        self.number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.counter, row, 0)
        grid.addWidget(self.number, row, 1)
        grid.addWidget(self.note, row, 2)
        self.shown: CounterRow | None = None

    def show_row(self, row: CounterRow | None) -> None:
        self.shown = row
        for label in (self.counter, self.number, self.note):
            label.setVisible(row is not None)
        if row is None:
            return
        self.counter.set_full_text(row.counter_text)
        self.number.setText(row.number_text)
        self.note.setText(row.note)
        color = ACCENT if row.latest else TEXT
        _paint(self.counter, color)
        _paint(self.number, color)
        _paint(self.note, WARNING)

    def scale(self, unit: float) -> None:
        self.counter.set_font_pixels(ROW_PIXELS * 0.82 * unit)
        self.number.setFont(_font(ROW_PIXELS * unit, bold=True))
        self.note.setFont(_font(36 * unit))


class RecentCallsPanel(QFrame):
    """The recent-calls list: as many rows as fit its height, newest call first."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _paint(self, TEXT, PANEL)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.title = PlainLabel(text("recent_calls", language), self)
        _paint(self.title, MUTED)
        self._grid = QGridLayout()
        self._grid.setColumnStretch(0, 1)
        self.rows = [
            CounterRowWidgets(self._grid, index, self) for index in range(MAX_COUNTER_ROWS)
        ]
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.title)
        self._layout.addLayout(self._grid)
        self._layout.addStretch(1)
        self._unit = 1.0
        self._capacity = MAX_COUNTER_ROWS
        self._rows: tuple[CounterRow, ...] = ()

    def show_rows(self, rows: tuple[CounterRow, ...]) -> None:
        """Show the first rows that fit."""
        self._rows = rows
        for index, widgets in enumerate(self.rows):
            fits = index < min(len(rows), self._capacity)
            widgets.show_row(rows[index] if fits else None)

    def visible_rows(self) -> list[CounterRow]:
        """The rows on screen, top to bottom."""
        return [widgets.shown for widgets in self.rows if widgets.shown is not None]

    def scale(self, unit: float) -> None:
        """Set fonts and spacing for a screen ``unit`` times a 1080-line one."""
        self._unit = unit
        self.title.setFont(_font(42 * unit, bold=True))
        margin = round(28 * unit)
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self._layout.setSpacing(round(20 * unit))
        self._grid.setHorizontalSpacing(round(24 * unit))
        self._grid.setVerticalSpacing(round(ROW_GAP_PIXELS * unit))
        for widgets in self.rows:
            widgets.scale(unit)
        self._update_capacity()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_capacity()

    def _update_capacity(self) -> None:
        unit = self._unit
        row_height = QFontMetrics(_font(ROW_PIXELS * unit, bold=True)).height()
        used = 2 * round(28 * unit) + round(20 * unit) + self.title.sizeHint().height()
        step = max(1, row_height + round(ROW_GAP_PIXELS * unit))
        capacity = max(1, min(MAX_COUNTER_ROWS, (self.height() - used) // step))
        if capacity != self._capacity:
            self._capacity = capacity
            self.show_rows(self._rows)


class ServiceTile(QFrame):
    """One service's tile: its letter, its waiting count, why it is closed, its name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _paint(self, TEXT, PANEL)
        self.code = PlainLabel(self)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _paint(self.code, BACKGROUND, ACCENT)
        self.count = ElidedLabel(self)
        self.closed = FittedLabel(self)  # shown whole, never cut: visitors plan by it
        _paint(self.closed, WARNING)
        self.closed.hide()
        self.name = ElidedLabel(self)
        _paint(self.name, MUTED)
        top = QHBoxLayout()
        top.addWidget(self.code)
        top.addWidget(self.count, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.closed)
        layout.addWidget(self.name)
        self._layout = layout
        self._top = top
        self.shown: ServiceRow | None = None

    def show_row(self, row: ServiceRow) -> None:
        self.shown = row
        self.code.setText(row.code)
        self.count.set_full_text(row.waiting_text)
        self.closed.set_full_text(row.closed_text)
        self.closed.setVisible(bool(row.closed_text))
        self.name.set_full_text(row.name)
        _paint(self.count, TEXT if row.open else WARNING)

    @staticmethod
    def natural_height(unit: float, closed_line: bool = False) -> int:
        """The height of a tile scaled by ``unit`` (its letter box and its name line, and
        the line saying why it is closed when a tile of the row has one)."""
        count_height = QFontMetrics(_font(44 * unit, bold=True)).height()
        name_height = QFontMetrics(_font(32 * unit, condensed=True)).height()
        closed_height = QFontMetrics(_font(32 * unit, condensed=True)).height() + round(6 * unit)
        top = max(round(76 * unit), count_height)
        height = 2 * round(14 * unit) + top + round(6 * unit) + name_height
        return int(height + (closed_height if closed_line else 0))

    def scale(self, unit: float) -> None:
        margin = round(14 * unit)
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self._layout.setSpacing(round(6 * unit))
        self._top.setSpacing(round(16 * unit))
        self.code.setFont(_font(56 * unit, bold=True))
        self.code.setFixedSize(round(84 * unit), round(76 * unit))
        self.count.setFont(_font(44 * unit, bold=True))
        self.closed.set_font_pixels(32 * unit)
        self.name.setFont(_font(32 * unit, condensed=True))


TICKER_SEPARATOR = " • "


class DisplayWindow(QWidget):
    """The waiting-room screen. Fed with ``show_view``; it never talks to the server.

    Every list has a fixed pool of labels made once, so days of updates allocate nothing
    that stays. Sizes follow the window: fonts are pixels of a 1080-line screen, scaled
    by the shorter side, and a portrait screen stacks the panels.
    """

    number_painted = Signal(str)  # the big number after a change, once it is on screen

    def __init__(
        self,
        language: str = DEFAULT_LANGUAGE,
        ticker_text: str = "",
        highlight_s: float = DEFAULT_HIGHLIGHT_S,
        *,
        now: Callable[[ZoneInfo | None], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.setWindowTitle("Antrian")
        self._now = now or (lambda zone: datetime.now(zone))
        self._zone: ZoneInfo | None = None
        self._zone_name: str | None = None
        self._flashes_left = 0
        self._flash_on = False
        self._highlight_flashes = max(0, round(highlight_s * 1000 / FLASH_INTERVAL_MS))
        self._unit = 1.0
        self._counter_lines = 1  # lines the big panel's counter text may take
        # the last two-line fit: (text, full size, width, lines) -> font pixels
        self._wrapped_fit: tuple[tuple[str, float, float, int] | None, float] = (None, 0.0)
        self._view: DisplayView | None = None
        self._ticker_base = ticker_text  # the display's own running text (its config)
        self._figures = ""  # the office's figures, run before it
        _paint(self, TEXT, BACKGROUND)
        self._build(ticker_text)
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(FLASH_INTERVAL_MS)
        self._flash_timer.timeout.connect(self._on_flash_timer)
        self._clock_timer = QTimer(self)
        self._clock_timer.setSingleShot(True)
        self._clock_timer.timeout.connect(self._on_clock_timer)
        self._on_clock_timer()
        self._apply_colors()
        # The layout must never grow the window past the screen: fonts follow the size.
        self.setMinimumSize(320, 180)
        self.resize(1280, 720)

    # -- building ------------------------------------------------------------------------

    def _build(self, ticker_text: str) -> None:
        self.header = QFrame(self)
        _paint(self.header, TEXT, HEADER)
        self.office_label = ElidedLabel(self.header)
        self.date_label = PlainLabel(self.header)
        self.clock_label = PlainLabel(self.header)
        self.connection_label = PlainLabel(self.header)
        _paint(self.office_label, TEXT)
        _paint(self.date_label, MUTED)
        _paint(self.clock_label, ACCENT)
        _paint(self.connection_label, WARNING)
        self.connection_label.hide()
        for label in (self.date_label, self.clock_label, self.connection_label):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        office_column = QVBoxLayout()
        office_column.addWidget(self.office_label)
        office_column.addWidget(self.connection_label, 0, Qt.AlignmentFlag.AlignLeft)
        self.connection_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        time_column = QVBoxLayout()
        time_column.addWidget(self.clock_label)
        time_column.addWidget(self.date_label)
        self._header_layout = QHBoxLayout(self.header)
        self._header_layout.addLayout(office_column, 1)
        self._header_layout.addLayout(time_column)

        self.now_panel = QFrame(self)
        self.caption_label = PlainLabel(text("now_calling", self.language), self.now_panel)
        self.number_label = NumberLabel(self.now_panel)
        self.number_label.painted.connect(self.number_painted)
        self.counter_label = PlainLabel(self.now_panel)
        self.service_label = ElidedLabel(self.now_panel)
        for label in (self.caption_label, self.counter_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for label in (self.caption_label, self.number_label, self.counter_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._now_layout = QVBoxLayout(self.now_panel)
        self._now_layout.addWidget(self.caption_label)
        self._now_layout.addWidget(self.number_label, 1)
        self._now_layout.addWidget(self.counter_label)
        self._now_layout.addWidget(self.service_label)

        self.recent_panel = RecentCallsPanel(self.language, self)
        self.counter_rows = self.recent_panel.rows

        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.addWidget(self.now_panel, 58)
        self._body.addWidget(self.recent_panel, 42)

        self.services_strip = QWidget(self)
        self._services_layout = QGridLayout(self.services_strip)
        self._services_layout.setContentsMargins(0, 0, 0, 0)
        self.service_tiles = [ServiceTile(self.services_strip) for _ in range(MAX_SERVICE_ROWS)]
        for tile in self.service_tiles:
            tile.hide()
        self._tile_arrangement: tuple[int, int] = (0, 0)  # (tiles shown, columns)
        self._tile_scaling = (0.0, False)  # (unit of the tiles, with a closed line)

        self.ticker = TickerWidget(ticker_text, self)
        self.ticker.set_colors(ACCENT, HEADER)

        self._root = QVBoxLayout(self)
        self._root.setContentsMargins(0, 0, 0, 0)
        self._root.addWidget(self.header)
        self._body_holder = QWidget(self)
        self._body_layout = QVBoxLayout(self._body_holder)
        self._body_layout.addLayout(self._body, 1)
        self._body_layout.addWidget(self.services_strip)
        self._root.addWidget(self._body_holder, 1)
        self._root.addWidget(self.ticker)
        self._show_empty_call()

    # -- what the controller calls -------------------------------------------------------

    def show_view(self, view: DisplayView, highlight: bool = False) -> None:
        """Show ``view``; ``highlight`` flashes the "now calling" panel for a few seconds."""
        self._view = view
        self.office_label.set_full_text(view.office)
        if view.timezone != self._zone_name:
            self._set_zone(view.timezone)
        call = view.now_calling
        if call is None:
            self._show_empty_call()
        else:
            self._set_number(call.number)
            self.counter_label.setText(call.counter_text)
            self._counter_lines = COUNTER_NAME_LINES
            self._fit_counter_label()
            self.service_label.set_full_text(call.service_text)
            self.caption_label.setText(
                text("recall" if call.recall else "now_calling", self.language)
            )
        self.recent_panel.show_rows(view.counters)
        for tile, row in zip(self.service_tiles, view.services, strict=False):
            tile.show_row(row)
        self._arrange_tiles()
        self._scale_tiles()  # a closed service's line may have come or gone
        if highlight:
            self.start_highlight()

    def show_connection(self, message: str) -> None:
        """A discreet line under the office name ("menyambung ulang…"); empty hides it."""
        self.connection_label.setText(f"● {message}" if message else "")
        self.connection_label.setVisible(bool(message))

    def set_ticker_text(self, value: str) -> None:
        """Replace the display's own running text (the office's figures stay before it)."""
        self._ticker_base = value
        self.ticker.set_text(self._ticker_line())

    def show_figures(self, value: str) -> None:
        """The office's figures ("Rata-rata waktu tunggu hari ini …"); "" shows none."""
        if value != self._figures:
            self._figures = value
            self.ticker.set_text(self._ticker_line())

    def _ticker_line(self) -> str:
        return TICKER_SEPARATOR.join(part for part in (self._figures, self._ticker_base) if part)

    def start_highlight(self) -> None:
        """Flash the "now calling" panel (yellow, then blue, ...) and settle."""
        if self._highlight_flashes == 0:
            return
        self._flashes_left = self._highlight_flashes
        self._flash_on = True
        self._apply_colors()
        self._flash_timer.start()

    @property
    def highlighted(self) -> bool:
        """True while the panel flashes."""
        return self._flash_timer.isActive()

    # -- Qt ------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_scale()
        # the panel gets its new width once the layout has run: fit the text after that
        QTimer.singleShot(0, self._fit_counter_label)

    # -- internals -----------------------------------------------------------------------

    def _show_empty_call(self) -> None:
        self.caption_label.setText(text("now_calling", self.language))
        self._set_number("—")
        self.counter_label.setText(text("no_calls_today", self.language))
        self._counter_lines = 1
        self._fit_counter_label()
        self.service_label.set_full_text("")

    def _fit_counter_label(self) -> None:
        """LOKET 3 in its full size; a longer text shrinks to fit: "Belum ada panggilan" on
        one line, a long counter name ("Loket Kependudukan dan Pencatatan Sipil") on two
        when that lets it be larger."""
        full_px = 120 * self._unit
        font = _font(full_px, bold=True)
        available = self.now_panel.width() * 0.92
        shown = self.counter_label.text() or " "
        advance = QFontMetrics(font).horizontalAdvance(shown)
        wrap = False
        if advance > available > 0:
            pixels = full_px * available / advance  # on one line
            if self._counter_lines > 1 and " " in shown.strip():
                key = (shown, full_px, available, self._counter_lines)
                if key != self._wrapped_fit[0]:
                    self._wrapped_fit = (
                        key,
                        _wrapped_pixels(shown, full_px, available, self._counter_lines),
                    )
                wrapped = self._wrapped_fit[1]
                if wrapped > pixels * 1.05:
                    pixels, wrap = wrapped, True
            font = _font(pixels, bold=True)
        if wrap != self.counter_label.wordWrap():
            self.counter_label.setWordWrap(wrap)
        if font != self.counter_label.font():
            self.counter_label.setFont(font)

    def _set_number(self, number: str) -> None:
        self.number_label.set_number(number)

    def _apply_scale(self) -> None:
        width, height = self.width(), self.height()
        portrait = height > width
        unit = min(width, height) / REFERENCE_HEIGHT_PX
        self._unit = unit
        gap = round(20 * unit)
        self._body.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self._body.setStretch(0, 50 if portrait else 58)
        self._body.setStretch(1, 50 if portrait else 42)
        self._body.setSpacing(gap)
        self._body_layout.setContentsMargins(gap, gap, gap, gap)
        self._body_layout.setSpacing(gap)
        self._services_layout.setSpacing(gap)
        self._arrange_tiles()
        self._header_layout.setContentsMargins(round(32 * unit), gap // 2, round(32 * unit), 0)
        self.office_label.setFont(_font(50 * unit, bold=True))
        self.connection_label.setFont(_font(28 * unit))
        self.clock_label.setFont(_font(60 * unit, bold=True))
        self.date_label.setFont(_font(32 * unit))
        self.header.setFixedHeight(round(150 * unit))
        self.caption_label.setFont(_font(58 * unit, bold=True))
        self.number_label.set_max_pixels((340 if portrait else 300) * unit)
        self._fit_counter_label()
        self.service_label.setFont(_font(34 * unit))
        margin = round(16 * unit)
        self._now_layout.setContentsMargins(margin, margin, margin, margin)
        self._now_layout.setSpacing(0)
        self.recent_panel.scale(unit)
        self._scale_tiles()
        self.ticker.setFont(_font(46 * unit, bold=True))
        self.ticker.setFixedHeight(round(80 * unit))

    def _arrange_tiles(self) -> None:
        # One row of tiles on a landscape screen (two if there are many services); on a
        # portrait one, a column, so that each service's name stays readable.
        count = len(self._view.services) if self._view is not None else 0
        if self.height() > self.width():
            columns = 1 if count <= 4 else 2
        else:
            columns = count if count <= 4 else -(-count // 2)
        if (count, columns) == self._tile_arrangement:
            return
        self._tile_arrangement = (count, columns)
        for tile in self.service_tiles:
            self._services_layout.removeWidget(tile)
            tile.hide()
        for column in range(MAX_SERVICE_ROWS):
            self._services_layout.setColumnStretch(column, 1 if column < columns else 0)
        for index, tile in enumerate(self.service_tiles[:count]):
            self._services_layout.addWidget(tile, index // columns, index % columns)
            tile.show()
        self._scale_tiles()

    def _scale_tiles(self) -> None:
        # Two rows of tiles (landscape) or six (portrait, 12 services) at full size would
        # squeeze the "now calling" number to a few pixels: shrink the tiles instead.
        count, columns = self._tile_arrangement
        rows = max(1, -(-count // columns)) if columns else 1
        share = PORTRAIT_TILES_SHARE if self.height() > self.width() else LANDSCAPE_TILES_SHARE
        gaps = (rows - 1) * round(20 * self._unit)
        services = self._view.services if self._view is not None else ()
        closed_line = any(row.closed_text for row in services)
        natural = rows * ServiceTile.natural_height(self._unit, closed_line)
        scale = min(1.0, (self.height() * share - gaps) / max(1, natural))
        tile_unit = self._unit * max(MIN_TILE_SCALE, scale)
        if (tile_unit, closed_line) == self._tile_scaling:
            return
        self._tile_scaling = (tile_unit, closed_line)
        for tile in self.service_tiles:
            tile.scale(tile_unit)

    def _apply_colors(self) -> None:
        flashing = self._flash_on
        background = ACCENT if flashing else PANEL
        _paint(self.now_panel, TEXT, background)
        _paint(self.caption_label, BACKGROUND if flashing else MUTED)
        _paint(self.number_label, BACKGROUND if flashing else ACCENT)
        _paint(self.counter_label, BACKGROUND if flashing else TEXT)
        _paint(self.service_label, BACKGROUND if flashing else MUTED)

    def _on_flash_timer(self) -> None:
        self._flashes_left -= 1
        self._flash_on = not self._flash_on and self._flashes_left > 0
        if self._flashes_left <= 0:
            self._flash_on = False
            self._flash_timer.stop()
        self._apply_colors()

    def _set_zone(self, name: str | None) -> None:
        self._zone_name = name
        try:
            self._zone = ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("unknown time zone %r: the clock shows local time", name)
            self._zone = None
        self._on_clock_timer()

    def _on_clock_timer(self) -> None:
        moment = self._now(self._zone)
        self.date_label.setText(format_date(moment, self.language))
        self.clock_label.setText(format_clock(moment, self.language, self._zone_name))
        # Wake just after the next minute starts, whatever the timer's drift.
        delay_ms = (60 - moment.second) * 1000 - moment.microsecond // 1000 + 50
        self._clock_timer.start(max(200, delay_ms))
