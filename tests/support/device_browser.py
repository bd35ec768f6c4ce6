"""A real headless Chromium at a desktop or TV size, for the browser TV and counter pages."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.browser import CHROMEDRIVER

TV_SIZE = (1920, 1080)
CLERK_PC_SIZE = (1366, 768)


@contextmanager
def desktop_browser(width: int, height: int) -> Iterator[object]:
    """A Selenium Chrome driver whose viewport is `width`×`height` CSS pixels."""
    os.environ["SE_OFFLINE"] = "true"  # Selenium must not look for a driver on the internet
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="antrian-chromium-")
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--mute-audio", f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def clean_page(browser: Any) -> Iterator[Any]:
    """The shared browser on a blank page, its log read, and the scripts a test injected
    into every new document (`browser.injected`) removed afterwards."""
    browser.get("about:blank")
    browser.get_log("browser")
    injected: list[str] = []
    browser.injected = injected
    try:
        yield browser
    finally:
        for identifier in injected:
            browser.execute_cdp_cmd(
                "Page.removeScriptToEvaluateOnNewDocument", {"identifier": identifier}
            )
        browser.get("about:blank")
