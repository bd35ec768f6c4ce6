"""The report workbooks, opened again with openpyxl: cells, formats, frozen headers, charts."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from openpyxl.chartsheet import Chartsheet

from server.reports.xlsx import monthly_workbook, skm_workbook, summary_workbook, visits_workbook
from tests.reports.samples import BY_SERVICE, SKM, TOTAL, monthly

JAKARTA = ZoneInfo("Asia/Jakarta")


def opened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_summary_workbook_has_indonesian_headers_durations_and_shares() -> None:
    book = opened(summary_workbook({"rows": BY_SERVICE, "total": TOTAL}))
    sheet = book["Ringkasan"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Layanan", "Diambil", "Dilayani", "Tidak hadir"]
    assert "Tunggu rata-rata" in headers and headers[-1] == "Sesuai standar"
    wait = headers.index("Tunggu rata-rata") + 1
    assert sheet.cell(row=2, column=1).value == "A"
    assert sheet.cell(row=2, column=2).value == 400
    # 750 s = 12 min 30 s, kept as a time of day so Excel sums and shows it
    cell = sheet.cell(row=2, column=wait)
    assert cell.value == timedelta(minutes=12, seconds=30)
    assert cell.number_format == "[h]:mm:ss"
    share = sheet.cell(row=2, column=len(headers))
    assert share.value == 0.875 and share.number_format == "0.0%"
    assert sheet.cell(row=4, column=1).value == "Jumlah"
    assert sheet.cell(row=4, column=2).value == 600
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["B"].width == 11


def test_summary_workbook_has_a_chart_sheet_of_waiting_time_in_minutes() -> None:
    book = opened(summary_workbook({"rows": BY_SERVICE, "total": TOTAL}))
    assert "Grafik per layanan" in book.sheetnames
    assert isinstance(book["Grafik per layanan"], Chartsheet)
    data = book["Data grafik"]
    # 750 s = 12.5 min, 1800 s = 30 min
    assert [(data.cell(row=r, column=4).value, data.cell(row=r, column=5).value)
            for r in (2, 3)] == [("A", 12.5), ("B", 30.0)]  # fmt: skip


def test_summary_workbook_in_english_and_by_weekday() -> None:
    rows = [{**BY_SERVICE[0], "weekday": 5}]  # ISO weekday 5 = Friday
    book = opened(summary_workbook({"rows": rows, "total": TOTAL}, "en"))
    sheet = book["Summary"]
    assert [cell.value for cell in sheet[1]][:3] == ["Weekday", "Service", "Issued"]
    assert sheet["A2"].value == "Friday"


def test_visits_workbook_shows_office_times_and_statuses() -> None:
    row = {
        "number": "A001", "service": "A", "issued_service": "A", "priority": True,
        "status": "done", "issued_at": "2026-11-02T01:05:00+00:00",
        "called_at": "2026-11-02T08:17:30+07:00", "finished_at": None, "counter": 2,
        "clerk": "Siti", "wait_s": 750.0, "service_s": None, "transfers": 0, "requeues": 1,
    }  # fmt: skip
    book = opened(visits_workbook({"rows": [row]}, JAKARTA))
    sheet = book["Kunjungan"]
    assert sheet["A1"].value == "Nomor" and sheet["E1"].value == "Status"
    assert [sheet.cell(row=2, column=c).value for c in (1, 4, 5)] == ["A001", "Ya", "Selesai"]
    assert sheet["F2"].value == datetime(2026, 11, 2, 8, 5)  # 01:05 UTC is 08:05 WIB
    assert sheet["F2"].number_format == "dd/mm/yyyy hh:mm:ss"
    assert sheet["H2"].value is None
    assert sheet["K2"].value == timedelta(minutes=12, seconds=30)
    assert sheet["K2"].number_format == "[h]:mm:ss"
    assert sheet.freeze_panes == "B2"


def test_monthly_workbook_has_title_services_days_charts_and_skm() -> None:
    book = opened(monthly_workbook(monthly()))
    assert book.sheetnames == ["Ringkasan", "Per hari", "Data grafik", "Grafik per hari",
                               "Grafik per layanan", "Rekapitulasi SKM"]  # fmt: skip
    sheet = book["Ringkasan"]
    assert sheet["A1"].value == "Laporan Pelayanan Bulan November 2026"
    assert sheet["A2"].value == "Kecamatan Karawaci — Pemerintah Kota Tangerang"
    assert sheet["A5"].value == "A Administrasi Kependudukan"
    assert sheet["A7"].value == "Jumlah" and sheet["B7"].value == 600
    data = book["Data grafik"]
    assert [data.cell(row=r, column=2).value for r in (2, 3)] == [10.0, 20.0]
    for name in ("Grafik per hari", "Grafik per layanan"):
        assert isinstance(book[name], Chartsheet)


def test_skm_workbook_in_the_published_layout() -> None:
    book = opened(skm_workbook(SKM, period="1–30 November 2026"))
    assert book.sheetnames == ["Rekapitulasi SKM", "Profil responden", "Saran dan masukan",
                               "Rencana tindak lanjut"]  # fmt: skip
    sheet = book["Rekapitulasi SKM"]
    assert [cell.value for cell in sheet[3]] == [
        "Kode", "Unsur pelayanan", "Jumlah nilai", "NRR", "NRR tertimbang"]  # fmt: skip
    assert [sheet.cell(row=4, column=c).value for c in (1, 2, 3, 4)] == [
        "U1", "Persyaratan", 420, 3.5]  # 3.5 × 120 respondents = 420  # fmt: skip
    assert sheet["E4"].value == pytest.approx(3.5 / 9)
    assert sheet["B12"].value == "Sarana dan Prasarana"
    assert sheet["E13"].value == pytest.approx(29.25 / 9)  # the sum of weighted NRR
    facts = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=3).value
             for r in range(15, 20)}  # fmt: skip
    assert facts == {
        "IKM (Indeks Kepuasan Masyarakat)": 81.25, "Mutu pelayanan": "B",
        "Kinerja unit pelayanan": "Baik", "Jumlah responden": 120, "Responden minimal": 100,
    }  # fmt: skip
    profile = book["Profil responden"]
    assert [cell.value for cell in profile[2]] == [
        "Jenis kelamin",
        "L",
        70,
        pytest.approx(70 / 120),
    ]
    comments = book["Saran dan masukan"]
    assert [cell.value for cell in comments[2]] == [1, "2026-11-02", "A", "Ruang tunggu panas"]
    assert comments["D4"].value == "=1+1" and comments["D4"].data_type == "s"  # not a formula
    plan = book["Rencana tindak lanjut"]
    assert plan["C1"].value == "Program / kegiatan"
    assert [plan.cell(row=r, column=1).value for r in range(2, 7)] == [1, 2, 3, 4, 5]
    assert plan["C2"].value is None  # left for the office to fill in


def test_skm_workbook_with_no_respondents_still_opens() -> None:
    book = opened(skm_workbook({"respondents": 0, "nrr": None, "ikm": None, "grade": None}))
    assert book["Rekapitulasi SKM"]["D4"].value is None
