"""The browser counter `/loket` in a real headless Chromium at 1366×768, against a real server.

Every action is pressed as a clerk would, by its button and by its key, and the server's
own state (`GET /counters`, `GET /snapshot`) is checked after each. Set ANTRIAN_SCREENSHOTS
to a directory to keep the picture (docs/loket-1366x768.png).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import Running, StartOffice, issue
from tests.support.browser import browser_available, browser_fixture
from tests.support.device_browser import CLERK_PC_SIZE, desktop_browser
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

# the answer to the first "next" is lost on the way back: the server did it, the page
# never hears (like a Wi-Fi drop just after the request left)
LOSE_FIRST_NEXT_ANSWER = """
(function () {
  var realFetch = window.fetch;
  var lost = false;
  window.fetch = function (url, options) {
    var answer = realFetch.apply(this, arguments);
    if (!lost && String(url).indexOf("/next") >= 0) {
      lost = true;
      return answer.then(function () { throw new TypeError("Failed to fetch"); });
    }
    return answer;
  };
})();
"""


browser = browser_fixture(desktop_browser, *CLERK_PC_SIZE)


def loket_url(office: Running, query: str = "") -> str:
    return f"http://127.0.0.1:{office.server.port}/loket{query}"


async def open_loket(office: Running, driver: Any, counter: int = 2) -> None:
    await open_live_page(driver, loket_url(office, f"?token={office.tokens[f'counter{counter}']}"))


async def counter_state(office: Running, number: int = 2) -> dict[str, Any]:
    status, body = await office.get("/counters")
    assert status == 200
    return next(counter for counter in body["counters"] if counter["number"] == number)


async def ticket_by_number(office: Running, number: str) -> dict[str, Any]:
    async with office.session.get(office.api + "/snapshot", headers=office.auth("admin")) as answer:
        snapshot = await answer.json()
    for ticket in [*snapshot["waiting"], *snapshot["recent_calls"]]:
        if ticket["number"] == number:
            return dict(ticket)
    raise AssertionError(f"{number} is neither waiting nor among the recent calls")


def button(driver: Any, action: str) -> Any:
    return driver.find_element("css selector", f'#actions button[data-action="{action}"]')


def key(driver: Any, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


async def wait_message(driver: Any, text: str) -> None:
    await in_browser(wait_for, driver, lambda d: text_of(d, "#message") == text)
    # the buttons follow the new state once the event has arrived
    await in_browser(wait_for, driver, lambda d: not d.find_elements("css selector", "body.busy"))


async def pick_option(driver: Any, value: str) -> None:
    await in_browser(
        wait_for,
        driver,
        lambda d: d.execute_script("return document.getElementById('choose').open"),
    )
    await in_browser(
        driver.find_element("css selector", f'#choose-options .option[data-value="{value}"]').click
    )


async def test_every_action_by_its_button_changes_the_server_state(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}})
    for service in "AAB":
        await issue(office, service)
    await open_loket(office, driver)
    assert text_of(driver, "#counter-name") == "Loket 2"
    assert texts_of(driver, "#waiting .service-count") == ["2", "1"]
    assert button(driver, "recall").get_attribute("disabled") == "true"  # nobody is served

    await in_browser(button(driver, "next").click)
    await wait_message(driver, "Memanggil A001")
    assert (await counter_state(office))["current"]["number"] == "A001"
    await in_browser(wait_for, driver, lambda d: text_of(d, "#current-number") == "A001")

    await in_browser(button(driver, "recall").click)
    await wait_message(driver, "A001 dipanggil ulang")
    assert (await counter_state(office))["current"]["recalls"] == 1
    await in_browser(
        wait_for, driver, lambda d: "dipanggil ulang 1×" in text_of(d, "#current-details")
    )

    await in_browser(button(driver, "done").click)
    await wait_message(driver, "A001 selesai")
    assert (await counter_state(office))["current"] is None
    assert (await ticket_by_number(office, "A001"))["status"] == "done"

    await in_browser(button(driver, "next").click)
    await wait_message(driver, "Memanggil A002")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#current-number") == "A002")
    await in_browser(wait_for, driver, lambda d: texts_of(d, "#recent .recent-number") == ["A001"])
    screenshot(driver, "loket-1366x768", tmp_path)
    await in_browser(button(driver, "no-show").click)
    await wait_message(driver, "A002 dicatat tidak hadir")
    assert (await ticket_by_number(office, "A002"))["status"] == "no_show"

    await in_browser(wait_for, driver, lambda d: button(d, "requeue").is_enabled())
    await in_browser(button(driver, "requeue").click)
    await pick_option(driver, "A002")
    await wait_message(driver, "A002 masuk antrean lagi")
    requeued = await ticket_by_number(office, "A002")
    assert requeued["status"] == "waiting" and requeued["requeued"] is True

    await in_browser(wait_for, driver, lambda d: button(d, "next").is_enabled())
    await in_browser(button(driver, "next").click)
    await in_browser(wait_for, driver, lambda d: text_of(d, "#message").startswith("Memanggil"))
    serving = (await counter_state(office))["current"]
    await in_browser(wait_for, driver, lambda d: text_of(d, "#current-number") == serving["number"])
    await in_browser(button(driver, "transfer").click)
    await pick_option(driver, "C")
    await wait_message(driver, f"{serving['number']} dialihkan ke layanan C")
    moved = await ticket_by_number(office, serving["number"])
    assert moved["status"] == "waiting" and moved["service"] == "C"

    await in_browser(button(driver, "pause").click)
    await wait_message(driver, "Loket istirahat — tidak ada panggilan")
    assert (await counter_state(office))["state"] == "paused"
    await in_browser(wait_for, driver, lambda d: text_of(d, "#pause-label") == "Lanjutkan")
    assert not button(driver, "next").is_enabled()
    await in_browser(button(driver, "pause").click)
    await wait_message(driver, "Loket melayani lagi")
    assert (await counter_state(office))["state"] == "open"
    assert texts_of(driver, "#recent .recent-number") == ["A001"]  # A002 waits again
    assert severe_messages(driver) == []


async def test_every_action_by_its_key_changes_the_server_state(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    for service in "AAB":
        await issue(office, service)
    await open_loket(office, driver)

    await in_browser(key, driver, " ")
    await wait_message(driver, "Memanggil A001")
    assert (await counter_state(office))["current"]["number"] == "A001"
    await in_browser(wait_for, driver, lambda d: button(d, "recall").is_enabled())
    await in_browser(key, driver, "r")
    await wait_message(driver, "A001 dipanggil ulang")
    assert (await counter_state(office))["current"]["recalls"] == 1
    await in_browser(key, driver, "d")
    await wait_message(driver, "A001 selesai")
    assert (await counter_state(office))["current"] is None

    await in_browser(wait_for, driver, lambda d: button(d, "next").is_enabled())
    await in_browser(key, driver, " ")
    await wait_message(driver, "Memanggil A002")
    await in_browser(wait_for, driver, lambda d: button(d, "no-show").is_enabled())
    await in_browser(key, driver, "n")
    await wait_message(driver, "A002 dicatat tidak hadir")
    assert (await ticket_by_number(office, "A002"))["status"] == "no_show"

    await in_browser(key, driver, "u")  # re-queue: type the number, Enter
    await in_browser(
        wait_for,
        driver,
        lambda d: d.execute_script("return document.activeElement.id") == "choose-typed",
    )
    await in_browser(key, driver, "2\n")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#choose-error") != "")
    assert text_of(driver, "#choose-error") == "Ketik huruf layanan dan angka, mis. A005"
    await in_browser(key, driver, "\ba002\n")
    await wait_message(driver, "A002 masuk antrean lagi")
    assert (await ticket_by_number(office, "A002"))["status"] == "waiting"

    await in_browser(wait_for, driver, lambda d: button(d, "next").is_enabled())
    await in_browser(key, driver, " ")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#message").startswith("Memanggil"))
    serving = (await counter_state(office))["current"]
    await in_browser(wait_for, driver, lambda d: button(d, "transfer").is_enabled())
    await in_browser(key, driver, "t")  # transfer: the first other service has the focus
    await in_browser(
        wait_for,
        driver,
        lambda d: d.execute_script("return document.getElementById('choose').open"),
    )
    first = driver.execute_script("return document.activeElement.dataset.value")
    await in_browser(key, driver, "\n")
    await wait_message(driver, f"{serving['number']} dialihkan ke layanan {first}")
    assert (await ticket_by_number(office, serving["number"]))["service"] == first

    await in_browser(key, driver, "p")
    await wait_message(driver, "Loket istirahat — tidak ada panggilan")
    assert (await counter_state(office))["state"] == "paused"
    await in_browser(key, driver, " ")  # Space does nothing while paused
    await in_browser(key, driver, "p")
    await wait_message(driver, "Loket melayani lagi")
    counter = await counter_state(office)
    assert counter["state"] == "open" and counter["current"] is None
    assert severe_messages(driver) == []


async def test_a_press_whose_answer_was_lost_is_checked_not_repeated(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    for _ in range(3):
        await issue(office)
    driver.injected.append(inject(driver, LOSE_FIRST_NEXT_ANSWER))
    await open_loket(office, driver, counter=1)
    await in_browser(button(driver, "next").click)
    await wait_message(driver, "Panggil berikutnya sudah tercatat di server (dicek ulang).")
    counter = await counter_state(office, 1)
    assert counter["current"]["number"] == "A001"  # called once: A002 still waits
    assert (await ticket_by_number(office, "A002"))["status"] == "waiting"


async def test_a_refused_press_says_why(start_office: StartOffice, driver: Any) -> None:
    office = await start_office()
    await issue(office)
    await open_loket(office, driver, counter=1)
    await office.post("/counters/1/next", "counter1")  # from elsewhere: the page only hears
    await in_browser(wait_for, driver, lambda d: text_of(d, "#current-number") == "A001")
    await office.post("/counters/1/done", "counter1")
    # the page still believes A001 is served for a moment; the server says no
    driver.execute_script("window.AntrianLoket.press('done')")
    await in_browser(wait_for, driver, lambda d: "ditolak" in text_of(d, "#message"))
    assert text_of(driver, "#message") == ("Selesai ditolak: Tidak ada nomor yang sedang dilayani")


async def test_a_new_loket_pairs_as_a_counter(start_office: StartOffice, driver: Any) -> None:
    office = await start_office()
    await issue(office, "C")
    await in_browser(driver.get, loket_url(office, "?lang=en"))
    await in_browser(
        wait_for, driver, lambda d: len(text_of(d, "#pair-code").replace(" ", "")) == 6
    )
    assert text_of(driver, "h1") == "Pair this device"
    code = text_of(driver, "#pair-code")
    status, _ = await office.post(
        f"/pairings/{code}/approve",
        "admin",
        {"role": "counter", "counter": 3, "name": "PC loket 3"},
    )
    assert status == 201
    await in_browser(wait_for, driver, connected)
    await in_browser(wait_for, driver, lambda d: text_of(d, "#counter-name") == "Loket 3")
    await in_browser(key, driver, " ")
    await wait_message(driver, "Calling C001")
    assert (await counter_state(office, 3))["current"]["number"] == "C001"
    driver.execute_script("localStorage.clear()")


async def test_names_with_markup_are_shown_as_text(start_office: StartOffice, driver: Any) -> None:
    evil = "<img src=x onerror=window.hacked=1>"
    office = await start_office(
        {
            "office": {"name": f"Kantor {evil}"},
            "services": [{"code": "A", "name": f"Layanan {evil}", "name_en": "Service"}],
            "counters": [{"number": 1, "services": ["A"], "name": f"Loket {evil}"}],
        }
    )
    await issue(office)
    await open_loket(office, driver, counter=1)
    await in_browser(key, driver, " ")
    await wait_message(driver, "Memanggil A001")
    assert text_of(driver, "#counter-name") == f"Loket {evil}"
    assert text_of(driver, "#current-details").startswith(f"Layanan {evil} · dipanggil")
    assert driver.title == f"Loket {evil} · Kantor {evil}"
    assert driver.execute_script("return window.hacked === undefined")


# the first "done" never leaves the browser (the network is down at that moment)
NEVER_SEND_FIRST_DONE = """
(function () {
  var realFetch = window.fetch;
  var failed = false;
  window.fetch = function (url) {
    if (!failed && String(url).indexOf("/done") >= 0) {
      failed = true;
      return Promise.reject(new TypeError("Failed to fetch"));
    }
    return realFetch.apply(this, arguments);
  };
})();
"""


async def test_a_press_that_never_reached_the_server_says_it_did_not_happen(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await issue(office)
    driver.injected.append(inject(driver, NEVER_SEND_FIRST_DONE))
    await open_loket(office, driver, counter=1)
    await in_browser(key, driver, " ")
    await wait_message(driver, "Memanggil A001")
    await in_browser(wait_for, driver, lambda d: button(d, "done").is_enabled())
    await in_browser(key, driver, "d")
    await wait_message(driver, "Selesai TIDAK terjadi di server. Silakan coba lagi.")
    assert (await counter_state(office, 1))["current"]["number"] == "A001"  # still served
    await in_browser(key, driver, "d")  # the clerk presses again: now it happens
    await wait_message(driver, "A001 selesai")
    assert (await counter_state(office, 1))["current"] is None


async def test_a_given_number_is_called_out_of_order_by_button_and_by_key(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    for service in "AAAB":
        await issue(office, service)
    await open_loket(office, driver)
    await in_browser(button(driver, "call").click)
    await pick_option(driver, "A003")
    await wait_message(driver, "Memanggil A003")
    assert (await counter_state(office))["current"]["number"] == "A003"
    await in_browser(wait_for, driver, lambda d: text_of(d, "#current-number") == "A003")
    await in_browser(key, driver, "k")  # type it: "a2" is A002
    await in_browser(
        wait_for,
        driver,
        lambda d: d.execute_script("return document.activeElement.id") == "choose-typed",
    )
    await in_browser(key, driver, "a2\n")
    await wait_message(driver, "Memanggil A002")
    counter = await counter_state(office)
    assert counter["current"]["number"] == "A002"
    assert (await ticket_by_number(office, "A003"))["status"] == "done"  # finished first
    assert (await ticket_by_number(office, "A001"))["status"] == "waiting"
    await in_browser(key, driver, "k")
    await in_browser(
        wait_for,
        driver,
        lambda d: d.execute_script("return document.activeElement.id") == "choose-typed",
    )
    await in_browser(key, driver, "A9\n")  # no such ticket today: the server says so
    await wait_message(driver, "Panggil nomor ditolak: Nomor itu tidak ada hari ini")
    assert (await counter_state(office))["current"]["number"] == "A002"


def add_clerk(office: Running, name: str, pin: str) -> None:
    from datetime import UTC, datetime

    from server.accounts import hash_secret
    from server.storage.port import AccountRole

    office.office.store.create_account(name, AccountRole.CLERK, hash_secret(pin), datetime.now(UTC))


async def sign_in_dialog_open(driver: Any) -> None:
    await in_browser(
        wait_for,
        driver,
        lambda d: d.execute_script("return document.getElementById('sign-in').open"),
    )


async def test_a_clerk_signs_in_is_named_on_calls_and_signs_out(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office()
    add_clerk(office, "Siti Rahma", "2468")
    await issue(office, "A")
    await open_loket(office, driver)
    assert text_of(driver, "#clerk") == "Belum ada petugas masuk"
    assert text_of(driver, "#clerk-button") == "Masuk petugas"

    await in_browser(driver.find_element("css selector", "#clerk-button").click)
    await sign_in_dialog_open(driver)
    pin = driver.find_element("css selector", "#sign-in-pin")
    assert pin.get_attribute("type") == "password"
    await in_browser(driver.find_element("css selector", "#sign-in-name").send_keys, "Siti Rahma")
    await in_browser(pin.send_keys, "1111\n")  # a wrong PIN first
    await in_browser(
        wait_for, driver,
        lambda d: text_of(d, "#sign-in-error") == "Nama atau PIN salah. Silakan coba lagi.",
    )  # fmt: skip
    assert pin.get_attribute("value") == ""
    await in_browser(pin.send_keys, "2468\n")
    await in_browser(wait_for, driver, lambda d: text_of(d, "#clerk") == "Petugas: Siti Rahma")
    assert not driver.execute_script("return document.getElementById('sign-in').open")
    assert text_of(driver, "#clerk-button") == "Keluar"
    assert (await counter_state(office))["clerk"] == "Siti Rahma"

    await in_browser(key, driver, " ")
    await wait_message(driver, "Memanggil A001")
    screenshot(driver, "loket-clerk-1366x768", tmp_path)
    async with office.session.get(office.api + "/log", headers=office.auth("admin")) as answer:
        events = (await answer.json())["events"]
    called = [event for event in events if event["type"] == "ticket.called"]
    assert [(event["counter"], event["clerk"]) for event in called] == [(2, "Siti Rahma")]

    await in_browser(driver.find_element("css selector", "#clerk-button").click)
    await in_browser(wait_for, driver, lambda d: text_of(d, "#clerk") == "Belum ada petugas masuk")
    assert (await counter_state(office))["clerk"] is None
    # the browser logs the wrong PIN's 401 answer; nothing else went wrong
    assert [message for message in severe_messages(driver) if "sign-in" not in message] == []


async def test_the_sign_in_dialog_in_english_and_a_sign_in_from_another_loket(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    add_clerk(office, "Budi", "13579")
    await open_loket(office, driver, counter=3)
    await in_browser(driver.get, loket_url(office, "?lang=en"))
    await in_browser(wait_for, driver, connected)
    await in_browser(wait_for, driver, lambda d: text_of(d, "#clerk") == "No clerk signed in")
    # signed in at another counter (e.g. the Qt one): this page shows it live
    status, _ = await office.post(
        "/counters/3/sign-in", "counter3", {"name": "Budi", "pin": "13579"}
    )
    assert status == 200
    await in_browser(wait_for, driver, lambda d: text_of(d, "#clerk") == "Clerk: Budi")
    assert text_of(driver, "#clerk-button") == "Sign out"
