"""Real-time status replies (DLE EOT 1, 2, 4) decoded into PrinterStatus and typed errors."""

from __future__ import annotations

import pytest

from printer_drivers import CoverOpen, PaperOut, PaperState, PrinterNotFound, PrinterOffline
from printer_drivers.base import PrinterStatus
from printer_drivers.status import is_status_byte, status_from_replies, status_query


def test_queries_are_dle_eot_n() -> None:
    assert [status_query(kind) for kind in (1, 2, 4)] == [
        b"\x10\x04\x01",
        b"\x10\x04\x02",
        b"\x10\x04\x04",
    ]


@pytest.mark.parametrize(
    ("value", "valid"), [(0x12, True), (0x7E, True), (0x00, False), (0x13, False), (0x92, False)]
)
def test_status_bytes_are_recognised_by_their_fixed_bits(value: int, valid: bool) -> None:
    assert is_status_byte(value) is valid


def test_ready_printer() -> None:
    status = status_from_replies(0x12, 0x12, 0x12)
    assert status == PrinterStatus(
        online=True, paper=PaperState.OK, cover_open=False, error=None, answered=True
    )
    assert status.ready and status.problem() is None


def test_paper_near_end_still_prints_but_says_so() -> None:
    status = status_from_replies(0x12, 0x12, 0x1E)
    assert status.paper is PaperState.NEAR_END and status.ready
    assert status.error == "paper roll is nearly empty"


def test_paper_out() -> None:
    status = status_from_replies(0x1A, 0x32, 0x7E)
    assert (status.online, status.paper, status.cover_open) == (False, PaperState.OUT, False)
    assert isinstance(status.problem(), PaperOut)
    assert "load a new roll" in str(status.problem())


def test_cover_open() -> None:
    status = status_from_replies(0x1A, 0x16, 0x12)
    assert status.cover_open is True
    assert isinstance(status.problem(), CoverOpen)


def test_offline_without_a_known_cause() -> None:
    status = status_from_replies(0x1A, 0x12, 0x12)
    assert isinstance(status.problem(), PrinterOffline)


def test_missing_second_and_third_replies_leave_paper_and_cover_unknown() -> None:
    status = status_from_replies(0x12, None, None)
    assert (status.paper, status.cover_open, status.ready) == (PaperState.UNKNOWN, None, True)


def test_status_from_an_error_keeps_its_type() -> None:
    status = PrinterStatus.from_error(PrinterNotFound("printer not found: /dev/ttyUSB0"))
    assert not status.online
    problem = status.problem()
    assert (
        isinstance(problem, PrinterNotFound) and str(problem) == "printer not found: /dev/ttyUSB0"
    )
