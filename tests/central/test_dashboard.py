"""The city dashboard and `GET /api/v1/city/offices`: figures from the pushed events."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import pytest

from central.store import CentralStore
from server.accounts import hash_secret
from server.storage.port import AccountRole
from tests.support.central import RunningCentral, running_central
from tests.support.postgres import Cluster

INGEST = "/api/v1/city/ingest"
LOG = str(uuid.uuid4())
PASSWORD = "rahasia-kota-1"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.fromisoformat("2026-12-01T09:00+07:00"))

    def __call__(self) -> datetime:
        return self.now


def ticket(ticket_id: int, status: str, issued: str, called: str | None = None) -> dict[str, Any]:
    return {
        "id": ticket_id, "day": "2026-12-01", "number": f"A{ticket_id:03d}",
        "issued_service": "A", "service": "A", "priority": False, "status": status,
        "issued_at": f"2026-12-01T{issued}:00+07:00", "counter": 1 if called else None,
        "called_at": f"2026-12-01T{called}:00+07:00" if called else None, "finished_at": None,
        "recalls": 0, "requeued": False, "transferred_from": None,
    }  # fmt: skip


def event(
    event_id: int, kind: str, at: str, tickets: list[dict[str, Any]], **data: Any
) -> dict[str, Any]:
    return {
        "id": event_id, "v": 1, "type": kind, "at": f"2026-12-01T{at}:00+07:00",
        "day": "2026-12-01", "office": "Kecamatan Karawaci",
        "ticket": tickets[0]["id"] if tickets else None, "tickets": tickets, "counter": None,
        "clerk": None, "data": data,
    }  # fmt: skip


# by hand: A001 waited 5 min, A002 20 min (both served), A003 waits since 08:20;
# loket 1 open, loket 2 paused; two survey answers (all 4s, all 3s)
EVENTS = [
    event(1, "ticket.issued", "08:00", [ticket(1, "waiting", "08:00")]),
    event(2, "ticket.issued", "08:10", [ticket(2, "waiting", "08:10")]),
    event(3, "ticket.called", "08:05", [ticket(1, "called", "08:00", "08:05")],
          counters=[{"number": 1, "state": "open", "current": 1}]),
    event(4, "ticket.issued", "08:20", [ticket(3, "waiting", "08:20")]),
    event(5, "ticket.done", "08:15", [ticket(1, "done", "08:00", "08:05")]),
    event(6, "ticket.called", "08:30", [ticket(2, "called", "08:10", "08:30")]),
    event(7, "ticket.done", "08:40", [ticket(2, "done", "08:10", "08:30")],
          counters=[{"number": 1, "state": "open", "current": None}]),
    event(8, "counter.changed", "08:41", [], counters=[{"number": 2, "state": "paused"}]),
    event(9, "survey.answered", "08:42", [], answers={f"u{i}": 4 for i in range(1, 10)}),
    event(10, "survey.answered", "08:43", [], answers={f"u{i}": 3 for i in range(1, 10)}),
]  # fmt: skip


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def central(postgres_cluster: Cluster, clock: Clock) -> AsyncIterator[RunningCentral]:
    async with running_central(postgres_cluster, clock) as running:
        _office_id, token = await running.add_office("Kecamatan Karawaci")
        await running.add_office("Kecamatan Cipondoh")  # never connected
        batch = {"log_id": LOG, "events": EVENTS, "targets": {"A": 10}}
        assert (await running.call("POST", INGEST, token, batch))[0] == 200
        yield running


async def test_the_offices_api_gives_each_office_s_figures(central: RunningCentral) -> None:
    offices = await central.offices()
    karawaci = offices["Kecamatan Karawaci"]
    assert karawaci["today"] == {"issued": 3, "served": 2, "waiting": 1, "no_show": 0}
    assert karawaci["wait_s"] == {"mean": 750.0, "median": 750.0, "p90": 1110.0, "max": 1200.0}
    assert karawaci["longest_wait_s"] == 40 * 60
    assert karawaci["counters_open"] == 1
    assert karawaci["within_standard"] == 0.5
    assert karawaci["ikm_month"] == 87.5  # NRR 3.5 for each element × 25
    assert karawaci["last_event_id"] == 10
    assert karawaci["stale"] is False
    assert karawaci["day"] == "2026-12-01"
    cipondoh = offices["Kecamatan Cipondoh"]
    assert cipondoh["last_seen"] is None and cipondoh["stale"] is True
    assert cipondoh["today"] == {"issued": 0, "served": 0, "waiting": 0, "no_show": 0}
    assert cipondoh["wait_s"]["mean"] is None and cipondoh["ikm_month"] is None


async def test_an_office_not_heard_of_for_minutes_is_stale(
    central: RunningCentral, clock: Clock
) -> None:
    clock.now += timedelta(minutes=3)
    assert (await central.offices())["Kecamatan Karawaci"]["stale"] is True


async def sign_in(central: RunningCentral, session: aiohttp.ClientSession) -> None:
    store: CentralStore = central.store
    store.accounts.create("walikota", AccountRole.SUPERVISOR, hash_secret(PASSWORD), Clock()())
    async with session.get(central.url + "/login") as answer:
        page = await answer.text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    form = {"csrf": csrf[1], "name": "walikota", "password": PASSWORD}
    async with session.post(central.url + "/login", data=form, allow_redirects=False) as answer:
        assert answer.status == 303


async def test_the_dashboard_shows_every_office_side_by_side(
    central: RunningCentral, clock: Clock
) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(central.url + "/", allow_redirects=False) as answer:
            assert (answer.status, answer.headers["Location"]) == (303, "/login")
        await sign_in(central, session)
        clock.now += timedelta(minutes=5)  # Karawaci last heard of at 09.00
        async with session.get(central.url + "/") as answer:
            assert answer.status == 200
            page = await answer.text()
        async with session.get(central.url + "/api/v1/city/offices") as answer:
            assert answer.status == 200  # the session reads the API the page polls
    rows = dict(
        re.findall(
            r'<tr data-office="\d+" class="[^"]*">\s*<td class="name">'
            r'<a href="/offices/\d+">([^<]+)</a></td>(.*?)</tr>',
            page,
            re.S,
        )
    )
    cells = dict(re.findall(r'<td class="(\w+)">([^<]*)', rows["Kecamatan Karawaci"]))
    assert cells == {
        "waiting": "1", "longest_wait": "45 mnt", "counters_open": "1", "issued": "3",
        "served": "2", "mean_wait": "13 mnt", "within_standard": "50%", "ikm_month": "87.50",
        "link": "terakhir terhubung 09.00",
    }  # fmt: skip
    assert "belum pernah terhubung" in rows["Kecamatan Cipondoh"]


async def test_a_conflict_shows_on_the_dashboard(central: RunningCentral) -> None:
    office_id = (await central.offices())["Kecamatan Karawaci"]["id"]
    office, token = central.store.add_office("Kecamatan Larangan", Clock()())
    await central.call("POST", INGEST, token, {"log_id": LOG, "events": EVENTS[:1]})
    await central.call("POST", INGEST, token, {"log_id": str(uuid.uuid4()), "events": EVENTS[:1]})

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await sign_in(central, session)

        async def row_and_conflict() -> tuple[str, Any]:
            async with session.get(central.url + "/") as answer:
                page = await answer.text()
            row = page.split(f'data-office="{office.id}"', 1)[1].split("</tr>", 1)[0]
            return row, (await central.offices())["Kecamatan Larangan"]["conflict"]

        row, conflict = await row_and_conflict()
        assert (
            "konflik: kantor dipasang ulang; terima catatan barunya dengan antrian-central "
            "office renew &#34;Kecamatan Larangan&#34;" in row
        )
        assert conflict["older_record"] is False
        assert office_id != office.id
        # renewed; then the old PC, still on, pushes its old record: said as such
        central.store.renew("Kecamatan Larangan", Clock()())
        await central.call("POST", INGEST, token, {"log_id": LOG, "events": EVENTS[:1]})
        row, conflict = await row_and_conflict()
        assert "konflik: catatan lama kantor ini dikirim lagi (PC lama masih menyala?)" in row
        assert (conflict["log_id"], conflict["older_record"]) == (LOG, True)


async def test_the_city_summary_by_office_and_its_csv(central: RunningCentral) -> None:
    status, body = await central.call(
        "GET", "/api/v1/city/reports/summary?from=2026-12-01&to=2026-12-31&group=office"
    )
    assert status == 200, body
    rows = {row["office_name"]: row for row in body["rows"]}
    karawaci = rows["Kecamatan Karawaci"]
    assert (karawaci["issued"], karawaci["served"]) == (3, 2)
    assert karawaci["wait_s"] == {"mean": 750.0, "median": 750.0, "p90": 1110.0, "max": 1200.0}
    assert karawaci["within_standard"] == 0.5
    assert rows["Kecamatan Cipondoh"]["issued"] == 0
    assert body["total"]["issued"] == 3 and body["total"]["within_standard"] == 0.5
    async with central.session.get(
        central.url + "/api/v1/city/reports/summary?from=2026-12-01&to=2026-12-31"
        "&group=office,month&format=csv",
        headers={"Authorization": f"Bearer {central.reader}"},
    ) as answer:
        assert answer.status == 200
        text = (await answer.read()).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith('"Kantor","Bulan"')
    assert lines[1].startswith('"Kecamatan Karawaci","2026-12","3","2"')
    assert lines[-1].startswith('"Jumlah","","3","2"')


async def test_the_drill_down_gives_an_office_s_own_reports(central: RunningCentral) -> None:
    office_id = (await central.offices())["Kecamatan Karawaci"]["id"]
    base = f"/api/v1/city/offices/{office_id}/reports"
    status, body = await central.call("GET", f"{base}/visits?from=2026-12-01&to=2026-12-01")
    assert status == 200, body
    assert [(row["number"], row["status"], row["wait_s"]) for row in body["rows"]] == [
        ("A001", "done", 300.0), ("A002", "done", 1200.0), ("A003", "waiting", None),
    ]  # fmt: skip
    assert body["rows"][0]["issued_at"] == "2026-12-01T08:00:00+07:00"
    status, body = await central.call(
        "GET", f"{base}/summary?from=2026-12-01&to=2026-12-01&group=hour"
    )
    assert status == 200, body
    assert [(row["hour"], row["issued"]) for row in body["rows"]] == [(8, 3)]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("from=2026-12-01&to=2026-11-01&group=office", "lebih awal"),
        ("from=2026-12-01&to=2026-12-31&group=month", "tambahkan 'office'"),
        ("from=2026-12-01&to=2026-12-31&group=office,planet", "tidak dikenal"),
        ("from=kemarin&to=2026-12-31", "YYYY-MM-DD"),
        ("from=2026-12-01&to=2026-12-31&format=docx", "format tidak dikenal"),
    ],
)
async def test_a_bad_city_report_request_is_a_400_in_indonesian(
    central: RunningCentral, query: str, words: str
) -> None:
    status, body = await central.call("GET", f"/api/v1/city/reports/summary?{query}")
    assert (status, body["error"]) == (400, "bad_request")
    assert words in body["message"]


async def test_an_office_s_reports_page_is_read_only_and_in_indonesian(
    central: RunningCentral, clock: Clock
) -> None:
    office_id = (await central.offices())["Kecamatan Karawaci"]["id"]
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        await sign_in(central, session)
        async with session.get(f"{central.url}/offices/{office_id}") as answer:
            assert answer.status == 200
            page = await answer.text()
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", page.split('id="summary"', 1)[1])
        # by hand: A001 waited 5 min, A002 20 min; the median 12.5 min, p90 18.5 min
        assert cells[:8] == ["A", "3", "2", "0", "13 mnt", "13 mnt", "19 mnt", "50%"]
        assert cells[8:16] == ["Semua layanan", "3", "2", "0", "13 mnt", "13 mnt", "19 mnt", "50%"]
        assert '<form method="post"' not in page.split("</header>", 1)[1]  # nothing to change
        link = re.search(r'id="visits-csv" href="([^"]+)"', page)
        assert link is not None
        async with session.get(central.url + link[1].replace("&amp;", "&")) as answer:
            assert answer.status == 200
            assert (await answer.read()).decode("utf-8-sig").count("\n") == 4  # header + 3
        async with session.get(
            f"{central.url}/offices/{office_id}?from=2026-12-09&to=2026-12-01"
        ) as answer:
            assert answer.status == 400
            assert "lebih awal" in await answer.text()
        async with session.get(f"{central.url}/offices/999") as answer:
            assert answer.status == 404
            assert "Kantor tidak dikenal" in await answer.text()


async def test_the_pages_speak_english_a_click_away(central: RunningCentral) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(central.url + "/login") as answer:
            assert "Masuk ke dasbor kota" in await answer.text()
        async with session.get(central.url + "/login?lang=en") as answer:
            page = await answer.text()
        assert "Sign in to the city dashboard" in page and 'lang="en"' in page
        async with session.get(central.url + "/login") as answer:  # the choice is kept
            assert "Sign in to the city dashboard" in await answer.text()
