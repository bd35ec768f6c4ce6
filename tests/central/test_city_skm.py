"""The city's SKM (`/api/v1/city/reports/skm`), the dashboard's IKM of the month and the
within-standard ranking of the city summary, from pushed events on a real PostgreSQL."""

from __future__ import annotations

import html
import io
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
import openpyxl
import pytest

from tests.central.test_dashboard import sign_in
from tests.support.central import RunningCentral, running_central
from tests.support.postgres import Cluster

INGEST = "/api/v1/city/ingest"
SKM = "/api/v1/city/reports/skm"
KEYS = [f"u{index}" for index in range(1, 10)]
NOW = datetime.fromisoformat("2026-12-02T09:00+07:00")


def served(ticket_id: int, issued: str, called: str) -> dict[str, Any]:
    """A ticket of 2026-12-01 issued and called at those times, then done."""
    return {
        "id": ticket_id, "day": "2026-12-01", "number": f"A{ticket_id:03d}",
        "issued_service": "A", "service": "A", "priority": False, "status": "done",
        "issued_at": f"2026-12-01T{issued}:00+07:00", "counter": 1,
        "called_at": f"2026-12-01T{called}:00+07:00", "finished_at": None,
        "recalls": 0, "requeued": False, "transferred_from": None,
    }  # fmt: skip


def answered(values: list[int], visit_day: str = "2026-12-01") -> dict[str, Any]:
    return {
        "service": "A", "visit_day": visit_day, "channel": "phone",
        "answers": dict(zip(KEYS, values, strict=True)),
    }  # fmt: skip


def events(
    name: str, tickets: list[dict[str, Any]], answers: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """One `ticket.done` event per ticket, then one `survey.answered` per (at, data)."""
    found: list[dict[str, Any]] = []
    for item in tickets:
        found.append({
            "type": "ticket.done", "at": item["called_at"], "day": "2026-12-01",
            "ticket": item["id"], "tickets": [item], "data": {},
        })  # fmt: skip
    for at, data in answers:
        found.append({
            "type": "survey.answered", "at": at, "day": at[:10], "ticket": None,
            "tickets": [], "data": data,
        })  # fmt: skip
    return [
        {"id": index, "v": 1, "office": name, "counter": None, "clerk": None, **item}
        for index, item in enumerate(found, start=1)
    ]


# Karawaci: waits 5 and 20 min against 10 → within standard 1/2. Two respondents:
#   r1 4,4,3,3,4,4,4,3,4   r2 3,3,3,2,4,3,3,3,3 (answered the next morning)
#   sums 7,7,6,5,8,7,7,6,7 = 60 → IKM = 25 × 60 / (9 × 2) = 83.333… → 83.33 B Baik
# plus an answer of a visit of 30 November and one with a 5: neither counts for December
KARAWACI = (
    [served(1, "08:00", "08:05"), served(2, "08:10", "08:30")],
    [
        ("2026-12-01T08:40:00+07:00", answered([4, 4, 3, 3, 4, 4, 4, 3, 4])),
        ("2026-12-02T07:30:00+07:00", answered([3, 3, 3, 2, 4, 3, 3, 3, 3])),
        ("2026-12-01T08:41:00+07:00", answered([1] * 9, visit_day="2026-11-30")),
        ("2026-12-01T08:42:00+07:00", answered([3, 3, 5, 3, 3, 3, 3, 3, 3])),
    ],
)
# Cipondoh: waits 4, 8 and 30 min against 10 → 2/3. Three respondents:
#   all 4s, all 4s, 4×8 and a 3 → sums 12 ×8 and 11 = 107
#   → IKM = 25 × 107 / (9 × 3) = 99.074… → 99.07 A Sangat Baik
CIPONDOH = (
    [served(1, "08:00", "08:04"), served(2, "08:00", "08:08"), served(3, "08:00", "08:30")],
    [
        ("2026-12-01T09:00:00+07:00", answered([4] * 9)),
        ("2026-12-01T09:01:00+07:00", answered([4] * 9)),
        ("2026-12-01T09:02:00+07:00", answered([4] * 8 + [3])),
    ],
)
# Periuk: waits 3 and 25 min against 10 → 1/2, Karawaci's share; no answers
PERIUK = ([served(1, "08:00", "08:03"), served(2, "08:00", "08:25")], [])
# Ciledug: no target for A, so no share and no rank
CILEDUG = ([served(1, "08:00", "08:05")], [])
OFFICES = {
    "Kecamatan Karawaci": (KARAWACI, {"A": 10}),
    "Kecamatan Cipondoh": (CIPONDOH, {"A": 10}),
    "Kecamatan Periuk": (PERIUK, {"A": 10}),
    "Kecamatan Ciledug": (CILEDUG, {}),
}


async def push_offices(running: RunningCentral) -> dict[str, int]:
    """Add OFFICES to the central and push each one's events; their ids by name."""
    ids = {}
    for name, ((tickets, answers), targets) in OFFICES.items():
        ids[name], token = await running.add_office(name)
        batch = {
            "log_id": str(uuid.uuid4()), "events": events(name, tickets, answers),
            "targets": targets,
        }  # fmt: skip
        status, body = await running.call("POST", INGEST, token, batch)
        assert status == 200, body
    return ids


@pytest.fixture
async def city(postgres_cluster: Cluster) -> AsyncIterator[tuple[RunningCentral, dict[str, int]]]:
    async with running_central(postgres_cluster, lambda: NOW) as running:
        yield running, await push_offices(running)


async def test_each_office_s_skm_and_the_city_s_pooled_over_respondents(
    city: tuple[RunningCentral, dict[str, int]],
) -> None:
    central, _ids = city
    status, body = await central.call("GET", f"{SKM}?from=2026-12-01&to=2026-12-31")
    assert status == 200, body
    offices = {row["office_name"]: row for row in body["offices"]}
    karawaci = offices["Kecamatan Karawaci"]
    assert karawaci["respondents"] == 2
    nrr = [3.5, 3.5, 3.0, 2.5, 4.0, 3.5, 3.5, 3.0, 3.5]
    assert karawaci["nrr"] == dict(zip(KEYS, nrr, strict=True))
    assert (karawaci["ikm"], karawaci["grade"], karawaci["performance"]) == (83.33, "B", "Baik")
    cipondoh = offices["Kecamatan Cipondoh"]
    assert cipondoh["respondents"] == 3
    assert cipondoh["nrr"]["u1"] == 4.0 and cipondoh["nrr"]["u9"] == round(11 / 3, 6)
    assert (cipondoh["ikm"], cipondoh["grade"], cipondoh["performance"]) == (
        99.07, "A", "Sangat Baik",
    )  # fmt: skip
    assert offices["Kecamatan Periuk"]["respondents"] == 0
    assert offices["Kecamatan Periuk"]["ikm"] is None
    # the city: all five respondents pooled, sums 19,19,18,17,20,19,19,18,18 = 167
    # → 25 × 167 / (9 × 5) = 92.777… → 92.78, not the mean of the two IKMs (91.20)
    town = body["city"]
    assert town["respondents"] == 5
    assert town["nrr"]["u1"] == 3.8 and town["nrr"]["u4"] == 3.4
    assert (town["ikm"], town["grade"], town["performance"]) == (92.78, "A", "Sangat Baik")
    assert town["ikm"] != round((83.33 + 99.07) / 2, 2)
    # the dashboard's IKM of the month is the same figure
    figures = await central.offices()
    assert figures["Kecamatan Karawaci"]["ikm_month"] == 83.33
    assert figures["Kecamatan Cipondoh"]["ikm_month"] == 99.07
    assert figures["Kecamatan Periuk"]["ikm_month"] is None
    # a visit of 30 November answered on 1 December counts for November only
    status, november = await central.call("GET", f"{SKM}?from=2026-11-01&to=2026-11-30")
    assert status == 200
    assert november["city"]["respondents"] == 1 and november["city"]["ikm"] == 25.0


async def test_one_office_the_csv_and_bad_requests(
    city: tuple[RunningCentral, dict[str, int]],
) -> None:
    central, ids = city
    karawaci = ids["Kecamatan Karawaci"]
    status, body = await central.call(
        "GET", f"{SKM}?from=2026-12-01&to=2026-12-31&office={karawaci}"
    )
    assert status == 200, body
    assert [row["office_name"] for row in body["offices"]] == ["Kecamatan Karawaci"]
    assert body["city"]["ikm"] == 83.33
    async with central.session.get(
        central.url + f"{SKM}?from=2026-12-01&to=2026-12-31&format=csv",
        headers={"Authorization": f"Bearer {central.reader}"},
    ) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/csv")
        text = (await answer.read()).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith('"Kantor","Responden","NRR U1"')
    assert lines[0].endswith('"IKM","Mutu","Kinerja"')
    assert lines[1] == '"Kecamatan Ciledug","0",' + '"",' * 9 + '"","",""'
    assert lines[3].startswith('"Kecamatan Karawaci","2","3.5000","3.5000","3.0000","2.5000"')
    assert lines[3].endswith('"83.33","B","Baik"')
    assert lines[-1].startswith('"Kota","5","3.8000"')
    assert lines[-1].endswith('"92.78","A","Sangat Baik"')
    for query, code, words in [
        ("from=2026-12-01&to=2026-12-31&office=999999", 404, "Kantor tidak dikenal"),
        ("from=2026-12-01&to=2026-12-31&office=satu", 400, "harus nomor kantor"),
        ("to=2026-12-31", 400, "from"),
        ("from=2026-12-31&to=2026-12-01", 400, "lebih awal"),
        ("from=2026-12-01&to=2026-12-31&format=doc", 400, "format tidak dikenal"),
    ]:
        status, body = await central.call("GET", f"{SKM}?{query}")
        assert status == code, (query, body)
        assert words in body["message"], (query, body)
    status, body = await central.call("GET", f"{SKM}?from=2026-12-01&to=2026-12-31", "wrong")
    assert status == 401


async def test_the_city_summary_ranks_the_offices_by_within_standard(
    city: tuple[RunningCentral, dict[str, int]],
) -> None:
    central, ids = city
    status, body = await central.call(
        "GET", "/api/v1/city/reports/summary?from=2026-12-01&to=2026-12-31&group=office"
    )
    assert status == 200, body
    # by hand: Cipondoh 2/3, Karawaci and Periuk 1/2 (the same rank, by name), Ciledug none
    assert [
        (row["rank"], row["office_name"], row["served"], row["within_standard"])
        for row in body["ranking"]
    ] == [
        (1, "Kecamatan Cipondoh", 3, 0.6667),
        (2, "Kecamatan Karawaci", 2, 0.5),
        (2, "Kecamatan Periuk", 2, 0.5),
        (None, "Kecamatan Ciledug", 1, None),
    ]
    assert body["ranking"][0]["office"] == ids["Kecamatan Cipondoh"]


async def download(central: RunningCentral, path: str) -> tuple[int, dict[str, str], bytes]:
    async with central.session.get(
        central.url + path, headers={"Authorization": f"Bearer {central.reader}"}
    ) as answer:
        return answer.status, dict(answer.headers), await answer.read()


async def test_the_city_s_skm_and_summary_as_xlsx(
    city: tuple[RunningCentral, dict[str, int]],
) -> None:
    central, _ids = city
    period = "from=2026-12-01&to=2026-12-31"
    status, headers, body = await download(central, f"{SKM}?{period}&format=xlsx")
    assert status == 200
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="skm-kota-2026-12-01-2026-12-31.xlsx"' in headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book["Kantor"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1)]
    assert table[0][:3] == ["Kantor", "Responden", "NRR U1"]
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["Kecamatan Karawaci"][:3] == ["Kecamatan Karawaci", 2, 3.5]
    assert by_name["Kecamatan Karawaci"][-3:] == [83.33, "B", "Baik"]
    assert by_name["Kecamatan Periuk"][1:3] == [0, None]
    assert table[-1][:2] == ["Kota", 5] and table[-1][-3:] == [92.78, "A", "Sangat Baik"]
    # the city's rekapitulasi, in the office's SKM layout
    rekap = book["Rekapitulasi SKM"]
    facts = {row[1]: row[2] for row in rekap.iter_rows(values_only=True) if row[1]}
    assert facts["IKM (Indeks Kepuasan Masyarakat)"] == 92.78
    assert facts["Jumlah responden"] == 5
    status, _headers, body = await download(
        central, f"/api/v1/city/reports/summary?{period}&group=office&format=xlsx&lang=en"
    )
    assert status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Office", "Issued", "Served"]
    assert [row[:3] for row in rows[1:]] == [
        ["Kecamatan Ciledug", 1, 1], ["Kecamatan Cipondoh", 3, 3],
        ["Kecamatan Karawaci", 2, 2], ["Kecamatan Periuk", 2, 2], ["Total", 8, 8],
    ]  # fmt: skip
    # within standard, by hand: (1 + 2 + 1) of (2 + 3 + 2) measured = 4/7
    assert rows[-1][-1] == round(4 / 7, 4)


def table_rows(page: str, table: str) -> list[list[str]]:
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [
        [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


async def test_the_city_reports_page_shows_the_ranking_and_the_skm(
    city: tuple[RunningCentral, dict[str, int]],
) -> None:
    central, _ids = city
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(central.url + "/reports", allow_redirects=False) as answer:
            assert (answer.status, answer.headers["Location"]) == (303, "/login")
        await sign_in(central, session)
        async with session.get(central.url + "/") as answer:
            assert 'href="/reports"' in await answer.text()
        async with session.get(central.url + "/reports?from=2026-12-01&to=2026-12-31") as answer:
            assert answer.status == 200
            page = await answer.text()
        assert table_rows(page, "ranking") == [
            ["1", "Kecamatan Cipondoh", "3", "67%"],
            ["2", "Kecamatan Karawaci", "2", "50%"],
            ["2", "Kecamatan Periuk", "2", "50%"],
            ["—", "Kecamatan Ciledug", "1", "—"],
        ]
        assert table_rows(page, "skm") == [
            ["Kecamatan Ciledug", "0", "—", "—", "—"],
            ["Kecamatan Cipondoh", "3", "99.07", "A", "Sangat Baik"],
            ["Kecamatan Karawaci", "2", "83.33", "B", "Baik"],
            ["Kecamatan Periuk", "0", "—", "—", "—"],
            ["Kota", "5", "92.78", "A", "Sangat Baik"],
        ]
        link = re.search(r'id="skm-xlsx" href="([^"]+)"', page)
        assert link is not None
        async with session.get(central.url + html.unescape(link[1])) as answer:
            assert answer.status == 200  # the download with the dashboard's session
            book = openpyxl.load_workbook(io.BytesIO(await answer.read()))
            assert book["Kantor"].cell(row=6, column=1).value == "Kota"
        async with session.get(
            central.url + "/reports?from=2026-12-01&to=2026-12-31&lang=en"
        ) as answer:
            page = await answer.text()
        assert table_rows(page, "skm")[-1] == ["City", "5", "92.78", "A", "Very good"]
        async with session.get(
            central.url + "/reports?from=2026-12-31&to=2026-12-01&lang=id"
        ) as answer:
            assert answer.status == 400
            assert "lebih awal" in await answer.text()


# 24 respondents whose element sums are 75,96,75,83,83,89,80,29,65 = 675:
# IKM = 25 × 675 / (9 × 24) = 78.125 exactly → half up 78.13 (decimal division of each
# NRR to 28 digits, the dashboard's former copy, gave 78.12)
SUMS_24 = [75, 96, 75, 83, 83, 89, 80, 29, 65]


def respondents_for(sums: list[int], count: int) -> list[list[int]]:
    """`count` answer sets (each 1–4) whose element sums are `sums`."""
    rows = [[1] * len(sums) for _ in range(count)]
    for element, total in enumerate(sums):
        extra = total - count
        for row in rows:
            step = min(3, extra)
            row[element] += step
            extra -= step
        assert extra == 0
    return rows


async def test_an_ikm_exactly_half_way_rounds_up_on_the_dashboard_too(
    postgres_cluster: Cluster,
) -> None:
    rows = respondents_for(SUMS_24, 24)
    assert [sum(column) for column in zip(*rows, strict=True)] == SUMS_24
    answers = [(f"2026-12-01T10:{minute:02d}:00+07:00", answered(row)) for minute, row in
               enumerate(rows)]  # fmt: skip
    async with running_central(postgres_cluster, lambda: NOW) as central:
        _office, token = await central.add_office("Kecamatan Larangan")
        batch = {"log_id": str(uuid.uuid4()), "events": events("Larangan", [], answers)}
        assert (await central.call("POST", INGEST, token, batch))[0] == 200
        status, body = await central.call("GET", f"{SKM}?from=2026-12-01&to=2026-12-31")
        assert status == 200
        assert (body["city"]["respondents"], body["city"]["ikm"]) == (24, 78.13)
        assert body["city"]["grade"] == "B"
        assert (await central.offices())["Kecamatan Larangan"]["ikm_month"] == 78.13
