"""The public listener for phones on a guest Wi-Fi, in the real server process.

`[server] public_host` makes `antrian-server` listen on a second address that answers
only the visitor's routes (the phone page, the ticket's JSON and live feed, static files);
everything else is a 404 there, while the LAN address still serves everything. The phone
page is opened through the public address in a real headless Chromium and follows a call
made at a counter on the LAN.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.browser import browser_available, phone_browser
from tests.support.live_server import LiveServer
from tests.support.page_driver import severe_messages, text_of, wait_for

PUBLIC_CONFIG = '[server]\npublic_host = "127.0.0.1"\npublic_port = 0\n'


def fetch(
    url: str, token: str | None = None, method: str = "GET", body: Any = None
) -> tuple[int, str, bytes]:
    """(status, content type, body) of one request; an HTTP error is an answer too."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer it is (the /admin sign-in), not follow it."""

    def redirect_request(self, *arguments: Any, **options: Any) -> None:
        return None


@pytest.fixture
def server(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    started = live_server_factory(PUBLIC_CONFIG)
    assert started.public_port is not None and started.public_port != started.port
    return started


def public(server: LiveServer, path: str) -> str:
    return f"http://127.0.0.1:{server.public_port}{path}"


def issue(server: LiveServer, service: str = "A") -> dict[str, Any]:
    status, _, body = fetch(
        server.api + "/tickets", server.tokens["kiosk"], "POST", {"service": service}
    )
    assert status == 201
    ticket: dict[str, Any] = json.loads(body)
    return ticket


def phone_path(ticket: dict[str, Any]) -> str:
    parts = urlsplit(ticket["check_url"])
    return f"{parts.path}?{parts.query}"


def test_the_public_address_answers_404_for_everything_but_the_visitors_routes(
    server: LiveServer,
) -> None:
    ticket = issue(server)
    tokens = server.tokens
    refused = [
        ("GET", "/admin", None, None),
        ("GET", "/admin/login", None, None),
        ("GET", "/tv", None, None),
        ("GET", f"/tv?token={tokens['display']}", None, None),
        ("GET", "/loket", None, None),
        ("GET", "/api/v1/snapshot", tokens["display"], None),
        ("POST", "/api/v1/tickets", tokens["kiosk"], {"service": "A"}),
        ("POST", f"/api/v1/tickets/{ticket['id']}/void", tokens["kiosk"], {}),
        ("POST", "/api/v1/counters/1/next", tokens["counter1"], {}),
        ("GET", "/api/v1/events", tokens["display"], None),
        ("GET", "/api/v1/health", None, None),
        ("GET", "/api/v1/settings", tokens["admin"], None),
        ("POST", "/api/v1/pairings", None, {}),
        ("GET", "/api/v1/log", tokens["admin"], None),
        ("GET", "/voice/id/satu.wav", None, None),
    ]
    for method, path, token, body in refused:
        status, kind, answer = fetch(public(server, path), token, method, body)
        assert (status, json.loads(answer)["error"]) == (404, "not_found"), (method, path)
        assert kind.startswith("application/json")
    # nothing was issued, called or voided through the public address
    status, _, body = fetch(server.api + "/snapshot", tokens["display"])
    snapshot = json.loads(body)
    assert [waiting["number"] for waiting in snapshot["waiting"]] == ["A001"]
    # what a visitor's phone needs answers there
    status, kind, page = fetch(public(server, phone_path(ticket)))
    assert status == 200 and kind.startswith("text/html") and b"A001" in page
    json_path = phone_path(ticket).replace("/t/", "/api/v1/tickets/", 1)
    status, _, body = fetch(public(server, json_path))
    assert status == 200 and json.loads(body)["number"] == "A001"
    assert fetch(public(server, "/static/phone.css"))[0] == 200
    # a wrong key is still refused there, as on the LAN
    status, _, _ = fetch(public(server, f"/t/{ticket['id']}?key=wrong"))
    assert status == 404


def test_the_lan_address_still_serves_everything(server: LiveServer) -> None:
    ticket = issue(server, "B")
    tokens = server.tokens
    assert fetch(server.url + "/tv")[0] == 200
    assert fetch(server.url + "/loket")[0] == 200
    assert fetch(server.url + "/admin")[0] in {302, 303}  # to the sign-in page
    assert fetch(server.url + "/admin/login")[0] == 200
    assert fetch(server.api + "/health")[0] == 200
    assert fetch(server.api + "/snapshot", tokens["display"])[0] == 200
    assert fetch(server.api + "/settings", tokens["admin"])[0] == 200
    assert fetch(server.api + "/pairings", None, "POST", {})[0] == 201
    status, _, body = fetch(server.api + "/counters/3/next", tokens["counter3"], "POST", {})
    assert status == 200 and json.loads(body)["number"] == "B001"
    assert fetch(server.url + phone_path(ticket))[0] == 200


@pytest.mark.skipif(not browser_available(), reason="chromium is not installed")
def test_the_phone_page_through_the_public_address_follows_a_call_live(
    server: LiveServer,
) -> None:
    issue(server)
    ticket = issue(server)  # A002: one visitor ahead
    with phone_browser() as driver:
        # a phone untouched since the page opened may not vibrate: record the attempt
        driver.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": "navigator.vibrate = function (p) { window.vibrated = p; return true; };"},
        )
        driver.get(public(server, phone_path(ticket)))  # type: ignore[attr-defined]
        wait_for(driver, lambda d: d.find_elements("css selector", ".note.live"), 10)
        assert text_of(driver, "#number") == "A002"
        assert text_of(driver, "#ahead") == "1 orang di depan Anda"
        for _ in range(2):  # loket 1 calls A001, then A002
            status, _, _ = fetch(
                server.api + "/counters/1/next", server.tokens["counter1"], "POST", {}
            )
            assert status == 200
        started = time.monotonic()
        wait_for(driver, lambda d: "dipanggil" in text_of(d, "#headline"), 5)
        assert text_of(driver, "#headline") == "Nomor Anda dipanggil — silakan ke Loket 1"
        assert time.monotonic() - started < 5
        assert driver.execute_script("return window.vibrated")  # type: ignore[attr-defined]
        assert severe_messages(driver) == []


def test_the_connection_cap_per_address_is_a_setting(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory(PUBLIC_CONFIG + "max_connections_per_address = 3\n")
    for port in (server.port, server.public_port):
        assert port is not None
        held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as fourth:
                answer = fourth.recv(4096)
            assert answer.startswith(b"HTTP/1.1 429 ")
            assert b"at most 3 connections from one address" in answer
        finally:
            for connection in held:
                connection.close()
            time.sleep(0.3)  # the server sees them closed: the next listener starts at 0
