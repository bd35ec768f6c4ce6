"""A real headless Chromium the size of a supervisor's office PC screen (1366×768)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.browser import CHROMEDRIVER

DESKTOP_WIDTH, DESKTOP_HEIGHT = 1366, 768


@contextmanager
def desktop_browser() -> Iterator[object]:
    """A Selenium Chrome driver whose viewport is 1366×768."""
    os.environ["SE_OFFLINE"] = "true"  # Selenium must not look for a driver on the internet
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="antrian-chromium-")
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--lang=id",
        f"--window-size={DESKTOP_WIDTH},{DESKTOP_HEIGHT}",
    ):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": DESKTOP_WIDTH, "height": DESKTOP_HEIGHT, "deviceScaleFactor": 1,
             "mobile": False},
        )  # fmt: skip
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
