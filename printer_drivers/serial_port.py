"""Serial transport (RS-232 or USB-serial adapter) on pyserial."""

from __future__ import annotations

import contextlib
import errno
import termios

import serial

from printer_drivers.errors import (
    UDEV_HINT,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterUnavailable,
)
from printer_drivers.transport import Transport, offline_error

BITS_PER_BYTE = 10  # 8 data bits, a start bit and a stop bit
WRITE_TIME_ALLOWANCE = 1.5  # the printer may hold the line (flow control) while it prints
# termios.error is not an OSError; pyserial lets it through from tcflush on a dead tty.
IO_ERRORS = (serial.SerialException, OSError, termios.error)
NOT_FOUND_ERRNOS = {errno.ENOENT, errno.ENODEV, errno.ENXIO}
PERMISSION_ERRNOS = {errno.EACCES, errno.EPERM}


class SerialTransport(Transport):
    """A printer on a serial device such as /dev/ttyUSB0, 8N1 at a fixed baud rate."""

    def __init__(self, device: str, baudrate: int = 9600) -> None:
        self.device = device
        self.baudrate = baudrate
        self.description = f"serial printer {device} at {baudrate} baud"
        self._port: serial.Serial | None = None

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        try:
            self._port = serial.Serial(
                port=self.device,
                baudrate=self.baudrate,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE,
                timeout=0,
                exclusive=True,
            )
        except (*IO_ERRORS, ValueError) as exc:
            raise open_error(self.device, exc) from exc

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            # An unplugged adapter has nothing left to release.
            with contextlib.suppress(*IO_ERRORS):
                port.close()

    def write(self, data: bytes, timeout_s: float) -> None:
        port = self._require_port()
        transfer_s = len(data) * BITS_PER_BYTE / self.baudrate
        try:
            port.write_timeout = timeout_s + transfer_s * WRITE_TIME_ALLOWANCE
            port.write(data)
            port.flush()  # returns when the bytes have left the UART
        except serial.SerialTimeoutException as exc:
            raise PrinterOffline(
                f"{self.description}: write timed out; the printer is busy, offline or "
                "its flow control setting does not match"
            ) from exc
        except IO_ERRORS as exc:
            raise offline_error(self.description, "write", exc) from exc

    def read(self, size: int, timeout_s: float) -> bytes:
        port = self._require_port()
        try:
            port.timeout = max(timeout_s, 0.0)
            return bytes(port.read(size))
        except IO_ERRORS as exc:
            raise offline_error(self.description, "read", exc) from exc

    def discard_input(self) -> None:
        port = self._require_port()
        try:
            port.reset_input_buffer()
        except IO_ERRORS as exc:
            raise offline_error(self.description, "reset", exc) from exc

    def _require_port(self) -> serial.Serial:
        if self._port is None:
            raise PrinterOffline(f"{self.description} is not open")
        return self._port


def open_error(
    device: str, exc: BaseException, key: str = "printer.device", group: str = "dialout"
) -> PrinterUnavailable:
    """The typed error for a device that could not be opened."""
    code = getattr(exc, "errno", None)
    if code in NOT_FOUND_ERRNOS or isinstance(exc, FileNotFoundError):
        return PrinterNotFound(
            f"printer not found: {device} does not exist; check the cable and {key}"
        )
    if code in PERMISSION_ERRNOS or isinstance(exc, PermissionError):
        return PrinterPermissionDenied(
            f"permission denied on {device}: add the user to the {group} group or {UDEV_HINT}"
        )
    if code in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK):
        return PrinterOffline(f"{device} is in use by another program")
    reason = getattr(exc, "strerror", None) or str(exc)
    return PrinterOffline(f"cannot open {device}: {reason}")
