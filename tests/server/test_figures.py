"""Today's average wait (and the latest IKM) for the waiting room: in the snapshot and in the
events that move it, computed from the visitors served; `[office] show_figures = false`
leaves them out."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.figures import average_wait_s
from server.domain.model import Lane, Ticket, TicketStatus
from tests.server.conftest import Clock, Running, StartOffice

JAKARTA = ZoneInfo("Asia/Jakarta")


async def snapshot(office: Running) -> dict[str, Any]:
    async with office.session.get(office.api + "/snapshot", headers=office.auth("display")) as got:
        body: dict[str, Any] = await got.json()
    return body


async def serve_two_visitors(office: Running, clock: Clock) -> None:
    """A001 issued 08:00, called 08:12; A002 issued 08:10, called 08:30 (A001 done) and
    finished 08:40: waits of 12 and 20 minutes."""
    clock.now = datetime(2026, 11, 24, 8, 0, tzinfo=JAKARTA)
    await office.post("/tickets", "kiosk", {"service": "A"})
    clock.now += timedelta(minutes=10)
    await office.post("/tickets", "kiosk", {"service": "A"})
    clock.now += timedelta(minutes=2)
    await office.post("/counters/1/next", "counter1")  # A001 at 08:12
    clock.now += timedelta(minutes=18)
    await office.post("/counters/1/next", "counter1")  # A001 done, A002 at 08:30
    clock.now += timedelta(minutes=10)
    await office.post("/counters/1/done", "counter1")


async def test_the_average_wait_of_todays_served_visitors_reaches_the_devices(
    start_office: StartOffice,
) -> None:
    clock = Clock(datetime(2026, 11, 24, 7, 55, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    assert (await snapshot(office))["figures"] == {
        "avg_wait_s_today": None, "served_today": 0, "ikm": None, "ikm_month": None,
        "grade": None,
    }  # fmt: skip
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    await asyncio.wait_for(socket.receive_json(), timeout=5)  # the snapshot
    await serve_two_visitors(office, clock)
    told = [await asyncio.wait_for(socket.receive_json(), timeout=5) for _ in range(5)]
    figures = [(message["type"], message.get("figures")) for message in told]
    assert [kind for kind, _ in figures] == [
        "ticket.issued", "ticket.issued", "ticket.called", "ticket.called", "ticket.done",
    ]  # fmt: skip
    # only a change that served someone carries the figures: 12 min, then (12 + 20) / 2
    assert [item[1] and item[1]["avg_wait_s_today"] for item in figures] == [
        None, None, None, 12 * 60, 16 * 60,
    ]  # fmt: skip
    assert told[-1]["figures"]["served_today"] == 2
    assert (await snapshot(office))["figures"]["avg_wait_s_today"] == 16 * 60
    await socket.close()


async def test_show_figures_off_leaves_them_out_of_the_snapshot_and_the_events(
    start_office: StartOffice,
) -> None:
    clock = Clock(datetime(2026, 11, 24, 7, 55, tzinfo=JAKARTA))
    office = await start_office({"office": {"show_figures": False}}, clock=clock)
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    first = await asyncio.wait_for(socket.receive_json(), timeout=5)
    assert "figures" not in first
    await serve_two_visitors(office, clock)
    told = [await asyncio.wait_for(socket.receive_json(), timeout=5) for _ in range(5)]
    assert all("figures" not in message for message in told)
    async with office.session.get(office.api + "/settings", headers=office.auth("admin")) as got:
        assert (await got.json())["office"]["show_figures"] is False
    await socket.close()


def domain_ticket(
    ticket_id: int, issued_at: datetime, status: TicketStatus, called_at: datetime | None = None
) -> Ticket:
    return Ticket(
        id=ticket_id, day=issued_at.date(), number=f"A{ticket_id:03d}", sequence=ticket_id,
        issued_service="A", service="A", priority=False, status=status, issued_at=issued_at,
        lane=Lane.REGULAR, sort_key=float(ticket_id), key="k", called_at=called_at,
    )  # fmt: skip


def test_the_average_counts_only_served_tickets_by_their_last_call() -> None:
    issued = datetime(2026, 11, 24, 8, 0, tzinfo=JAKARTA)
    done = TicketStatus.DONE
    served = domain_ticket(1, issued, done, issued + timedelta(seconds=61))
    also = domain_ticket(2, issued, done, issued + timedelta(seconds=120))
    waiting = domain_ticket(3, issued, TicketStatus.WAITING)
    missed = domain_ticket(4, issued, TicketStatus.NO_SHOW, issued + timedelta(hours=1))
    assert average_wait_s([served, also, waiting, missed]) == 91  # (61 + 120) / 2 = 90.5
    assert average_wait_s([waiting]) is None
