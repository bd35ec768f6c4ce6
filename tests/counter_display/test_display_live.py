"""The TV display against a real server: what it shows, what it says, and how it reconnects."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from client.wire import Event, EventType
from tests.counter_display import display_fixtures
from tests.counter_display.counter_fixtures import http
from tests.counter_display.display_fixtures import DisplayFactory, Office
from tests.support.live_server import LiveServer
from tests.support.qt_text import markup_rendered, shown_text
from tests.support.relay import Relay

display_factory = display_fixtures.display_factory
office = display_fixtures.office
short_voice_dir = display_fixtures.short_voice_dir

WAIT_MS = 10_000


def _is_call_of(number: str) -> object:
    def check(_state: object, event: object) -> bool:
        return (
            isinstance(event, Event)
            and event.type is EventType.TICKET_CALLED
            and event.ticket is not None
            and event.ticket.number == number
        )

    return check


def test_display_shows_the_called_number_within_one_event(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server)
    assert display.number == "—"
    assert display.window.counter_label.text() == "Belum ada panggilan"
    office.issue("A")
    office.issue("B")

    with qtbot.waitSignal(
        display.link.state_changed, check_params_cb=_is_call_of("B001"), timeout=WAIT_MS
    ):
        office.call_next(3)
    # The slot that ran with this very event has already updated the labels.
    assert display.number == "B001"
    assert display.counter == "LOKET 3"
    assert display.window.caption_label.text() == "NOMOR ANTRIAN"
    assert display.window.service_label.full_text == "Perizinan dan Non-Perizinan"
    assert display.window.highlighted


def test_a_transferred_latest_call_leaves_the_big_panel_not_showing_a_served_ticket(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server)
    office.issue("A")
    office.issue("A")
    office.call_next(1)  # A001
    with qtbot.waitSignal(
        display.link.state_changed, check_params_cb=_is_call_of("A002"), timeout=WAIT_MS
    ):
        office.call_next(1)  # A002; A001 is done
    assert display.number == "A002"

    with qtbot.waitSignal(display.controller.updated, timeout=WAIT_MS):
        office.transfer(1, "B")
    # Not A001, served a minute ago, as if it were being called at Loket 1.
    assert display.number == "—"
    assert display.window.counter_label.text() == "Belum ada panggilan"


def test_recent_calls_list_newest_counter_first_and_waiting_counts(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server)
    for service in "AAABC":
        office.issue(service)
    office.call_next(1)  # A001
    office.call_next(3)  # B001
    office.call_next(2)  # A002
    qtbot.waitUntil(lambda: display.number == "A002", timeout=WAIT_MS)

    rows = display.window.recent_panel.visible_rows()
    assert [(row.counter_text, row.number_text) for row in rows] == [
        ("Loket 2", "A002"),
        ("Loket 3", "B001"),
        ("Loket 1", "A001"),
    ]
    assert [row.latest for row in rows] == [True, False, False]
    tiles = [tile.shown for tile in display.window.service_tiles if tile.isVisible()]
    assert [(tile.code, tile.waiting_text) for tile in tiles if tile] == [
        ("A", "1 menunggu"),
        ("B", "0 menunggu"),
        ("C", "1 menunggu"),
    ]


def test_back_to_back_calls_are_announced_in_order_without_overlap(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server)
    for service in "ABC":
        office.issue(service)
    called = [office.call_next(1), office.call_next(3), office.call_next(3)]
    assert called == ["A001", "B001", "C001"]
    qtbot.waitUntil(lambda: display.said.finished() == called, timeout=20_000)

    kinds = [(kind, number) for kind, number, _ in display.said.entries]
    assert kinds == [
        ("started", "A001"),
        ("finished", "A001"),
        ("started", "B001"),
        ("finished", "B001"),
        ("started", "C001"),
        ("finished", "C001"),
    ]
    times = [moment for _, _, moment in display.said.entries]
    assert times == sorted(times)
    assert display.number == "C001"


def test_a_recall_is_announced_again_and_shown_in_the_big_panel(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server)
    office.issue("A")
    office.issue("B")
    office.call_next(1)  # A001
    office.call_next(3)  # B001, now the latest call
    qtbot.waitUntil(lambda: display.said.finished() == ["A001", "B001"], timeout=20_000)

    office.recall(1)
    qtbot.waitUntil(lambda: display.said.finished() == ["A001", "B001", "A001"], timeout=20_000)
    assert display.number == "A001"
    assert display.counter == "LOKET 1"
    assert display.window.caption_label.text() == "PANGGILAN ULANG"


def test_reconnect_after_server_restart_resyncs_without_announcing_old_calls(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server)
    office.issue("A")
    office.issue("B")
    office.call_next(2)  # A001
    qtbot.waitUntil(lambda: display.said.finished() == ["A001"], timeout=WAIT_MS)
    connection = display.window.connection_label

    live_server.kill()
    qtbot.waitUntil(lambda: connection.isVisible(), timeout=WAIT_MS)
    assert connection.text() == "● menyambung ulang…"
    assert display.number == "A001"  # the last known state stays up meanwhile

    live_server.start()
    updates = []
    display.controller.updated.connect(updates.append)
    # the stream resumes after the last event it had: nothing was missed, nothing is said
    qtbot.waitUntil(lambda: not connection.isVisible(), timeout=WAIT_MS)
    assert display.number == "A001"
    assert display.counter == "LOKET 2"
    assert all(update.announcement is None and not update.missed for update in updates)
    assert display.player.queue.pending == ()
    assert display.said.started() == ["A001"]

    # And it keeps working: the next call is shown and announced once.
    office.call_next(3)
    qtbot.waitUntil(lambda: display.said.finished() == ["A001", "B001"], timeout=WAIT_MS)
    assert display.number == "B001"
    assert display.said.started() == ["A001", "B001"]


def test_english_display_uses_english_words(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    display = display_factory(live_server, language="en")
    office.issue("C")
    office.call_next(3)
    qtbot.waitUntil(lambda: display.number == "C001", timeout=WAIT_MS)
    assert display.counter == "COUNTER 3"
    assert display.window.caption_label.text() == "NOW CALLING"
    rows = display.window.recent_panel.visible_rows()
    assert (rows[0].counter_text, rows[0].number_text) == ("Counter 3", "C001")
    tiles = [tile.shown for tile in display.window.service_tiles if tile.isVisible()]
    assert [tile.waiting_text for tile in tiles if tile] == ["0 waiting"] * 3


def test_a_call_made_while_the_display_was_cut_off_is_announced_after_it_reconnects(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    relay = Relay(live_server.port)
    try:
        display = display_factory(live_server, url=relay.url)
        office.issue("A")
        office.issue("A")
        office.call_next(1)  # A001, heard live
        qtbot.waitUntil(lambda: display.said.finished() == ["A001"], timeout=WAIT_MS)

        relay.lose_answers = True  # the TV's network drops: it misses the next call
        office.call_next(2)  # A002
        qtbot.waitUntil(lambda: display.window.connection_label.isVisible(), timeout=WAIT_MS)
        assert display.said.started() == ["A001"]

        relay.lose_answers = False
        qtbot.waitUntil(lambda: display.said.finished() == ["A001", "A002"], timeout=WAIT_MS)
        assert display.number == "A002"
        assert display.said.started() == ["A001", "A002"]  # A001 is not said again
    finally:
        relay.close()


def test_names_and_a_close_reason_with_markup_are_shown_as_text(
    qtbot: QtBot, live_server: LiveServer, office: Office, display_factory: DisplayFactory
) -> None:
    service, reason = "<b>Umum</b> <img src=x>", "<u>Gangguan</u>"
    admin = live_server.tokens["admin"]
    settings = http(live_server, "GET", "/settings", admin)
    settings["services"][0]["name"] = service
    http(live_server, "PUT", "/settings", admin, settings)
    http(live_server, "POST", "/services/B/close", admin, {"reason": reason})
    display = display_factory(live_server)
    office.issue("A")
    with qtbot.waitSignal(
        display.link.state_changed, check_params_cb=_is_call_of("A001"), timeout=WAIT_MS
    ):
        office.call_next(1)
    assert shown_text(display.window.service_label) == service
    assert markup_rendered(display.window, [service, reason]) == []
    shown = [shown_text(label) for label in display.window.findChildren(QLabel)]
    assert any(reason in text for text in shown)
