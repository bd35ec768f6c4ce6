"""The clerk signs in at the Qt counter with name and PIN (keypad), is named in the header
and on the record of every call, and signs out; a wrong PIN is said in plain words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_display.counter.actions import Button
from counter_display.counter.clerk import SignInDialog
from tests.counter_display.counter_fixtures import (
    WAIT_MS,
    CounterFactory,
    counter_window_factory,
    http,
    issue,
    server_counter,
)
from tests.support.live_server import LiveServer

__all__ = ["counter_window_factory"]


def type_pin(qtbot: QtBot, dialog: SignInDialog, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(dialog.keypad_buttons[digit], Qt.MouseButton.LeftButton)


def test_clerk_signs_in_with_the_keypad_is_named_on_calls_and_signs_out(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    live_server.stored.create_account("Siti Rahma", "clerk", "2468")
    issue(live_server, "A")
    window = counter_window_factory(live_server, counter=2)
    assert window.clerk_label.text() == "Belum ada petugas masuk"
    assert window.clerk_button.text() == "Masuk petugas"

    qtbot.mouseClick(window.clerk_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, SignInDialog)
    assert dialog.pin_edit.echoMode() is dialog.pin_edit.EchoMode.Password
    qtbot.keyClicks(dialog.name_edit, "Siti Rahma")
    type_pin(qtbot, dialog, "2469")
    qtbot.mouseClick(dialog.keypad_buttons["⌫"], Qt.MouseButton.LeftButton)
    type_pin(qtbot, dialog, "8")
    assert dialog.pin_edit.text() == "2468"
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.clerk_label.text() == "Petugas: Siti Rahma", timeout=WAIT_MS)
    # the event may name the clerk before the sign-in's own answer closes the dialog
    qtbot.waitUntil(lambda: window.dialog is None, timeout=WAIT_MS)
    assert window.clerk_button.text() == "Keluar"
    assert server_counter(live_server, 2)["clerk"] == "Siti Rahma"

    qtbot.mouseClick(window.buttons[Button.NEXT], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)
    events = http(live_server, "GET", "/log", live_server.tokens["admin"])["events"]
    called = [event for event in events if event["type"] == "ticket.called"]
    assert [(event["counter"], event["clerk"]) for event in called] == [(2, "Siti Rahma")]

    qtbot.mouseClick(window.clerk_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.clerk_label.text() == "Belum ada petugas masuk", timeout=WAIT_MS)
    assert server_counter(live_server, 2)["clerk"] is None


def test_a_wrong_pin_is_said_in_plain_words_and_the_dialog_stays_open(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    live_server.stored.create_account("Budi", "clerk", "13579")
    window = counter_window_factory(live_server, counter=1)
    dialog = window.open_sign_in_dialog()
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Isi nama dan PIN dulu."
    qtbot.keyClicks(dialog.name_edit, "Budi")
    qtbot.keyClicks(dialog.pin_edit, "12ab34")  # letters are not taken
    assert dialog.pin_edit.text() == "1234"
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
    assert dialog.error_label.text() == "Nama atau PIN salah. Silakan coba lagi."
    assert dialog.pin_edit.text() == "" and window.dialog is dialog
    assert window.clerk_label.text() == "Belum ada petugas masuk"


def test_english_sign_in_texts(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    window = counter_window_factory(live_server, counter=3, language="en")
    assert (window.clerk_label.text(), window.clerk_button.text()) == (
        "No clerk signed in", "Clerk sign-in",
    )  # fmt: skip
    dialog = window.open_sign_in_dialog()
    assert dialog.submit_button.text() == "Sign in"
