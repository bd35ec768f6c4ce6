"""Printer benchmark: bytes per ticket, and time to print over 9600 and 115200 baud serial."""

from __future__ import annotations

import argparse
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from client.formatting import format_date_time, format_wait
from printer_drivers import PrinterConfig, PrinterType, TicketData, open_printer
from printer_drivers.base import TicketFormat
from printer_drivers.layout import PAPERS
from printer_drivers.logo import load_logo
from printer_drivers.render import render_layout

DLE_EOT = b"\x10\x04"
BAUD_RATES = (9600, 115200)
BITS_PER_BYTE = 10


def sample_tickets() -> dict[str, TicketData]:
    """A typical ticket, a priority English one, and one with every field at its longest."""
    issued_at = datetime(2025, 6, 2, 8, 15, tzinfo=ZoneInfo("Asia/Jakarta"))
    typical = TicketData(
        office_name="Kantor Kecamatan Cibinong",
        service_name="Administrasi Kependudukan",
        number="A123",
        priority=False,
        people_ahead=14,
        wait_text=format_wait(1680, "id"),
        issued_at=issued_at,
        issued_text=format_date_time(issued_at, "id"),
        check_url="http://192.168.1.10:8470/api/v1/tickets/1234?key=9f8e7d6c5b4a3921",
        footer="Simpan tiket ini sampai dipanggil",
        language="id",
    )
    priority = TicketData(
        office_name="Mal Pelayanan Publik Kota Contoh",
        service_name="Licensing and Permits",
        number="B045",
        priority=True,
        people_ahead=3,
        wait_text=format_wait(420, "en"),
        issued_at=issued_at,
        issued_text=format_date_time(issued_at, "en"),
        check_url="http://192.168.1.10:8470/api/v1/tickets/1235?key=0a1b2c3d4e5f6789",
        footer="Please keep this ticket until you are called",
        language="en",
    )
    longest = TicketData(
        office_name="Kantor Kecamatan " * 20,
        service_name="Perizinan dan Non-Perizinan " * 10,
        number="C1234567",
        priority=True,
        people_ahead=123456,
        wait_text=format_wait(3 * 3600 + 59 * 60, "id"),
        issued_at=issued_at,
        issued_text=format_date_time(issued_at, "id"),
        check_url="http://antrian.kecamatan.example/api/v1/tickets/?key=" + "k" * 200,
        footer="Terima kasih atas kesabaran Anda menunggu " * 10,
        language="id",
    )
    return {"typical": typical, "priority, English": priority, "longest fields": longest}


def measure_bytes(tickets: dict[str, TicketData], logo_path: Path) -> None:
    print("Bytes per ticket (no logo unless stated)")
    print(f"  {'ticket':<22}{'80 mm':>8}{'58 mm':>8}  encode time (80 mm)")
    for name, ticket in tickets.items():
        sizes = []
        for width in (80, 58):
            sizes.append(len(TicketFormat(PAPERS[width]).encode(ticket)))
        ticket_format = TicketFormat(PAPERS[80])
        rounds = 200
        started = time.perf_counter()
        for _ in range(rounds):
            ticket_format.encode(ticket)
        encode_us = (time.perf_counter() - started) / rounds * 1e6
        print(f"  {name:<22}{sizes[0]:>8}{sizes[1]:>8}  {encode_us:,.0f} µs")
    typical = tickets["typical"]
    with_logo = [
        len(TicketFormat(PAPERS[width], logo=load_logo(logo_path, PAPERS[width])).encode(typical))
        for width in (80, 58)
    ]
    print(f"  {'typical + logo':<22}{with_logo[0]:>8}{with_logo[1]:>8}")
    started = time.perf_counter()
    render_layout(TicketFormat().layout(typical))
    print(f"  preview PNG render (80 mm): {(time.perf_counter() - started) * 1000:.0f} ms")


class PacedPrinter:
    """The printer end of a pty pair, taking bytes no faster than the line rate allows."""

    def __init__(self, path: Path, baudrate: int) -> None:
        self.byte_time_s = BITS_PER_BYTE / baudrate
        self.received = 0
        self.last_byte_at = 0.0
        self._descriptor = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        line_free_at = 0.0
        while not self._stop.is_set():
            readable, _, _ = select.select([self._descriptor], [], [], 0.01)
            if not readable:
                continue
            data = os.read(self._descriptor, 64)
            now = time.perf_counter()
            # Bytes leave the UART one after another: this chunk ends when the line is free.
            line_free_at = max(line_free_at, now) + len(data) * self.byte_time_s
            time.sleep(max(line_free_at - time.perf_counter(), 0))
            self.received += len(data)
            self.last_byte_at = time.perf_counter()
            for kind in (1, 2, 4):
                if DLE_EOT + bytes([kind]) in data:
                    os.write(self._descriptor, b"\x12")  # ready, paper present, cover closed

    def wait_for(self, size: int) -> float:
        while self.received < size:
            time.sleep(0.001)
        return self.last_byte_at

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        os.close(self._descriptor)


def measure_serial(ticket: TicketData, rounds: int, folder: Path) -> None:
    socat = shutil.which("socat")
    if socat is None:
        print("socat not found: serial timing skipped")
        return
    print("\nTime to print the typical 80 mm ticket over a virtual serial line")
    print("  (socat pty pair; the printer end takes bytes at the line rate and answers status)")
    size = len(TicketFormat().encode(ticket))
    for baudrate in BAUD_RATES:
        driver_end, printer_end = folder / f"tty-{baudrate}", folder / f"printer-{baudrate}"
        process = subprocess.Popen(
            [socat, f"pty,raw,echo=0,link={driver_end}", f"pty,raw,echo=0,link={printer_end}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while not (driver_end.exists() and printer_end.exists()):
                time.sleep(0.01)
            printer_side = PacedPrinter(printer_end, baudrate)
            config = PrinterConfig(
                type=PrinterType.SERIAL, device=str(driver_end), baudrate=baudrate, timeout_s=2.0
            )
            returned, delivered = [], []
            with open_printer(config) as printer:
                for round_number in range(rounds):
                    expected = (round_number + 1) * (size + 9)  # ticket + three status queries
                    started = time.perf_counter()
                    printer.print_ticket(ticket)
                    returned.append(time.perf_counter() - started)
                    delivered.append(printer_side.wait_for(expected) - started)
            printer_side.stop()
        finally:
            process.terminate()
            process.wait()
        wire_s = size * BITS_PER_BYTE / baudrate
        print(
            f"  {baudrate:>6} baud: {size} bytes, line time {wire_s * 1000:.0f} ms; "
            f"print_ticket returned after {statistics.median(returned) * 1000:.0f} ms, "
            f"last byte at the printer after {statistics.median(delivered) * 1000:.0f} ms "
            f"(median of {rounds})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="tickets per baud rate")
    arguments = parser.parse_args()
    tickets = sample_tickets()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        logo_path = folder / "logo.png"
        logo = Image.new("L", (600, 300), 255)
        ImageDraw.Draw(logo).ellipse((150, 0, 450, 300), fill=0)
        logo.save(logo_path)
        measure_bytes(tickets, logo_path)
        measure_serial(tickets["typical"], arguments.rounds, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
