"""The TV display of a large office (30 counters) against a real server."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from tests.counter_display import display_fixtures
from tests.counter_display.display_fixtures import DisplayFactory, Office
from tests.support.live_server import LiveServer

display_factory = display_fixtures.display_factory
short_voice_dir = display_fixtures.short_voice_dir

WAIT_MS = 10_000
COUNTERS = 30
MANY_COUNTERS_CONFIG = (
    '[office]\nname = "Mal Pelayanan Publik Kota Contoh"\n\n'
    '[[services]]\ncode = "A"\nname = "Administrasi Kependudukan"\n\n'
    '[[services]]\ncode = "B"\nname = "Perizinan"\n\n'
    + "".join(
        f'[[counters]]\nnumber = {number}\nname = "Loket {number}"\nservices = ["A", "B"]\n\n'
        for number in range(1, COUNTERS + 1)
    )
)


def _act(office: Office, counter: int, action: str) -> str:
    # The admin token may act for every counter.
    return str(office._post(f"/counters/{counter}/{action}", "admin")["number"])


def test_recall_of_a_call_older_than_the_recent_list_stays_on_screen(
    qtbot: QtBot,
    live_server_factory: Callable[..., LiveServer],
    display_factory: DisplayFactory,
) -> None:
    server = live_server_factory(MANY_COUNTERS_CONFIG)
    office = Office(server)
    for _ in range(COUNTERS):
        office.issue("A")
    # Loket 1 calls first; then 24 other counters call, so its call drops out of the
    # server's last 20 calls while its visitor is still expected at loket 1.
    assert _act(office, 1, "next") == "A001"
    for counter in range(2, 26):
        _act(office, counter, "next")
    display = display_factory(server)
    qtbot.waitUntil(lambda: display.number == "A025", timeout=WAIT_MS)

    assert _act(office, 1, "recall") == "A001"
    qtbot.waitUntil(lambda: display.number == "A001", timeout=WAIT_MS)
    assert display.counter == "LOKET 1"
    assert display.window.caption_label.text() == "PANGGILAN ULANG"

    # Someone takes a ticket at the kiosk: the recall must stay up, not jump back to A025.
    with qtbot.waitSignal(display.controller.updated, timeout=WAIT_MS) as shown:
        office.issue("B")
    assert display.number == "A001"
    assert display.counter == "LOKET 1"
    assert display.window.caption_label.text() == "PANGGILAN ULANG"
    # Loket 1 is still serving A001: its line says so (not "no call yet") and, as the
    # counter of the big panel, it heads the list, above the newest calls.
    rows = [(row.counter_text, row.number_text, row.latest) for row in shown.args[0].view.counters]
    assert rows[:3] == [
        ("Loket 1", "A001", True),
        ("Loket 25", "A025", False),
        ("Loket 24", "A024", False),
    ]
    assert display.window.recent_panel.visible_rows()[0].counter_text == "Loket 1"
