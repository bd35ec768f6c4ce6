"""The SKM survey through the public listener for phones (the real server process).

A visitor on the guest Wi-Fi answers on the phone page, with and without JavaScript; the
tablet's routes and the report are not served there.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from tests.server.test_public_listener import PUBLIC_CONFIG, NoRedirect, fetch, public
from tests.support.live_server import LiveServer

ANSWERS = {f"u{index}": 3 for index in range(1, 10)}


@pytest.fixture
def server(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    return live_server_factory(PUBLIC_CONFIG)


def served(server: LiveServer) -> dict[str, Any]:
    tokens = server.tokens
    status, _, body = fetch(server.api + "/tickets", tokens["kiosk"], "POST", {"service": "A"})
    assert status == 201
    ticket: dict[str, Any] = json.loads(body)
    for action in ("next", "done"):
        status, _, _ = fetch(server.api + f"/counters/1/{action}", tokens["counter1"], "POST", {})
        assert status == 200
    ticket["path"] = urllib.parse.urlsplit(ticket["check_url"]).query
    return ticket


def post_form(url: str, fields: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), method="POST"
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_a_phone_on_the_guest_wifi_answers_the_survey(server: LiveServer) -> None:
    first, second = served(server), served(server)
    # with JavaScript: the JSON answer
    status, _, body = fetch(
        public(server, f"/api/v1/tickets/{first['id']}/survey?{first['path']}"),
        method="POST", body={"answers": ANSWERS},
    )  # fmt: skip
    assert status == 201, body
    # without JavaScript: the page's plain form
    fields = {key: "4" for key in ANSWERS}
    status, location = post_form(
        public(server, f"/t/{second['id']}/survey?{second['path']}"), fields
    )
    assert (status, location) == (303, f"/t/{second['id']}?{second['path']}")
    assert fetch(public(server, "/static/survey.js"))[0] == 200
    assert fetch(public(server, "/static/face-1.svg"))[0] == 200
    # the tablet's routes and the report stay on the LAN
    for path, token in (
        ("/survey/1", None),
        ("/api/v1/counters/1/survey", server.tokens["admin"]),
        ("/api/v1/reports/skm?from=2026-01-01&to=2026-12-31", server.tokens["admin"]),
    ):
        assert fetch(public(server, path), token)[0] == 404, path
    today = json.loads(fetch(server.api + "/health")[2])["today"]
    status, _, body = fetch(
        server.api + f"/reports/skm?from={today}&to={today}", server.tokens["admin"]
    )
    # all 3s and all 4s: NRR 3.5 -> IKM 87.50
    assert status == 200 and json.loads(body)["respondents"] == 2
    assert json.loads(body)["ikm"] == 87.5
