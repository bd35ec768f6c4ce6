"""The PDF reports, read back with poppler (pdftotext, pdfinfo): their words and one page."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from server.reports.pdf import monthly_pdf, place_of, signer_title, skm_pdf
from tests.reports.samples import SKM, figures, monthly, settings

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed (install.sh --dev)"
)


def text_of(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True)  # fmt: skip
    return " ".join(done.stdout.split())


def pages_of(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    assert found is not None
    return int(found.group(1))


def test_the_monthly_page_for_the_camat_says_what_happened_in_indonesian(tmp_path: Path) -> None:
    data = monthly_pdf(monthly())
    assert pages_of(data, tmp_path) == 1
    text = text_of(data, tmp_path)
    for expected in (
        "PEMERINTAH KOTA TANGERANG",
        "KECAMATAN KARAWACI",
        "Jl. Raya Karawaci No. 1, Kota Tangerang 15115",
        "Laporan Pelayanan Bulan November 2026",
        "600 510 70 20",  # issued, served, no-show, unserved
        "Diambil Dilayani Tidak hadir Tidak terlayani",
        # mean 1059 s = 17.65 min, median 840 s = 14 min, p90 2400 s = 40 min
        "17,6 menit 14,0 menit 40,0 menit 76,5%",
        "A Administrasi Kependudukan 400 360 12,5 menit 15 menit 87,5%",
        "B Perizinan 200 150 30,0 menit 30 menit 50,0%",
        "Rata-rata waktu tunggu per hari (menit)",
        "IKM 81,25 — mutu B (Baik), 120 responden",
        "Tangerang, 30 November 2026",
        "Camat Karawaci",
        "Drs. H. Ahmad Fauzi, M.Si.",
        "NIP. 19800101 200501 1 001",
    ):
        assert expected in text, expected


def test_the_monthly_page_in_english(tmp_path: Path) -> None:
    text = text_of(monthly_pdf(monthly(), "en"), tmp_path)
    assert "Service Report for November 2026" in text
    assert "17.6 min 14.0 min 40.0 min 76.5%" in text
    assert "IKM 81.25 — grade B (Good), 120 respondents" in text


def test_a_month_without_survey_answers_says_so(tmp_path: Path) -> None:
    text = text_of(monthly_pdf(monthly(skm=None)), tmp_path)
    assert "Belum ada responden pada bulan ini." in text


def test_a_big_office_still_gets_one_page(tmp_path: Path) -> None:
    """26 services with long names and every day of a 31-day month stay on one page."""
    report = monthly()
    services = tuple(
        replace(report.services[0], code=chr(65 + index), name="Layanan " + "sangat " * 12)
        for index in range(26)
    )
    days = tuple(
        figures(30, 25, 3, 2, 60.0 * (day % 40), 0.5, day=f"2026-12-{day:02d}")
        for day in range(1, 32)
    )
    report = replace(report, month=date(2026, 12, 1), services=services, days=days)
    data = monthly_pdf(report)
    assert pages_of(data, tmp_path) == 1
    text = text_of(data, tmp_path)
    assert "+ 16 layanan lainnya" in text  # 10 rows shown, the rest counted
    assert "Tangerang, 31 Desember 2026" in text


def test_the_logo_is_drawn_and_a_broken_logo_is_left_out(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 140), (31, 78, 121)).save(logo)
    with_logo = monthly_pdf(monthly(), logo=logo)
    without = monthly_pdf(monthly())
    assert len(with_logo) > len(without)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    data = monthly_pdf(monthly(), logo=broken)
    assert "KECAMATAN KARAWACI" in text_of(data, tmp_path)


def test_without_a_name_and_nip_the_signature_leaves_room_to_write(tmp_path: Path) -> None:
    report = monthly()
    report = replace(report, letterhead=replace(report.letterhead, head_name="", head_nip=""))
    text = text_of(monthly_pdf(report), tmp_path)
    assert "Camat Karawaci" in text and "NIP. ...." in text


def test_where_and_as_whom_the_camat_signs() -> None:
    letterhead = settings().letterhead
    assert place_of(letterhead, "Kecamatan Karawaci") == "Tangerang"
    assert place_of(replace(letterhead, region="Pemerintah Kabupaten Bogor"), "X") == "Bogor"
    assert place_of(replace(letterhead, region=""), "Kecamatan Cibodas") == "Cibodas"
    assert signer_title(letterhead, "Kantor Kecamatan Periuk") == "Camat Periuk"


def test_the_skm_pdf_in_the_published_layout(tmp_path: Path) -> None:
    office = settings()
    data = skm_pdf(SKM, office.office_name, office.letterhead, "1–30 November 2026",
                   date(2026, 11, 30))  # fmt: skip
    assert pages_of(data, tmp_path) == 1
    text = text_of(data, tmp_path)
    for expected in (
        "Rekapitulasi Survei Kepuasan Masyarakat (SKM)",
        "Periode: 1–30 November 2026",
        "U1 Persyaratan 420 3,50 0,389",  # 3.5 × 120 = 420; 3.5 / 9 = 0.389
        "U8 Penanganan Pengaduan, Saran dan Masukan 300 2,50 0,278",
        "Jumlah NRR tertimbang 3,250",  # 29.25 / 9
        "IKM (Indeks Kepuasan Masyarakat) 81,25",
        "Mutu pelayanan B",
        "Kinerja unit pelayanan Baik",
        "Jumlah responden 120",
        "Responden minimal 100",
        "Rencana tindak lanjut",
        "Program / kegiatan",
        "Camat Karawaci",
    ):
        assert expected in text, expected
