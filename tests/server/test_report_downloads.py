"""Report downloads from a real office (both engines): the monthly JSON, PDF and XLSX, and
`format=xlsx` on visits and summary; the /admin report page's figures; bad input and roles.

The office day is the reports' own (`tests/server/test_reports_api.py`): Monday 23 and
Tuesday 24 November 2026, figures worked by hand there: 9 issued, 5 served, 0 no-show,
2 unserved; waits 120, 1800, 3000, 3000, 4800 s (mean 2544 s = 42.4 min, median 50 min,
p90 4080 s = 68 min); 2 of the 3 served visits of A within its 30-minute standard.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from server.storage.port import AccountRole
from tests.server.conftest import Clock, Running, StartOffice
from tests.server.test_admin import Browser, add_account
from tests.server.test_reports_api import SETTINGS, a_day_of_the_office, at

LETTERHEAD_SETTINGS = {
    **SETTINGS,
    "office": {
        "name": "Kecamatan Karawaci",
        "region": "Pemerintah Kota Tangerang",
        "address": "Jl. Raya Karawaci No. 1",
        "head_name": "Drs. H. Ahmad Fauzi, M.Si.",
        "head_nip": "19800101 200501 1 001",
    },
}
poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture
async def office(start_office: StartOffice) -> Running:
    office = await start_office(LETTERHEAD_SETTINGS, clock=Clock(at(1, "07:55")))
    await a_day_of_the_office(office)
    return office


async def download(office: Running, path: str, token: str = "admin") -> tuple[int, Any, bytes]:
    async with office.session.get(office.api + path, headers=office.auth(token)) as answer:
        return answer.status, answer.headers, await answer.read()


async def test_the_monthly_json_has_the_month_its_services_and_days(office: Running) -> None:
    status, _, body = await download(office, "/reports/monthly?month=2026-11")
    assert status == 200
    report = json.loads(body)
    assert report["month"] == "2026-11" and report["office"] == "Kecamatan Karawaci"
    assert report["letterhead"]["head_nip"] == "19800101 200501 1 001"
    total = report["total"]
    assert (total["issued"], total["served"], total["no_show"], total["unserved"]) == (9, 5, 0, 2)
    assert [(row["service"], row["name"], row["issued"]) for row in report["services"]] == [
        ("A", "Administrasi Kependudukan", 5), ("B", "Perizinan", 4)]  # fmt: skip
    # Monday: waits 1800, 3000, 3000, 4800 (mean 3150); Tuesday 120
    assert report["days"] == [
        {"day": "2026-11-23", "wait_mean_s": 3150.0},
        {"day": "2026-11-24", "wait_mean_s": 120.0},
    ]


@poppler
async def test_the_monthly_pdf_is_one_page_with_the_months_figures(
    office: Running, tmp_path: Path
) -> None:
    status, headers, body = await download(office, "/reports/monthly?month=2026-11&format=pdf")
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="laporan-2026-11.pdf"'
    path = tmp_path / "laporan.pdf"
    path.write_bytes(body)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.MULTILINE)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    text = " ".join(done.stdout.split())
    for expected in (
        "PEMERINTAH KOTA TANGERANG", "KECAMATAN KARAWACI", "Laporan Pelayanan Bulan November 2026",
        "9 5 0 2", "42,4 menit 50,0 menit 68,0 menit 66,7%",
        # A: waits 120, 1800, 4800 (mean 2240 s = 37.3 min); B: A003 and B001, 3000 s each
        "A Administrasi Kependudukan 5 3 37,3 menit 30 menit 66,7%",
        "B Perizinan 4 2 50,0 menit — —",
        "Belum ada responden pada bulan ini.",
        "Tangerang, 24 November 2026", "Camat Karawaci", "NIP. 19800101 200501 1 001",
    ):  # fmt: skip
        assert expected in text, expected


async def test_the_monthly_workbook_and_the_summary_and_visits_as_xlsx(office: Running) -> None:
    status, headers, body = await download(office, "/reports/monthly?month=2026-11&format=xlsx")
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="laporan-2026-11.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book["Ringkasan"]
    assert sheet["A1"].value == "Laporan Pelayanan Bulan November 2026"
    assert [sheet.cell(row=7, column=c).value for c in (1, 2, 3)] == ["Jumlah", 9, 5]
    assert "Grafik per hari" in book.sheetnames

    query = "from=2026-11-23&to=2026-11-24"
    status, headers, body = await download(
        office, f"/reports/summary?{query}&group=day&format=xlsx"
    )
    assert status == 200
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "ringkasan-2026-11-23-2026-11-24.xlsx" in headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Ringkasan"]
    assert [sheet.cell(row=2, column=c).value for c in (1, 2, 3)] == ["2026-11-23", 7, 4]

    status, _, body = await download(office, f"/reports/visits?{query}&format=xlsx&lang=en")
    assert status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Visits"]
    a003 = [cell.value for cell in sheet[5]]
    assert a003[:5] == ["A003", "B", "A", "No", "Done"]
    assert a003[6].strftime("%H:%M") == "09:10"  # called at 09:10 office time


@pytest.mark.parametrize(
    ("query", "message"),
    [("month=2026-13", "bulan tidak dikenal: 2026-13"),
     ("month=November", "parameter 'month' harus berbentuk YYYY-MM"),
     ("", "parameter 'month' harus berbentuk YYYY-MM"),
     ("month=2026-11&format=docx", "format tidak dikenal: 'docx' (pilihan: json, pdf, xlsx)")],
)  # fmt: skip
async def test_a_bad_month_or_format_is_a_400_in_indonesian(
    office: Running, query: str, message: str
) -> None:
    status, _, data = await download(office, f"/reports/monthly?{query}")
    assert status == 400
    body = json.loads(data)
    assert body["error"] == "bad_request" and body["message"] == message


async def test_downloads_need_a_supervisor_and_the_page_shows_the_figures(
    office: Running,
) -> None:
    status, _, _ = await download(office, "/reports/monthly?month=2026-11&format=pdf", "kiosk")
    assert status in (401, 403)
    add_account(office, "rina", AccountRole.SUPERVISOR)
    browser = Browser(office)
    try:
        status, page = await browser.get(
            "/admin/reports?period=range&from=2026-11-23&to=2026-11-24&group=service"
        )
        assert status == 303  # not signed in: to the sign-in page
        await browser.sign_in("rina")
        status, page = await browser.get(
            "/admin/reports?period=range&from=2026-11-23&to=2026-11-24&group=service"
        )
        assert status == 200
        assert '<span class="number" id="total-issued">9</span>' in page
        assert "42,4 menit" in page and "66,7%" in page
        assert "<td>A Administrasi Kependudukan</td>" in page
        status, page = await browser.get(
            "/admin/reports?period=range&from=2026-11-30&to=2026-11-01"
        )
        assert status == 400 and "Periode tidak dapat dibaca" in page
        async with browser.session.get(
            browser.base + "/api/v1/reports/monthly?month=2026-11&format=xlsx"
        ) as answer:
            assert answer.status == 200  # the page's download link works with the session
    finally:
        await browser.close()


async def test_the_letterhead_is_changed_through_the_settings_api(office: Running) -> None:
    from tests.server.test_settings_api import put_settings, read_settings

    _, document, _ = await read_settings(office)
    assert document["office"]["head_nip"] == "19800101 200501 1 001"
    document["office"]["head_nip"] = "1980 0101"
    status, answer, _ = await put_settings(office, document)
    assert status == 422 and answer["path"] == "office.head_nip"
    assert 'NIP "1980 0101" harus 18 angka' in answer["message"]
    document["office"].update(head_nip="197501012000031002", head_name="Hj. Siti Aminah, S.Sos.")
    status, _, _ = await put_settings(office, document)
    assert status == 200
    _, _, body = await download(office, "/reports/monthly?month=2026-11")
    letterhead = json.loads(body)["letterhead"]
    assert (letterhead["head_name"], letterhead["head_nip"]) == (
        "Hj. Siti Aminah, S.Sos.", "197501012000031002",
    )  # fmt: skip


@poppler
async def test_a_month_without_visitors_still_gives_a_page_and_a_workbook(
    office: Running, tmp_path: Path
) -> None:
    status, _, body = await download(office, "/reports/monthly?month=2026-10&format=pdf")
    assert status == 200
    path = tmp_path / "oktober.pdf"
    path.write_bytes(body)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    text = " ".join(done.stdout.split())
    assert "Laporan Pelayanan Bulan Oktober 2026" in text
    assert "0 0 0 0" in text and "— — — —" in text  # no visitors, no waiting times
    assert "Belum ada data" in text  # the chart of the days
    status, _, body = await download(office, "/reports/monthly?month=2026-10&format=xlsx")
    assert status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Ringkasan"]
    assert sheet["A5"].value == "Jumlah" and sheet["B5"].value == 0


async def test_the_report_page_groups_by_each_choice(office: Running) -> None:
    add_account(office, "rina", AccountRole.SUPERVISOR)
    browser = Browser(office)
    try:
        await browser.sign_in("rina")
        base = "/admin/reports?period=range&from=2026-11-23&to=2026-11-24&group="
        expected = {
            "day": "<td>2026-11-23</td>", "week": "<td>2026-W48</td>",
            "month": "<td>2026-11</td>", "weekday": "<td>Senin</td>", "hour": "<td>08.00</td>",
            "service": "<td>B Perizinan</td>", "counter": "<td>Loket 2</td>",
            "clerk": "<td>—</td>",  # no clerk signed in at a counter
        }  # fmt: skip
        for group, cell in expected.items():
            status, page = await browser.get(base + group)
            assert status == 200, group
            assert cell in page, group
    finally:
        await browser.close()
