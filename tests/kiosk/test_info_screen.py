"""The kiosk's info screen: each service's standards (waktu penyelesaian, biaya,
persyaratan) from the server, in Indonesian or English, with a way back and an idle reset."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.controller import Screen
from tests.kiosk.conftest import TAP_PAUSE_MS, MakeKiosk
from tests.support.live_server import LiveServer

STANDARDS_CONFIG = """
[[services]]
code = "A"
name = "Administrasi Kependudukan"
name_en = "Population Administration"
description = "KTP-el, KK, akta"
description_en = "ID card, family card, certificates"
completion_time = "15 menit"
completion_time_en = "15 minutes"
fee = "Gratis"
fee_en = "Free"
requirements = ["Fotokopi Kartu Keluarga", "Surat pengantar RT/RW"]
requirements_en = ["Copy of the family card", "Cover letter from the RT/RW"]

[[services]]
code = "B"
name = "Perizinan dan Non-Perizinan"
completion_time = "3 hari kerja"
fee = "Sesuai Perda, dibayar di bank"

[[counters]]
number = 1
services = ["A", "B"]
"""


def card_texts(kiosk: object, code: str) -> list[str]:
    card = kiosk.window.info_screen.cards[code]  # type: ignore[attr-defined]
    labels = (card.service, card.description, card.completion_time, card.fee, card.requirements)
    return [label.text() for label in labels if label.isVisibleTo(card)]


def test_the_info_screen_shows_each_services_standards_and_goes_back(
    live_server_factory: Callable[..., LiveServer], make_kiosk: MakeKiosk
) -> None:
    server = live_server_factory(STANDARDS_CONFIG)
    kiosk = make_kiosk(server)
    kiosk.wait_screen(Screen.SERVICES)
    info = kiosk.window.services_screen.info_button
    assert info.isVisibleTo(kiosk.window) and info.text() == "Info layanan"
    kiosk.tap(info)
    kiosk.wait_screen(Screen.INFO)
    assert kiosk.shows("Standar pelayanan")
    assert card_texts(kiosk, "A") == [
        "A  ·  Administrasi Kependudukan",
        "KTP-el, KK, akta",
        "Waktu penyelesaian: 15 menit",
        "Biaya: Gratis",
        "Persyaratan:\n•  Fotokopi Kartu Keluarga\n•  Surat pengantar RT/RW",
    ]
    assert card_texts(kiosk, "B") == [
        "B  ·  Perizinan dan Non-Perizinan",
        "Waktu penyelesaian: 3 hari kerja",
        "Biaya: Sesuai Perda, dibayar di bank",
        "Persyaratan: Tidak ada persyaratan khusus",
    ]
    kiosk.tap(kiosk.window.language_button)
    kiosk.qtbot.waitUntil(lambda: kiosk.shows("Service standards"))
    assert card_texts(kiosk, "A") == [
        "A  ·  Population Administration",
        "ID card, family card, certificates",
        "Completion time: 15 minutes",
        "Fee: Free",
        "Requirements:\n•  Copy of the family card\n•  Cover letter from the RT/RW",
    ]
    # no English given: the Indonesian texts, under English captions
    assert card_texts(kiosk, "B")[1:3] == [
        "Completion time: 3 hari kerja", "Fee: Sesuai Perda, dibayar di bank",
    ]  # fmt: skip
    back = kiosk.window.info_screen.back_button
    assert back.text() == "‹  Back"
    kiosk.qtbot.wait(TAP_PAUSE_MS)  # not the second touch of a double tap
    kiosk.tap(back)
    kiosk.wait_screen(Screen.SERVICES)


def test_the_info_screen_returns_to_the_start_when_nobody_touches_it(
    live_server_factory: Callable[..., LiveServer], make_kiosk: MakeKiosk
) -> None:
    server = live_server_factory(STANDARDS_CONFIG)
    kiosk = make_kiosk(server, idle_reset_s=1.0)
    kiosk.wait_screen(Screen.SERVICES)
    kiosk.tap(kiosk.window.services_screen.info_button)
    kiosk.wait_screen(Screen.INFO)
    kiosk.tap(kiosk.window.language_button)
    kiosk.wait_screen(Screen.SERVICES, timeout_ms=5000)
    assert kiosk.controller.language == "id"  # and in the kiosk's own language again
    assert kiosk.shows("Silakan sentuh layanan yang Anda perlukan")


def test_without_standards_there_is_no_info_button(
    live_server: LiveServer, make_kiosk: MakeKiosk
) -> None:
    kiosk = make_kiosk(live_server)
    kiosk.wait_screen(Screen.SERVICES)
    assert not kiosk.window.services_screen.info_button.isVisibleTo(kiosk.window)
