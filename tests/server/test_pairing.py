"""Pairing over the real API: a device asks for a code, an admin approves it, the device
collects its token once; and `antrian-server pair` doing the approval at the server PC."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from server.pairing import CODE_ALPHABET, CODE_LENGTH, MAX_PER_ADDRESS_PER_WINDOW
from tests.server.conftest import Running, StartOffice
from tests.support.live_server import LiveServer


async def start_pairing(office: Running, body: Any = None) -> tuple[int, Any]:
    return await office.post("/pairings", None, body)


async def poll(office: Running, pairing_id: str, wait_s: int = 0) -> tuple[int, Any]:
    return await office.get(f"/pairings/{pairing_id}?wait={wait_s}")


async def identity(office: Running, token: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with office.session.get(office.api + "/device", headers=headers) as answer:
        return answer.status, await answer.json()


async def pending(office: Running, token: str | None = "admin") -> tuple[int, Any]:
    headers = office.auth(token) if token else {}
    async with office.session.get(office.api + "/pairings", headers=headers) as answer:
        return answer.status, await answer.json()


async def test_a_device_gets_a_short_code_and_its_token_once_after_approval(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    status, started = await start_pairing(office, {"device": "tv"})
    assert status == 201
    assert set(started) == {"id", "code", "code_display", "expires_at"}
    assert len(started["code"]) == CODE_LENGTH
    assert set(started["code"]) <= set(CODE_ALPHABET)
    assert started["code_display"] == f"{started['code'][:3]} {started['code'][3:]}"
    assert len(started["id"]) >= 32  # the device's secret: only it can collect the token
    status, waiting = await poll(office, started["id"])
    assert status == 200 and waiting["status"] == "pending"
    status, listed = await pending(office)
    assert status == 200
    assert [(p["code"], p["device"]) for p in listed["pairings"]] == [(started["code"], "tv")]
    assert "id" not in listed["pairings"][0]
    typed = f" {started['code'][:3].lower()}-{started['code'][3:]} "  # as a person types it
    status, approved = await office.post(
        f"/pairings/{typed}/approve", "admin", {"role": "display", "name": "TV ruang tunggu"}
    )
    assert status == 201
    assert approved == {
        "code": started["code"], "role": "display", "counter": None, "name": "TV ruang tunggu",
    }  # fmt: skip
    assert (await pending(office))[1]["pairings"] == []
    status, granted = await poll(office, started["id"])
    assert status == 200
    assert granted["status"] == "approved" and granted["role"] == "display"
    assert granted["token"].startswith("ant_")
    status, who = await identity(office, granted["token"])
    assert (status, who) == (200, {"role": "display", "counter": None, "name": "TV ruang tunggu"})
    status, again = await poll(office, started["id"])
    assert (status, again["error"]) == (404, "unknown_pairing")  # collected: never twice


async def test_a_long_poll_answers_as_soon_as_the_code_is_approved(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    _, started = await start_pairing(office)
    waiting = asyncio.create_task(poll(office, started["id"], wait_s=10))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    approved_at = time.monotonic()
    status, _ = await office.post(
        f"/pairings/{started['code']}/approve",
        "admin",
        {"role": "counter", "counter": 2, "name": "PC loket 2"},
    )
    assert status == 201
    status, granted = await waiting
    assert time.monotonic() - approved_at < 0.5
    assert (granted["role"], granted["counter"]) == ("counter", 2)
    headers = {"Authorization": f"Bearer {granted['token']}"}
    async with office.session.post(office.api + "/counters/2/pause", headers=headers) as answer:
        assert answer.status == 200 and (await answer.json())["state"] == "paused"


async def test_only_an_admin_lists_and_approves(start_office: StartOffice) -> None:
    office = await start_office()
    _, started = await start_pairing(office)
    assert (await pending(office, None))[0] == 401
    assert (await pending(office, "display"))[0] == 403
    body = {"role": "display", "name": "TV"}
    status, refused = await office.post(f"/pairings/{started['code']}/approve", "counter1", body)
    assert (status, refused["error"]) == (403, "forbidden")
    status, refused = await office.post(f"/pairings/{started['code']}/approve", None, body)
    assert status == 401
    assert (await poll(office, started["id"]))[1]["status"] == "pending"


async def test_an_approval_must_name_a_pairable_role_and_a_real_counter(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    _, started = await start_pairing(office)
    path = f"/pairings/{started['code']}/approve"
    cases = [
        ({"role": "admin", "name": "x"}, 400, "bad_request"),
        ({"role": "counter", "name": "x"}, 400, "bad_request"),
        ({"role": "counter", "counter": "2", "name": "x"}, 400, "bad_request"),
        ({"role": "counter", "counter": 99, "name": "x"}, 404, "unknown_counter"),
        ({"role": "display", "counter": 1, "name": "x"}, 400, "bad_request"),
        ({"role": "display"}, 400, "bad_request"),
        ({"role": "display", "name": ""}, 400, "bad_request"),
    ]
    for body, status, code in cases:
        answer_status, answer = await office.post(path, "admin", body)
        assert (answer_status, answer["error"]) == (status, code), body
    status, answer = await office.post(
        "/pairings/ZZZZZZ/approve", "admin", {"role": "kiosk", "name": "k"}
    )
    assert (status, answer["error"]) == (404, "unknown_pairing")
    status, _ = await office.post(path, "admin", {"role": "kiosk", "name": "Kios depan"})
    assert status == 201
    status, answer = await office.post(path, "admin", {"role": "kiosk", "name": "Kios 2"})
    assert (status, answer["error"]) == (409, "already_approved")


async def test_new_pairings_are_rate_limited_per_address(start_office: StartOffice) -> None:
    office = await start_office()
    for _ in range(MAX_PER_ADDRESS_PER_WINDOW):
        assert (await start_pairing(office))[0] == 201
    status, answer = await start_pairing(office)
    assert (status, answer["error"]) == (429, "too_many_pairings")
    office.clock.now += timedelta(minutes=1, seconds=1)
    assert (await start_pairing(office))[0] == 201


async def test_a_code_expires_after_ten_minutes(start_office: StartOffice) -> None:
    office = await start_office()
    _, started = await start_pairing(office)
    office.clock.now += timedelta(minutes=10, seconds=1)
    assert (await poll(office, started["id"]))[0] == 404
    status, answer = await office.post(
        f"/pairings/{started['code']}/approve", "admin", {"role": "display", "name": "TV"}
    )
    assert (status, answer["error"]) == (404, "unknown_pairing")
    assert (await pending(office))[1]["pairings"] == []


async def test_garbage_is_refused_politely(start_office: StartOffice) -> None:
    office = await start_office()
    assert (await office.post("/pairings", None, b"[1, 2]"))[0] == 400
    assert (await office.get("/pairings/nope?wait=-1"))[0] == 400
    assert (await office.get("/pairings/nope?wait=%D9%A3"))[0] == 400
    assert (await office.get("/pairings/nope"))[0] == 404
    _, started = await start_pairing(office, {"device": "<script>"})
    listed = (await pending(office))[1]["pairings"]
    assert listed[0]["device"] is None  # only known kinds are kept
    assert started["code"] == listed[0]["code"]


def _post(url: str, body: Any = None) -> Any:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def test_the_supervisor_approves_a_code_at_the_server_pc(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data").start()
    try:
        started = _post(f"{server.api}/pairings", {"device": "loket"})
        command = [*server._base_command(), "pair"]
        listed = subprocess.run(
            [*command, "list"], capture_output=True, text=True, timeout=30, check=True
        )
        assert started["code_display"] in listed.stdout and "loket" in listed.stdout
        approved = subprocess.run(
            [*command, "approve", started["code"].lower(), "--role", "counter", "--counter", "3",
             "--name", "PC loket 3"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert approved.returncode == 0, approved.stderr
        assert "PC loket 3" in approved.stdout
        granted = _get(f"{server.api}/pairings/{started['id']}")
        assert (granted["role"], granted["counter"]) == ("counter", 3)
        wrong = subprocess.run(
            [*command, "approve", "ACDEFG", "--role", "display", "--name", "TV"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert wrong.returncode == 2 and "ACDEFG" in wrong.stderr
        tokens = subprocess.run(
            [*server._base_command(), "token", "list"], capture_output=True, text=True, timeout=30
        ).stdout
        assert "PC loket 3" in tokens
        # the one-time admin token the command used is revoked at once
        helpers = [line for line in tokens.splitlines() if "pair-cli" in line]
        assert helpers and all("REVOKED" in line for line in helpers)
    finally:
        server.stop()
