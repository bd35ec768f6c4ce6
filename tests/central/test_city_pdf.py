"""The city reports as PDF (`format=pdf`): what a printed page says, read back with
poppler (pdftotext, pdfinfo, pdfimages), from pushed events on a real PostgreSQL; and the
`--letterhead` file's mistakes.

Set ANTRIAN_SCREENSHOTS to a directory to keep the summary PDF (docs/city-summary-pdf.png
is its page rendered with pdftoppm)."""

from __future__ import annotations

import html
import json
import os
import re
import struct
import subprocess
import uuid
import zlib
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path

import aiohttp
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central import pdf as central_pdf
from central.errors import CentralError
from central.letterhead import CityLetterhead, load_letterhead
from central.main import main
from central.pdf import city_skm_pdf
from central.skm import CitySkm
from server.reports import skm
from tests.central.test_city_skm import (
    INGEST,
    NOW,
    SKM,
    download,
    events,
    push_offices,
    served,
)
from tests.central.test_dashboard import sign_in
from tests.support.central import RunningCentral, running_central
from tests.support.postgres import Cluster

SUMMARY = "/api/v1/city/reports/summary"
PERIOD = "from=2026-12-01&to=2026-12-31"
LETTERHEAD = CityLetterhead(
    region="Pemerintah Kota Tangerang",
    unit="Bagian Organisasi Sekretariat Daerah",
    address="Jl. Satria Sudirman No. 1, Tangerang",
    head_title="Kepala Bagian Organisasi",
    head_name="Dra. Siti Aminah, M.Si.",
    head_nip="19750101 200003 2 001",
)


def png(path: Path, width: int = 40, height: int = 40) -> Path:
    """A small solid PNG (the city's logo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x1f\x4e\x79" * width for _ in range(height))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture
async def city(postgres_cluster: Cluster, tmp_path: Path) -> AsyncIterator[RunningCentral]:
    letterhead = msgspec.structs.replace(LETTERHEAD, logo=str(png(tmp_path / "logo.png")))
    async with running_central(postgres_cluster, lambda: NOW, letterhead=letterhead) as running:
        await push_offices(running)
        yield running


def pdf_text(body: bytes, directory: Path, page: int | None = None) -> str:
    path = directory / "report.pdf"
    path.write_bytes(body)
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    done = subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"],
                          capture_output=True, check=True)  # fmt: skip
    return done.stdout.decode("utf-8")


def pdf_pages(body: bytes, directory: Path) -> int:
    path = directory / "pages.pdf"
    path.write_bytes(body)
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)$", done.stdout, re.M)
    assert found is not None, done.stdout
    return int(found[1])


def line_of(text: str, start: str, pattern: bool = False) -> list[str]:
    """The cells (runs of 2+ spaces apart) of the first line that contains `start` (with
    `pattern`: that matches the regular expression `start`)."""
    for line in text.splitlines():
        if re.search(start, line) if pattern else start in line:
            return [cell for cell in re.split(r"\s{2,}", line.strip()) if cell]
    raise AssertionError(f"no line with {start!r} in:\n{text}")


def words_of(text: str, start: str) -> str:
    """The first line that contains `start`, its words one space apart."""
    return " ".join(" ".join(line_of(text, start)).split())


async def test_the_city_summary_pdf_ranks_the_offices_under_the_city_s_letterhead(
    city: RunningCentral, tmp_path: Path
) -> None:
    status, headers, body = await download(city, f"{SUMMARY}?{PERIOD}&group=office&format=pdf")
    assert status == 200, body[:200]
    assert headers["Content-Type"] == "application/pdf"
    assert 'filename="ringkasan-kota-2026-12-01-2026-12-31.pdf"' in headers["Content-Disposition"]
    assert pdf_pages(body, tmp_path) == 1
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    (directory / "city-summary.pdf").write_bytes(body)  # docs/city-summary-pdf.png, rendered
    text = pdf_text(body, tmp_path)
    for expected in ("PEMERINTAH KOTA TANGERANG", "BAGIAN ORGANISASI SEKRETARIAT DAERAH",
                     "Jl. Satria Sudirman No. 1, Tangerang",
                     "Rekapitulasi Pelayanan Kantor Kecamatan",
                     "Periode: 1 Desember 2026 – 31 Desember 2026"):  # fmt: skip
        assert expected in text
    # by hand (test_city_skm's offices): waits Cipondoh 4, 8, 30 → 14.0 min, 2 of 3 within
    # 10 min; Karawaci 5, 20 → 12.5, 1 of 2; Periuk 3, 25 → 14.0, 1 of 2; Ciledug 5, no
    # target. IKM Cipondoh 99.07 A, Karawaci 83.33 B, the city's 92.78 A (5 respondents)
    assert line_of(text, "Cipondoh") == ["1", "Kecamatan Cipondoh", "3", "3", "0", "14,0 menit",
                                         "99,07 (A)", "66,7%"]  # fmt: skip
    assert line_of(text, "Karawaci") == ["2", "Kecamatan Karawaci", "2", "2", "0", "12,5 menit",
                                         "83,33 (B)", "50,0%"]  # fmt: skip
    assert line_of(text, "Periuk") == ["2", "Kecamatan Periuk", "2", "2", "0", "14,0 menit", "—",
                                       "50,0%"]  # fmt: skip
    assert line_of(text, "Ciledug") == ["—", "Kecamatan Ciledug", "1", "1", "0", "5,0 menit", "—",
                                        "—"]  # fmt: skip
    order = [text.index(name) for name in ("Cipondoh", "Karawaci", "Periuk", "Ciledug")]
    assert order == sorted(order)
    # the city: 8 visits, waits adding up to 100 min → 12.5; within standard 4 of 7 measured
    assert line_of(text, "Kota  ") == ["Kota", "8", "8", "0", "12,5 menit", "92,78 (A)", "57,1%"]
    for expected in ("Tangerang, 2 Desember 2026", "Kepala Bagian Organisasi",
                     "Dra. Siti Aminah, M.Si.", "NIP. 19750101 200003 2 001"):  # fmt: skip
        assert expected in text
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "pages.pdf")],
                            capture_output=True, check=True, text=True).stdout  # fmt: skip
    assert len(images.splitlines()) == 3  # the header, its rule and the logo


async def test_the_city_summary_pdf_in_english_and_by_office_and_month(
    city: RunningCentral, tmp_path: Path
) -> None:
    status, _headers, body = await download(
        city, f"{SUMMARY}?{PERIOD}&group=office&format=pdf&lang=en"
    )
    assert status == 200
    text = pdf_text(body, tmp_path)
    assert "Service Summary of the District Offices" in text
    assert "Period: 1 December 2026 – 31 December 2026" in text
    assert line_of(text, "Karawaci")[-3:] == ["12.5 min", "83.33 (B)", "50.0%"]
    assert line_of(text, "City  ")[0] == "City"
    status, _headers, body = await download(
        city, f"{SUMMARY}?{PERIOD}&group=office,month&format=pdf"
    )
    assert status == 200
    text = pdf_text(body, tmp_path)
    rows, ranking = text.split("Peringkat sesuai standar waktu tunggu", 1)
    assert line_of(rows, "Cipondoh") == ["Kecamatan Cipondoh", "Desember 2026", "3", "3", "0",
                                         "14,0 menit", "66,7%"]  # fmt: skip
    # then the ranking on its own: rank, office, served, within standard
    assert line_of(ranking, "Cipondoh") == ["1", "Kecamatan Cipondoh", "3", "66,7%"]
    assert line_of(ranking, "Ciledug") == ["—", "Kecamatan Ciledug", "1", "—"]


async def test_the_city_skm_pdf_pools_every_respondent(
    city: RunningCentral, tmp_path: Path
) -> None:
    status, headers, body = await download(city, f"{SKM}?{PERIOD}&format=pdf")
    assert status == 200, body[:200]
    assert 'filename="skm-kota-2026-12-01-2026-12-31.pdf"' in headers["Content-Disposition"]
    assert pdf_pages(body, tmp_path) == 1
    text = pdf_text(body, tmp_path)
    assert "Indeks Kepuasan Masyarakat (IKM) per Kantor" in text
    assert words_of(text, "Kecamatan Cipondoh") == "2 Kecamatan Cipondoh 3 99,07 Sangat Baik A"
    assert words_of(text, "Kecamatan Karawaci") == "3 Kecamatan Karawaci 2 83,33 Baik B"
    assert words_of(text, "Kecamatan Periuk") == "4 Kecamatan Periuk 0 — — —"
    assert (
        words_of(text, "Kota (seluruh responden)  ")
        == "Kota (seluruh responden) 5 92,78 Sangat Baik A"
    )
    # the city's NRR per element over the 5 respondents, by hand from the answer sets
    # (Karawaci 4,4,3,3,4,4,4,3,4 and 3,3,3,2,4,3,3,3,3; Cipondoh 4×9, 4×9, 4×8 and a 3)
    assert line_of(text, r"^\s*U1\s{2,}U2", pattern=True) == [f"U{index}" for index in range(1, 10)]
    nrr = line_of(text, r"^\s*3,80\s{2,}3,80", pattern=True)
    assert nrr == ["3,80", "3,80", "3,60", "3,40", "4,00", "3,80", "3,80", "3,60", "3,60"]
    status, _headers, body = await download(city, f"{SKM}?{PERIOD}&format=pdf&lang=en")
    text = pdf_text(body, tmp_path)
    assert words_of(text, "City (all respondents)  ").endswith("5 92.78 Very good A")


async def add_test_offices(central: RunningCentral, numbers: range) -> None:
    """Offices "Kantor Uji NN", each with one visit that waited NN minutes (target 30)."""
    for number in numbers:
        name = f"Kantor Uji {number:02d}"
        _id, token = await central.add_office(name)
        batch = {"log_id": str(uuid.uuid4()),
                 "events": events(name, [served(1, "08:00", f"08:{number:02d}")], []),
                 "targets": {"A": 30}}  # fmt: skip
        status, body = await central.call("POST", INGEST, token, batch)
        assert status == 200, body


async def test_many_offices_go_on_to_a_second_page_under_the_header_again(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    async with running_central(postgres_cluster, lambda: NOW, letterhead=LETTERHEAD) as central:
        await add_test_offices(central, range(1, 41))
        status, _headers, body = await download(
            central, f"{SUMMARY}?{PERIOD}&group=office&format=pdf"
        )
    assert status == 200
    pages = pdf_pages(body, tmp_path)
    assert pages == 2
    first, second = pdf_text(body, tmp_path, 1), pdf_text(body, tmp_path, 2)
    assert "(lanjutan)" in second and "Peringkat" in second  # the title and header again
    names = re.findall(r"Kantor Uji (\d\d)", first + second)
    # waits of 1..40 min against 30: the first 30 within standard (rank 1, by name), then
    # the 10 others (rank 31) — each office once, in that order
    assert names == [f"{number:02d}" for number in range(1, 41)]
    assert line_of(second, "Kantor Uji 40")[0] == "31"
    assert "NIP." not in first and "NIP. 19750101 200003 2 001" in second
    assert line_of(second, "Kota  ")[1:3] == ["40", "40"]


async def test_a_pdf_of_a_bad_period_is_a_400_with_a_message(city: RunningCentral) -> None:
    status, _headers, body = await download(
        city, f"{SUMMARY}?from=2026-12-31&to=2026-12-01&group=office&format=pdf"
    )
    assert status == 400 and b"lebih awal" in body
    status, _headers, body = await download(city, f"{SKM}?{PERIOD}&format=docx")
    assert status == 400 and "pilihan: json, csv, xlsx, pdf" in body.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('regon = "Kota"\n', "kunci 'regon' tidak dikenal (yang dikenal: region, unit,"),
        ("region = 5\n", "kunci 'region' harus teks dalam tanda kutip"),
        ('head_nip = "1975 0101"\n', "head_nip harus 18 angka (spasi boleh)"),
        ('head_nip = "١٩٧٥٠١٠١٢٠٠٠٠٣٢٠٠١"\n', "head_nip harus 18 angka"),
        ('logo = "logo.gif"\n', "logo harus berkas PNG atau JPEG"),
        ('logo = "tidak-ada.png"\n', "tidak-ada.png tidak ada"),
        ('region = "Kota\n', "bukan TOML yang sah"),
        ('region = "Kota\\nTangerang"\n', "region berisi karakter kendali"),
        ('logo = "rusak.png"\n', "rusak.png bukan gambar PNG atau JPEG yang dapat dibaca"),
    ],
)
def test_a_letterhead_file_mistake_stops_the_central_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "kota.toml"
    path.write_text(content, encoding="utf-8")
    (tmp_path / "rusak.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not an image" * 10)
    # checked before the database is opened: no database is needed to see the mistake
    code = main(["--letterhead", str(path), "--database", "postgresql://nobody@127.0.0.1:1/x"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"antrian-central: Berkas kop surat {path}")
    assert message in err


def test_a_missing_letterhead_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--letterhead", str(tmp_path / "nope.toml"), "--database", "postgresql://x@y/z"])
    err = capsys.readouterr().err
    assert code == 2 and "nope.toml tidak dapat dibaca" in err and err.count("\n") == 1


async def test_the_reports_page_links_both_pdfs_for_a_signed_in_supervisor(
    city: RunningCentral, tmp_path: Path
) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await sign_in(city, session)
        async with session.get(city.url + f"/reports?{PERIOD}&lang=en") as answer:
            page = await answer.text()
        for name, title in (("summary-pdf", "Service Summary"), ("skm-pdf", "(IKM) per Office")):
            link = re.search(rf'id="{name}" href="([^"]+)"', page)
            assert link is not None, name
            async with session.get(city.url + html.unescape(link[1])) as answer:
                assert answer.status == 200
                assert answer.headers["Content-Type"] == "application/pdf"
                assert title in pdf_text(await answer.read(), tmp_path)


TEXT_VALUES = st.one_of(
    st.text(max_size=60), st.integers(min_value=-(10**30), max_value=10**30), st.booleans(),
    st.lists(st.text(max_size=5), max_size=3), st.just("١٩٧٥٠١٠١٢٠٠٠٠٣٢٠٠١"),
)  # fmt: skip
KEYS = st.sampled_from(["region", "unit", "address", "head_title", "head_name", "head_nip",
                        "logo", "réġion", "kop"])  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=st.dictionaries(KEYS, TEXT_VALUES, max_size=6), raw=st.binary(max_size=40))
def test_any_letterhead_file_is_taken_or_refused_with_a_central_error(
    tmp_path: Path, table: dict[str, object], raw: bytes
) -> None:
    """Written as TOML or as random bytes: a CityLetterhead that renders, or a CentralError."""
    path = tmp_path / "kota.toml"
    toml = "".join(f"{json.dumps(key)} = {json.dumps(value)}\n" for key, value in table.items())
    for body in (toml.encode("utf-8"), raw):
        path.write_bytes(body)
        try:
            letterhead = load_letterhead(path)
        except CentralError as exc:
            assert str(exc).startswith(f"Berkas kop surat {path}") and "\n" not in str(exc)
            continue
        signed = date(2026, 12, 31)
        rendered = city_skm_pdf(CitySkm(signed, signed, (), skm.index_of(skm.NO_ANSWERS)),
                                letterhead, signed)  # fmt: skip
        assert rendered.startswith(b"%PDF")


async def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    """With 24 or 25 offices the SKM table ends near the foot of page 1: the next heading
    goes over with its table rather than stay there alone."""
    async with running_central(postgres_cluster, lambda: NOW, letterhead=LETTERHEAD) as central:
        await add_test_offices(central, range(1, 24))
        for count in (24, 25):
            await add_test_offices(central, range(count, count + 1))
            status, _headers, body = await download(central, f"{SKM}?{PERIOD}&format=pdf")
            assert status == 200
            for page in range(1, pdf_pages(body, tmp_path) + 1):
                text = pdf_text(body, tmp_path, page)
                for heading, first_row in (("NRR kota per unsur pelayanan", "U1"),
                                           ("Per kantor", "Kantor Uji")):  # fmt: skip
                    if heading in text:
                        assert first_row in text.split(heading, 1)[1], (count, page, heading)


async def test_a_pdf_refuses_what_does_not_fit_paper_and_says_what_it_shows(
    city: RunningCentral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _headers, body = await download(
        city, f"{SUMMARY}?{PERIOD}&group=office,month,service,counter&format=pdf"
    )
    assert status == 400
    assert "PDF paling banyak office dan 2 pengelompokan lain" in body.decode()
    monkeypatch.setattr(central_pdf, "PDF_ROWS_MAX", 3)  # the four offices' months are 4 rows
    status, _headers, body = await download(
        city, f"{SUMMARY}?{PERIOD}&group=office,month&format=pdf&lang=en"
    )
    assert status == 400 and "at most 3 rows, this one has 4" in body.decode()
    monkeypatch.undo()
    # one service: said under the period, and no IKM (the survey is of the whole visit)
    status, _headers, body = await download(
        city, f"{SUMMARY}?{PERIOD}&group=office&service=A&format=pdf"
    )
    assert status == 200
    text = pdf_text(body, tmp_path)
    assert "Hanya layanan A" in text and "IKM" not in text
    assert line_of(text, "Cipondoh")[-1] == "66,7%"
    # one office's SKM is that office's, not the city's
    karawaci = (await city.offices())["Kecamatan Karawaci"]["id"]
    status, _headers, body = await download(city, f"{SKM}?{PERIOD}&office={karawaci}&format=pdf")
    assert status == 200
    text = pdf_text(body, tmp_path)
    assert "Kota (seluruh responden)" not in text and "seluruh responden" not in text
    assert words_of(text, "83,33 (B)").startswith("83,33 (B) Baik 2")
    assert words_of(text, "Kecamatan Karawaci  ") == "1 Kecamatan Karawaci 2 83,33 Baik B"


async def test_the_signature_carries_the_city_s_date_and_the_whole_title_and_name(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    """06.00 WIB on 2 December is still 1 December in UTC (a server's usual zone): the
    report is signed on the city's date. A long title and name wrap, never cut."""
    long = msgspec.structs.replace(
        LETTERHEAD, head_title="Kepala Bagian Organisasi Sekretariat Daerah Kota Tangerang",
        head_name="Prof. Dr. Ir. H. Raden Muhammad Abdurrahman Wicaksono Hadiningrat, S.H., M.Si.",
    )  # fmt: skip
    early = datetime.fromisoformat("2026-12-02T06:00+07:00")
    async with running_central(postgres_cluster, lambda: early, letterhead=long) as central:
        status, _headers, body = await download(central, f"{SKM}?{PERIOD}&format=pdf")
    assert status == 200
    text = " ".join(pdf_text(body, tmp_path).split())
    assert "Tangerang, 2 Desember 2026" in text
    assert "Kepala Bagian Organisasi Sekretariat Daerah Kota Tangerang" in text
    assert "Prof. Dr. Ir. H. Raden Muhammad Abdurrahman Wicaksono Hadiningrat, S.H., M.Si." in text
    assert "…" not in text
