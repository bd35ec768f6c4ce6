"""The display's widgets on their own: window sizes, highlight, ticker, config options."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from client.errors import ConfigError
from counter_display.display.main import display_settings
from counter_display.display.presenter import DisplayPresenter, DisplayView
from counter_display.display.ticker import TickerWidget
from counter_display.display.window import DisplayWindow
from tests.client.samples import called_json, counter_json, service_json
from tests.counter_display import display_fixtures
from tests.support.builders import closed_services, office_state

assert display_fixtures.apply_reference_fix  # the PySide6 workaround is applied on import


def _view(recent: int = 3) -> DisplayView:
    calls = [called_json(index, f"A{index:03d}", index) for index in range(recent, 0, -1)]
    state = office_state(
        recent_calls=calls,
        counters=[counter_json(number, ["A"]) for number in range(1, 13)],
        services=[service_json(code, waiting=4) for code in "ABC"],
    )
    return DisplayPresenter().present(state, None).view


def _fixed_now(zone: ZoneInfo | None) -> datetime:
    return datetime(2026, 11, 24, 9, 15, tzinfo=zone)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (1080, 1920)])
def test_window_keeps_its_size_and_the_number_fits(qtbot: QtBot, size: tuple[int, int]) -> None:
    window = DisplayWindow(ticker_text="Selamat datang", now=_fixed_now)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.show_view(_view(recent=12))
    qtbot.waitUntil(lambda: window.number_label.text() == "A012")

    assert (window.width(), window.height()) == size
    number = window.number_label
    assert QFontMetrics(number.font()).horizontalAdvance("A012") <= number.width()
    assert number.font().pixelSize() >= 0.18 * min(size)  # huge: readable from 5 m
    rows = window.recent_panel.visible_rows()
    assert 3 <= len(rows) <= 12
    assert [row.number_text for row in rows] == [f"A{index:03d}" for index in range(12, 0, -1)][
        : len(rows)
    ]
    assert window.date_label.text() == "Selasa, 24 November 2026"
    assert window.clock_label.text() == "09.15 WIB"


def test_highlight_flashes_then_settles(qtbot: QtBot) -> None:
    window = DisplayWindow(highlight_s=1.0, now=_fixed_now)
    qtbot.addWidget(window)
    window.show()
    window.show_view(_view(), highlight=True)
    assert window.highlighted
    qtbot.waitUntil(lambda: not window.highlighted, timeout=3000)


def test_connection_line_shows_and_hides(qtbot: QtBot) -> None:
    window = DisplayWindow(now=_fixed_now)
    qtbot.addWidget(window)
    window.show()
    window.show_connection("menyambung ulang…")
    assert window.connection_label.isVisible()
    assert window.connection_label.text() == "● menyambung ulang…"
    window.show_connection("")
    assert not window.connection_label.isVisible()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_ticker_moves_with_time_and_wraps(qtbot: QtBot) -> None:
    clock = FakeClock()
    ticker = TickerWidget("Jam layanan 08.00–15.00 WIB", clock=clock)
    qtbot.addWidget(ticker)
    ticker.resize(800, 40)
    ticker.show()
    assert ticker.running
    start = ticker.offset()
    clock.now += 0.5
    assert ticker.offset() > start
    clock.now += 10_000  # days of running: the offset stays within one period
    assert 0 <= ticker.offset() < 800 + 10 * 40 * 200
    ticker.grab()  # paints without error


def test_empty_ticker_is_hidden_and_stops_its_timer(qtbot: QtBot) -> None:
    ticker = TickerWidget("x")
    qtbot.addWidget(ticker)
    ticker.show()
    ticker.set_text("")
    assert not ticker.isVisible()
    assert not ticker.running
    ticker.set_text("Selamat\ndatang")
    assert ticker.text == "Selamat datang"
    assert ticker.running


def test_display_options_are_checked() -> None:
    settings = display_settings({"voice_languages": ["id", "en"], "highlight_s": 4})
    assert settings.voice_languages == ("id", "en")
    assert settings.highlight_s == 4.0
    with pytest.raises(ConfigError, match="voice_languages"):
        display_settings({"voice_languages": ["jv"]})
    with pytest.raises(ConfigError, match="highlight_s"):
        display_settings({"highlight_s": 600})


@pytest.mark.parametrize("size", [(1280, 720), (1080, 1920)])
def test_twelve_services_leave_the_called_number_huge_and_every_count_readable(
    qtbot: QtBot, size: tuple[int, int]
) -> None:
    services = [
        service_json(code, name="Perizinan Berusaha Berbasis Risiko dan Non-Perizinan", waiting=40)
        for code in "ABCDEFGHIJ"
    ] + [service_json(code, open=False, closed_reason="quota", waiting=17) for code in "KL"]
    state = office_state(
        recent_calls=[called_json(1, "A123", 3)],
        counters=[counter_json(number, ["A"]) for number in range(1, 31)],
        services=services,
    )
    window = DisplayWindow(ticker_text="Selamat datang", now=_fixed_now)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.show_view(DisplayPresenter().present(state, None).view)
    qtbot.waitUntil(lambda: window.number_label.text() == "A123")

    # Six rows of tiles (portrait) must not squeeze the number a visitor looks for
    # (it was 21 px high on a portrait TV, 101 px at 1280×720).
    qtbot.waitUntil(lambda: window.number_label.font().pixelSize() >= 0.16 * min(size))
    tiles = [tile for tile in window.service_tiles if tile.isVisible()]
    assert len(tiles) == 12
    assert all(tile.geometry().bottom() <= window.height() for tile in tiles)
    # A closed service still shows how many wait, however narrow its tile.
    assert tiles[-1].count.text().startswith("17")


def tile_unit(window: DisplayWindow) -> float:
    return window._tile_scaling[0]


def _shows_whole(label: Any) -> bool:
    """The label's whole text is drawn inside it (font metrics), on one line or wrapped."""
    metrics = QFontMetrics(label.font())
    if label.text().replace("\n", " · ") != label.full_text:
        return False
    flags = int(Qt.TextFlag.TextWordWrap) if label.wordWrap() else 0
    needed = metrics.boundingRect(QRect(0, 0, label.width(), 10_000), flags, label.text())
    return needed.width() <= label.width() and needed.height() <= label.height()


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_closed_services_reason_is_shown_whole(
    qtbot: QtBot, size: tuple[int, int], language: str
) -> None:
    state = office_state(
        recent_calls=[called_json(7, "A007", 1)], services=closed_services(language)
    )
    view = DisplayPresenter(language).present(state, None).view
    window = DisplayWindow(ticker_text="Selamat datang", now=_fixed_now, language=language)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.show_view(view)
    qtbot.waitUntil(lambda: window.number_label.text() == "A007")
    qtbot.wait(50)  # the layout settles

    tiles = [tile for tile in window.service_tiles if tile.isVisible()]
    assert [tile.closed.full_text for tile in tiles] == [row.closed_text for row in view.services]
    for tile in tiles:
        assert tile.count.text() == tile.count.full_text  # "12 menunggu" whole
        assert _shows_whole(tile.closed), (tile.closed.text(), tile.closed.width())
        # shrunk at most to 3/4 of its size (then wrapped): readable across the room
        assert tile.closed.font().pixelSize() >= round(0.75 * 32 * tile_unit(window)) - 1
        assert tile.closed.geometry().bottom() < tile.name.geometry().top()
    # the number being called stays huge
    assert window.number_label.font().pixelSize() >= 0.18 * min(size)
