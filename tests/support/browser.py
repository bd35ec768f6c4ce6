"""A real headless Chromium (Debian's, with its chromedriver): one set-up for every size."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

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
