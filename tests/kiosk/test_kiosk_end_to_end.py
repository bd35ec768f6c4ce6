"""The kiosk against a real server and a preview or virtual serial printer, as a visitor uses it."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from client.wire import Ticket
from kiosk.controller import Screen
from printer_drivers import (
    PaperOut,
    PreviewPrinter,
    PrinterConfig,
    PrinterType,
    PrintResult,
    TicketData,
    open_printer,
)
from tests.kiosk.conftest import (
    TAP_PAUSE_MS,
    Kiosk,
    MakeKiosk,
    api_get,
    api_post,
    waiting_numbers,
)
from tests.printer_drivers.simulated import (
    COVER_OPEN_REPLIES,
    PAPER_OUT_REPLIES,
    READY_REPLIES,
    PtyPair,
    PtyPrinter,
)
from tests.support.live_server import LiveServer
from tests.support.relay import Relay

CLOSED_C_CONFIG = """
[[services]]
code = "A"
name = "Administrasi Kependudukan"
name_en = "Population Administration"

[[services]]
code = "B"
name = "Perizinan dan Non-Perizinan"

[[services]]
code = "C"
name = "Legalisasi dan Layanan Umum"
hours = {}

[[counters]]
number = 1
services = ["A", "B", "C"]
"""


def ticket_on_server(ticket: Ticket) -> dict[str, object]:
    """The ticket as the visitor's phone sees it through the printed QR code."""
    assert ticket.check_url is not None
    # the QR opens the phone page /t/{id}?key=…; the same ticket's JSON is in the API
    json_url = ticket.check_url.replace("/t/", "/api/v1/tickets/", 1)
    with urllib.request.urlopen(json_url, timeout=5) as answer:
        data: dict[str, object] = json.load(answer)
        return data


def issued_ticket(kiosk_outcome_ticket: Ticket | None) -> Ticket:
    assert kiosk_outcome_ticket is not None
    return kiosk_outcome_ticket


def serial_printer(pair: PtyPair, realtime_status: bool = True) -> PrinterConfig:
    return PrinterConfig(
        type=PrinterType.SERIAL,
        device=str(pair.driver_end),
        baudrate=115200,
        timeout_s=0.5,
        realtime_status=realtime_status,
    )


def test_touching_a_service_prints_the_servers_ticket_and_returns_to_the_start(
    make_kiosk: MakeKiosk, live_server: LiveServer, tmp_path: Path
) -> None:
    printer = PreviewPrinter(tmp_path / "previews")
    kiosk = make_kiosk(live_server, printer)
    kiosk.wait_screen(Screen.SERVICES)
    assert kiosk.shows("Silakan sentuh layanan yang Anda perlukan")
    assert kiosk.shows("Administrasi Kependudukan")
    assert kiosk.shows("Tidak ada yang menunggu")
    assert kiosk.service_button("A").isEnabled()

    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.CONFIRMATION)
    assert waiting_numbers(live_server) == ["A001"]
    assert kiosk.window.confirmation_screen.number.text() == "A001"
    assert kiosk.shows("Silakan ambil tiket Anda")
    assert kiosk.shows("Tidak ada yang di depan Anda")
    assert printer.last_path is not None and printer.last_path.name.startswith("A001-")
    assert printer.last_path.stat().st_size > 1000
    assert printer.last_bytes_path is not None and b"A001" in printer.last_bytes_path.read_bytes()

    # Back at the start after confirm_s; the waiting count came through /events.
    kiosk.wait_screen(Screen.SERVICES, timeout_ms=3000)
    kiosk.qtbot.waitUntil(lambda: kiosk.shows("Menunggu: 1 orang · "), timeout=3000)


def test_a_double_tap_issues_one_ticket(
    make_kiosk: MakeKiosk, live_server: LiveServer, tmp_path: Path
) -> None:
    printer = PreviewPrinter(tmp_path / "previews")
    kiosk = make_kiosk(live_server, printer, confirm_s=30)
    kiosk.wait_screen(Screen.SERVICES)
    button = kiosk.service_button("B")
    kiosk.tap(button)
    kiosk.tap(button)
    assert kiosk.controller.choose_service("B") is False
    kiosk.wait_screen(Screen.CONFIRMATION)
    kiosk.tap(button)  # a third touch on the (hidden) button during the confirmation
    assert waiting_numbers(live_server) == ["B001"]
    assert len(list((tmp_path / "previews").glob("*.png"))) == 1


def test_priority_path_issues_a_priority_ticket(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(live_server)
    kiosk.wait_screen(Screen.SERVICES)
    assert kiosk.shows("Prioritas: lansia, disabilitas, ibu hamil, ibu dengan balita")
    kiosk.tap(kiosk.window.services_screen.priority_button)
    kiosk.wait_screen(Screen.PRIORITY)
    assert kiosk.shows("Antrian prioritas")
    assert kiosk.shows("Anda akan dipanggil lebih dulu")

    kiosk.qtbot.wait(TAP_PAUSE_MS)
    kiosk.tap(kiosk.service_button("B", priority=True))
    kiosk.wait_screen(Screen.CONFIRMATION)
    ticket = issued_ticket(kiosk.controller.flow.outcome and kiosk.controller.flow.outcome.ticket)
    assert ticket.priority is True
    assert ticket_on_server(ticket)["priority"] is True
    assert kiosk.window.confirmation_screen.number.text() == ticket.number
    assert kiosk.shows("PRIORITAS")
    kiosk.qtbot.wait(TAP_PAUSE_MS)
    kiosk.tap(kiosk.window.confirmation_screen.done_button)
    kiosk.wait_screen(Screen.SERVICES)  # "Selesai" returns to the start, not the priority path


def test_the_priority_path_lists_the_office_priority_groups(
    make_kiosk: MakeKiosk, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory('[priority]\ngroups = ["lansia", "ibu hamil"]\n')
    kiosk = make_kiosk(server)
    kiosk.wait_screen(Screen.SERVICES)
    kiosk.tap(kiosk.window.services_screen.priority_button)
    kiosk.wait_screen(Screen.PRIORITY)
    assert kiosk.shows("Kelompok prioritas: lansia, ibu hamil")
    kiosk.qtbot.wait(TAP_PAUSE_MS)
    kiosk.tap(kiosk.window.language_button)
    assert kiosk.shows("Priority groups: lansia, ibu hamil")


def test_no_priority_path_when_the_server_offers_no_priority_tickets(
    make_kiosk: MakeKiosk, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory("[priority]\nenabled = false\n")
    kiosk = make_kiosk(server, priority=True)  # the kiosk's own switch can only hide it
    kiosk.wait_screen(Screen.SERVICES)
    assert not kiosk.window.services_screen.priority_button.isVisibleTo(kiosk.window)
    assert not kiosk.shows("Prioritas")
    kiosk.controller.open_priority()
    assert kiosk.controller.screen is Screen.SERVICES


def test_closed_services_are_shown_closed_and_cannot_be_pressed(
    make_kiosk: MakeKiosk, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory(CLOSED_C_CONFIG)
    kiosk = make_kiosk(server)
    kiosk.wait_screen(Screen.SERVICES)
    closed = kiosk.service_button("C")
    assert not closed.isEnabled()
    assert closed.status_label.text() == "Tutup — di luar jam layanan"
    kiosk.tap(closed)
    assert kiosk.controller.screen is Screen.SERVICES

    # The supervisor closes B: the kiosk learns it from /events, then B opens again.
    api_post(server, "/services/B/close", server.tokens["admin"])
    kiosk.qtbot.waitUntil(lambda: not kiosk.service_button("B").isEnabled(), timeout=5000)
    assert kiosk.service_button("B").status_label.text() == "Ditutup sementara"
    api_post(server, "/services/B/open", server.tokens["admin"])
    kiosk.qtbot.waitUntil(lambda: kiosk.service_button("B").isEnabled(), timeout=5000)
    assert waiting_numbers(server) == []


def test_a_service_closing_between_screen_and_touch_issues_nothing_and_says_why(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(live_server)
    kiosk.wait_screen(Screen.SERVICES)
    api_post(live_server, "/services/C/close", live_server.tokens["admin"])
    # The touch comes before the kiosk has heard of the closing from /events.
    assert kiosk.service_button("C").isEnabled()
    assert kiosk.controller.choose_service("C") is True
    kiosk.wait_screen(Screen.FAILURE)
    assert kiosk.shows("Layanan sedang tutup")
    assert kiosk.shows("Ditutup sementara")
    assert waiting_numbers(live_server) == []


def test_a_failed_print_voids_the_ticket_and_the_kiosk_says_so(
    make_kiosk: MakeKiosk,
    live_server: LiveServer,
    pty_printer: tuple[PtyPair, PtyPrinter],
) -> None:
    pair, simulated = pty_printer
    # Polled rarely: the paper runs out between the last poll and the touch.
    kiosk = make_kiosk(live_server, open_printer(serial_printer(pair)), poll_s=60, confirm_s=30)
    kiosk.wait_screen(Screen.SERVICES)
    simulated.set_replies(PAPER_OUT_REPLIES)
    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.FAILURE)
    outcome = kiosk.controller.flow.outcome
    assert outcome is not None and outcome.ticket is not None
    assert kiosk.shows("Maaf, tiket tidak dapat dicetak")
    assert kiosk.shows(f"Nomor {outcome.ticket.number} dibatalkan dan tidak akan dipanggil")
    assert ticket_on_server(outcome.ticket)["status"] == "voided"
    assert waiting_numbers(live_server) == []
    assert b"A001" not in simulated.responder.ticket_bytes

    # After the failure the kiosk checks the printer and stops offering tickets.
    kiosk.controller.acknowledge()
    kiosk.wait_screen(Screen.OUT_OF_ORDER)
    assert kiosk.shows("Kertas tiket habis")


def test_printer_faults_block_the_kiosk_until_the_printer_recovers(
    make_kiosk: MakeKiosk,
    live_server: LiveServer,
    pty_printer: tuple[PtyPair, PtyPrinter],
) -> None:
    pair, simulated = pty_printer
    kiosk = make_kiosk(live_server, open_printer(serial_printer(pair)))
    kiosk.wait_screen(Screen.SERVICES)

    simulated.set_replies(PAPER_OUT_REPLIES)
    kiosk.wait_screen(Screen.OUT_OF_ORDER)
    assert kiosk.shows("Mohon maaf, kiosk ini sedang tidak dapat mencetak tiket")
    assert kiosk.shows("Kertas tiket habis")
    assert not kiosk.window.services_screen.isVisible()
    assert kiosk.controller.choose_service("A") is False

    simulated.set_replies(COVER_OPEN_REPLIES)
    kiosk.qtbot.waitUntil(lambda: kiosk.shows("Tutup printer terbuka"), timeout=5000)

    simulated.set_replies(READY_REPLIES)
    kiosk.wait_screen(Screen.SERVICES)
    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.CONFIRMATION)
    assert b"A001" in simulated.wait_for(100)
    assert waiting_numbers(live_server) == ["A001"]


def test_an_unplugged_printer_makes_the_kiosk_out_of_order(
    make_kiosk: MakeKiosk, live_server: LiveServer, tmp_path: Path
) -> None:
    config = PrinterConfig(type=PrinterType.SERIAL, device=str(tmp_path / "no-such-tty"))
    kiosk = make_kiosk(live_server, open_printer(config))
    kiosk.wait_screen(Screen.OUT_OF_ORDER)
    assert kiosk.shows("Printer tidak terhubung")


def test_server_down_shows_the_message_and_the_kiosk_recovers(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(live_server)
    kiosk.wait_screen(Screen.SERVICES)
    live_server.kill()
    kiosk.wait_screen(Screen.UNAVAILABLE)
    assert kiosk.shows("Sistem antrian sedang tidak tersedia")
    assert not any("Traceback" in text for text in kiosk.visible_texts())

    live_server.start()
    kiosk.wait_screen(Screen.SERVICES)
    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.CONFIRMATION)
    assert waiting_numbers(live_server) == ["A001"]


def test_a_kiosk_started_without_a_server_says_so(make_kiosk: MakeKiosk) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kiosk = make_kiosk(url=f"http://127.0.0.1:{port}", start=False)
    kiosk.window.refresh()
    assert kiosk.controller.screen is Screen.CONNECTING
    assert kiosk.shows("Menghubungkan…")
    kiosk.link.start()
    kiosk.wait_screen(Screen.UNAVAILABLE)
    assert kiosk.shows("Sistem antrian sedang tidak tersedia")


def test_language_switch_shows_english_and_prints_in_english(
    make_kiosk: MakeKiosk, live_server: LiveServer, tmp_path: Path
) -> None:
    printer = PreviewPrinter(tmp_path / "previews")
    kiosk = make_kiosk(live_server, printer, confirm_s=1.0)
    kiosk.wait_screen(Screen.SERVICES)
    assert kiosk.window.language_button.text() == "English"
    kiosk.tap(kiosk.window.language_button)
    kiosk.qtbot.waitUntil(lambda: kiosk.shows("Please touch the service you need"), timeout=2000)
    assert kiosk.window.language_button.text() == "Bahasa Indonesia"
    assert kiosk.shows("Nobody is waiting")
    assert kiosk.shows("Priority: elderly, disabled")

    kiosk.qtbot.wait(TAP_PAUSE_MS)
    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.CONFIRMATION)
    assert kiosk.shows("Please take your ticket")
    assert kiosk.shows("Your queue number")
    assert printer.last_bytes_path is not None
    printed = printer.last_bytes_path.read_bytes()
    assert b"Keep this ticket" in printed

    # The next visitor starts in Indonesian again.
    kiosk.wait_screen(Screen.SERVICES, timeout_ms=3000)
    assert kiosk.window.language_button.text() == "English"
    assert kiosk.shows("Silakan sentuh layanan yang Anda perlukan")


def double_tap(kiosk: Kiosk, widget: QWidget) -> None:
    """Two quick touches on one spot: the second lands on whatever the first one brought up."""
    spot = widget.mapTo(kiosk.window, widget.rect().center())
    kiosk.tap(widget)
    second = kiosk.window.childAt(spot)
    assert second is not None
    kiosk.qtbot.mouseClick(
        second, Qt.MouseButton.LeftButton, pos=second.mapFrom(kiosk.window, spot)
    )


def test_a_double_tap_on_done_leaves_the_start_screen_for_the_next_visitor(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(live_server, confirm_s=30)
    kiosk.window.show_at_size(1920, 1080)
    kiosk.wait_screen(Screen.SERVICES)
    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.CONFIRMATION)
    kiosk.qtbot.wait(TAP_PAUSE_MS)  # the visitor reads the number, then touches "Selesai" twice
    double_tap(kiosk, kiosk.window.confirmation_screen.done_button)
    # Not the priority path (it sits under "Selesai"): a regular visitor would get a
    # priority ticket there and be called before everybody else.
    assert kiosk.controller.screen is Screen.SERVICES
    assert kiosk.shows("Silakan sentuh layanan yang Anda perlukan")
    assert waiting_numbers(live_server) == ["A001"]


class ServerDiesWhilePrinting(PreviewPrinter):
    """A printer that fails while the server goes down: the void cannot reach it at once."""

    def __init__(self, folder: Path, server: LiveServer) -> None:
        super().__init__(folder)
        self.server = server

    def _print_ticket(self, ticket: TicketData) -> PrintResult:
        self.server.kill()
        raise PaperOut("printer is out of paper: load a new roll")


def test_a_ticket_not_printed_is_voided_once_the_server_is_back(
    make_kiosk: MakeKiosk, live_server: LiveServer, tmp_path: Path
) -> None:
    printer = ServerDiesWhilePrinting(tmp_path / "previews", live_server)
    kiosk = make_kiosk(live_server, printer, poll_s=60)
    kiosk.wait_screen(Screen.SERVICES)
    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.FAILURE)
    assert kiosk.shows("Silakan hubungi petugas dan sebutkan nomor A001")
    outcome = kiosk.controller.flow.outcome
    assert outcome is not None and outcome.ticket is not None

    live_server.start()
    kiosk.qtbot.waitUntil(
        lambda: ticket_on_server(outcome.ticket)["status"] == "voided", timeout=8000
    )  # type: ignore[arg-type]
    assert waiting_numbers(live_server) == []


def test_a_ticket_whose_answer_was_lost_is_voided_once_the_server_is_reachable(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    relay = Relay(live_server.port)
    try:
        kiosk = make_kiosk(live_server, url=relay.url)
        kiosk.wait_screen(Screen.SERVICES)
        relay.lose_answers = True  # the server issues A001; the kiosk never hears of it
        kiosk.tap(kiosk.service_button("A"))
        kiosk.qtbot.waitUntil(lambda: waiting_numbers(live_server) == ["A001"], timeout=5000)
        kiosk.qtbot.waitUntil(lambda: not kiosk.controller.flow.busy, timeout=15000)
        relay.lose_answers = False
        # nobody holds A001: once reachable again the kiosk voids it by its request key
        kiosk.qtbot.waitUntil(lambda: waiting_numbers(live_server) == [], timeout=20000)
        status = api_get(live_server, "/snapshot", live_server.tokens["admin"])
        assert status["waiting"] == []
    finally:
        relay.close()


def test_a_kiosk_with_a_refused_token_says_it_is_not_registered(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(url=live_server.url)  # with a token the server does not know
    kiosk.wait_screen(Screen.UNAVAILABLE)
    kiosk.qtbot.waitUntil(lambda: kiosk.shows("Kiosk belum terdaftar di server antrian"))
    assert kiosk.shows("antrian-server token create --role kiosk")


def test_a_touch_on_done_as_the_confirmation_returns_by_itself_does_not_open_priority(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(live_server, confirm_s=1.0)
    kiosk.window.show_at_size(1920, 1080)
    kiosk.wait_screen(Screen.SERVICES)
    kiosk.tap(kiosk.service_button("A"))
    kiosk.wait_screen(Screen.CONFIRMATION)
    done = kiosk.window.confirmation_screen.done_button
    spot = done.mapTo(kiosk.window, done.rect().center())
    returned_at: list[float] = []
    kiosk.controller.changed.connect(
        lambda: (
            returned_at.append(time.monotonic())
            if kiosk.controller.screen is Screen.SERVICES and not returned_at
            else None
        )
    )
    # The visitor's finger comes down on "Selesai" just as the kiosk goes back by itself.
    kiosk.wait_screen(Screen.SERVICES, timeout_ms=3000, settled=False)
    under_finger = kiosk.window.childAt(spot)
    priority = kiosk.window.services_screen.priority_button
    assert under_finger is priority or priority.isAncestorOf(under_finger)
    kiosk.qtbot.mouseClick(
        under_finger, Qt.MouseButton.LeftButton, pos=under_finger.mapFrom(kiosk.window, spot)
    )
    tapped_after_s = time.monotonic() - returned_at[0]
    assert tapped_after_s < 0.4  # the touch really came within the guard
    assert kiosk.controller.screen is Screen.SERVICES  # not the priority path
    assert kiosk.shows("Silakan sentuh layanan yang Anda perlukan")

    # The next visitor, a moment later, gets the priority path with the same touch.
    kiosk.qtbot.waitUntil(kiosk.controller.touch_guard.settled, timeout=2000)
    kiosk.qtbot.mouseClick(
        under_finger, Qt.MouseButton.LeftButton, pos=under_finger.mapFrom(kiosk.window, spot)
    )
    kiosk.wait_screen(Screen.PRIORITY, settled=False)
    assert kiosk.shows("Antrian prioritas")
    assert waiting_numbers(live_server) == ["A001"]
