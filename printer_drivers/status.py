"""ESC/POS real-time status (DLE EOT n): the queries, the reply bits, and a bounded poll."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from printer_drivers.base import PaperState, PrinterStatus

if TYPE_CHECKING:
    from printer_drivers.transport import Transport

DLE_EOT = b"\x10\x04"
QUERY_PRINTER = 1
QUERY_OFFLINE_CAUSE = 2
QUERY_PAPER_SENSOR = 4

# Every real-time status byte has bits 1 and 4 set and bits 0 and 7 clear.
STATUS_FIXED_MASK = 0x93
STATUS_FIXED_BITS = 0x12
PRINTER_OFFLINE_BIT = 0x08
COVER_OPEN_BIT = 0x04
PAPER_END_STOP_BIT = 0x20
ERROR_BIT = 0x40
PAPER_NEAR_END_BITS = 0x0C
PAPER_OUT_BITS = 0x60


def status_query(kind: int) -> bytes:
    """The three bytes DLE EOT n."""
    return DLE_EOT + bytes([kind])


def is_status_byte(value: int) -> bool:
    """Whether a received byte has the fixed bits of a real-time status reply."""
    return value & STATUS_FIXED_MASK == STATUS_FIXED_BITS


def paper_from_sensor(value: int) -> PaperState:
    """Paper state from the reply to DLE EOT 4."""
    if value & PAPER_OUT_BITS:
        return PaperState.OUT
    if value & PAPER_NEAR_END_BITS:
        return PaperState.NEAR_END
    return PaperState.OK


def status_from_replies(
    printer: int, offline_cause: int | None, paper: int | None
) -> PrinterStatus:
    """Combine the replies to DLE EOT 1, 2 and 4 (the last two may be missing)."""
    cover_open = None if offline_cause is None else bool(offline_cause & COVER_OPEN_BIT)
    paper_state = PaperState.UNKNOWN if paper is None else paper_from_sensor(paper)
    if offline_cause is not None and offline_cause & PAPER_END_STOP_BIT:
        paper_state = PaperState.OUT
    online = not printer & PRINTER_OFFLINE_BIT
    problems: list[str] = []
    if cover_open:
        problems.append("printer cover is open: close it")
    if paper_state is PaperState.OUT:
        problems.append("printer is out of paper: load a new roll")
    if offline_cause is not None and offline_cause & ERROR_BIT:
        problems.append("printer reports an error: switch it off and on")
    if not online and not problems:
        problems.append("printer reports it is offline")
    if paper_state is PaperState.NEAR_END and not problems:
        problems.append("paper roll is nearly empty")
    return PrinterStatus(
        online=online,
        paper=paper_state,
        cover_open=cover_open,
        error="; ".join(problems) or None,
        answered=True,
    )


def poll_status(transport: Transport, timeout_s: float) -> PrinterStatus:
    """Ask an open transport for real-time status; the whole poll lasts at most timeout_s."""
    deadline = time.monotonic() + timeout_s
    transport.discard_input()
    printer = _ask(transport, QUERY_PRINTER, deadline)
    if printer is None:
        return PrinterStatus(
            online=False,
            error=(
                f"{transport.description} does not answer status queries within {timeout_s:g} s: "
                "check power, cable and baud rate (or set printer.realtime_status = false)"
            ),
            error_code="printer_offline",
        )
    offline_cause = _ask(transport, QUERY_OFFLINE_CAUSE, deadline)
    paper = _ask(transport, QUERY_PAPER_SENSOR, deadline)
    return status_from_replies(printer, offline_cause, paper)


def _ask(transport: Transport, kind: int, deadline: float) -> int | None:
    transport.write(status_query(kind), max(deadline - time.monotonic(), 0.05))
    while (remaining := deadline - time.monotonic()) > 0:
        reply = transport.read(1, remaining)
        if reply and is_status_byte(reply[0]):
            return reply[0]
        # Anything else (XON/XOFF, automatic status blocks) is skipped until the deadline.
    return None
