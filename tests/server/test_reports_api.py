"""The reports API driven through a real office day (both engines), figures worked by hand.

Day 1 is Monday 2026-11-23 in Jakarta (+07:00); day 2 the Tuesday after, still "today"
when the reports are read. Service A has a 30-minute waiting standard, B none.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.reports.visit import ended, visit_from_record
from server.storage.port import AccountRole
from tests.server.conftest import Clock, Running, StartOffice
from tests.server.test_admin import Browser, add_account

SETTINGS = {
    "services": [
        {"code": "A", "name": "Administrasi Kependudukan", "target_wait_minutes": 30},
        {"code": "B", "name": "Perizinan"},
    ],
    "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A", "B"]}],
}
JAKARTA = timedelta(hours=7)


def at(day: int, clock_time: str) -> datetime:
    """Office-local 2026-11-(22+day) HH:MM as the UTC moment the server's clock shows."""
    hours, minutes = (int(part) for part in clock_time.split(":"))
    return datetime(2026, 11, 22 + day, hours, minutes, tzinfo=UTC) - JAKARTA


class Day:
    """The test's hands: the kiosk and the counters, at given office-local times."""

    def __init__(self, office: Running) -> None:
        self.office = office
        self.ids: dict[str, int] = {}

    async def issue(self, day: int, clock_time: str, service: str) -> str:
        self.office.clock.now = at(day, clock_time)
        status, ticket = await self.office.post("/tickets", "kiosk", {"service": service})
        assert status == 201, ticket
        self.ids[ticket["number"]] = ticket["id"]
        return str(ticket["number"])

    async def counter(
        self, day: int, clock_time: str, number: int, action: str, body: Any = None
    ) -> dict[str, Any]:
        self.office.clock.now = at(day, clock_time)
        status, answer = await self.office.post(
            f"/counters/{number}/{action}", f"counter{number}", body
        )
        assert status == 200, answer
        return dict(answer)


async def a_day_of_the_office(office: Running) -> None:
    day = Day(office)
    assert await day.issue(1, "08:00", "A") == "A001"
    assert await day.issue(1, "08:05", "A") == "A002"
    assert await day.issue(1, "08:10", "B") == "B001"
    assert await day.issue(1, "08:20", "A") == "A003"
    assert (await day.counter(1, "08:30", 1, "next"))["number"] == "A001"
    await day.counter(1, "08:40", 1, "done")
    await day.counter(1, "08:41", 2, "call", {"number": "A002"})
    await day.counter(1, "08:45", 2, "no-show")
    await day.counter(1, "08:46", 2, "requeue", {"number": "A002"})
    await day.counter(1, "08:50", 1, "call", {"number": "A003"})
    await day.counter(1, "08:52", 1, "transfer", {"service": "B"})
    await day.counter(1, "09:00", 2, "call", {"number": "B001"})
    await day.counter(1, "09:10", 2, "call", {"number": "A003"})  # B001 is done at 09:10
    await day.counter(1, "09:12", 2, "recall")
    await day.counter(1, "09:20", 2, "done")
    await day.counter(1, "09:25", 1, "call", {"number": "A002"})
    await day.counter(1, "09:30", 1, "done")
    await day.issue(1, "10:00", "A")  # A004: its print failed
    office.clock.now = at(1, "10:01")
    status, _ = await office.post(f"/tickets/{day.ids['A004']}/void", "kiosk")
    assert status == 200
    await day.issue(1, "10:05", "A")  # A005: still waiting at midnight
    await day.issue(1, "10:06", "B")  # B002: called, never finished
    await day.counter(1, "10:07", 2, "call", {"number": "B002"})
    # Tuesday: the new day starts at A001 again
    assert await day.issue(2, "08:00", "A") == "A001"
    await day.counter(2, "08:02", 1, "next")
    await day.counter(2, "08:05", 1, "done")
    await day.issue(2, "08:10", "B")  # waiting now: today has not ended
    office.clock.now = at(2, "09:00")


async def read(office: Running, path: str, token: str = "admin") -> tuple[int, Any]:
    async with office.session.get(office.api + path, headers=office.auth(token)) as answer:
        return answer.status, await answer.json()


def stats(mean: float, median: float, p90: float, maximum: float) -> dict[str, float]:
    return {"mean": mean, "median": median, "p90": p90, "max": maximum}


@pytest.fixture
async def office_after_two_days(start_office: StartOffice) -> Running:
    office = await start_office(SETTINGS, clock=Clock(at(1, "07:55")))
    await a_day_of_the_office(office)
    return office


async def test_visits_list_every_ticket_with_its_last_call_and_how_it_ended(
    office_after_two_days: Running,
) -> None:
    status, body = await read(
        office_after_two_days, "/reports/visits?from=2026-11-23&to=2026-11-24"
    )
    assert status == 200
    rows = body["rows"]
    assert [(row["number"], row["status"]) for row in rows] == [
        ("A001", "done"), ("A002", "done"), ("B001", "done"), ("A003", "done"),
        ("A004", "voided"), ("A005", "unserved"), ("B002", "unserved"), ("A001", "done"),
        ("B001", "waiting"),
    ]  # fmt: skip
    a002, a003, b002 = rows[1], rows[3], rows[6]
    # re-queued after a no-show: the call at 09:25 counts (issued 08:05 -> 80 min)
    assert {key: a002[key] for key in ("counter", "wait_s", "service_s", "requeues")} == {
        "counter": 1, "wait_s": 4800.0, "service_s": 300.0, "requeues": 1,
    }  # fmt: skip
    # transferred to B: the call there counts (issued 08:20, called 09:10 -> 50 min)
    assert a003 == {
        "number": "A003", "service": "B", "issued_service": "A", "priority": False,
        "status": "done", "issued_at": "2026-11-23T08:20:00+07:00",
        "called_at": "2026-11-23T09:10:00+07:00", "finished_at": "2026-11-23T09:20:00+07:00",
        "counter": 2, "clerk": None, "wait_s": 3000.0, "service_s": 600.0, "transfers": 1,
        "requeues": 0,
    }  # fmt: skip
    # called, never finished, when the day ended: unserved, no waiting time of its own
    assert (b002["status"], b002["counter"], b002["wait_s"], b002["service_s"]) == (
        "unserved", 2, None, None,
    )  # fmt: skip


async def test_summary_by_day_counts_and_times_as_worked_by_hand(
    office_after_two_days: Running,
) -> None:
    status, body = await read(
        office_after_two_days, "/reports/summary?from=2026-11-23&to=2026-11-24&group=day"
    )
    assert status == 200
    monday, tuesday = body["rows"]
    assert monday == {
        "day": "2026-11-23", "issued": 7, "served": 4, "no_show": 0, "voided": 1,
        "unserved": 2, "transferred": 1, "requeued": 1,
        # waits 1800, 3000, 3000, 4800: p90 at rank 2.7 = 3000 + 0.7 * 1800
        "wait_s": stats(3150.0, 3000.0, 4260.0, 4800.0),
        "service_s": stats(525.0, 600.0, 600.0, 600.0),  # 300, 600, 600, 600
        # A's served visits: A001 waited 1800 s (= the 30 min standard), A002 4800 s
        "within_standard": 0.5,
    }  # fmt: skip
    assert tuesday == {
        "day": "2026-11-24", "issued": 2, "served": 1, "no_show": 0, "voided": 0,
        "unserved": 0, "transferred": 0, "requeued": 0,
        "wait_s": stats(120.0, 120.0, 120.0, 120.0),
        "service_s": stats(180.0, 180.0, 180.0, 180.0), "within_standard": 1.0,
    }  # fmt: skip
    total = body["total"]
    assert (total["issued"], total["served"], total["voided"], total["unserved"]) == (9, 5, 1, 2)
    # waits 120, 1800, 3000, 3000, 4800: mean 12720 / 5; p90 at rank 3.6
    assert total["wait_s"] == stats(2544.0, 3000.0, 4080.0, 4800.0)
    assert total["service_s"] == stats(456.0, 600.0, 600.0, 600.0)
    assert total["within_standard"] == round(2 / 3, 4)
    heatmap = body["heatmap"]
    assert (heatmap[0][8], heatmap[0][10], heatmap[1][8]) == (4, 3, 2)
    assert sum(map(sum, heatmap)) == 9
    assert body["busiest_hours"] == [{"hour": 8, "issued": 6}, {"hour": 10, "issued": 3}]


async def test_summary_by_service_and_by_counter(office_after_two_days: Running) -> None:
    query = "/reports/summary?from=2026-11-23&to=2026-11-24&group="
    _, by_service = await read(office_after_two_days, query + "service")
    service_a, service_b = by_service["rows"]
    assert (service_a["service"], service_a["issued"], service_a["served"]) == ("A", 5, 3)
    assert (service_a["voided"], service_a["unserved"], service_a["requeued"]) == (1, 1, 1)
    assert service_a["wait_s"] == stats(2240.0, 1800.0, 4200.0, 4800.0)  # 120, 1800, 4800
    assert service_a["within_standard"] == round(2 / 3, 4)
    assert (service_b["service"], service_b["issued"], service_b["transferred"]) == ("B", 4, 1)
    assert service_b["wait_s"] == stats(3000.0, 3000.0, 3000.0, 3000.0)
    assert service_b["within_standard"] is None  # B has no standard
    _, by_counter = await read(office_after_two_days, query + "counter,service")
    assert [(row["counter"], row["service"], row["issued"]) for row in by_counter["rows"]] == [
        (1, "A", 3), (2, "B", 3), (None, "A", 2), (None, "B", 1),
    ]  # fmt: skip
    _, counter_2 = await read(
        office_after_two_days, "/reports/visits?from=2026-11-23&to=2026-11-23&counter=2"
    )
    assert [row["number"] for row in counter_2["rows"]] == ["B001", "A003", "B002"]


async def test_an_empty_range_gives_zero_counts_and_null_figures(
    office_after_two_days: Running,
) -> None:
    status, body = await read(
        office_after_two_days, "/reports/summary?from=2026-10-01&to=2026-10-31&group=day"
    )
    assert status == 200
    assert body["rows"] == [] and body["busiest_hours"] == []
    assert body["total"]["issued"] == 0
    assert body["total"]["wait_s"] == {"mean": None, "median": None, "p90": None, "max": None}
    assert body["total"]["within_standard"] is None


async def test_csv_downloads_open_in_a_spreadsheet_with_indonesian_headers(
    office_after_two_days: Running,
) -> None:
    office = office_after_two_days
    async with office.session.get(
        office.api + "/reports/visits?from=2026-11-23&to=2026-11-23&format=csv",
        headers=office.auth("admin"),
    ) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert "kunjungan-2026-11-23-2026-11-23.csv" in answer.headers["Content-Disposition"]
        raw = await answer.read()
    assert raw.startswith(b'\xef\xbb\xbf"Nomor","Layanan",')
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Nomor", "Layanan", "Layanan awal", "Prioritas", "Status"]
    assert rows[4][:8] == [
        "A003", "B", "A", "tidak", "selesai", "2026-11-23 08:20:00", "2026-11-23 09:10:00",
        "2026-11-23 09:20:00",
    ]  # fmt: skip
    assert rows[6][4] == "tidak terlayani" and len(rows) == 1 + 7
    async with office.session.get(
        office.api + "/reports/summary?from=2026-11-23&to=2026-11-24&group=weekday&format=csv"
        "&lang=en",
        headers=office.auth("admin"),
    ) as answer:
        text = (await answer.read()).decode("utf-8-sig")
    summary = list(csv.reader(io.StringIO(text)))
    assert summary[0][:3] == ["Weekday", "Issued", "Served"]
    assert [row[:3] for row in summary[1:]] == [
        ["Monday", "7", "4"], ["Tuesday", "2", "1"], ["Total", "9", "5"],
    ]  # fmt: skip
    assert summary[1][-1] == "50.0"  # within standard, in percent


async def test_the_clerk_of_the_final_call_is_reported(start_office: StartOffice) -> None:
    office = await start_office(SETTINGS, clock=Clock(at(1, "08:00")))
    day = Day(office)
    await day.issue(1, "08:00", "A")
    await day.issue(1, "08:01", "A")
    office.clock.now = at(1, "08:05")
    await office.office.perform(lambda queue, now: queue.call_next(1, now), clerk="Siti")
    office.clock.now = at(1, "08:09")
    await office.office.perform(lambda queue, now: queue.call_next(1, now), clerk="Budi")
    await day.counter(1, "08:15", 1, "done")
    _, body = await read(office, "/reports/summary?from=2026-11-23&to=2026-11-23&group=clerk")
    assert [(row["clerk"], row["served"]) for row in body["rows"]] == [("Budi", 1), ("Siti", 1)]
    # the record carries it too: the city rebuilds visits from the events' tickets
    events = await office.office.events_after(0, 100)
    called = [event for event in events if event.type == "ticket.called"]
    assert [event.tickets[-1]["clerk"] for event in called] == ["Siti", "Budi"]


async def test_a_supervisor_session_reads_reports_and_other_roles_may_not(
    start_office: StartOffice,
) -> None:
    office = await start_office(SETTINGS)
    path = "/reports/summary?from=2026-11-23&to=2026-11-23"
    for token in ("kiosk", "counter1", "display"):
        status, body = await read(office, path, token)
        assert (status, body["error"]) == (403, "forbidden")
    async with office.session.get(office.api + path) as answer:
        assert answer.status == 401
    add_account(office, "ani", AccountRole.SUPERVISOR)
    browser = Browser(office)
    try:
        await browser.sign_in("ani")
        async with browser.session.get(browser.base + "/api/v1" + path) as answer:
            assert answer.status == 200
            assert (await answer.json())["total"]["issued"] == 0
    finally:
        await browser.close()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("to=2026-11-23", "parameter 'from' wajib diisi (tanggal YYYY-MM-DD)"),
        ("from=23-11-2026&to=2026-11-23", "'from' harus tanggal berbentuk YYYY-MM-DD"),
        ("from=2026-02-30&to=2026-03-01", "'from' bukan tanggal yang ada: 2026-02-30"),
        ("from=2026-11-24&to=2026-11-23", "'to' (2026-11-23) lebih awal dari 'from'"),
        ("from=2025-01-01&to=2026-01-02", "rentang laporan paling lama 366 hari"),
        ("from=2026-11-23&to=2026-11-23&group=day,tahun", "pengelompokan tidak dikenal"),
        ("from=2026-11-23&to=2026-11-23&group=day,day", "pengelompokan day disebut dua kali"),
        ("from=2026-11-23&to=2026-11-23&counter=satu", "'counter' harus nomor loket"),
        ("from=2026-11-23&to=2026-11-23&service=%3Cb%3E", "'service' harus kode layanan"),
        ("from=2026-11-23&to=2026-11-23&format=docx", "format tidak dikenal"),
        ("from=２０２６-11-23&to=2026-11-23", "'from' harus tanggal berbentuk YYYY-MM-DD"),
    ],
)
async def test_bad_report_requests_are_400_in_indonesian(
    start_office: StartOffice, query: str, message: str
) -> None:
    office = await start_office(SETTINGS)
    for report in ("visits", "summary"):
        if "group=" in query and report == "visits":
            continue
        status, body = await read(office, f"/reports/{report}?{query}")
        assert (status, body["error"]) == (400, "bad_request"), body
        assert message in body["message"]


async def test_bad_requests_answer_in_english_on_request(start_office: StartOffice) -> None:
    office = await start_office(SETTINGS)
    status, body = await read(office, "/reports/summary?from=2026-11-24&to=2026-11-23&lang=en")
    assert (status, body["message"]) == (400, "'to' (2026-11-23) is before 'from' (2026-11-24)")


async def test_visits_rebuilt_from_the_record_match_the_report(
    office_after_two_days: Running,
) -> None:
    office = office_after_two_days
    status, log = await read(office, "/log?after=0&limit=1000")
    assert status == 200
    latest: dict[int, dict[str, Any]] = {}
    for event in log["events"]:
        for record in event["tickets"]:
            latest[record["id"]] = record  # the last state of each ticket wins
    today = at(2, "09:00").astimezone(ZoneInfo("Asia/Jakarta")).date()
    rebuilt = ended([visit_from_record(latest[key]) for key in sorted(latest)], today)
    _, report = await read(office, "/reports/visits?from=2026-11-23&to=2026-11-24")
    assert [visit.to_json(ZoneInfo("Asia/Jakarta")) for visit in rebuilt] == report["rows"]
