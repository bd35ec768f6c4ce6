"""The SKM tablet page `/survey/{n}` in a real headless Chromium at 1280×800.

Set ANTRIAN_SCREENSHOTS to a directory to keep the screenshot (docs/survey-tablet-1280x800.png
is made that way).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import Running, StartOffice
from tests.server.test_survey_api import add_survey_token, served
from tests.server.test_survey_phone_browser import ANSWERS, choose, report, send
from tests.support.browser import browser_available, browser_fixture
from tests.support.device_browser import desktop_browser
from tests.support.page_driver import in_browser, severe_messages, text_of, wait_for

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")
TABLET_SIZE = (1280, 800)
POLL_WAIT_S = 8.0  # the page asks every 3 s


browser = browser_fixture(desktop_browser, *TABLET_SIZE)


def tablet_url(office: Running, counter: int, query: str = "") -> str:
    return f"http://127.0.0.1:{office.server.port}/survey/{counter}{query}"


def waiting_shown(driver: Any) -> bool:
    return bool(driver.find_elements("css selector", "#survey-waiting:not([hidden])"))


def heading_shown(driver: Any) -> bool:
    return bool(driver.find_elements("css selector", "#survey-holder #survey-heading"))


async def test_the_tablet_asks_the_visitor_just_served_then_waits_for_the_next(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office()
    token = add_survey_token(office, 3)
    await in_browser(driver.get, tablet_url(office, 3, f"?token={token}"))
    await in_browser(
        wait_for, driver, lambda d: waiting_shown(d) and text_of(d, "#survey-waiting-more")
    )
    assert text_of(driver, "#survey-waiting p") == (
        "Terima kasih. Silakan tunggu pengunjung berikutnya."
    )
    assert "Loket 3" in text_of(driver, "#survey-waiting-more")
    ticket = await served(office, "B", 3)
    started = time.monotonic()
    await in_browser(wait_for, driver, heading_shown, POLL_WAIT_S)
    assert text_of(driver, "#survey-heading") == (
        f"Loket 3 — nomor {ticket['number']}, bagaimana pelayanan kami?"
    )
    assert not waiting_shown(driver)
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    await in_browser(choose, driver, {"u1": 4, "u2": 4, "u3": 3})
    driver.execute_script("window.scrollTo(0, 0);")
    driver.save_screenshot(str(directory / "survey-tablet-1280x800.png"))
    await in_browser(choose, driver, ANSWERS)
    driver.find_element("name", "comment").send_keys("<script>alert(1)</script> terima kasih")
    await in_browser(send, driver)
    await in_browser(
        wait_for, driver, lambda d: d.find_elements("css selector", "#survey-thanks:not([hidden])")
    )
    thanks = await in_browser(text_of, driver, ".thanks")  # off the loop: a page may load
    assert thanks == "Terima kasih, jawaban Anda sudah tercatat"
    # from the visitor's first sight of the questions to the thank-you, well under a minute
    assert time.monotonic() - started < 60
    body = await report(office)
    assert (body["respondents"], body["ikm"]) == (1, 83.33)
    assert body["suggestions"][0]["comment"] == "<script>alert(1)</script> terima kasih"
    async with office.session.get(
        office.api + "/log", headers=office.auth("admin")
    ) as answer:  # fmt: skip
        events = (await answer.json())["events"]
    assert [event["data"]["channel"] for event in events if event["type"] == "survey.answered"] == [
        "tablet"
    ]
    # then it waits for the next visitor, and asks them
    await in_browser(wait_for, driver, waiting_shown, POLL_WAIT_S + 6)
    second = await served(office, "C", 3)
    await in_browser(
        wait_for, driver,
        lambda d: heading_shown(d) and second["number"] in text_of(d, "#survey-heading"),
        POLL_WAIT_S,
    )  # fmt: skip
    assert severe_messages(driver) == []


async def test_a_new_tablet_pairs_as_a_survey_device(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    await in_browser(driver.get, tablet_url(office, 2))
    await in_browser(
        wait_for, driver, lambda d: d.find_elements("css selector", "#pairing:not([hidden])")
    )
    await in_browser(wait_for, driver, lambda d: "·" not in text_of(d, "#pair-code"))
    code = text_of(driver, "#pair-code").replace(" ", "").replace("-", "")
    assert "survey --counter N" in text_of(driver, "#pair-cli")
    approve = {"role": "survey", "counter": 2, "name": "Tablet loket 2"}
    status, _ = await office.post(f"/pairings/{code}/approve", "admin", approve)
    assert status == 201
    await in_browser(
        wait_for, driver,
        lambda d: waiting_shown(d) and "Loket 2" in text_of(d, "#survey-waiting-more"), 30,
    )  # fmt: skip
    assert not driver.find_elements("css selector", "#pairing:not([hidden])")
