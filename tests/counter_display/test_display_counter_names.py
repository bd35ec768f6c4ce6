"""The TV display names each counter as the office's settings do, against a real server.

The office names two of its three counters (`[[counters]] name = …`); the third has no
name, which the server sends as "Loket 2" and the display says in its own words. A rename
through `PUT /api/v1/settings` reaches the running display. Set ANTRIAN_SCREENSHOTS to keep
the picture (docs/display-counter-names-1920x1080.png).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from client.wire import Counter, CounterState
from counter_display.display.presenter import office_counter_name
from counter_display.display.window import DisplayWindow
from tests.counter_display import display_fixtures
from tests.counter_display.counter_fixtures import http
from tests.counter_display.display_fixtures import DisplayFactory, Office
from tests.support.live_server import LiveServer
from tests.support.qt_text import markup_rendered

display_factory = display_fixtures.display_factory
short_voice_dir = display_fixtures.short_voice_dir

WAIT_MS = 10_000
POPULATION = "Loket Kependudukan & Capil"
PERMITS = "Loket <b>Perizinan</b>"  # shown as typed, never as markup
RENAMED = "Loket Pelayanan Administrasi Kependudukan dan Pencatatan Sipil"
NAMED_COUNTERS_CONFIG = f"""
[office]
name = "Kecamatan Contoh"

[[services]]
code = "A"
name = "Administrasi Kependudukan"

[[services]]
code = "B"
name = "Perizinan"

[[counters]]
number = 1
name = "{POPULATION}"
services = ["A"]

[[counters]]
number = 2
services = ["A", "B"]

[[counters]]
number = 3
name = "{PERMITS}"
services = ["B"]
"""


def row_labels(window: DisplayWindow) -> list[tuple[str, str]]:
    """The recent-calls lines as their labels show them, top to bottom."""
    return [
        (widgets.counter.text(), widgets.number.text())
        for widgets in window.recent_panel.rows
        if widgets.counter.isVisible()
    ]


def test_the_display_shows_the_counter_names_of_the_office_settings(
    qtbot: QtBot,
    live_server_factory: Callable[..., LiveServer],
    display_factory: DisplayFactory,
    tmp_path: Path,
) -> None:
    server = live_server_factory(NAMED_COUNTERS_CONFIG)
    office = Office(server)
    for service in "AAB":
        office.issue(service)
    display = display_factory(server, width=1920)  # the usual TV: 1920×1080

    assert office.call_next(2) == "A001"
    qtbot.waitUntil(lambda: display.number == "A001", timeout=WAIT_MS)
    assert display.window.counter_label.text() == "LOKET 2"  # no name in the settings

    assert office.call_next(1) == "A002"
    qtbot.waitUntil(lambda: display.number == "A002", timeout=WAIT_MS)
    assert display.window.counter_label.text() == POPULATION

    assert office.call_next(3) == "B001"
    qtbot.waitUntil(lambda: display.number == "B001", timeout=WAIT_MS)
    assert display.window.counter_label.text() == PERMITS
    assert row_labels(display.window) == [
        (PERMITS, "B001"),
        (POPULATION, "A002"),
        ("Loket 2", "A001"),
    ]
    assert markup_rendered(display.window, [PERMITS, POPULATION]) == []

    # the office renames loket 3 in /admin: the running display follows, no restart
    admin = server.tokens["admin"]
    settings = http(server, "GET", "/settings", admin)
    for counter in settings["counters"]:
        if counter["number"] == 3:
            counter["name"] = RENAMED
    http(server, "PUT", "/settings", admin, settings)
    qtbot.waitUntil(lambda: display.window.counter_label.text() == RENAMED, timeout=WAIT_MS)
    window = display.window
    label = window.counter_label
    # the whole name, on two lines at the most, in the panel; larger than on one line
    assert label.wordWrap() and label.font().pixelSize() >= 30
    lines = QFontMetrics(label.font()).boundingRect(
        QRect(0, 0, label.width(), 10_000), Qt.TextFlag.TextWordWrap, RENAMED
    )
    assert lines.height() <= 2 * QFontMetrics(label.font()).lineSpacing() + 2
    assert window.now_panel.rect().contains(label.geometry())
    assert lines.width() <= label.width()
    # its line in the recent calls ends in "…" before the number, which stays whole
    shown, number = row_labels(window)[0]
    assert number == "B001" and shown.endswith("…") and RENAMED.startswith(shown[:-1])
    assert window.recent_panel.rows[0].counter.full_text == RENAMED
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    qtbot.waitUntil(lambda: not display.window.highlighted, timeout=WAIT_MS)  # settled
    assert display.window.grab().save(str(directory / "display-counter-names-1920x1080.png"))


def test_in_english_a_named_counter_keeps_its_name_and_the_others_are_counters(
    qtbot: QtBot, live_server_factory: Callable[..., LiveServer], display_factory: DisplayFactory
) -> None:
    server = live_server_factory(NAMED_COUNTERS_CONFIG)
    office = Office(server)
    office.issue("A")
    office.issue("A")
    display = display_factory(server, language="en", width=1920)
    office.call_next(2)
    office.call_next(1)
    qtbot.waitUntil(lambda: display.number == "A002", timeout=WAIT_MS)
    assert display.window.counter_label.text() == POPULATION
    assert row_labels(display.window) == [
        (POPULATION, "A002"),
        ("Counter 2", "A001"),
        (PERMITS, "—"),  # no call yet today
    ]


def test_a_counter_named_as_the_server_names_an_unnamed_one_is_said_in_the_displays_words() -> None:
    def named(number: int, name: str) -> Counter:
        return Counter(number, name, ("A",), CounterState.OPEN, None)

    assert office_counter_name(named(3, "Loket 3")) is None  # no name in the settings
    assert office_counter_name(named(3, "  ")) is None
    assert office_counter_name(named(3, "Loket 4")) == "Loket 4"  # the office's own choice
    assert office_counter_name(named(1, " Loket Kependudukan ")) == "Loket Kependudukan"
    assert office_counter_name(None) is None
