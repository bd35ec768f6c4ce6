"""The phone page's SKM survey in a real headless Chromium at 360×740, against a real server.

Set ANTRIAN_SCREENSHOTS to a directory to keep the screenshot (docs/phone-survey-360x740.png
is made that way).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import Running, StartOffice
from tests.server.test_survey_api import served
from tests.support.browser import browser_available, browser_fixture, phone_browser
from tests.support.page_driver import in_browser, severe_messages, text_of, wait_for

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")
MIN_TARGET_PX = 48


browser = browser_fixture(phone_browser)


def url(office: Running, ticket: dict[str, Any], extra: str = "") -> str:
    return f"http://127.0.0.1:{office.server.port}/t/{ticket['id']}?key={ticket['key']}{extra}"


def choose(driver: Any, answers: dict[str, int]) -> None:
    """Tap each answer's label (its face and words), as a visitor does."""
    for key, value in answers.items():
        label = driver.find_element(
            "xpath", f"//input[@name='{key}' and @value='{value}']/parent::label"
        )
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
        label.click()


def fill_profile(driver: Any, comment: str) -> None:
    from selenium.webdriver.support.ui import Select

    driver.find_element("name", "age").send_keys("34")
    Select(driver.find_element("name", "gender")).select_by_value("P")
    Select(driver.find_element("name", "occupation")).select_by_visible_text("Wirausaha")
    driver.find_element("name", "comment").send_keys(comment)


def send(driver: Any) -> None:
    button = driver.find_element("id", "survey-send")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()


async def report(office: Running) -> dict[str, Any]:
    day = office.office.day.day.isoformat()
    async with office.session.get(
        office.api + f"/reports/skm?from={day}&to={day}", headers=office.auth("admin")
    ) as answer:
        body: dict[str, Any] = await answer.json()
        return body


# the visitor's answers in the order asked (items 8 and 9 are u9 and u8)
ANSWERS = {"u1": 4, "u2": 3, "u3": 3, "u4": 4, "u5": 3, "u6": 4, "u7": 4, "u9": 2, "u8": 3}


async def test_a_visitor_answers_on_the_phone_and_is_thanked(
    start_office: StartOffice, driver: Any, tmp_path: Path
) -> None:
    office = await start_office()
    ticket = await served(office)
    await in_browser(driver.get, url(office, ticket))
    assert text_of(driver, ".survey-title") == "Survei Kepuasan Masyarakat"
    # every answer is a face and its words, in a target of at least 48 px
    sizes = driver.execute_script(
        "return Array.from(document.querySelectorAll('.option')).map(function (e) {"
        "var r = e.getBoundingClientRect(); var f = e.querySelector('.face');"
        "var icon = getComputedStyle(f).backgroundImage;"
        "return [r.width, r.height, icon, e.textContent.trim()]; });"
    )
    assert len(sizes) == 36
    for width, height, icon, words in sizes:
        assert width >= MIN_TARGET_PX and height >= MIN_TARGET_PX
        assert "face-" in icon and words
    send_box = driver.find_element("id", "survey-send").rect
    assert send_box["height"] >= MIN_TARGET_PX
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    driver.execute_script("document.getElementById('q-u1').scrollIntoView();")
    await in_browser(choose, driver, {"u1": 4, "u2": 3})
    driver.execute_script("document.getElementById('survey').scrollIntoView();")
    driver.save_screenshot(str(directory / "phone-survey-360x740.png"))
    await in_browser(choose, driver, ANSWERS)
    await in_browser(fill_profile, driver, "<img src=x onerror=alert(1)> AC mati")
    await in_browser(send, driver)
    await in_browser(
        wait_for, driver, lambda d: d.find_elements("css selector", "#survey-thanks:not([hidden])")
    )
    thanks = await in_browser(text_of, driver, ".thanks")  # off the loop: a page may load
    assert thanks == "Terima kasih, jawaban Anda sudah tercatat"
    assert not driver.find_elements("id", "survey-form")
    assert severe_messages(driver) == []
    body = await report(office)
    # sums 4+3+3+4+3+4+4+3+2 = 30 -> IKM = 25·30/9 = 83.33, B
    assert (body["respondents"], body["ikm"], body["grade"]) == (1, 83.33, "B")
    assert body["nrr"]["u9"] == 2.0 and body["nrr"]["u8"] == 3.0
    assert body["suggestions"][0]["comment"] == "<img src=x onerror=alert(1)> AC mati"
    # reloaded later: the thank-you, no form
    await in_browser(driver.get, url(office, ticket))
    thanks = await in_browser(text_of, driver, ".thanks")  # off the loop: a page may load
    assert thanks == "Terima kasih, jawaban Anda sudah tercatat"
    assert not driver.find_elements("id", "survey-form")


async def test_sending_with_a_question_left_says_so(start_office: StartOffice, driver: Any) -> None:
    office = await start_office()
    ticket = await served(office)
    await in_browser(driver.get, url(office, ticket, "&lang=en"))
    await in_browser(choose, driver, {key: 3 for key in ANSWERS if key != "u8"})
    # the browser's own check stops a form with an unanswered required radio: the script
    # says which rule applies before that, through the same message box
    driver.execute_script(
        "document.getElementById('survey-form').noValidate = true;"
        "document.getElementById('survey-form').requestSubmit();"
    )
    await in_browser(
        wait_for, driver, lambda d: d.find_elements("css selector", "#survey-error:not([hidden])")
    )
    assert text_of(driver, "#survey-error") == "Please answer all 9 questions."
    assert (await report(office))["respondents"] == 0


async def test_the_live_page_brings_the_survey_when_the_visit_ends(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    status, ticket = await office.post("/tickets", "kiosk", {"service": "A"})
    assert status == 201
    ticket["key"] = ticket["check_url"].split("key=")[1]
    await in_browser(driver.get, url(office, ticket))
    await in_browser(wait_for, driver, lambda d: d.find_elements("css selector", ".note.live"))
    assert not driver.find_elements("id", "survey-form")
    await office.post("/counters/1/next", "counter1")
    await office.post("/counters/1/done", "counter1")
    await in_browser(wait_for, driver, lambda d: d.find_elements("id", "survey-form"))
    assert text_of(driver, "#headline") == "Terima kasih, layanan Anda sudah selesai"


async def test_without_javascript_the_form_posts_and_thanks(
    start_office: StartOffice, driver: Any
) -> None:
    office = await start_office()
    ticket = await served(office)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    await in_browser(driver.get, url(office, ticket))
    await in_browser(choose, driver, {key: 4 for key in ANSWERS})
    await in_browser(send, driver)
    await in_browser(wait_for, driver, lambda d: d.find_elements("css selector", ".thanks"))
    thanks = await in_browser(text_of, driver, ".thanks")  # off the loop: a page may load
    assert thanks == "Terima kasih, jawaban Anda sudah tercatat"
    assert driver.current_url == url(office, ticket)
    body = await report(office)
    assert (body["respondents"], body["ikm"], body["grade"]) == (1, 100.0, "A")
