"""A real headless Chromium at a desktop or TV size, for the browser TV and counter pages."""

from __future__ import annotations

from contextlib import AbstractContextManager

from tests.support.browser import chromium

TV_SIZE = (1920, 1080)
CLERK_PC_SIZE = (1366, 768)


def desktop_browser(width: int, height: int) -> AbstractContextManager[object]:
    """A Selenium Chrome driver whose viewport is `width`×`height` CSS pixels, muted."""
    return chromium(width, height, mobile=False, arguments=("--mute-audio",))
