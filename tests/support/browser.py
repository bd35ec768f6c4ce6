"""A real headless Chromium (Debian's, with its chromedriver): one set-up for every size."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE_WIDTH, PHONE_HEIGHT = 360, 740


def browser_available() -> bool:
    return CHROMEDRIVER.exists() and shutil.which("chromium") is not None


@contextmanager
def chromium(
    width: int, height: int, *, mobile: bool, arguments: Sequence[str] = ()
) -> Iterator[object]:
    """A Selenium Chrome driver whose viewport is `width`×`height` CSS pixels, with its own
    throwaway profile; `arguments` are Chromium switches beyond the common ones."""
    os.environ["SE_OFFLINE"] = "true"  # Selenium must not look for a driver on the internet
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="antrian-chromium-")
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", *arguments, f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def phone_browser() -> AbstractContextManager[object]:
    """A Selenium Chrome driver whose viewport is a 360×740 phone screen."""
    return chromium(PHONE_WIDTH, PHONE_HEIGHT, mobile=True)


def browser_fixture(open_browser: Callable[..., AbstractContextManager[object]], *size: int) -> Any:
    """A module-scoped `browser` fixture: one Chromium, `open_browser(*size)`, for all the
    module's tests (each test gets it as `driver`, a clean page: tests/server/conftest.py).

    In a test module: `browser = browser_fixture(desktop_browser, *TV_SIZE)`.
    """

    @pytest.fixture(scope="module", name="browser")
    def browser() -> Iterator[object]:
        with open_browser(*size) as driver:
            yield driver

    return browser


@contextmanager
def clean_page(browser: Any) -> Iterator[Any]:
    """The shared browser on a blank page with scripts on, no cookies (nobody signed in) and
    its log read; afterwards the scripts a test injected into every new document
    (`browser.injected`) are removed, scripts are on again and the cookies are gone."""
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.get("about:blank")
    browser.delete_all_cookies()
    browser.get_log("browser")  # forget the previous test's messages
    injected: list[str] = []
    browser.injected = injected
    try:
        yield browser
    finally:
        for identifier in injected:
            browser.execute_cdp_cmd(
                "Page.removeScriptToEvaluateOnNewDocument", {"identifier": identifier}
            )
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        browser.get("about:blank")
        browser.delete_all_cookies()
