"""A real headless Chromium the size of a supervisor's office PC screen (1366×768)."""

from __future__ import annotations

from contextlib import AbstractContextManager

from tests.support.browser import chromium

DESKTOP_WIDTH, DESKTOP_HEIGHT = 1366, 768


def desktop_browser() -> AbstractContextManager[object]:
    """A Selenium Chrome driver whose viewport is 1366×768, its language Indonesian."""
    return chromium(DESKTOP_WIDTH, DESKTOP_HEIGHT, mobile=False, arguments=("--lang=id",))
