"""A settings change reaches a running kiosk and a running TV, with no restart of either.

One real server process; the browser TV `/tv` in a real headless Chromium and the Qt
kiosk both connected to it; then an admin replaces the settings through
`PUT /api/v1/settings`, renaming one service and closing another all week.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest

from kiosk.controller import Screen
from tests.kiosk.conftest import MakeKiosk, api_get
from tests.support.browser import browser_available
from tests.support.device_browser import TV_SIZE, desktop_browser
from tests.support.live_server import LiveServer
from tests.support.page_driver import severe_messages, texts_of, wait_for
from tests.support.qt_text import markup_rendered, shown_text

pytestmark = pytest.mark.skipif(not browser_available(), reason="chromium is not installed")

NEW_NAME = "Kartu Identitas Anak"
CLOSED_ALL_WEEK = {day: "closed" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def as_admin(server: LiveServer, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """An admin's JSON request to the API; it must answer 200; its JSON answer."""
    request = urllib.request.Request(
        server.api + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={
            "Authorization": f"Bearer {server.tokens['admin']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
        result: dict[str, Any] = json.load(answer)
        return result


def put_settings(server: LiveServer, document: dict[str, Any]) -> dict[str, Any]:
    return as_admin(server, "PUT", "/settings", document)


def tv_rows(driver: Any) -> list[str]:
    return texts_of(driver, "#waiting .service-name")


def test_a_renamed_and_a_closed_service_reach_the_tv_and_the_kiosk_without_a_restart(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(live_server)
    kiosk.wait_screen(Screen.SERVICES)
    document = api_get(live_server, "/settings", live_server.tokens["admin"])
    services = {service["code"]: service for service in document["services"]}
    old_name_a, name_b = services["A"]["name"], services["B"]["name"]
    assert kiosk.shows(old_name_a) and kiosk.service_button("B").isEnabled()

    with desktop_browser(*TV_SIZE) as driver:
        token = live_server.tokens["display"]
        driver.get(f"{live_server.url}/tv?token={token}")
        wait_for(driver, lambda d: len(tv_rows(d)) == 3, 10)
        assert tv_rows(driver)[:2] == [old_name_a, name_b]
        started = time.monotonic()

        services["A"]["name"] = NEW_NAME
        services["B"]["hours"] = CLOSED_ALL_WEEK
        answer = put_settings(live_server, document)
        assert answer["services"][0]["name"] == NEW_NAME

        # (a) the TV: the new name and B closed, within a few seconds, on the same page
        wait_for(driver, lambda d: tv_rows(d)[:1] == [NEW_NAME], 5)
        wait_for(
            driver,
            lambda d: (
                "closed"
                in d.find_element("css selector", "#waiting li[data-code=B]").get_attribute("class")
            ),
            5,
        )
        tv_seconds = time.monotonic() - started
        count_b = driver.find_element("css selector", "#waiting li[data-code=B] .service-count")
        assert count_b.text == "Tutup"
        assert severe_messages(driver) == []

    # (b) the kiosk: the new name on A's button, B shown closed and not pressable
    kiosk.qtbot.waitUntil(lambda: kiosk.shows(NEW_NAME), timeout=5000)
    assert not kiosk.shows(old_name_a)
    kiosk.qtbot.waitUntil(lambda: not kiosk.service_button("B").isEnabled(), timeout=5000)
    assert kiosk.service_button("B").status_label.text() == "Tutup — di luar jam layanan"
    assert kiosk.service_button("A").isEnabled()
    kiosk.tap(kiosk.service_button("B"))
    assert kiosk.controller.screen is Screen.SERVICES
    assert tv_seconds < 5


def close_service(server: LiveServer, code: str, reason: str) -> None:
    as_admin(server, "POST", f"/services/{code}/close", {"reason": reason})


def test_the_supervisors_reason_for_closing_a_service_is_shown_on_the_kiosk_and_the_tv(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    kiosk = make_kiosk(live_server)
    kiosk.wait_screen(Screen.SERVICES)
    reason = "Jaringan SIAK gangguan <b>sementara</b>"
    with desktop_browser(*TV_SIZE) as driver:
        driver.get(f"{live_server.url}/tv?token={live_server.tokens['display']}")
        wait_for(driver, lambda d: len(tv_rows(d)) == 3, 10)
        close_service(live_server, "C", reason)
        wait_for(driver, lambda d: texts_of(d, "#waiting .service-closed") == [reason], 5)
        assert severe_messages(driver) == []
    kiosk.qtbot.waitUntil(lambda: not kiosk.service_button("C").isEnabled(), timeout=5000)
    assert shown_text(kiosk.service_button("C").status_label) == f"Tutup — {reason}"
    assert markup_rendered(kiosk.window, [reason]) == []
