"""The browser TV and /loket follow a takeover: real headless Chromium, two real servers, one
PostgreSQL."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import browser_available
from tests.support.device_browser import TV_SIZE, desktop_browser
from tests.support.live_server import LiveServer, start_pair
from tests.support.page_driver import text_of, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not browser_available(), reason="chromium is not installed"),
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
CLIENT_LIMIT_S = 2.0


def issue(server: LiveServer, service: str) -> str:
    request = urllib.request.Request(
        f"{server.api}/tickets", data=json.dumps({"service": service}).encode(),
        headers={"Authorization": f"Bearer {server.tokens['kiosk']}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as answer:
        return str(json.loads(answer.read())["number"])


@pytest.fixture
def browser() -> Iterator[Any]:
    with desktop_browser(*TV_SIZE) as driver:
        yield driver


def connected_to(driver: Any, server: LiveServer, page: str = "tv") -> bool:
    return bool(
        driver.current_url.startswith(f"{server.url}/{page}")
        and driver.execute_script("return document.body.dataset.connection") == "connected"
    )


def test_the_browser_tv_moves_to_the_standby_that_took_over_within_2_s(
    tmp_path: Path, database_url: str, browser: Any
) -> None:
    first, second = start_pair(tmp_path, database_url)
    try:
        issue(first, "A")
        # the hall's two servers, as a kiosk-mode browser is started; the standby sends the
        # page to the active one
        servers = f"{first.url},{second.url}"
        browser.get(f"{second.url}/tv?token={first.tokens['display']}&servers={servers}")
        wait_for(browser, lambda d: connected_to(d, first), 10)
        assert "token=" not in browser.current_url
        wait_for(browser, lambda d: "1 menunggu" in text_of(d, "#waiting"), 5)
        first.kill()
        took_over = second.wait_until_active()
        wait_for(browser, lambda d: connected_to(d, second), 5)
        back_s = time.monotonic() - took_over
        print(f"browser TV back on the new server {back_s:.2f} s after its takeover")
        assert back_s < CLIENT_LIMIT_S
        # the token went along (no pairing screen), and the new server's calls are shown
        assert browser.execute_script("return document.getElementById('pairing').hidden")
        issue(second, "A")
        wait_for(browser, lambda d: "2 menunggu" in text_of(d, "#waiting"), 5)
    finally:
        second.stop()
        first.kill()


def counter_now(server: LiveServer, number: int) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{server.api}/counters", headers={"Authorization": f"Bearer {server.tokens['display']}"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        counters: list[dict[str, Any]] = json.loads(answer.read())["counters"]
    return next(counter for counter in counters if counter["number"] == number)


def test_the_browser_loket_moves_to_the_standby_and_calls_there_within_2_s(
    tmp_path: Path, database_url: str, browser: Any
) -> None:
    first, second = start_pair(tmp_path, database_url)
    try:
        assert issue(first, "A") == "A001"  # acknowledged by the server that will die
        servers = f"{first.url},{second.url}"
        browser.get(f"{second.url}/loket?token={first.tokens['counter2']}&servers={servers}")
        wait_for(browser, lambda d: connected_to(d, first, "loket"), 10)
        first.kill()
        took_over = second.wait_until_active()
        wait_for(browser, lambda d: connected_to(d, second, "loket"), 5)
        back_s = time.monotonic() - took_over
        print(f"browser loket back on the new server {back_s:.2f} s after its takeover")
        assert back_s < CLIENT_LIMIT_S
        # the clerk presses "next" on the new server: the ticket of the dead one is called
        browser.find_element("css selector", '#actions button[data-action="next"]').click()
        wait_for(browser, lambda d: text_of(d, "#current-number") == "A001", 5)
        assert counter_now(second, 2)["current"]["number"] == "A001"
    finally:
        second.stop()
        first.kill()
