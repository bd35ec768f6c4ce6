"""The phone page in a real headless Chromium at 360×740, against a real server.

The browser is driven from a thread (`asyncio.to_thread`) so that the server, which runs
on the test's event loop, keeps answering while Selenium waits. Set ANTRIAN_SCREENSHOTS to
a directory to keep the screenshots (docs/phone-*-360x740.png are made that way).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.server.conftest import Running, StartOffice, issue
from tests.support import page_driver
from tests.support.browser import PHONE_WIDTH, browser_available, browser_fixture, phone_browser
from tests.support.page_driver import in_browser, severe_messages, text_of, wait_for

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")

CALL_VISIBLE_S = 1.0
VIBRATE_SPY = "navigator.vibrate = function (pattern) { window.vibrated = pattern; return true; };"
# records the frequencies of the tones the page starts (its call sound, Web Audio)
SOUND_SPY = """
window.tones = [];
var RealContext = window.AudioContext;
window.AudioContext = function () {
  var context = new RealContext();
  var makeOscillator = context.createOscillator.bind(context);
  context.createOscillator = function () {
    var oscillator = makeOscillator();
    var start = oscillator.start.bind(oscillator);
    oscillator.start = function (when) {
      window.tones.push(oscillator.frequency.value);
      start(when);
    };
    return oscillator;
  };
  return context;
};
"""


browser = browser_fixture(phone_browser)


def inject(driver: Any, source: str) -> None:
    """Run `source` in every page before the page's own scripts (not subject to its CSP)."""
    driver.injected.append(page_driver.inject(driver, source))


def page_url(office: Running, ticket: dict[str, Any], extra: str = "") -> str:
    parts = urlsplit(ticket["check_url"])
    return f"http://127.0.0.1:{office.server.port}{parts.path}?{parts.query}{extra}"


def wait_live(driver: Any) -> None:
    """Until the page's live feed is connected."""
    from selenium.webdriver.common.by import By

    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".note.live"))


def screenshot(driver: Any, name: str, tmp_path: Path) -> Path:
    return page_driver.screenshot(driver, f"phone-{name}-360x740", tmp_path)


async def test_the_page_shows_number_people_ahead_and_wait_on_a_phone_screen(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}})
    for _ in range(3):
        await issue(office)
    ticket = await issue(office)
    await in_browser(driver.get, page_url(office, ticket))
    await in_browser(wait_live, driver)
    assert text_of(driver, "#number") == "A004"
    assert text_of(driver, "#service") == "Administrasi Kependudukan"
    assert text_of(driver, "#ahead") == "3 orang di depan Anda"
    assert text_of(driver, "#wait") == "Perkiraan waktu tunggu ± 5 menit"
    assert text_of(driver, "#headline") == "Menunggu panggilan"
    assert text_of(driver, ".switch") == "English"
    layout = driver.execute_script(
        "return {width: document.documentElement.scrollWidth,"
        " number: parseFloat(getComputedStyle(document.getElementById('number')).fontSize)};"
    )
    assert layout["width"] <= PHONE_WIDTH and layout["number"] >= 80
    assert severe_messages(driver) == []  # no CSP violation, no script error
    screenshot(driver, "waiting", tmp_path)


async def test_a_call_shows_the_counter_within_a_second_and_vibrates(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}})
    ticket = await issue(office, "B")
    await issue(office, "B")
    await in_browser(inject, driver, VIBRATE_SPY + SOUND_SPY)
    await in_browser(driver.get, page_url(office, ticket))
    await in_browser(wait_live, driver)
    assert driver.execute_script("return window.tones") == []
    started = time.monotonic()
    status, called = await office.post("/counters/3/next", "counter3")
    assert status == 200 and called["number"] == "B001"
    await in_browser(
        wait_for, driver, lambda d: "dipanggil" in text_of(d, "#headline"), CALL_VISIBLE_S
    )
    elapsed = time.monotonic() - started
    assert text_of(driver, "#headline") == "Nomor Anda dipanggil — silakan ke Loket 3"
    assert elapsed < CALL_VISIBLE_S
    assert driver.execute_script("return window.vibrated") == [400, 200, 400, 200, 800]
    assert driver.execute_script("return window.tones") == [880, 660]  # the two-tone chime
    assert "state-called" in driver.execute_script("return document.body.className")
    assert not driver.find_elements("css selector", "#ahead:not([hidden])")
    screenshot(driver, "called", tmp_path)
    await office.post("/counters/3/done", "counter3")
    await in_browser(wait_for, driver, lambda d: "selesai" in text_of(d, "#headline"))
    assert text_of(driver, "#headline") == "Terima kasih, layanan Anda sudah selesai"
    assert "Selesai pukul" in text_of(driver, "#lines")
    assert severe_messages(driver) == []
    screenshot(driver, "done", tmp_path)


async def test_without_javascript_the_page_shows_the_status_and_refreshes(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await issue(office)
    ticket = await issue(office)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    await in_browser(driver.get, page_url(office, ticket))
    assert text_of(driver, "#number") == "A002"
    assert text_of(driver, "#ahead") == "1 orang di depan Anda"
    assert text_of(driver, "#headline") == "Menunggu panggilan"
    refresh = driver.find_elements("css selector", 'meta[http-equiv="refresh"]')
    assert [element.get_attribute("content") for element in refresh] == ["20"]
    assert not driver.find_elements("css selector", "#alerts:not([hidden])")


async def test_with_javascript_the_refresh_gives_way_to_the_live_feed(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    ticket = await issue(office)
    await in_browser(driver.get, page_url(office, ticket))
    await in_browser(wait_live, driver)
    assert driver.find_elements("css selector", 'meta[http-equiv="refresh"]') == []
    assert driver.find_elements("css selector", "#alerts:not([hidden])")


async def test_lang_en_is_english_and_the_link_switches_back(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    ticket = await issue(office)
    await in_browser(driver.get, page_url(office, ticket, "&lang=en"))
    await in_browser(wait_live, driver)
    assert text_of(driver, "#service") == "Population Administration"
    assert text_of(driver, "#ahead") == "You are next"
    assert text_of(driver, "#headline") == "Waiting to be called"
    await office.post("/counters/1/next", "counter1")
    await in_browser(wait_for, driver, lambda d: "called" in text_of(d, "#headline"))
    assert text_of(driver, "#headline") == "Your number is called — please go to Loket 1"
    await in_browser(driver.find_element("css selector", ".switch").click)
    await in_browser(wait_for, driver, lambda d: "dipanggil" in text_of(d, "#headline"))
    assert driver.execute_script("return document.documentElement.lang") == "id"


async def test_a_wrong_key_gives_the_friendly_404_page(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    ticket = await issue(office)
    await in_browser(driver.get, page_url(office, ticket).split("?")[0] + "?key=salah")
    assert driver.title == "Tiket tidak ditemukan"
    assert "Pindai lagi kode QR" in text_of(driver, "body")


async def test_names_with_script_tags_show_as_text(start_office: StartOffice, driver: Any) -> None:
    evil = "<script>window.hacked = 1</script><img src=x onerror=window.hacked=2>"
    document = {
        "office": {"name": f"Kantor {evil}"},
        "services": [{"code": "A", "name": f"Layanan {evil}", "name_en": "Service"}],
        "counters": [{"number": 1, "services": ["A"], "name": f"Loket 1 {evil}"}],
    }
    office = await start_office(document)
    ticket = await issue(office)
    await in_browser(driver.get, page_url(office, ticket))
    await in_browser(wait_live, driver)
    await office.post("/counters/1/next", "counter1")  # the live update shows it too
    await in_browser(wait_for, driver, lambda d: "dipanggil" in text_of(d, "#headline"))
    assert text_of(driver, ".office") == f"Kantor {evil}"
    assert text_of(driver, "#service") == f"Layanan {evil}"
    assert text_of(driver, "#headline").endswith(f"silakan ke Loket 1 {evil}")
    assert driver.execute_script("return window.hacked === undefined")


@pytest.mark.slow
async def test_a_browser_without_eventsource_polls(start_office: StartOffice, driver: Any) -> None:
    office = await start_office()
    ticket = await issue(office)
    await in_browser(inject, driver, "window.EventSource = undefined;")
    await in_browser(driver.get, page_url(office, ticket))
    await in_browser(wait_live, driver)  # the first poll answered
    await office.post("/counters/1/next", "counter1")
    await in_browser(wait_for, driver, lambda d: "dipanggil" in text_of(d, "#headline"), 12.0)
    assert text_of(driver, "#headline") == "Nomor Anda dipanggil — silakan ke Loket 1"
