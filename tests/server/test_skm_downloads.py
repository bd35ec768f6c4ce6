"""The SKM tables from real survey answers (both engines): `format=xlsx|pdf` on
`/api/v1/reports/skm`, the /admin/skm page and the SKM line of the monthly report.

Two visitors answer: one 3 on every element, one 4 with a comment holding markup. Each
NRR is (3 + 4) / 2 = 3.5, the IKM 3.5 × 25 = 87.50, grade B (76.61–88.30, Baik).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from server.storage.port import AccountRole
from tests.server.conftest import Running, StartOffice
from tests.server.test_admin import Browser, add_account
from tests.server.test_survey_api import ALL_THREES, answer, served, today

COMMENT = "<b>Pelayanan cepat</b>"


@pytest.fixture
async def office(start_office: StartOffice) -> Running:
    office = await start_office({"office": {"name": "Kecamatan Karawaci",
                                            "region": "Pemerintah Kota Tangerang"}})  # fmt: skip
    first, second = await served(office), await served(office)
    assert (await answer(office, first, {"answers": ALL_THREES}))[0] == 201
    fours = {key: 4 for key in ALL_THREES}
    assert (await answer(office, second, {"answers": fours, "comment": COMMENT}))[0] == 201
    return office


async def download(office: Running, query: str) -> tuple[int, dict[str, str], bytes]:
    async with office.session.get(
        office.api + "/reports/skm?" + query, headers=office.auth("admin")
    ) as response:
        return response.status, dict(response.headers), await response.read()


async def test_the_skm_workbook_from_real_answers(office: Running) -> None:
    day = today(office)
    status, headers, body = await download(office, f"from={day}&to={day}&format=xlsx")
    assert status == 200
    assert headers["Content-Disposition"] == f'attachment; filename="skm-{day}-{day}.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book["Rekapitulasi SKM"]
    assert [sheet.cell(row=4, column=c).value for c in (1, 2, 3, 4)] == [
        "U1",
        "Persyaratan",
        7,
        3.5,
    ]
    facts = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=3).value
             for r in range(15, 20)}  # fmt: skip
    assert facts["IKM (Indeks Kepuasan Masyarakat)"] == 87.5
    assert (facts["Mutu pelayanan"], facts["Kinerja unit pelayanan"]) == ("B", "Baik")
    assert facts["Jumlah responden"] == 2
    assert book["Saran dan masukan"]["D2"].value == COMMENT


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
async def test_the_skm_pdf_from_real_answers(office: Running, tmp_path: Path) -> None:
    day = today(office)
    status, headers, body = await download(office, f"from={day}&to={day}&format=pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    path = tmp_path / "skm.pdf"
    path.write_bytes(body)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    text = " ".join(done.stdout.split())
    assert "U1 Persyaratan 7 3,50 0,389" in text
    assert "IKM (Indeks Kepuasan Masyarakat) 87,50" in text
    assert "Jumlah responden 2" in text


async def test_a_bad_format_is_a_400_in_indonesian(office: Running) -> None:
    day = today(office)
    status, _, body = await download(office, f"from={day}&to={day}&format=docx")
    assert status == 400
    assert json.loads(body)["message"] == "format tidak dikenal: 'docx' (pilihan: json, xlsx, pdf)"


async def test_the_skm_page_and_the_monthly_report_read_the_same_answers(
    office: Running,
) -> None:
    day = today(office)
    async with office.session.get(
        office.api + f"/reports/monthly?month={day[:7]}", headers=office.auth("admin")
    ) as response:
        monthly = await response.json()
    assert (monthly["skm"]["ikm"], monthly["skm"]["grade"], monthly["skm"]["respondents"]) == (
        87.5, "B", 2,
    )  # fmt: skip
    add_account(office, "rina", AccountRole.SUPERVISOR)
    browser = Browser(office)
    try:
        await browser.sign_in("rina")
        status, page = await browser.get(f"/admin/skm?period=range&from={day}&to={day}")
    finally:
        await browser.close()
    assert status == 200
    assert '<span class="number" id="ikm">87,50</span>' in page
    assert "<li>&lt;b&gt;Pelayanan cepat&lt;/b&gt;</li>" in page
