"""The supervisor's dashboard and `antrian doctor` warn when the active server has no standby
and no replica is visible (PostgreSQL alone on one PC): real server in-process, real PostgreSQL."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import Any

import pytest

from server.storage.port import AccountRole
from tests.server.conftest import Running, StartOffice
from tests.server.test_admin import Browser, add_account

on_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
NO_STANDBY = "Tidak ada server cadangan: bila server ini mati, antrean berhenti"
NO_REPLICA = "Tidak terlihat replika basis data (atau hak melihatnya tidak ada)"


async def servers_block(office: Running, query: str = "") -> dict[str, Any]:
    """The dashboard JSON's `servers`, once the office has read who serves the database."""
    for _ in range(100):
        async with office.session.get(
            f"{office.api}/admin/dashboard{query}", headers=office.auth("admin")
        ) as answer:
            assert answer.status == 200
            view = await answer.json()
        if view.get("servers"):
            return dict(view["servers"])
        await asyncio.sleep(0.1)
    pytest.fail("the dashboard never showed the servers block")


@on_postgresql
async def test_a_lone_server_without_a_replica_is_shown_in_red_on_the_dashboard(
    start_office: StartOffice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = await start_office()
    block = await servers_block(office)
    assert block["title"] == "Server dan basis data"
    assert block["warnings"] == [NO_STANDBY, NO_REPLICA]
    assert len(block["lines"]) == 1 and block["lines"][0].startswith("Server aktif: ")
    english = await servers_block(office, "?lang=en")
    assert english["warnings"] == [
        "No standby server: if this server dies, the queue stops",
        "No database replica visible (or no right to see it)",
    ]
    # the page as the supervisor first sees it: each warning an alert in red
    add_account(office, "rina", AccountRole.SUPERVISOR)
    browser = Browser(office)
    try:
        await browser.sign_in("rina")
        status, page = await browser.get("/admin")
    finally:
        await browser.close()
    assert status == 200
    for warning in (NO_STANDBY, NO_REPLICA):
        assert f'<li class="error" role="alert">{html.escape(warning)}</li>' in page
    # and the doctor of a PC whose display uses this server
    from launcher.doctor import doctor

    config = tmp_path / "antrian.toml"
    config.write_text(
        f'[display]\nserver = "http://127.0.0.1:{office.server.port}"\ndiscovery = false\n'
        f'token = "{office.tokens["display"]}"\n'
    )
    capsys.readouterr()
    await asyncio.to_thread(doctor, str(config), "id", 0.5)
    said = capsys.readouterr().out
    assert "[ OK ] Server aktif basis data: " in said
    assert "[ !! ] Tidak ada server cadangan di basis data ini" in said
    assert "[ !! ] Tidak terlihat replika basis data" in said
