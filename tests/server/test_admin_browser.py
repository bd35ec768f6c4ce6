"""/admin in a real headless Chromium at 1366×768, against a real server.

The browser is driven from a thread (`asyncio.to_thread`) so that the server, on the
test's event loop, keeps answering while Selenium waits. Set ANTRIAN_SCREENSHOTS to a
directory to keep the screenshots (docs/admin-*-1366x768.png are made that way).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from server.accounts import hash_secret
from server.storage.port import AccountRole
from tests.server.conftest import Running, StartOffice, issue
from tests.support import page_driver
from tests.support.browser import browser_available, browser_fixture
from tests.support.desktop_browser import DESKTOP_WIDTH, desktop_browser
from tests.support.page_driver import (
    click_and_load,
    fill_and_submit,
    in_browser,
    severe_messages,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")

PASSWORD = "kata-sandi-rahasia"
EVIL = "<script>window.hacked = 1</script><img src=x onerror=window.hacked=2>"
NEW_TICKET_VISIBLE_S = 3.0  # the page polls every 2 s


browser = browser_fixture(desktop_browser)


def add_account(office: Running, name: str, role: AccountRole, secret: str = PASSWORD) -> None:
    office.office.store.create_account(name, role, hash_secret(secret), datetime.now(UTC))


def url(office: Running, path: str) -> str:
    return f"http://127.0.0.1:{office.server.port}{path}"


def sign_in(driver: Any, office: Running, name: str, password: str = PASSWORD) -> None:
    page_driver.sign_in(driver, url(office, "/admin/login"), name, password)


async def signed_in(driver: Any, office: Running, name: str, role: AccountRole) -> None:
    """A new account `name` with `role`, signed in on the page."""
    add_account(office, name, role)
    await in_browser(sign_in, driver, office, name)


def screenshot(driver: Any, name: str, tmp_path: Path) -> Path:
    return page_driver.screenshot(driver, f"admin-{name}-1366x768", tmp_path)


async def test_a_wrong_password_is_named_and_the_right_one_opens_the_dashboard(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}})
    add_account(office, "Rina Supervisor", AccountRole.SUPERVISOR)
    await in_browser(driver.get, url(office, "/admin"))
    assert driver.current_url.endswith("/admin/login")
    assert driver.execute_script("return document.documentElement.lang") == "id"
    await in_browser(sign_in, driver, office, "Rina Supervisor", "salah-sekali")
    assert text_of(driver, "#error") == "Nama atau kata sandi salah."
    assert driver.find_element("css selector", "#name").get_attribute("value") == "Rina Supervisor"
    screenshot(driver, "login", tmp_path)
    driver.get_log("browser")  # the 401 of the wrong password is logged as a failed load
    for ticket_service in ("A", "A", "B"):
        await issue(office, ticket_service)
    await office.post("/counters/1/next", "counter1")
    await office.post("/services/C/close", "admin", {"reason": "Printer legalisasi rusak"})
    await in_browser(sign_in, driver, office, "Rina Supervisor")
    assert driver.current_url.endswith("/admin")
    assert text_of(driver, "#who") == "Rina Supervisor"
    assert text_of(driver, "#total-issued") == "3"
    assert text_of(driver, "#total-waiting") == "2"
    assert text_of(driver, "#counter-1 .current") == "A001"
    assert "Administrasi Kependudukan" in text_of(driver, "#service-A")
    assert text_of(driver, "#service-C [data-field=state_text]") == (
        "Tutup — ditutup supervisor: Printer legalisasi rusak"
    )
    number_size = driver.execute_script(
        "return parseFloat(getComputedStyle(document.getElementById('total-issued')).fontSize)"
    )
    assert number_size >= 40  # big numbers for a supervisor across the room
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= DESKTOP_WIDTH
    assert severe_messages(driver) == []  # no CSP violation, no script error
    screenshot(driver, "dashboard", tmp_path)


async def test_the_dashboard_shows_a_new_ticket_within_about_two_seconds(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await signed_in(driver, office, "rina", AccountRole.SUPERVISOR)
    assert text_of(driver, "#total-issued") == "0"
    await asyncio.sleep(0.3)
    started = time.monotonic()
    await issue(office, "C")
    await in_browser(
        wait_for, driver, lambda d: text_of(d, "#total-issued") == "1", NEW_TICKET_VISIBLE_S
    )
    assert time.monotonic() - started < NEW_TICKET_VISIBLE_S
    assert text_of(driver, "#service-C [data-field=waiting]") == "1"
    assert text_of(driver, "#service-C [data-field=longest_wait_text]") == "< 1 menit"
    assert severe_messages(driver) == []


async def test_five_wrong_passwords_lock_the_name_for_minutes(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    add_account(office, "rina", AccountRole.SUPERVISOR)
    for _ in range(5):
        await in_browser(sign_in, driver, office, "rina", "salah-sekali")
    assert text_of(driver, "#error") == "Terlalu banyak percobaan; coba lagi dalam 5 menit."
    await in_browser(sign_in, driver, office, "rina")
    assert text_of(driver, "#error").startswith("Terlalu banyak percobaan")
    assert driver.current_url.endswith("/admin/login")


async def test_signing_out_goes_back_to_the_sign_in_page(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await signed_in(driver, office, "rina", AccountRole.SUPERVISOR)
    await in_browser(click_and_load, driver, "#logout")
    assert driver.current_url.endswith("/admin/login")
    await in_browser(driver.get, url(office, "/admin/devices"))
    assert driver.current_url.endswith("/admin/login")
    cookie = driver.get_cookie("antrian_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert driver.execute_script("return document.cookie").find("antrian_session") == -1


async def test_a_form_without_its_csrf_token_is_refused(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await signed_in(driver, office, "rina", AccountRole.SUPERVISOR)
    driver.execute_script(
        "document.querySelector('#service-A .close-form input[name=csrf]').remove();"
    )
    await in_browser(click_and_load, driver, "#service-A .close-button")
    assert text_of(driver, "#message-title") == "Formulir kedaluwarsa"
    _, body = await office.get("/services")
    assert body["services"][0]["open"] is True


async def test_a_supervisor_sees_no_accounts_and_a_clerk_cannot_sign_in(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    add_account(office, "rina", AccountRole.SUPERVISOR)
    add_account(office, "siti", AccountRole.CLERK, "2468")
    await in_browser(sign_in, driver, office, "rina")
    assert not driver.find_elements("css selector", 'nav a[href="/admin/accounts"]')
    await in_browser(driver.get, url(office, "/admin/accounts"))
    assert text_of(driver, "#message-title") == "Tidak diizinkan"
    await in_browser(click_and_load, driver, "#logout")
    await in_browser(sign_in, driver, office, "siti", "2468")
    assert text_of(driver, "#error") == "Akun petugas loket tidak dapat membuka halaman admin."
    await in_browser(driver.get, url(office, "/admin"))
    assert driver.current_url.endswith("/admin/login")


async def test_closing_a_service_with_a_reason_reaches_the_kiosk_and_shows_as_text(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await signed_in(driver, office, "rina", AccountRole.SUPERVISOR)
    reason = f"Server gangguan {EVIL}"[:120]
    await in_browser(
        fill_and_submit, driver, {"#service-B input[name=reason]": reason},
        "#service-B .close-button",
    )  # fmt: skip
    assert "Layanan ditutup." in text_of(driver, "main")
    _, body = await office.get("/services")
    service = body["services"][1]
    assert (service["open"], service["closed_reason"], service["closed_note"]) == (
        False, "closed", reason,
    )  # fmt: skip
    state = text_of(driver, "#service-B [data-field=state_text]")
    assert state == f"Tutup — ditutup supervisor: {reason}"
    await asyncio.sleep(2.5)  # a poll rewrites it: still text
    assert text_of(driver, "#service-B [data-field=state_text]") == state
    assert driver.execute_script("return window.hacked === undefined")
    await in_browser(click_and_load, driver, "#service-B .open-button")
    _, body = await office.get("/services")
    assert body["services"][1]["open"] is True
    await in_browser(driver.get, url(office, "/admin/audit"))
    rows = text_of(driver, "#audit")
    assert "rina" in rows and "menutup layanan" in rows and f"B: {reason}" in rows
    assert "membuka layanan" in rows
    assert driver.execute_script("return window.hacked === undefined")


async def test_an_admin_makes_an_account_whose_name_has_markup_and_it_shows_as_text(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office()
    add_account(office, "Budi Admin", AccountRole.ADMIN)
    add_account(office, "Rina Supervisor", AccountRole.SUPERVISOR)
    add_account(office, "Siti (Loket 1)", AccountRole.CLERK, "2468")
    await in_browser(sign_in, driver, office, "Budi Admin")
    await in_browser(driver.get, url(office, "/admin/accounts"))
    await in_browser(
        fill_and_submit, driver,
        {"#new-name": "Andi Supervisor", "#new-password": PASSWORD,
         "#new-password-again": PASSWORD},
        "#create-account",
    )  # fmt: skip
    assert "Akun dibuat." in text_of(driver, "main")
    screenshot(driver, "accounts", tmp_path)
    evil_name = EVIL[:64]
    await in_browser(
        fill_and_submit, driver,
        {"#new-name": evil_name, "#new-password": PASSWORD, "#new-password-again": PASSWORD},
        "#create-account",
    )  # fmt: skip
    assert "Akun dibuat." in text_of(driver, "main")
    names = [element.text for element in driver.find_elements("css selector", "#accounts .name")]
    assert evil_name in names
    assert driver.execute_script("return window.hacked === undefined")
    await in_browser(driver.get, url(office, "/admin/audit"))
    assert evil_name in text_of(driver, "#audit")
    assert driver.execute_script("return window.hacked === undefined")


async def test_the_devices_page_lists_tokens_and_revokes_one(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office()
    add_account(office, "rina", AccountRole.SUPERVISOR)
    await office.post("/tickets", "kiosk", {"service": "A"})  # the kiosk was seen
    async with office.session.ws_connect(
        office.api + "/events", headers=office.auth("display")
    ) as socket:
        await socket.receive_json()
        await in_browser(sign_in, driver, office, "rina")
        await in_browser(driver.get, url(office, "/admin/devices"))
        rows = {
            row.find_element("css selector", ".name").text: row.text
            for row in driver.find_elements("css selector", "#devices tbody tr")
        }
        assert "terhubung" in rows["display"]
        assert "belum sejak server mulai" in rows["counter3"]
        display = next(t for t in office.office.store.list_tokens() if t.name == "display")
        await in_browser(click_and_load, driver, f"#device-{display.id} .revoke")
        assert "Token perangkat dicabut" in text_of(driver, "main")
        message = await asyncio.wait_for(socket.receive(), 2.0)
        assert message.data == 1008 or socket.closed
    assert "Dicabut" in text_of(driver, f"#device-{display.id}")


async def test_a_new_tv_is_approved_from_the_devices_page_by_its_code(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office()
    add_account(office, "rina", AccountRole.SUPERVISOR)
    async with office.session.post(office.api + "/pairings", json={"device": "tv"}) as answer:
        pairing = await answer.json()
    await in_browser(sign_in, driver, office, "rina")
    await in_browser(driver.get, url(office, "/admin/devices"))
    row = f"#pairing-{pairing['code']}"
    assert pairing["code_display"] in text_of(driver, row)
    name = driver.find_element("css selector", f"{row} input[name=name]")
    await in_browser(name.send_keys, "TV ruang tunggu")
    screenshot(driver, "devices", tmp_path)
    await in_browser(click_and_load, driver, f"{row} .approve")
    assert "Perangkat disetujui" in text_of(driver, "main")
    assert "TV ruang tunggu" in text_of(driver, "#devices")
    async with office.session.get(f"{office.api}/pairings/{pairing['id']}") as answer:
        granted = await answer.json()
    assert (granted["role"], granted["name"]) == ("display", "TV ruang tunggu")


async def test_english_is_one_click_away(start_office: StartOffice, driver: Any) -> None:
    office = await start_office()
    await signed_in(driver, office, "rina", AccountRole.SUPERVISOR)
    await in_browser(click_and_load, driver, ".lang")
    assert text_of(driver, "h1").startswith("Today's dashboard")
    assert driver.execute_script("return document.documentElement.lang") == "en"
    assert ":" in text_of(driver, "#time")
    await in_browser(click_and_load, driver, ".lang")
    assert text_of(driver, "h1").startswith("Dasbor hari ini")
    assert "." in text_of(driver, "#time")


async def test_an_admin_renames_a_service_on_the_settings_page_and_it_applies_at_once(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office()
    await signed_in(driver, office, "Budi Admin", AccountRole.ADMIN)
    await in_browser(click_and_load, driver, 'nav a[href="/admin/settings"]')
    assert text_of(driver, "h1") == "Pengaturan kantor"
    text = driver.execute_script("return document.getElementById('settings').value")
    assert 'name = "Perizinan dan Non-Perizinan"' in text
    renamed = text.replace('"Perizinan dan Non-Perizinan"', f'"KTP {EVIL[:60]}"')
    driver.execute_script("document.getElementById('settings').value = arguments[0];", renamed)
    await in_browser(click_and_load, driver, "#save-settings")
    assert text_of(driver, ".done") == "Pengaturan disimpan dan sudah berlaku."
    _, body = await office.get("/services")
    assert body["services"][1]["name"] == f"KTP {EVIL[:60]}"
    assert f"KTP {EVIL[:60]}" in driver.execute_script(
        "return document.getElementById('settings').value"
    )
    assert driver.execute_script("return window.hacked === undefined")
    screenshot(driver, "settings", tmp_path)
    broken = renamed.replace("number = 3\n", 'number = "tiga"\n', 1)
    driver.execute_script("document.getElementById('settings').value = arguments[0];", broken)
    await in_browser(click_and_load, driver, "#save-settings")
    assert text_of(driver, "#error") == (
        'Pengaturan salah di loket ke-3 di [[counters]], kunci "number": '
        'harus bilangan bulat, tertulis "tiga"'
    )
    assert 'number = "tiga"' in driver.execute_script(
        "return document.getElementById('settings').value"
    )  # kept in the form to fix it
    _, body = await office.get("/services")
    assert body["services"][1]["name"] == f"KTP {EVIL[:60]}"  # nothing else changed
