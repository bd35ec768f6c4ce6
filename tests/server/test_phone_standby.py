"""A phone that reaches a standby server is sent on to the active one."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments: object, **options: object) -> None:
        return None


def test_a_standby_redirects_the_phone_page_to_the_active_server(tmp_path: Path) -> None:
    first = LiveServer(tmp_path / "data").start()
    second = LiveServer(tmp_path / "data", name="second")
    second.tokens = first.tokens
    try:
        request = urllib.request.Request(
            f"{first.api}/tickets",
            data=json.dumps({"service": "A"}).encode(),
            headers={"Authorization": f"Bearer {first.tokens['kiosk']}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            ticket = json.loads(answer.read())
        path = "/t/" + ticket["check_url"].split("/t/", 1)[1]
        second.start()
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(second.url + path, timeout=10)
        assert redirected.value.code == 302
        location = redirected.value.headers["Location"]
        redirected.value.close()
        assert location.endswith(f":{first.port}{path}")
        with urllib.request.urlopen(first.url + path, timeout=10) as answer:
            assert "A001" in answer.read().decode()
    finally:
        second.stop()
        first.stop()
