"""A real headless Chromium at a desktop or TV size, for the browser TV and counter pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from tests.support.browser import chromium

TV_SIZE = (1920, 1080)
CLERK_PC_SIZE = (1366, 768)


def desktop_browser(width: int, height: int) -> AbstractContextManager[object]:
    """A Selenium Chrome driver whose viewport is `width`×`height` CSS pixels, muted."""
    return chromium(width, height, mobile=False, arguments=("--mute-audio",))


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
