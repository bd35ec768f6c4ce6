"""`antrian-server holidays import` and `check`: a year's list into [[holidays]] tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from server.config import load_config
from server.holidays import parse_date
from server.main import main

CSV_2027 = (
    "date,name\n"
    "2027-01-01,Tahun Baru 2027 Masehi\n"
    "6 Februari 2027,Tahun Baru Imlek 2578 Kongzili\n"
    '10/03/2027,"Hari Suci Nyepi, Tahun Baru Saka 1949"\n'
    "\n"
    '"Jumat, 26 Maret 2027",Wafat Yesus Kristus\n'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-01", date(2027, 1, 1)),
        ("1 Januari 2027", date(2027, 1, 1)),
        ("17 Agustus 2027", date(2027, 8, 17)),
        ("17 Agt 2027", date(2027, 8, 17)),
        ("25 Des. 2027", date(2027, 12, 25)),
        ("Sabtu, 25 Desember 2027", date(2027, 12, 25)),
        ("25/12/2027", date(2027, 12, 25)),
        ("25-12-2027", date(2027, 12, 25)),
        ("31 Februari 2027", None),
        ("1 Smarch 2027", None),
        ("12/25/2027", None),  # month first is not an Indonesian form
        ("besok", None),
    ],
)
def test_dates_in_iso_or_simple_indonesian_forms(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_prints_tables_that_the_config_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTRIAN_LANG", raising=False)
    source = write(tmp_path, "libur-2027.csv", CSV_2027)
    config = write(tmp_path, "antrian.toml", '[office]\nname = "Kecamatan Uji"\n')
    assert main(["--config", str(config), "holidays", "import", str(source)]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[:4] == [
        "# 4 hari libur dari libur-2027.csv", "", "[[holidays]]", "date = 2027-01-01",
    ]  # fmt: skip
    assert 'name = "Hari Suci Nyepi, Tahun Baru Saka 1949"' in printed
    with config.open("a", encoding="utf-8") as file:
        file.write(printed)
    holidays = load_config(config, environ={}).holidays
    assert [(holiday.date, holiday.name) for holiday in holidays] == [
        (date(2027, 1, 1), "Tahun Baru 2027 Masehi"),
        (date(2027, 2, 6), "Tahun Baru Imlek 2578 Kongzili"),
        (date(2027, 3, 10), "Hari Suci Nyepi, Tahun Baru Saka 1949"),
        (date(2027, 3, 26), "Wafat Yesus Kristus"),
    ]
    # a second import adds nothing twice
    assert main(["--config", str(config), "holidays", "import", str(source)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "# 0 hari libur dari libur-2027.csv\n"
    assert captured.err == (
        "antrian-server: 4 tanggal sudah ada di pengaturan, tidak ditulis lagi\n"
    )


def test_a_spreadsheet_csv_with_semicolons_and_a_bom_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "libur.csv"
    source.write_bytes("\ufefftanggal;nama\n17/08/2027;Hari Kemerdekaan RI\n".encode())
    assert main(["holidays", "import", str(source)]) == 0
    assert 'date = 2027-08-17\nname = "Hari Kemerdekaan RI"\n' in capsys.readouterr().out


def test_a_toml_list_is_checked_like_the_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTRIAN_LANG", raising=False)
    good = write(tmp_path, "libur.toml", '[[holidays]]\ndate = 2027-05-01\nname = "Hari Buruh"\n')
    assert main(["holidays", "import", str(good)]) == 0
    assert capsys.readouterr().out.endswith('date = 2027-05-01\nname = "Hari Buruh"\n')
    bad = write(tmp_path, "salah.toml", '[[holidays]]\ndate = 2027-05-01\nname = ""\n')
    assert main(["holidays", "import", str(bad)]) == 2
    assert capsys.readouterr().err == (
        'antrian-server: Pengaturan salah di hari libur 2027-05-01, kunci "name": tidak boleh'
        " kosong\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tanggal,hari\n", '{path}: baris pertama harus judul kolom "date,name" (tanggal,nama)'),
        (
            "date,name\n2027-01-01,Tahun Baru\n32 Januari 2027,Salah\n",
            '{path} baris 3: "32 Januari 2027" bukan tanggal seperti 2027-01-01 atau'
            ' "1 Januari 2027"',
        ),
        ("date,name\n2027-01-01,\n", "{path} baris 2: nama hari libur kosong"),
        (
            "date,name\n2027-01-01,Tahun Baru\n1 Januari 2027,Lagi\n",
            "{path} baris 3: tanggal 2027-01-01 tercantum dua kali di [[holidays]]",
        ),
    ],
)
def test_a_bad_row_names_its_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTRIAN_LANG", raising=False)
    source = write(tmp_path, "libur.csv", text)
    assert main(["holidays", "import", str(source)]) == 2
    assert capsys.readouterr().err == f"antrian-server: {message.format(path=source)}\n"


def test_an_unknown_kind_of_file_is_refused_in_english_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANTRIAN_LANG", "en")
    source = write(tmp_path, "libur.xlsx", "")
    assert main(["holidays", "import", str(source)]) == 2
    assert capsys.readouterr().err == (
        f"antrian-server: {source}: a holiday list must be a .csv or .toml file\n"
    )


def test_check_says_whether_the_settings_are_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTRIAN_LANG", raising=False)
    example = Path(__file__).resolve().parents[2] / "assets" / "antrian.example.toml"
    assert main(["--config", str(example), "check"]) == 0
    assert capsys.readouterr().out == "Pengaturan benar: 3 layanan, 3 loket, 2 hari libur\n"
    bad = write(tmp_path, "antrian.toml", '[office]\ntimezone = "WIB"\n')
    assert main(["--config", str(bad), "check"]) == 2
    assert capsys.readouterr().err == (
        'antrian-server: Pengaturan salah di [office], kunci "timezone": zona waktu "WIB"'
        ' tidak dikenal; maksudnya "Asia/Jakarta"?\n'
    )
