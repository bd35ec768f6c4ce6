"""Small helpers to drive a page in Selenium from an async test (the server shares the loop)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


async def in_browser(function: Callable[..., Any], *arguments: Any) -> Any:
    """Run a blocking Selenium call on a thread, so the in-process server keeps answering."""
    return await asyncio.to_thread(function, *arguments)


def text_of(driver: Any, selector: str) -> str:
    return str(driver.find_element("css selector", selector).text)


def texts_of(driver: Any, selector: str) -> list[str]:
    return [str(element.text) for element in driver.find_elements("css selector", selector)]


def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = 5.0) -> Any:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # a page that reloads itself (a revoked token) replaces its elements mid-wait: a
    # lookup in the old document fails in several ways; the wait's timeout still holds
    ignored = (WebDriverException,)
    return WebDriverWait(driver, timeout, poll_frequency=0.02, ignored_exceptions=ignored).until(
        condition
    )


def inject(driver: Any, source: str) -> str:
    """Run `source` in every page before the page's own scripts; returns its identifier."""
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    return str(added["identifier"])


def severe_messages(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver: Any, name: str, tmp_path: Path) -> Path:
    """Save a picture of the page; into $ANTRIAN_SCREENSHOTS (the docs' pictures) if set."""
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    path = directory / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 2000
    return path


def click_and_load(driver: Any, selector: str) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element("css selector", "html")
    # clicked from the page's side: chromedriver's own click sometimes fails with "node does
    # not belong to the document" when the click starts a navigation
    driver.execute_script("arguments[0].click();", driver.find_element("css selector", selector))
    WebDriverWait(driver, 10, poll_frequency=0.05).until(expected_conditions.staleness_of(page))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def fill_and_submit(driver: Any, fields: dict[str, str], button: str) -> None:
    """Type each value into the field its selector names, then press `button`."""
    for selector, value in fields.items():
        element = driver.find_element("css selector", selector)
        element.clear()
        element.send_keys(value)
    click_and_load(driver, button)


def sign_in(driver: Any, page_url: str, name: str, password: str) -> None:
    """Open `page_url`, which is or redirects to a sign-in page (…/login: #name, #password,
    #sign-in), sign in there and wait until the page after it has loaded."""
    driver.get(page_url)
    wait_for(driver, lambda d: d.current_url.endswith("/login"))
    fill_and_submit(driver, {"#name": name, "#password": password}, "#sign-in")


def connected(driver: Any) -> bool:
    """A device page (the browser TV, /loket, a survey tablet) says its live link is up."""
    return bool(driver.execute_script("return document.body.dataset.connection") == "connected")


async def open_live_page(driver: Any, page_url: str) -> None:
    """Open a device page and wait until it is connected and lists the waiting tickets."""
    await in_browser(driver.get, page_url)
    await in_browser(wait_for, driver, connected)
    await in_browser(wait_for, driver, lambda d: d.find_elements("css selector", "#waiting li"))
