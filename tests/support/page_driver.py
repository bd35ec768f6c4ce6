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
