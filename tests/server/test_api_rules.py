"""The queue rules over real HTTP: call a given number, scoped void and re-queue, priority."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.storage.repository import Role
from tests.server.conftest import Clock, Running, StartOffice


async def issue(office: Running, *codes: str, token: str = "kiosk") -> list[dict[str, object]]:
    tickets = []
    for code in codes:
        status, ticket = await office.post(
            "/tickets", token, {"service": code.rstrip("!"), "priority": code.endswith("!")}
        )
        assert status == 201, ticket
        tickets.append(ticket)
    return tickets


def second_kiosk(office: Running) -> dict[str, str]:
    # through the office's own store: SQLite or PostgreSQL, whichever the test runs on
    secret = office.office.store.create_token(Role.KIOSK, "kiosk 2", None, datetime.now(UTC))
    return {"Authorization": f"Bearer {secret}"}


async def test_a_counter_calls_a_given_waiting_number(start_office: StartOffice) -> None:
    office = await start_office()
    await issue(office, "A", "A", "A", "B")
    status, first = await office.post("/counters/2/next", "counter2")
    assert (status, first["number"]) == (200, "A001")
    status, called = await office.post("/counters/2/call", "counter2", {"number": "a003"})
    assert (status, called["number"], called["status"], called["counter"]) == (
        200, "A003", "called", 2,
    )  # fmt: skip
    _, counters = await office.get("/counters")
    assert counters["counters"][1]["current"]["number"] == "A003"
    async with office.session.get(office.api + "/snapshot", headers=office.auth("display")) as got:
        snapshot = await got.json()
    assert [ticket["number"] for ticket in snapshot["waiting"]] == ["A002", "B001"]
    finished = next(t for t in snapshot["recent_calls"] if t["number"] == "A001")
    assert finished["status"] == "done"  # the previous ticket is finished, as with next
    status, again = await office.post("/counters/2/next", "counter2")
    assert again["number"] == "A002"


async def test_calling_a_number_is_refused_with_a_clear_4xx(start_office: StartOffice) -> None:
    office = await start_office()
    await issue(office, "A", "B")
    cases = [
        ("counter1", 1, {"number": "B001"}, 409, "not_served_here"),
        ("counter1", 1, {"number": "A404"}, 404, "unknown_ticket"),
        ("counter1", 1, {}, 400, "bad_request"),
        ("counter1", 1, {"number": 5}, 400, "bad_request"),
        ("counter1", 2, {"number": "A001"}, 403, "forbidden"),
    ]
    for token, counter, body, status, code in cases:
        got_status, got = await office.post(f"/counters/{counter}/call", token, body)
        assert (got_status, got["error"]) == (status, code), (counter, body)
        assert got["message"]
    await office.post("/counters/1/call", "counter1", {"number": "A001"})
    status, body = await office.post("/counters/1/call", "counter1", {"number": "A001"})
    assert (status, body["error"]) == (409, "invalid_state")
    assert "only a waiting one can be called" in body["message"]
    await office.post("/counters/3/pause", "counter3")
    status, body = await office.post("/counters/3/call", "counter3", {"number": "B001"})
    assert (status, body["error"]) == (409, "counter_paused")


async def test_a_counter_requeues_only_tickets_of_its_services(start_office: StartOffice) -> None:
    office = await start_office()
    await issue(office, "B")
    await office.post("/counters/3/next", "counter3")
    await office.post("/counters/3/no-show", "counter3")
    status, body = await office.post("/counters/1/requeue", "counter1", {"number": "B001"})
    assert (status, body["error"]) == (409, "not_served_here")
    assert "counter 1 does not serve" in body["message"]
    status, back = await office.post("/counters/2/requeue", "counter2", {"number": "B001"})
    assert (status, back["status"], back["requeued"]) == (200, "waiting", True)


async def test_a_kiosk_voids_only_the_tickets_it_issued(start_office: StartOffice) -> None:
    office = await start_office()
    (mine,) = await issue(office, "A")
    other_kiosk = second_kiosk(office)
    async with office.session.post(
        f"{office.api}/tickets", json={"service": "A"}, headers=other_kiosk
    ) as answer:
        theirs = await answer.json()
    status, body = await office.post(f"/tickets/{theirs['id']}/void", "kiosk")
    assert (status, body["error"]) == (403, "forbidden")
    assert "another device" in body["message"]
    status, voided = await office.post(f"/tickets/{mine['id']}/void", "kiosk")
    assert (status, voided["status"]) == (200, "voided")
    status, voided = await office.post(f"/tickets/{theirs['id']}/void", "admin")
    assert (status, voided["status"]) == (200, "voided")
    # the owner is stored: after a restart the other kiosk still cannot void it
    (kept,) = await issue(office, "B")
    await office.office.close()
    await office.office.start()
    async with office.session.post(
        f"{office.api}/tickets/{kept['id']}/void", headers=other_kiosk
    ) as answer:
        assert answer.status == 403
    status, voided = await office.post(f"/tickets/{kept['id']}/void", "kiosk")
    assert (status, voided["number"], voided["status"]) == (200, "B001", "voided")


async def test_the_kiosk_learns_the_priority_setting_and_groups(start_office: StartOffice) -> None:
    office = await start_office(
        {"priority": {"enabled": False, "groups": ["lansia", "ibu hamil"], "max_in_row": 3}}
    )
    _, services = await office.get("/services")
    assert services["priority"] == {
        "enabled": False,
        "groups": ["lansia", "ibu hamil"],
        "max_in_row": 3,
        "regular_after_minutes": None,
    }
    async with office.session.get(office.api + "/snapshot", headers=office.auth("kiosk")) as got:
        snapshot = await got.json()
    assert snapshot["priority"] == services["priority"]
    status, body = await office.post("/tickets", "kiosk", {"service": "A", "priority": True})
    assert (status, body["error"]) == (409, "invalid_state")


async def test_fair_priority_through_the_api(start_office: StartOffice) -> None:
    clock = Clock(datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    office = await start_office(
        {"priority": {"max_in_row": 2, "regular_after_minutes": 15}}, clock=clock
    )
    await issue(office, "A", "A!", "A!", "A!", "A!")
    _, services = await office.get("/services")
    assert services["services"][0]["waiting"] == 5
    calls = []
    for _ in range(3):
        _, ticket = await office.post("/counters/1/next", "counter1")
        calls.append(ticket["number"])
    assert calls == ["A002", "A003", "A001"]
    await issue(office, "A")  # A006, regular
    clock.now += timedelta(minutes=16)
    _, ticket = await office.post("/counters/1/next", "counter1")
    assert ticket["number"] == "A006"  # waited longer than 15 minutes
