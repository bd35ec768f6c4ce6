"""A second server on the same database is a standby: it writes nothing and says who is active."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow


def call(url: str, token: str | None = None, body: object = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stored(server: LiveServer) -> dict[int, str]:
    return dict(server.stored.rows("SELECT id, number FROM tickets"))


def test_a_second_server_on_the_same_data_is_a_standby_that_writes_nothing(
    tmp_path: Path, database_url: str | None
) -> None:
    first = LiveServer(tmp_path / "data", database=database_url).start()
    second = LiveServer(tmp_path / "data", name="second", database=database_url)
    second.tokens = first.tokens
    try:
        for _ in range(20):
            assert call(f"{first.api}/tickets", first.tokens["kiosk"], {"service": "A"})[0] == 201
        second.start()
        status, health = call(f"{second.api}/health")
        assert status == 200 and health["status"] == "standby"
        assert health["active"]["url"].endswith(f":{first.port}")
        # both get load at once: the active one answers, the standby refuses everything
        answers: dict[str, list[tuple[int, dict[str, Any]]]] = {"first": [], "second": []}

        def kiosk(name: str, server: LiveServer) -> None:
            for _ in range(50):
                answers[name].append(
                    call(f"{server.api}/tickets", first.tokens["kiosk"], {"service": "B"})
                )

        threads = [
            threading.Thread(target=kiosk, args=(name, server))
            for name, server in (("first", first), ("second", second))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {status for status, _ in answers["first"]} == {201}
        assert {(status, body["error"]) for status, body in answers["second"]} == {(503, "standby")}
        assert answers["second"][0][1]["active_url"] == health["active"]["url"]
        status, _ = call(f"{second.api}/snapshot", first.tokens["display"])
        assert status == 503
        on_disk = stored(first)
        assert len(on_disk) == 70
        assert sorted(on_disk.values()) == [f"A{n:03d}" for n in range(1, 21)] + [
            f"B{n:03d}" for n in range(1, 51)
        ]
        assert "standby" in second.log()
    finally:
        second.stop()
        first.stop()


def test_the_first_server_keeps_its_lock_when_a_standby_stops(
    tmp_path: Path, database_url: str | None
) -> None:
    first = LiveServer(tmp_path / "data", database=database_url).start()
    second = LiveServer(tmp_path / "data", name="second", database=database_url)
    second.tokens = first.tokens
    try:
        second.start()
        second.stop()
        third = LiveServer(tmp_path / "data", name="third", database=database_url)
        third.tokens = first.tokens
        third.start()
        assert call(f"{third.api}/health")[1]["status"] == "standby"
        third.stop()
        assert call(f"{first.api}/tickets", first.tokens["kiosk"], {"service": "A"})[0] == 201
    finally:
        first.stop()
