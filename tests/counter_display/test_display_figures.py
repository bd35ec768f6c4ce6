"""The office's figures on the TV's running text: today's average wait and the latest IKM,
before the display's own text; gone when the office turns `show_figures` off."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from counter_display.display.controller import DisplayController
from counter_display.display.ticker import SPEED_HEIGHTS_PER_S
from counter_display.display.window import DisplayWindow
from tests.client.samples import ticket_json
from tests.counter_display import display_fixtures
from tests.counter_display.display_fixtures import DisplayFactory, Office
from tests.support.builders import office_state
from tests.support.live_server import LiveServer

display_factory = display_fixtures.display_factory
office = display_fixtures.office
short_voice_dir = display_fixtures.short_voice_dir

WAIT_MS = 10_000
FIGURES = {
    "avg_wait_s_today": 12 * 60 + 29, "served_today": 40, "ikm": 86.45,
    "ikm_month": "2026-11", "grade": "B",
}  # fmt: skip


class FakeLink(QObject):
    """The two signals the controller listens to."""

    state_changed = Signal(object, object)
    connection_changed = Signal(object)


def wired(qtbot: QtBot, language: str) -> tuple[FakeLink, DisplayWindow]:
    link = FakeLink()
    window = DisplayWindow(language, ticker_text="Selamat datang")
    qtbot.addWidget(window)
    DisplayController(link, window, None, parent=window)
    window.show()
    return link, window


def test_the_ticker_runs_the_average_wait_and_the_ikm_before_the_displays_text(
    qtbot: QtBot,
) -> None:
    link, window = wired(qtbot, "id")
    link.state_changed.emit(office_state(figures=FIGURES), None)
    assert window.ticker.text == (
        "Rata-rata waktu tunggu hari ini 12 menit · IKM November 2026: 86,45 (B, Baik)"
        " • Selamat datang"
    )
    # nobody served yet and no IKM: only the display's own text
    link.state_changed.emit(office_state(figures={"served_today": 0}), None)
    assert window.ticker.text == "Selamat datang"
    link.state_changed.emit(office_state(figures={**FIGURES, "avg_wait_s_today": 3 * 3600}), None)
    assert window.ticker.text.startswith("Rata-rata waktu tunggu hari ini 3 jam · IKM")
    # an office that shows no figures sends none
    link.state_changed.emit(office_state(), None)
    assert window.ticker.text == "Selamat datang"


def test_the_figures_in_english(qtbot: QtBot) -> None:
    link, window = wired(qtbot, "en")
    link.state_changed.emit(office_state(figures={**FIGURES, "avg_wait_s_today": 30}), None)
    assert window.ticker.text == (
        "Today's average wait less than 1 minute · Satisfaction index (IKM) November 2026:"
        " 86.45 (B, Good) • Selamat datang"
    )


def test_a_live_display_shows_the_wait_once_someone_is_served(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server)
    assert display.window.ticker.text == "Selamat datang"
    office.issue("A")
    office.call_next(1)
    office.issue("A")
    office.call_next(1)  # A001 is served: a wait of well under a minute
    qtbot.waitUntil(
        lambda: (
            display.window.ticker.text
            == "Rata-rata waktu tunggu hari ini kurang dari 1 menit • Selamat datang"
        ),
        timeout=WAIT_MS,
    )


def test_a_live_display_of_an_office_that_shows_no_figures(
    qtbot: QtBot, live_server_factory: object, display_factory: DisplayFactory
) -> None:
    server = live_server_factory("[office]\nshow_figures = false\n")  # type: ignore[operator]
    actions = Office(server)
    display = display_factory(server)
    actions.issue("A")
    actions.call_next(1)
    actions.issue("A")
    actions.call_next(1)
    qtbot.waitUntil(lambda: display.number == "A002", timeout=WAIT_MS)
    assert display.window.ticker.text == "Selamat datang"


def test_a_picture_of_the_display_with_the_figures(qtbot: QtBot, tmp_path: Path) -> None:
    """ANTRIAN_DISPLAY_SCREENSHOTS=docs writes docs/display-figures-1920x1080.png."""
    link, window = wired(qtbot, "id")
    window.resize(1920, 1080)
    state = office_state(
        figures=FIGURES,
        recent_calls=[ticket_json(7, "A007", status="called", counter=2,
                                  called_at="2026-11-24T09:20:00+07:00")],
    )  # fmt: skip
    link.connection_changed.emit("connected")
    link.state_changed.emit(state, None)
    qtbot.waitUntil(lambda: window.number_label.text() == "A007", timeout=WAIT_MS)
    # the running text as it starts, its first word at the left edge
    ticker = window.ticker
    travelled = ticker.width() - ticker.height() // 2
    ticker._started_at -= travelled / (SPEED_HEIGHTS_PER_S * ticker.height())
    target = Path(os.environ.get("ANTRIAN_DISPLAY_SCREENSHOTS") or tmp_path)
    path = target / "display-figures-1920x1080.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 10_000
