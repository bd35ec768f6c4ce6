"""The kop surat and signer of the city's printed reports: `antrian-central --letterhead FILE`.

A small TOML file, in the office's letterhead words (README "Configuration"):

    region = "Pemerintah Kota Tangerang"
    unit = "Bagian Organisasi Sekretariat Daerah"
    address = "Jl. Satria Sudirman No. 1, Tangerang"
    head_title = "Kepala Bagian Organisasi"
    head_name = "Dra. Siti Aminah, M.Si."
    head_nip = "19750101 200003 2 001"
    logo = "logo-kota.png"        # PNG/JPEG, beside this file (or an absolute path)

Every key is optional. A mistake is a `CentralError` that names the key and what to write,
so `antrian-central` stops at start with one line instead of printing a wrong report later.
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

import msgspec
from fpdf import FPDF

from central.errors import CentralError
from server.config import LOGO_SUFFIXES, NIP_LENGTH
from server.reports.pdf import REGION_PREFIXES

CONTROL = {"Cc", "Zl", "Zp"}  # tabs, new lines and the like: a letterhead line is one line


class CityLetterhead(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """What the city PDFs print above and below their tables (empty: left out or dotted);
    `logo` is the image's path once loaded."""

    region: str = ""
    unit: str = ""
    address: str = ""
    head_title: str = ""
    head_name: str = ""
    head_nip: str = ""
    logo: str = ""

    @property
    def place(self) -> str:
        """Where the report is signed: "Tangerang" of "Pemerintah Kota Tangerang"."""
        for prefix in REGION_PREFIXES:
            if self.region.startswith(prefix):
                return self.region[len(prefix) :].strip()
        return self.region or "......................"

    @property
    def logo_path(self) -> Path | None:
        return Path(self.logo) if self.logo else None


def load_letterhead(path: Path) -> CityLetterhead:
    """The letterhead file at `path`, checked (CentralError in Indonesian on a mistake)."""
    where = f"Berkas kop surat {path}"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CentralError(f"{where} tidak dapat dibaca: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise CentralError(f"{where} bukan teks UTF-8; simpan ulang sebagai UTF-8.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CentralError(f"{where} bukan TOML yang sah: {exc}.") from exc
    try:
        parsed = msgspec.convert(raw, CityLetterhead)
    except msgspec.ValidationError as exc:
        raise CentralError(f"{where}: {_validation_text(exc)}") from exc
    for key in CityLetterhead.__struct_fields__:
        value = getattr(parsed, key)
        if any(unicodedata.category(char) in CONTROL for char in value):
            raise CentralError(
                f"{where}: {key} berisi karakter kendali (mis. baris baru); tulis dalam satu baris."
            )
    nip = "".join(parsed.head_nip.split())
    if nip and not (nip.isascii() and nip.isdigit() and len(nip) == NIP_LENGTH):
        raise CentralError(
            f"{where}: head_nip harus {NIP_LENGTH} angka (spasi boleh), "
            f"bukan {parsed.head_nip[:40]!r}."
        )
    logo = ""
    if parsed.logo.strip():
        path_of_logo = path.parent / parsed.logo.strip()
        if path_of_logo.suffix.lower() not in LOGO_SUFFIXES:
            raise CentralError(
                f"{where}: logo harus berkas PNG atau JPEG, bukan {path_of_logo.name!r}."
            )
        if not path_of_logo.is_file():
            raise CentralError(f"{where}: berkas logo {path_of_logo} tidak ada.")
        _check_image(path_of_logo, where)
        logo = str(path_of_logo)
    return CityLetterhead(
        region=parsed.region.strip(), unit=parsed.unit.strip(), address=parsed.address.strip(),
        head_title=parsed.head_title.strip(), head_name=parsed.head_name.strip(),
        head_nip=parsed.head_nip.strip(), logo=logo,
    )  # fmt: skip


def _check_image(path: Path, where: str) -> None:
    """The logo drawn once on a scratch page: a file fpdf2 cannot draw stops the start."""
    try:
        probe = FPDF()
        probe.add_page()
        probe.image(str(path), h=10)
    except Exception as exc:  # any failure of the image parser means the same to the admin
        raise CentralError(
            f"{where}: berkas logo {path.name} bukan gambar PNG atau JPEG yang dapat dibaca."
        ) from exc


def _validation_text(exc: msgspec.ValidationError) -> str:
    """msgspec's English into the file's words: the key and what it must be."""
    text = str(exc)
    if text.startswith("Object contains unknown field"):
        key = text.split("`")[1] if "`" in text else "?"
        known = ", ".join(CityLetterhead.__struct_fields__)
        return f"kunci {key!r} tidak dikenal (yang dikenal: {known})."
    key = text.rsplit("$.", 1)[-1].rstrip("`") if "$." in text else "?"
    return f'kunci {key!r} harus teks dalam tanda kutip, mis. {key} = "...".'
