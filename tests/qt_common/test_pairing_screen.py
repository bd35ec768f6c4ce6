"""The one pairing screen of the three programs: the same words, each program's colour."""

from __future__ import annotations

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from counter_display.display.main import DisplayStart
from counter_display.first_start import CounterStart
from kiosk.first_start import KioskStart
from qt_common.pairing_screen import PairingScreen

KIOSK_BLUE = "#0b3d91"  # the kiosk's buttons and header (kiosk/style.py)
COUNTER_NAVY = "#0b1f3a"  # the counter's and the TV's dark background


def shown_background(qtbot: QtBot, screen: PairingScreen) -> str:
    qtbot.addWidget(screen)
    screen.resize(640, 360)
    screen.show()
    picture = screen.grab().toImage()
    return QColor(picture.pixel(5, 5)).name()  # a corner: no text there


def test_each_program_pairs_on_its_own_colour_with_the_same_words(qtbot: QtBot) -> None:
    kiosk = PairingScreen("kiosk", "id", KioskStart.pairing_background)
    counter = PairingScreen("counter", "id", CounterStart.pairing_background)
    display = PairingScreen("display", "id", DisplayStart.pairing_background)
    assert shown_background(qtbot, kiosk) == KIOSK_BLUE
    assert shown_background(qtbot, counter) == COUNTER_NAVY
    assert shown_background(qtbot, display) == COUNTER_NAVY
    assert [screen.title.text() for screen in (kiosk, counter, display)] == [
        "Perangkat baru: Kiosk",
        "Perangkat baru: Loket",
        "Perangkat baru: Layar TV",
    ]
    hint = "— minta supervisor menyetujui di /admin → Perangkat"
    assert {screen.hint.text() for screen in (kiosk, counter, display)} == {hint}
    assert {screen.status.text() for screen in (kiosk, counter, display)} == {
        "Meminta kode pemasangan dari server…"
    }
