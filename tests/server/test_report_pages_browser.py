"""/admin/reports and /admin/skm in a real headless Chromium at 1366×768, on a real office.

Markup in a service name and in a suggestion is shown as text and never runs. Set
ANTRIAN_SCREENSHOTS to a directory to keep the screenshots (docs/admin-reports-1366x768.png
and docs/admin-skm-1366x768.png are made that way).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from server.storage.port import AccountRole
from server.web.skm_pages import SKM_SOURCE_KEY
from tests.reports.samples import SKM
from tests.server.conftest import Clock, Running, StartOffice
from tests.server.test_admin_browser import (
    EVIL,
    add_account,
    screenshot,
    sign_in,
    signed_in,
    url,
)
from tests.server.test_reports_api import SETTINGS, a_day_of_the_office, at
from tests.support.browser import browser_available, browser_fixture
from tests.support.desktop_browser import desktop_browser
from tests.support.page_driver import click_and_load, in_browser, severe_messages, text_of

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")

RANGE = "period=range&from=2026-11-23&to=2026-11-24"


browser = browser_fixture(desktop_browser)


async def office_with(start_office: StartOffice, name_a: str) -> Running:
    settings = {**SETTINGS, "services": [{**SETTINGS["services"][0], "name": name_a},
                                         SETTINGS["services"][1]]}  # fmt: skip
    office = await start_office(settings, clock=Clock(at(1, "07:55")))
    await a_day_of_the_office(office)
    return office


async def test_the_report_page_shows_figures_charts_and_markup_as_text(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await office_with(start_office, EVIL)
    await signed_in(driver, office, "rina", AccountRole.SUPERVISOR)
    await in_browser(driver.get, url(office, f"/admin/reports?{RANGE}&group=service"))
    assert text_of(driver, "#total-issued") == "9"
    assert text_of(driver, "#total-wait") == "42,4 menit"  # waits 120..4800 s, mean 2544 s
    assert text_of(driver, "#total-within") == "66,7%"
    rows = driver.find_elements("css selector", "#table tbody tr")
    cells = [[cell.text for cell in row.find_elements("css selector", "td")] for row in rows]
    assert cells[0][:3] == [f"A {EVIL}", "5", "3"]
    assert cells[-1][:3] == ["Jumlah", "9", "5"]
    assert driver.execute_script("return window.hacked") is None
    # five charts, each an SVG the browser drew; the service name is a <title>, not markup
    assert len(driver.find_elements("css selector", ".charts svg.chart")) == 5
    assert driver.find_elements("css selector", "#chart-standard svg rect.share")
    labels = [link.text for link in driver.find_elements("css selector", "#downloads a")]
    assert labels[:2] == ["Ringkasan (CSV)", "Ringkasan (XLSX)"]
    assert "Laporan bulanan 2026-11 (PDF)" in labels
    assert severe_messages(driver) == []
    # the picker: "Hari ini" is Tuesday 24 November
    await in_browser(driver.execute_script, "document.querySelector('input[value=today]').click()")
    await in_browser(click_and_load, driver, "#show")
    assert text_of(driver, "#total-issued") == "2"
    screenshot(driver, "reports-markup", tmp_path)


async def test_the_pages_are_for_supervisors_not_clerks(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    add_account(office, "siti", AccountRole.CLERK, "2468")
    await in_browser(driver.get, url(office, "/admin/reports"))
    assert driver.current_url.endswith("/admin/login")
    await in_browser(sign_in, driver, office, "siti", "2468")
    assert text_of(driver, "#error") == "Akun petugas loket tidak dapat membuka halaman admin."
    await in_browser(driver.get, url(office, "/admin/skm"))
    assert driver.current_url.endswith("/admin/login")


async def test_the_skm_page_shows_suggestions_as_text(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await office_with(start_office, "Administrasi Kependudukan")
    asked: list[tuple[date, date]] = []

    def figures(first: date, last: date) -> dict[str, Any]:
        asked.append((first, last))
        return SKM

    office.server.app[SKM_SOURCE_KEY].figures = figures
    await signed_in(driver, office, "rina", AccountRole.SUPERVISOR)
    await in_browser(driver.get, url(office, "/admin/skm?period=month"))
    assert asked == [(date(2026, 11, 1), date(2026, 11, 24))]
    assert text_of(driver, "#ikm") == "81,25"
    assert text_of(driver, "#grade") == "B"
    assert text_of(driver, "#respondents") == "120"
    comments = [item.text for item in driver.find_elements("css selector", "#comments li")]
    assert comments == ["Ruang tunggu panas", '<script>alert("x")</script>', "=1+1"]
    assert driver.execute_script("return window.hacked") is None
    assert len(driver.find_elements("css selector", "#chart-nrr rect.score")) == 9
    screenshot(driver, "skm", tmp_path)
    await in_browser(driver.get, url(office, f"/admin/reports?{RANGE}&group=day"))
    assert text_of(driver, "#total-issued") == "9"
    screenshot(driver, "reports", tmp_path)
