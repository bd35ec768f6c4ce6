"""The browser TV `/tv` in a real headless Chromium at 1920×1080, against a real server.

Calls go through the real API; the page gets them over the real WebSocket. The spoken
announcements are checked from the page's own log (`window.antrianAnnouncements`): the
times are those of its Web Audio clock, with the clips' real durations. Set
ANTRIAN_SCREENSHOTS to a directory to keep the pictures (docs/tv-1920x1080.png).
"""

from __future__ import annotations

import itertools
import statistics
import time
import wave
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import Running, StartOffice, issue
from tests.support.browser import browser_available, browser_fixture
from tests.support.device_browser import TV_SIZE, desktop_browser
from tests.support.page_driver import (
    connected,
    in_browser,
    inject,
    open_live_page,
    screenshot,
    severe_messages,
    text_of,
    texts_of,
    wait_for,
)

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")

CALL_VISIBLE_S = 1.0
ASSETS = Path(__file__).resolve().parents[2] / "assets"
GAPS_S = {"word": 0.08, "segment": 0.25, "chime": 0.35}
SOCKET_SPY = """
window.socketUrls = [];
window.openSockets = [];
var OriginalSocket = window.WebSocket;
window.WebSocket = function (url) {
  var socket = new OriginalSocket(url);
  window.socketUrls.push(url);
  window.openSockets.push(socket);
  return socket;
};
window.WebSocket.prototype = OriginalSocket.prototype;
window.dropSockets = function () {
  window.openSockets.forEach(function (socket) { socket.close(); });
};
"""
# swallows the next event message once `window.dropNext` is set (a lost message), and
# records what the page sends
GAP_MAKER = """
window.dropNext = false;
window.sentMessages = [];
var RealSocket = window.WebSocket;
window.WebSocket = function (url) {
  var socket = new RealSocket(url);
  var realSend = socket.send.bind(socket);
  socket.send = function (text) { window.sentMessages.push(text); realSend(text); };
  Object.defineProperty(socket, "onmessage", {
    set: function (handler) {
      socket.addEventListener("message", function (event) {
        if (window.dropNext && JSON.parse(event.data).type !== "snapshot") {
          window.dropNext = false;
          return;
        }
        handler(event);
      });
    },
  });
  return socket;
};
window.WebSocket.prototype = RealSocket.prototype;
"""
SHOWN_SPY = """
window.shownCalls = [];
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("call-number");
  new MutationObserver(function () {
    window.shownCalls.push({text: target.textContent, at: Date.now()});
  }).observe(target, {childList: true, characterData: true, subtree: true});
});
"""


browser = browser_fixture(desktop_browser, *TV_SIZE)


def tv_url(office: Running, query: str = "") -> str:
    return f"http://127.0.0.1:{office.server.port}/tv{query}"


async def open_tv(office: Running, driver: Any, query: str = "") -> None:
    separator = "&" if query else ""
    token = office.tokens["display"]
    await open_live_page(driver, tv_url(office, f"?token={token}{separator}{query}"))


def clip_seconds(folder: str, clip: str) -> float:
    directory = ASSETS / ("sounds" if folder == "sounds" else f"voice/{folder}")
    with wave.open(str(directory / f"{clip}.wav")) as sound:
        return sound.getnframes() / sound.getframerate()


def expected_duration(segments: list[list[str]]) -> float:
    """The Qt announcer's arithmetic: clips, word gaps inside a segment, segment gaps."""
    total = clip_seconds("sounds", "chime") + GAPS_S["chime"]
    for index, segment in enumerate(segments):
        if index:
            total += GAPS_S["segment"]
        total += sum(clip_seconds("id", clip) for clip in segment)
        total += GAPS_S["word"] * (len(segment) - 1)
    return total


async def test_a_call_shows_number_and_loket_within_a_second_with_recent_calls_and_counts(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}})
    for service in "AAABBC":
        await issue(office, service)
    await open_tv(office, driver)
    assert "token=" not in driver.current_url  # out of the address bar once stored
    assert texts_of(driver, "#waiting .service-count") == ["3 menunggu", "2 menunggu", "1 menunggu"]
    assert text_of(driver, "#call-counter") == "Belum ada panggilan"
    assert text_of(driver, "#sound-button") == "Aktifkan suara"
    assert "Suara belum aktif" in text_of(driver, "#sound-note")
    started = time.monotonic()
    status, called = await office.post("/counters/1/next", "counter1")
    assert status == 200 and called["number"] == "A001"
    await in_browser(
        wait_for, driver, lambda d: text_of(d, "#call-number") == "A001", CALL_VISIBLE_S
    )
    assert time.monotonic() - started < CALL_VISIBLE_S
    assert text_of(driver, "#call-counter") == "Silakan ke Loket 1"
    await office.post("/counters/3/next", "counter3")  # B001 at loket 3
    await office.post("/counters/2/next", "counter2")  # A002 at loket 2
    await in_browser(wait_for, driver, lambda d: text_of(d, "#call-number") == "A002")
    assert text_of(driver, "#call-counter") == "Silakan ke Loket 2"
    assert texts_of(driver, "#recent-calls .recent-number") == ["B001", "A001"]
    assert texts_of(driver, "#recent-calls .recent-counter") == ["Loket 3", "Loket 1"]
    assert texts_of(driver, "#waiting .service-count") == ["1 menunggu", "1 menunggu", "1 menunggu"]
    await office.post("/counters/3/transfer", "counter3", {"service": "C"})  # B001 waits again
    await in_browser(
        wait_for, driver, lambda d: texts_of(d, "#recent-calls .recent-number") == ["A001"]
    )
    assert texts_of(driver, "#waiting .service-count") == ["1 menunggu", "1 menunggu", "2 menunggu"]
    assert text_of(driver, "#sound-button") == "Aktifkan suara"  # still silent
    assert text_of(driver, ".office") == "Kecamatan Karawaci"
    assert ":" in text_of(driver, "#time") or "." in text_of(driver, "#time")
    assert "Kecamatan Karawaci" in driver.execute_script(
        "return document.getElementById('ticker-text').textContent"
    )
    layout = driver.execute_script(
        "return {width: document.documentElement.scrollWidth,"
        " height: document.documentElement.scrollHeight,"
        " number: parseFloat(getComputedStyle(document.getElementById('call-number')).fontSize)};"
    )
    assert layout["width"] <= TV_SIZE[0] and layout["height"] <= TV_SIZE[1]
    assert layout["number"] >= 250  # readable across a waiting room
    assert severe_messages(driver) == []
    screenshot(driver, "tv-1920x1080", tmp_path)


async def test_announcements_wait_for_the_sound_press_then_play_in_order_never_overlapping(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    for service in "AAAB":
        await issue(office, service)
    await open_tv(office, driver)
    await office.post("/counters/1/next", "counter1")  # while silent: shown, not spoken
    await in_browser(wait_for, driver, lambda d: text_of(d, "#call-number") == "A001")
    await in_browser(driver.find_element("css selector", "#sound-button").click)
    await in_browser(
        wait_for, driver, lambda d: "sound-on" in d.execute_script("return document.body.className")
    )
    for counter in (1, 2, 3):  # three calls in quick succession
        status, _ = await office.post(f"/counters/{counter}/next", f"counter{counter}")
        assert status == 200
    await office.post("/counters/1/recall", "counter1")
    await in_browser(
        wait_for,
        driver,
        lambda d: d.execute_script(
            "var log = window.antrianAnnouncements; return log.length === 4 && !!log[3].ended"
        ),
        30.0,
    )
    log = driver.execute_script("return window.antrianAnnouncements")
    assert [(entry["number"], entry["counter"], entry["recall"]) for entry in log] == [
        ("A002", 1, False), ("A003", 2, False), ("B001", 3, False), ("A002", 1, True),
    ]  # fmt: skip
    assert log[0]["text"] == "Nomor antrian A dua, silakan menuju loket satu"
    for before, after in itertools.pairwise(log):
        assert after["start"] >= before["end"] - 1e-6, "an announcement overlapped another"
        assert after["start"] >= before["ended"] - 0.1
    assert log[0]["duration"] == pytest.approx(
        expected_duration([["nomor_antrian"], ["letter_a"], ["dua"], ["silakan_menuju_loket"],
                           ["satu"]]),
        abs=0.01,
    )  # fmt: skip
    assert log[2]["duration"] == pytest.approx(
        expected_duration([["nomor_antrian"], ["letter_b"], ["satu"], ["silakan_menuju_loket"],
                           ["tiga"]]),
        abs=0.01,
    )  # fmt: skip
    assert all(entry["ended"] >= entry["end"] - 0.05 for entry in log)  # played to the end
    assert severe_messages(driver) == []


async def test_a_new_tv_shows_a_pairing_code_and_starts_once_approved(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}})
    await in_browser(driver.get, tv_url(office))
    await in_browser(
        wait_for, driver, lambda d: len(text_of(d, "#pair-code").replace(" ", "")) == 6
    )
    shown = text_of(driver, "#pair-code")
    assert text_of(driver, "#pair-status") == "Menunggu persetujuan…"
    assert "antrian-server pair approve" in text_of(driver, "#pair-cli")
    screenshot(driver, "pairing-code", tmp_path)
    async with office.session.get(office.api + "/pairings", headers=office.auth("admin")) as answer:
        pending = (await answer.json())["pairings"]
    assert [pairing["code_display"] for pairing in pending] == [shown]
    assert pending[0]["device"] == "tv"
    status, approved = await office.post(
        f"/pairings/{shown.replace(' ', '').lower()}/approve",
        "admin",
        {"role": "display", "name": "TV ruang tunggu"},
    )
    assert status == 201 and approved["role"] == "display"
    await in_browser(wait_for, driver, connected)
    assert not driver.find_element("css selector", "#pairing").is_displayed()
    stored = driver.execute_script("return JSON.parse(localStorage.getItem('antrian.tv.device'))")
    assert stored["role"] == "display" and stored["token"].startswith("ant_")
    await issue(office)
    await office.post("/counters/1/next", "counter1")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#call-number") == "A001")
    # the page keeps its token: a reload starts at once, without a code
    await in_browser(driver.refresh)
    await in_browser(wait_for, driver, connected)
    assert text_of(driver, "#call-number") == "A001"
    driver.execute_script("localStorage.clear()")


async def test_names_with_markup_are_shown_as_text(start_office: StartOffice, driver: Any) -> None:
    evil = "<img src=x onerror=window.hacked=1>"
    office = await start_office(
        {
            "services": [{"code": "A", "name": f"Layanan {evil}", "name_en": "Service"}],
            "counters": [{"number": 1, "services": ["A"], "name": f"Loket {evil}"}],
        }
    )
    await issue(office)
    await open_tv(office, driver, "ticker=" + "%3Cb%3Ehalo%3C/b%3E")
    await office.post("/counters/1/next", "counter1")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#call-number") == "A001")
    assert text_of(driver, "#call-counter") == f"Silakan ke Loket {evil}"
    assert text_of(driver, "#waiting .service-name") == f"Layanan {evil}"
    assert driver.execute_script("return document.getElementById('ticker-text').textContent") == (
        "<b>halo</b>"
    )
    assert driver.execute_script("return window.hacked === undefined")


async def test_after_a_lost_connection_the_tv_resumes_from_its_last_event(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    for _ in range(3):
        await issue(office)
    driver.injected.append(inject(driver, SOCKET_SPY))
    await open_tv(office, driver)
    await office.post("/counters/1/next", "counter1")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#call-number") == "A001")
    driver.execute_script("window.dropSockets()")  # the Wi-Fi of the TV drops
    await office.post("/counters/2/next", "counter2")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#call-number") == "A002", 10.0)
    urls = driver.execute_script("return window.socketUrls")
    assert any("after=" in url and "log=" in url for url in urls), urls
    assert texts_of(driver, "#waiting .service-count")[0] == "1 menunggu"


async def test_a_missed_event_makes_the_tv_ask_for_a_snapshot_and_show_the_truth(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    for service in "AAB":
        await issue(office, service)
    driver.injected.append(inject(driver, GAP_MAKER))
    await open_tv(office, driver)
    driver.execute_script("window.dropNext = true")
    await office.post("/counters/1/next", "counter1")  # this event is lost on the way
    await office.post("/counters/3/next", "counter3")  # its prev shows the gap
    await in_browser(wait_for, driver, lambda d: text_of(d, "#call-number") == "B001")
    assert driver.execute_script("return window.sentMessages") == ['{"type":"resync"}']
    assert texts_of(driver, "#recent-calls .recent-number") == ["A001"]
    assert texts_of(driver, "#waiting .service-count") == ["1 menunggu", "0 menunggu", "0 menunggu"]


async def test_the_page_says_numbers_with_the_clips_the_qt_announcer_uses(
    start_office: StartOffice, driver: Any
) -> None:
    from counter_display.display.phrases import announcement_phrase

    office = await start_office()
    await open_tv(office, driver)
    numbers = [f"A{value:03d}" for value in range(0, 1000)] + ["B1234", "C9999", "Q2000", "AB012"]
    for voices in (["id"], ["id", "en"]):
        spoken = driver.execute_script(
            "var voices = arguments[1];"
            "return arguments[0].map(function (number, index) {"
            "  var phrase = window.AntrianTv.phrase(number, 1 + index % 40, voices);"
            "  return [phrase.segments.map(function (s) { return s.clips; }), phrase.text]; });",
            numbers,
            voices,
        )
        for index, number in enumerate(numbers):
            expected = announcement_phrase(number, 1 + index % 40, voices)
            clips = [list(segment.clips) for segment in expected.segments]
            assert spoken[index] == [clips, expected.text], number


async def test_a_revoked_token_sends_the_tv_back_to_the_pairing_code(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await open_tv(office, driver)
    office.office.store.revoke_token("display", office.clock())
    await in_browser(
        wait_for, driver, lambda d: len(text_of(d, "#pair-code").replace(" ", "")) == 6, 15.0
    )
    assert driver.execute_script("return localStorage.getItem('antrian.tv.device')") is None


@pytest.mark.slow
async def test_measure_call_to_screen_latency_and_page_bytes(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    calls = 20
    for _ in range(calls):
        await issue(office)
    driver.injected.append(inject(driver, SHOWN_SPY))
    await open_tv(office, driver)
    latencies_ms = []
    for index in range(calls):
        number = f"A{index + 1:03d}"
        sent_ms = time.time() * 1000
        await office.post(f"/counters/{1 + index % 2}/next", f"counter{1 + index % 2}")
        await in_browser(wait_for, driver, lambda d, n=number: text_of(d, "#call-number") == n)
        shown = [entry for entry in driver.execute_script("return window.shownCalls")
                 if entry["text"] == number]  # fmt: skip
        latencies_ms.append(shown[0]["at"] - sent_ms)
    sizes = driver.execute_script(
        "return performance.getEntriesByType('resource').concat("
        "performance.getEntriesByType('navigation')).map(function (e) {"
        " return [e.name, e.transferSize, e.decodedBodySize]; })"
    )
    page = [entry for entry in sizes if "/voice/" not in entry[0]]
    transferred = sum(entry[1] for entry in page)
    decoded = sum(entry[2] for entry in page)
    p50 = statistics.median(latencies_ms)
    print(
        f"\n/tv: call -> number on screen p50 {p50:.0f} ms, max {max(latencies_ms):.0f} ms "
        f"over {calls} calls; page {decoded} bytes ({transferred} transferred) in "
        f"{len(page)} requests"
    )
    assert p50 < CALL_VISIBLE_S * 1000


async def test_the_ticker_shows_todays_average_wait_until_the_office_turns_it_off(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.server.conftest import Clock

    clock = Clock(datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}}, clock=clock)
    welcome = (
        "Selamat datang di Kecamatan Karawaci. Silakan ambil nomor antrian di kios "
        "dan tunggu nomor Anda dipanggil."
    )
    await open_tv(office, driver)
    assert text_of(driver, "#ticker-text") == welcome  # nobody served yet
    # A001 waits 12 minutes, A002 20 (issued 08:10, called 08:30): 16 on average
    await issue(office)
    clock.now += timedelta(minutes=10)
    await issue(office)
    clock.now += timedelta(minutes=2)
    await office.post("/counters/1/next", "counter1")
    clock.now += timedelta(minutes=18)
    await office.post("/counters/1/next", "counter1")
    clock.now += timedelta(minutes=5)
    await office.post("/counters/1/done", "counter1")
    shown = f"Rata-rata waktu tunggu hari ini 16 menit • {welcome}"
    await in_browser(wait_for, driver, lambda d: text_of(d, "#ticker-text") == shown)
    # the picture shows the running text from its start (it scrolls in from the right)
    driver.execute_script(
        "var t = document.getElementById('ticker-text');"
        "t.style.animation = 'none'; t.style.paddingLeft = '2vw';"
    )
    screenshot(driver, "tv-figures-1920x1080", tmp_path)

    async with office.session.get(office.api + "/settings", headers=office.auth("admin")) as got:
        settings = await got.json()
    settings["office"]["show_figures"] = False
    async with office.session.put(
        office.api + "/settings", json=settings, headers=office.auth("admin")
    ) as answer:
        assert answer.status == 200
    await in_browser(wait_for, driver, lambda d: text_of(d, "#ticker-text") == welcome)
    assert severe_messages(driver) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Rata-rata waktu tunggu hari ini 1 jam 5 menit · IKM November 2026:"
               " 86,45 (B, Baik)"),
        ("en", "Today's average wait 1 hour 5 minutes · Satisfaction index (IKM) November 2026:"
               " 86.45 (B, Good)"),
    ],
)  # fmt: skip
async def test_the_page_words_the_figures_with_an_ikm_as_the_qt_display(
    start_office: StartOffice, driver: Any, language: str, expected: str
) -> None:
    from client.protocol import Figures
    from counter_display.display.texts import figures_text

    office = await start_office()
    await open_tv(office, driver, f"lang={language}")
    # the IKM comes with the SKM survey's code; the page's words for it are checked here
    figures = {"avg_wait_s_today": 3900, "served_today": 9, "ikm": 86.45,
               "ikm_month": "2026-11", "grade": "B"}  # fmt: skip
    shown = driver.execute_script("return window.AntrianTv.figuresText(arguments[0])", figures)
    assert shown == expected
    # the Qt display says the same
    assert figures_text(Figures(**figures), language) == expected  # type: ignore[arg-type]


async def test_a_closed_service_says_why_on_the_tv_with_the_supervisors_reason_as_text(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office({"services": [{"code": "A", "name": "Umum", "quota": 1},
                                              {"code": "B", "name": "KTP"},
                                              {"code": "C", "name": "Legalisasi"}]})  # fmt: skip
    await issue(office, "A")  # the quota of A is reached: it opens again at midnight
    await open_tv(office, driver)
    reason = "Jaringan SIAK gangguan <img src=x onerror=window.hacked=1>"
    status, _ = await office.post("/services/B/close", "admin", {"reason": reason})
    assert status == 200
    await office.post("/services/C/close", "admin")  # closed without a reason
    await in_browser(wait_for, driver, lambda d: len(texts_of(d, "#waiting .service-closed")) == 3)
    assert texts_of(driver, "#waiting .service-closed") == [
        "Kuota hari ini sudah habis · Buka kembali besok pukul 00.00",
        reason,
        "Ditutup sementara",
    ]
    assert driver.execute_script("return window.hacked === undefined")
    await office.post("/services/B/open", "admin")
    await in_browser(wait_for, driver, lambda d: len(texts_of(d, "#waiting .service-closed")) == 2)
    await open_tv(office, driver, "lang=en")
    assert texts_of(driver, "#waiting .service-closed") == [
        "Today's quota has been reached · Opens again tomorrow at 00:00",
        "Temporarily closed",
    ]
