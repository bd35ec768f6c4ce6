"""Kiosk config ([kiosk], [printer], screen texts), the admin exit and the setup error screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client.config import ClientConfig
from client.errors import ConfigError
from client.i18n import Language
from client.qt_bridge import ServerLink
from kiosk.controller import KioskController, Screen
from kiosk.settings import KioskSettings, load_kiosk_settings
from kiosk.window import KioskWindow
from printer_drivers import PrinterType
from tests.kiosk.conftest import MakeKiosk

EXAMPLE = """
[office]
name = "Kantor Kecamatan Contoh"

[printer]
type = "serial"
device = "/dev/ttyUSB0"
baudrate = 19200

[kiosk]
server = "192.168.1.10"
token = "kiosk-token"
language = "id"
admin_pin = "482913"
confirm_seconds = 8
printer_poll_seconds = 3

[kiosk.texts]
welcome = "Selamat datang di Kecamatan Contoh"

[kiosk.texts_en]
welcome = "Welcome to Contoh district office"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "antrian.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_kiosk_and_printer_tables_are_read(tmp_path: Path) -> None:
    settings = load_kiosk_settings(write(tmp_path, EXAMPLE), environ={})
    assert settings.client.server == "http://192.168.1.10:8470"
    assert settings.client.token == "kiosk-token"
    assert settings.printer.type is PrinterType.SERIAL
    assert settings.printer.baudrate == 19200
    assert settings.admin_pin == "482913"
    assert settings.confirm_s == 8.0
    assert settings.printer_poll_s == 3.0
    assert settings.fullscreen and settings.hide_cursor and settings.priority
    texts = settings.texts()
    assert texts.get("welcome", Language.INDONESIAN) == "Selamat datang di Kecamatan Contoh"
    assert texts.get("welcome", Language.ENGLISH) == "Welcome to Contoh district office"
    assert texts.get("take_ticket", Language.INDONESIAN) == "Silakan ambil tiket Anda"


def test_an_office_may_word_the_english_singular_of_a_count(tmp_path: Path) -> None:
    config = EXAMPLE + '"waiting_line.one" = "Only {count} person in line · {wait}"\n'
    texts = load_kiosk_settings(write(tmp_path, config), environ={}).texts()
    assert texts.waiting_line(1, 300, Language.ENGLISH) == "Only 1 person in line · about 5 minutes"
    assert texts.waiting_line(3, 300, Language.ENGLISH) == "Waiting: 3 people · about 5 minutes"


def test_no_config_file_means_defaults_and_a_preview_printer(tmp_path: Path) -> None:
    settings = load_kiosk_settings(None, environ={}, search_paths=(tmp_path / "none.toml",))
    assert settings.printer.type is PrinterType.PREVIEW
    assert settings.admin_pin is None
    assert settings.language is Language.INDONESIAN


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        ('admin_pin = "1234abc"', "kiosk.admin_pin"),
        # Digits the PIN pad (0-9) cannot type: the kiosk could never be left.
        ('admin_pin = "\u0661\u0662\u0663\u0664"', "kiosk.admin_pin"),
        ('admin_pin = "\u00b9\u00b2\u00b3\u2074"', "kiosk.admin_pin"),
        ("confirm_seconds = 0", "kiosk.confirm_seconds"),
        ("fullscreen = 1", r'\[kiosk\], kunci "fullscreen": harus true atau false, tertulis 1'),
        ('texts = { greeting = "Halo" }', "kiosk.texts.greeting: unknown text"),
    ],
)
def test_a_bad_kiosk_value_is_a_config_error_naming_the_key(
    tmp_path: Path, addition: str, message: str
) -> None:
    path = write(tmp_path, f"[kiosk]\n{addition}\n")
    with pytest.raises(ConfigError, match=message):
        load_kiosk_settings(path, environ={})


def test_a_bad_printer_value_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[printer]\ntype = "carrier-pigeon"\n')
    with pytest.raises(ConfigError, match=r'\[printer\], kunci "type"'):
        load_kiosk_settings(path, environ={})


def test_admin_exit_needs_a_long_press_and_the_right_pin(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(url="http://127.0.0.1:9", start=False, admin_pin="2468", admin_hold_ms=50)
    qtbot = kiosk.qtbot
    corner = kiosk.window.admin_corner
    qtbot.mouseClick(corner, Qt.MouseButton.LeftButton)  # a short touch does nothing
    qtbot.wait(100)
    assert kiosk.controller.screen is not Screen.ADMIN

    qtbot.mousePress(corner, Qt.MouseButton.LeftButton)
    kiosk.wait_screen(Screen.ADMIN, timeout_ms=2000)
    qtbot.mouseRelease(corner, Qt.MouseButton.LeftButton)
    assert kiosk.shows("Masukkan PIN petugas")
    keys = kiosk.window.admin_screen.keys
    for key in "1111":
        kiosk.tap(keys[key])
    kiosk.tap(keys["OK"])
    assert kiosk.shows("PIN salah")
    with qtbot.waitSignal(kiosk.controller.exit_requested, timeout=2000):
        for key in "2468":
            kiosk.tap(keys[key])
        kiosk.tap(keys["OK"])


def test_admin_exit_without_a_configured_pin_only_offers_cancel(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(url="http://127.0.0.1:9", start=False)
    kiosk.controller.open_admin()
    assert kiosk.shows("PIN belum diatur")
    assert not kiosk.window.admin_screen.keys["OK"].isEnabled()
    kiosk.tap(kiosk.window.admin_screen.cancel_button)
    assert kiosk.controller.screen is Screen.CONNECTING


def test_a_setup_error_is_shown_in_words_not_as_a_traceback(qtbot: QtBot) -> None:
    settings = KioskSettings(client=ClientConfig(program="kiosk"), fullscreen=False)
    link = ServerLink(None, None, discovery=False)
    controller = KioskController(
        settings, link, None, setup_error="printer.type: expected one of ..."
    )
    window = KioskWindow(controller)
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    assert controller.screen is Screen.SETUP_ERROR
    shown = [window.message_screen.title.text(), window.message_screen.detail.text()]
    assert shown == ["Kiosk belum dapat digunakan", "printer.type: expected one of ..."]
