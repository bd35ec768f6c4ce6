"""A clerk signs in at a counter with a name and PIN: the record, the devices and /admin
name who served, across a restart; wrong PINs, disabled and non-clerk accounts are refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from server.accounts import FAILURES_ALLOWED, hash_secret
from server.storage.port import AccountRole
from tests.server.conftest import Clock, Running, StartOffice

PIN = "2468"
JAKARTA = ZoneInfo("Asia/Jakarta")


def add_clerk(office: Running, name: str, pin: str = PIN) -> None:
    office.office.store.create_account(name, AccountRole.CLERK, hash_secret(pin), datetime.now(UTC))


async def log_events(office: Running) -> list[dict[str, Any]]:
    async with office.session.get(office.api + "/log", headers=office.auth("admin")) as answer:
        events: list[dict[str, Any]] = (await answer.json())["events"]
    return events


async def clerks_shown(office: Running) -> dict[int, str | None]:
    _, body = await office.get("/counters")
    return {counter["number"]: counter["clerk"] for counter in body["counters"]}


async def test_a_signed_in_clerk_is_named_on_every_call_and_kept_across_a_restart(
    start_office: StartOffice, tmp_path: Path
) -> None:
    office = await start_office()
    add_clerk(office, "Siti Rahma")
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/tickets", "kiosk", {"service": "A"})
    # typed in another case: the account's own spelling is what is recorded
    status, counter = await office.post(
        "/counters/1/sign-in", "counter1", {"name": "siti rahma", "pin": PIN}
    )
    assert (status, counter["number"], counter["clerk"]) == (200, 1, "Siti Rahma")
    await office.post("/counters/1/next", "counter1")
    await office.post("/counters/1/next", "counter1")  # finishes A001, calls A002
    await office.post("/counters/1/no-show", "counter1")
    assert await clerks_shown(office) == {1: "Siti Rahma", 2: None, 3: None}
    events = await log_events(office)
    assert [(event["type"], event["counter"], event["clerk"]) for event in events[2:]] == [
        ("clerk.signed_in", 1, "Siti Rahma"),
        ("ticket.called", 1, "Siti Rahma"),
        ("ticket.called", 1, "Siti Rahma"),
        ("ticket.no_show", 1, "Siti Rahma"),
    ]
    async with office.session.get(office.api + "/snapshot", headers=office.auth("display")) as got:
        snapshot = await got.json()
    assert snapshot["counters"][0]["clerk"] == "Siti Rahma"
    dashboard_url = office.api + "/admin/dashboard"
    async with office.session.get(dashboard_url, headers=office.auth("admin")) as got:
        dashboard = await got.json()
    assert [(row["name"], row["clerk_text"]) for row in dashboard["counters"]] == [
        ("Loket 1", "Siti Rahma"), ("Loket 2", "—"), ("Loket 3", "—"),
    ]  # fmt: skip

    await office.session.close()
    await office.server.close()
    await office.office.close()
    again = await start_office(data_dir=tmp_path / "data")
    assert await clerks_shown(again) == {1: "Siti Rahma", 2: None, 3: None}
    status, counter = await again.post("/counters/1/sign-out", "counter1")
    assert (status, counter["clerk"]) == (200, None)
    await again.post("/tickets", "kiosk", {"service": "A"})
    await again.post("/counters/1/next", "counter1")
    events = await log_events(again)
    assert [(event["type"], event["clerk"]) for event in events[-3:]] == [
        ("clerk.signed_out", "Siti Rahma"),
        ("ticket.issued", None),
        ("ticket.called", None),  # without a sign-in the counter works as before
    ]


async def test_wrong_pins_unknown_names_and_disabled_accounts_are_refused_in_indonesian(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    add_clerk(office, "Siti")
    add_clerk(office, "Budi", "13579")
    office.office.store.create_account(
        "Rina", AccountRole.SUPERVISOR, hash_secret("kata-sandi-rahasia"), datetime.now(UTC)
    )
    office.office.store.disable_account("Budi", datetime.now(UTC))
    for body in ({"name": "Siti", "pin": "1111"}, {"name": "Nobody", "pin": PIN},
                 {"name": "Budi", "pin": "13579"}):  # fmt: skip
        status, answer = await office.post("/counters/2/sign-in", "counter2", body)
        assert (status, answer) == (401, {"error": "wrong_pin", "message": "Nama atau PIN salah."})
    status, answer = await office.post(
        "/counters/2/sign-in", "counter2", {"name": "Rina", "pin": "kata-sandi-rahasia"}
    )
    assert (status, answer["error"]) == (403, "not_a_clerk")
    assert "bukan akun petugas loket" in answer["message"]
    status, answer = await office.post("/counters/2/sign-in", "counter2", {"name": "Siti"})
    assert (status, answer["error"], answer["message"]) == (
        400, "bad_request", "PIN harus diisi (teks, paling banyak 64).",
    )  # fmt: skip
    status, answer = await office.post("/counters/1/sign-in", "counter2", {"name": "Siti"})
    assert (status, answer["error"]) == (403, "forbidden")  # another loket's token
    status, answer = await office.post("/counters/9/sign-in", "admin", {"name": "S", "pin": PIN})
    assert (status, answer["error"]) == (404, "unknown_counter")
    assert await clerks_shown(office) == {1: None, 2: None, 3: None}
    assert [event["type"] for event in await log_events(office)] == []


async def test_the_fifth_wrong_pin_locks_that_name_out_for_a_while(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    add_clerk(office, "Siti")
    answers = []
    for _ in range(FAILURES_ALLOWED):
        answers.append(
            await office.post("/counters/3/sign-in", "counter3", {"name": "Siti", "pin": "0000"})
        )
    assert [status for status, _ in answers] == [401] * (FAILURES_ALLOWED - 1) + [429]
    status, answer = await office.post(
        "/counters/3/sign-in", "counter3", {"name": "Siti", "pin": PIN}
    )  # even the right PIN, until the window has passed
    assert (status, answer["error"]) == (429, "too_many_attempts")
    assert answer["message"] == "Terlalu banyak percobaan; coba lagi dalam 5 menit."


async def test_a_clerk_signing_in_at_a_second_counter_is_signed_out_of_the_first(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    add_clerk(office, "Siti")
    add_clerk(office, "Budi", "13579")
    await office.post("/counters/1/sign-in", "counter1", {"name": "Siti", "pin": PIN})
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    snapshot = await asyncio.wait_for(socket.receive_json(), timeout=5)
    assert snapshot["counters"][0]["clerk"] == "Siti"
    await office.post("/counters/2/sign-in", "counter2", {"name": "Siti", "pin": PIN})
    assert await clerks_shown(office) == {1: None, 2: "Siti", 3: None}
    told = [await asyncio.wait_for(socket.receive_json(), timeout=5) for _ in range(2)]
    assert [(m["type"], m["counter"]["number"], m["counter"]["clerk"]) for m in told] == [
        ("counter.changed", 1, None),
        ("counter.changed", 2, "Siti"),
    ]
    # another clerk at the same counter takes it over
    await office.post("/counters/2/sign-in", "counter2", {"name": "Budi", "pin": "13579"})
    assert await clerks_shown(office) == {1: None, 2: "Budi", 3: None}
    events = await log_events(office)
    assert [(event["type"], event["counter"], event["clerk"]) for event in events] == [
        ("clerk.signed_in", 1, "Siti"),
        ("clerk.signed_out", 1, "Siti"),
        ("clerk.signed_in", 2, "Siti"),
        ("clerk.signed_out", 2, "Siti"),
        ("clerk.signed_in", 2, "Budi"),
    ]
    await socket.close()


async def test_a_sign_in_lasts_the_day(start_office: StartOffice) -> None:
    clock = Clock(datetime(2026, 11, 24, 23, 58, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    add_clerk(office, "Siti")
    await office.post("/counters/1/sign-in", "counter1", {"name": "Siti", "pin": PIN})
    assert (await clerks_shown(office))[1] == "Siti"
    clock.now = datetime(2026, 11, 25, 0, 0, 1, tzinfo=JAKARTA)
    office.office.tick()
    assert (await clerks_shown(office))[1] is None


async def test_the_visits_report_names_the_clerk_who_served(start_office: StartOffice) -> None:
    clock = Clock(datetime(2026, 11, 24, 9, 0, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    add_clerk(office, "Siti")
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/counters/1/next", "counter1")  # A001 before anyone signed in
    await office.post("/counters/1/sign-in", "counter1", {"name": "Siti", "pin": PIN})
    await office.post("/counters/1/next", "counter1")  # A002 by Siti
    await office.post("/counters/1/done", "counter1")
    url = office.api + "/reports/visits?from=2026-11-24&to=2026-11-24"
    async with office.session.get(url, headers=office.auth("admin")) as answer:
        rows = (await answer.json())["rows"]
    assert [(row["number"], row["clerk"]) for row in rows] == [("A001", None), ("A002", "Siti")]
