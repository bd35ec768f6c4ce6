"""Exact ESC/POS bytes of tickets, wording in both languages, cutting and odd characters."""

from __future__ import annotations

import pytest

from printer_drivers import TicketData, TicketDataError
from printer_drivers.base import TicketFormat
from printer_drivers.charset import find_codepage
from printer_drivers.escpos_bytes import encode_layout
from printer_drivers.layout import PAPERS, QrCode, TextLine, build_layout
from tests.printer_drivers.conftest import make_ticket

RULE_80 = b"\xc4" * 48 + b"\n"  # box-drawing line, PC437 0xC4
URL = b"http://192.168.1.10:8470/t/42?key=k3y"

# The bytes an 80 mm printer receives for the reference ticket, written out by hand.
REFERENCE_TICKET_80MM = (
    b"\x1b@"  # ESC @: initialise
    b"\x1bt\x00"  # ESC t 0: code page PC437
    b"\x1ba\x01"  # ESC a 1: centre
    b"\x1bE\x01"  # ESC E 1: bold
    b"\x1d!\x01"  # GS ! 0x01: double height
    b"Kantor Kecamatan Contoh\n"
    b"\x1bE\x00"  # bold off
    b"Administrasi Kependudukan\n"
    b"\x1d!\x00" + RULE_80 + b"Nomor Antrian\n"  # GS ! 0: normal size
    b"\x1bE\x01\x1d!\x33"  # bold, quadruple width and height
    b"A005\n"
    b"\x1bE\x00\x1d!\x00" + RULE_80 + b"Orang di depan Anda: 12\n"
    b"Perkiraan waktu tunggu: \xf1 25 menit\n"  # 0xF1 is '±' in PC437
    b"Senin, 2 Juni 2025 08.15 WIB\n"
    b"\x1bd\x01"  # ESC d 1: feed a line
    b"\x1d(k\x04\x001A2\x00"  # QR model 2
    b"\x1d(k\x03\x001C\x06"  # module of 6 dots
    b"\x1d(k\x03\x001E1"  # error correction M
    b"\x1d(k\x28\x001P0" + URL + b"\x1d(k\x03\x001Q0"  # store the URL, then print the symbol
    b"\x1bd\x01"
    b"Pindai untuk melihat status antrian\n"
    b"\x1bd\x01"
    b"Terima kasih\n"
    b"\x1bd\x01"
    b"\x1bE\x01Silakan menunggu panggilan\n"
    b"\x1bd\x02"
    b"\x1dVB\x00"  # GS V 66 0: feed to the cutter and cut partially
)


def encode(ticket: TicketData, width_mm: int = 80, codepage: str = "cp437") -> bytes:
    return TicketFormat(PAPERS[width_mm], find_codepage(codepage)).encode(ticket)


def text_lines(ticket: TicketData, width_mm: int = 80) -> list[TextLine]:
    layout = build_layout(ticket, PAPERS[width_mm])
    return [block for block in layout.blocks if isinstance(block, TextLine)]


def test_reference_ticket_bytes_are_exact(ticket: TicketData) -> None:
    assert encode(ticket) == REFERENCE_TICKET_80MM


def test_reference_ticket_fits_one_kilobyte(ticket: TicketData) -> None:
    assert len(encode(ticket)) <= 1024


def test_number_is_printed_in_quadruple_size(ticket: TicketData) -> None:
    assert b"\x1d!\x33A005\n" in encode(ticket)
    (number_line,) = [line for line in text_lines(ticket) if line.text == "A005"]
    assert (number_line.width_scale, number_line.height_scale, number_line.bold) == (4, 4, True)


def test_priority_ticket_shows_inverted_prioritas_mark() -> None:
    data = encode(make_ticket(priority=True))
    assert b"\x1dB\x01 PRIORITAS \n\x1dB\x00" not in data  # invert is switched off later
    assert b"\x1d!\x11\x1dB\x01 PRIORITAS \n" in data  # double size, inverted
    assert b"\x1dB\x00" in data


def test_regular_ticket_has_no_priority_mark(ticket: TicketData) -> None:
    assert b"PRIORITAS" not in encode(ticket)


def test_english_ticket_uses_english_words() -> None:
    data = encode(
        make_ticket(
            language="en",
            priority=True,
            wait_text="about 1 hour 20 minutes",
            issued_text="Monday, 2 June 2025 08:15 WIB",
        )
    )
    for words in (
        b"Queue Number",
        b"People ahead of you: 12",
        b"Estimated wait: about 1 hour 20 minutes",
        b"Monday, 2 June 2025 08:15 WIB",
        b"Please wait to be called",
        b" PRIORITY ",
    ):
        assert words in data
    assert b"Nomor Antrian" not in data


def test_indonesian_is_the_default_language() -> None:
    issued_at = make_ticket().issued_at
    ticket = TicketData("Kantor", "Layanan", "B010", True, 0, None, issued_at, "Senin")
    data = encode(ticket)
    for words in (b"Nomor Antrian", b"Orang di depan Anda: 0", b"Silakan menunggu panggilan"):
        assert words in data
    assert b"PRIORITAS" in data
    assert b"Perkiraan waktu tunggu" not in data  # no estimate, no line
    assert b"\x1d(k" not in data  # no URL, no QR


def test_the_wait_and_the_date_are_printed_as_the_kiosk_formatted_them() -> None:
    data = encode(make_ticket(wait_text="± 15 menit", issued_text="Selasa, 1 Desember 13.00"))
    assert b"Perkiraan waktu tunggu: \xf1 15 menit\n" in data
    assert b"Selasa, 1 Desember 13.00\n" in data


def test_58mm_ticket_wraps_to_32_columns_and_uses_smaller_qr(ticket: TicketData) -> None:
    data = encode(ticket, width_mm=58)
    assert b"\xc4" * 32 + b"\n" in data and b"\xc4" * 33 not in data
    assert b"\x1d(k\x03\x001C\x05" in data  # module of 5 dots
    for line in text_lines(ticket, 58):
        assert len(line.text) * line.width_scale <= 32
    assert b"Perkiraan waktu tunggu:\n\xf1 25 menit\n" in data  # value below its label


def test_long_texts_are_cut_with_an_ellipsis() -> None:
    ticket = make_ticket(office_name="Kecamatan " * 40, footer="Harap " * 100)
    lines = [line.text for line in text_lines(ticket)]
    office_lines = [line for line in lines if line.startswith("Kecamatan")]
    assert len(office_lines) == 2 and office_lines[-1].endswith("...")
    assert all(len(line) <= 48 for line in lines)
    assert len(encode(ticket)) <= 1024


def test_indonesian_and_odd_characters_are_replaced_not_fatal() -> None:
    ticket = make_ticket(
        office_name="Kantor “Kecamatan” Cibinong — Ñusantara 🇮🇩",
        service_name="Perizinan ≤ 70 m² · café\u200b\u0000\nbaru",
        footer="Terima kasih 🙏 – 谢谢",
    )
    lines = [line.text for line in text_lines(ticket)]
    assert lines[0] == 'Kantor "Kecamatan" Cibinong - Ñusantara ??'
    assert lines[1] == "Perizinan ≤ 70 m² · café baru"  # all four exist in PC437
    assert "Terima kasih ? - ??" in lines
    data = encode(ticket)
    assert b"Perizinan \xf3 70 m\xfd \xfa caf\x82 baru\n" in data


def test_characters_missing_from_cp1252_get_plain_replacements() -> None:
    ticket = make_ticket(service_name="Perizinan ≤ 70 m² · café ─")
    data = encode(ticket, codepage="cp1252")
    assert b"Perizinan <= 70 m\xb2 \xb7 caf\xe9 -\n" in data
    assert b"-" * 48 + b"\n" in data  # the rule falls back to hyphens


def test_code_page_cp858_is_selected_and_used() -> None:
    data = encode(make_ticket(footer="Biaya 5 €"), codepage="cp858")
    assert data.startswith(b"\x1b@\x1bt\x13")
    assert b"Biaya 5 \xd5\n" in data  # '€' is 0xD5 in PC858


def test_number_with_odd_characters_is_kept_short() -> None:
    lines = text_lines(make_ticket(number="A\n0\t05🙂xxxxxxxxx"))
    assert "A 0 05?x" in [line.text for line in lines]


def test_url_with_unicode_is_percent_encoded_for_the_qr() -> None:
    layout = build_layout(make_ticket(check_url="http://kantor.local/t/ñ?key=a b"))
    (code,) = [block for block in layout.blocks if isinstance(block, QrCode)]
    assert code.data == "http://kantor.local/t/%C3%B1?key=a%20b"


def test_too_long_url_leaves_out_the_qr_but_prints_the_ticket() -> None:
    data = encode(make_ticket(check_url="http://x/" + "a" * 400))
    assert b"\x1d(k" not in data and b"A005" in data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"people_ahead": -1}, "people_ahead"),
        ({"people_ahead": True}, "people_ahead"),
        ({"wait_text": 10}, "wait_text"),
        ({"issued_text": None}, "issued_text"),
        ({"issued_at": make_ticket().issued_at.replace(tzinfo=None)}, "issued_at"),
        ({"language": "jv"}, "language"),
        ({"number": 5}, "number"),
        ({"priority": "yes"}, "priority"),
        ({"footer": 3}, "footer"),
    ],
)
def test_bad_ticket_values_raise_a_typed_error(changes: dict[str, object], message: str) -> None:
    with pytest.raises(TicketDataError, match=message):
        make_ticket(**changes)


def test_encoding_is_pure(ticket: TicketData) -> None:
    layout = build_layout(ticket)
    assert encode_layout(layout) == encode_layout(layout) == encode(ticket)
