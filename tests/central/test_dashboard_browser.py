"""The city dashboard in a real headless Chromium: live rows, sorting, the words shown.

Set ANTRIAN_SCREENSHOTS to a directory to keep the screenshot (docs/city-dashboard-1366x768.png
is made that way).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.accounts import hash_secret
from server.storage.port import AccountRole
from tests.central.test_dashboard import EVENTS, INGEST, LOG, Clock, event, ticket
from tests.support import page_driver
from tests.support.browser import browser_available, browser_fixture
from tests.support.central import RunningCentral, running_central
from tests.support.desktop_browser import desktop_browser
from tests.support.postgres import Cluster

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")
PASSWORD = "rahasia-kota-1"


browser = browser_fixture(desktop_browser)


@pytest.fixture
async def city(postgres_cluster: Cluster) -> AsyncIterator[tuple[RunningCentral, str]]:
    async with running_central(postgres_cluster, Clock()) as running:
        _office_id, token = await running.add_office("Kecamatan Karawaci")
        await running.add_office("Kecamatan Cipondoh")
        batch = {"log_id": LOG, "events": EVENTS, "targets": {"A": 10}}
        assert (await running.call("POST", INGEST, token, batch))[0] == 200
        # Tangerang: three waiting since 08.00, then re-installed (another record: refused)
        _office_id, tangerang = await running.add_office("Kecamatan Tangerang")
        issued = [event(n, "ticket.issued", f"08:{n - 1}0", [ticket(n, "waiting", f"08:{n - 1}0")])
                  for n in (1, 2, 3)]  # fmt: skip
        first = {"log_id": str(uuid.uuid4()), "events": issued}
        assert (await running.call("POST", INGEST, tangerang, first))[0] == 200
        second = {"log_id": str(uuid.uuid4()), "events": issued[:1]}
        assert (await running.call("POST", INGEST, tangerang, second))[0] == 409
        running.store.accounts.create(
            "walikota", AccountRole.SUPERVISOR, hash_secret(PASSWORD), Clock()()
        )
        yield running, token


def rows(driver: Any) -> list[list[str]]:
    # read at once in the page: the script replaces the rows at every refresh
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('#offices tbody tr'), row =>"
            " Array.from(row.cells, cell => cell.innerText.trim()));"
        )
    )


def wait_for(driver: Any, condition: Any, timeout: float = 8.0) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def sign_in(driver: Any, base: str) -> None:
    page_driver.sign_in(driver, base + "/", "walikota", PASSWORD)  # redirected to the sign-in page
    wait_for(driver, lambda d: d.find_elements("css selector", "#offices"))


def sort_by(driver: Any, key: str) -> None:
    button = driver.find_element("css selector", f'th[data-key="{key}"] button')
    driver.execute_script("arguments[0].click();", button)


async def test_the_dashboard_lives_and_sorts_in_a_browser(
    browser: Any, city: tuple[RunningCentral, str], tmp_path: Path
) -> None:
    central, token = city
    driver = browser
    driver.delete_all_cookies()
    await asyncio.to_thread(sign_in, driver, central.url)
    karawaci = [
        "Kecamatan Karawaci", "1", "40 mnt", "1", "3", "2", "13 mnt", "50%", "87.50", "terhubung",
    ]  # fmt: skip
    cipondoh = ["Kecamatan Cipondoh", "0", "—", "0", "0", "0", "—", "—", "—",
                "belum pernah terhubung"]  # fmt: skip
    conflict = (
        "terhubung\nkonflik: kantor dipasang ulang; terima catatan barunya dengan "
        'antrian-central office renew "Kecamatan Tangerang"'
    )
    tangerang = ["Kecamatan Tangerang", "3", "60 mnt", "0", "3", "0", "—", "—", "—", conflict]
    assert await asyncio.to_thread(rows, driver) == [cipondoh, karawaci, tangerang]  # by name
    # the script runs (a syntax error would leave the server's rows, unsorted, forever)
    assert [entry["message"] for entry in driver.get_log("browser")] == []
    # the column headings are readable: dark text on the table's white
    colour = driver.execute_script(
        "return getComputedStyle(document.querySelector('th[data-key=waiting] button')).color"
    )
    assert colour not in {"rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"}
    assert driver.find_element("css selector", 'th[data-key="waiting"]').text == "Menunggu"
    await asyncio.to_thread(sort_by, driver, "waiting")  # most waiting first
    await asyncio.to_thread(wait_for, driver, lambda d: rows(d) == [tangerang, karawaci, cipondoh])
    await asyncio.to_thread(sort_by, driver, "waiting")
    await asyncio.to_thread(wait_for, driver, lambda d: rows(d) == [cipondoh, karawaci, tangerang])
    # a new ticket at Karawaci shows at the next refresh (every 5 s), without a reload
    new = event(11, "ticket.issued", "08:50", [ticket(4, "waiting", "08:50")])
    assert (await central.call("POST", INGEST, token, {"log_id": LOG, "events": [new]}))[0] == 200
    await asyncio.to_thread(
        wait_for, driver, lambda d: rows(d)[1][1] == "2" and rows(d)[1][4] == "4"
    )
    severe = [entry["message"] for entry in driver.get_log("browser")
              if entry["level"] == "SEVERE"]  # fmt: skip
    assert severe == []
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    driver.save_screenshot(str(directory / "city-dashboard-1366x768.png"))
