"""Counter window against the real server: presses, server state, enabled buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from counter_display.counter.actions import Action, Button, Phase
from counter_display.counter.dialogs import CallNumberDialog, RequeueDialog, TransferDialog
from tests.counter_display.counter_fixtures import (
    WAIT_MS,
    CounterFactory,
    counter_window_factory,
    enabled_buttons,
    http,
    issue,
    server_counter,
    server_snapshot,
)
from tests.support.live_server import LiveServer
from tests.support.qt_text import markup_rendered, shown_text

__all__ = ["counter_window_factory"]


def test_idle_counter_shows_services_waiting_counts_and_only_sensible_buttons(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A", 2)
    issue(live_server, "B")
    window = counter_window_factory(live_server, counter=2)
    qtbot.waitUntil(lambda: "Total 3 menunggu" in window.waiting_label.text(), timeout=WAIT_MS)
    assert window.title_label.text() == "Loket 2"
    assert window.services_label.text() == "Layanan A · B"
    assert window.connection_label.text() == "Terhubung"
    assert window.current_number_label.text() == "—"
    assert enabled_buttons(window) == {
        Button.NEXT, Button.CALL, Button.REQUEUE, Button.PAUSE_RESUME,
    }  # fmt: skip
    assert window.buttons[Button.NEXT].text() == "Panggil berikutnya\nSpasi · F1"
    assert window.buttons[Button.CALL].text() == "Panggil nomor\nF7"

    issue(live_server, "C")  # not this counter's service
    issue(live_server, "B")
    qtbot.waitUntil(lambda: "Total 4 menunggu" in window.waiting_label.text(), timeout=WAIT_MS)


def test_next_calls_the_earliest_ticket_and_enables_the_serving_buttons(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A", 2)
    window = counter_window_factory(live_server, counter=1)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)

    qtbot.mouseClick(window.buttons[Button.NEXT], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)
    assert window.message_label.text() == "Memanggil A001"
    assert window.current_caption_label.text() == "Sedang melayani"
    assert server_counter(live_server, 1)["current"]["number"] == "A001"
    # Only A is served at counter 1: nowhere to transfer to but B and C, so Transfer is on.
    assert enabled_buttons(window) == set(Button)

    qtbot.keyClick(window, Qt.Key.Key_F3)  # Done
    qtbot.waitUntil(lambda: window.current_number_label.text() == "—", timeout=WAIT_MS)
    assert window.message_label.text() == "A001 selesai"
    assert server_counter(live_server, 1)["current"] is None
    qtbot.waitUntil(lambda: "A001" in window.recent_label.text(), timeout=WAIT_MS)
    assert "Selesai" in window.recent_label.text()
    assert enabled_buttons(window) == {
        Button.NEXT, Button.CALL, Button.REQUEUE, Button.PAUSE_RESUME,
    }  # fmt: skip


def test_second_press_while_a_request_is_in_flight_does_nothing(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A", 3)
    window = counter_window_factory(live_server, counter=1)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)

    # Both presses reach the window before the first answer can arrive.
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert enabled_buttons(window) == set()
    assert window.message_label.text() == "Panggil berikutnya: mengirim ke server…"
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.press(Action.NEXT) is False
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Total 2 menunggu" in window.waiting_label.text(), timeout=WAIT_MS)
    waiting = [ticket["number"] for ticket in server_snapshot(live_server)["waiting"]]
    assert waiting == ["A002", "A003"]


def test_no_show_then_requeue_from_the_dialog_puts_the_ticket_back_in_line(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "B", 2)
    window = counter_window_factory(live_server, counter=3)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "B001", timeout=WAIT_MS)

    qtbot.keyClick(window, Qt.Key.Key_N)  # No-show
    qtbot.waitUntil(
        lambda: window.message_label.text() == "B001 dicatat tidak hadir", timeout=WAIT_MS
    )
    assert server_counter(live_server, 3)["current"] is None

    qtbot.keyClick(window, Qt.Key.Key_F6)
    dialog = window.dialog
    assert isinstance(dialog, RequeueDialog)
    assert dialog.candidate_list.count() == 1
    assert dialog.candidate_list.item(0).text().startswith("B001 · tidak hadir")
    dialog.candidate_list.setCurrentRow(0)
    assert dialog.number_edit.text() == "B001"
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.message_label.text() == "B001 masuk antrean lagi", timeout=WAIT_MS
    )
    waiting = server_snapshot(live_server)["waiting"]
    assert [(ticket["number"], ticket["requeued"]) for ticket in waiting] == [
        ("B002", False),
        ("B001", True),
    ]


def test_requeue_of_a_typed_number_that_is_not_a_no_show_is_refused_in_plain_words(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A")
    window = counter_window_factory(live_server, counter=1)
    dialog = window.open_requeue_dialog()
    assert isinstance(dialog, RequeueDialog)
    qtbot.keyClicks(dialog.number_edit, "a1")
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ditolak" in window.message_label.text(), timeout=WAIT_MS)
    assert window.message_label.text() == (
        "Antre ulang ditolak: Nomor itu bukan nomor tidak hadir hari ini"
    )
    assert Button.REQUEUE in enabled_buttons(window)


def test_call_number_dialog_calls_the_chosen_waiting_number_out_of_order(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "B", 3)
    issue(live_server, "A")  # counter 3 serves B and C: not in its list
    window = counter_window_factory(live_server, counter=3)
    qtbot.waitUntil(lambda: window.buttons[Button.CALL].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_F7)
    dialog = window.dialog
    assert isinstance(dialog, CallNumberDialog)
    assert dialog.windowTitle() == "Panggil nomor"
    items = [dialog.candidate_list.item(row).text() for row in range(dialog.candidate_list.count())]
    assert [item.split(" · ")[0] for item in items] == ["B001", "B002", "B003"]
    assert items[0].startswith("B001 · Perizinan dan Non-Perizinan · sejak ")
    dialog.candidate_list.setCurrentRow(2)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "B003", timeout=WAIT_MS)
    assert window.message_label.text() == "Memanggil B003"
    assert server_counter(live_server, 3)["current"]["number"] == "B003"

    dialog = window.open_call_dialog()  # a number of another service is refused
    assert isinstance(dialog, CallNumberDialog)
    qtbot.keyClicks(dialog.number_edit, "a1")
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ditolak" in window.message_label.text(), timeout=WAIT_MS)
    assert window.message_label.text() == (
        "Panggil nomor ditolak: Loket ini tidak melayani layanan nomor itu"
    )
    dialog = window.open_call_dialog()
    assert isinstance(dialog, CallNumberDialog)
    qtbot.keyClicks(dialog.number_edit, "B3")  # being served already
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Nomor itu tidak" in window.message_label.text(), timeout=WAIT_MS)
    assert window.message_label.text() == "Panggil nomor ditolak: Nomor itu tidak sedang menunggu"
    assert server_counter(live_server, 3)["current"]["number"] == "B003"


def test_transfer_dialog_moves_the_current_ticket_to_the_chosen_service(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A")
    window = counter_window_factory(live_server, counter=2)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)

    qtbot.keyClick(window, Qt.Key.Key_T)
    dialog = window.dialog
    assert isinstance(dialog, TransferDialog)
    assert sorted(dialog.service_buttons) == ["B", "C"]
    qtbot.mouseClick(dialog.service_buttons["C"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.message_label.text() == "A001 dialihkan ke layanan C", timeout=WAIT_MS
    )
    assert server_counter(live_server, 2)["current"] is None
    waiting = server_snapshot(live_server)["waiting"]
    assert [(ticket["number"], ticket["service"]) for ticket in waiting] == [("A001", "C")]
    # C is not served at counter 2: nobody waits here any more.
    qtbot.waitUntil(lambda: "Tidak ada antrean" in window.waiting_label.text(), timeout=WAIT_MS)
    assert enabled_buttons(window) == {Button.REQUEUE, Button.PAUSE_RESUME}


def test_pause_and_resume_change_the_counter_and_the_buttons(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A")
    window = counter_window_factory(live_server, counter=1)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)

    qtbot.keyClick(window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.presenter.phase == Phase.PAUSED, timeout=WAIT_MS)
    assert server_counter(live_server, 1)["state"] == "paused"
    assert window.current_caption_label.text() == "Loket istirahat"
    assert window.buttons[Button.PAUSE_RESUME].text() == "Lanjutkan\nF8 · P"
    assert enabled_buttons(window) == {Button.REQUEUE, Button.PAUSE_RESUME}

    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.presenter.phase == Phase.IDLE, timeout=WAIT_MS)
    assert server_counter(live_server, 1)["state"] == "open"
    assert window.buttons[Button.PAUSE_RESUME].text() == "Istirahat\nF8 · P"
    assert window.message_label.text() == "Loket melayani lagi"


def test_english_labels_from_the_language_setting(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    window = counter_window_factory(live_server, counter=3, language="en")
    assert window.title_label.text() == "Loket 3"  # the server's name for the counter
    assert window.buttons[Button.NEXT].text() == "Call next\nSpace · F1"
    assert "Nobody waiting" in window.waiting_label.text()
    assert window.connection_label.text() == "Connected"


def test_transfer_dialog_closes_when_its_ticket_is_no_longer_at_the_counter(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A", 2)
    window = counter_window_factory(live_server, counter=2)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)
    # the number shows as soon as the answer came; the actions follow with the next state
    qtbot.waitUntil(lambda: window.buttons[Button.TRANSFER].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: isinstance(window.dialog, TransferDialog), timeout=WAIT_MS)
    dialog = window.dialog
    assert isinstance(dialog, TransferDialog)  # "Alihkan A001 ke layanan:"

    # The supervisor (admin token) moves loket 2 on to A002 while the dialog is open.
    http(live_server, "POST", "/counters/2/next", live_server.tokens["admin"])
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A002", timeout=WAIT_MS)
    # The dialog was about A001: a click on C must not move A002 instead.
    qtbot.waitUntil(lambda: window.dialog is None, timeout=WAIT_MS)
    assert not isValid(dialog) or not dialog.isVisible()  # closed (and deleted)
    assert server_counter(live_server, 2)["current"]["number"] == "A002"


def test_a_service_name_with_markup_is_shown_as_text_in_the_waiting_list(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    evil = "<b>Umum</b> & <img src=x></table>"
    settings = http(live_server, "GET", "/settings", live_server.tokens["admin"])
    settings["services"][0]["name"] = evil
    settings["counters"][0]["name"] = "Loket <i>Satu</i>"
    http(live_server, "PUT", "/settings", live_server.tokens["admin"], settings)
    issue(live_server, "A")
    window = counter_window_factory(live_server, counter=1)
    qtbot.waitUntil(lambda: "Total 1 menunggu" in window.waiting_label.text(), timeout=WAIT_MS)
    assert evil in shown_text(window.waiting_label)
    assert "Total 1 menunggu" in shown_text(window.waiting_label)
    assert shown_text(window.title_label) == "Loket <i>Satu</i>"
    assert markup_rendered(window, [evil, "Loket <i>Satu</i>"]) == []
