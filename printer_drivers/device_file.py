"""Device-file transport: a printer the kernel already drives, such as /dev/usb/lp0."""

from __future__ import annotations

import contextlib
import os
import select
import stat
import time

from printer_drivers.errors import PrinterNotFound, PrinterOffline
from printer_drivers.serial_port import open_error
from printer_drivers.transport import Transport, offline_error


class DeviceFileTransport(Transport):
    """Writes to an existing device file; never creates it (a missing printer stays missing)."""

    def __init__(self, path: str, readable: bool = False) -> None:
        self.path = path
        self.can_read = readable
        self.description = f"printer device {path}"
        self._descriptor: int | None = None

    @property
    def is_open(self) -> bool:
        return self._descriptor is not None

    def open(self) -> None:
        mode = os.O_RDWR if self.can_read else os.O_WRONLY
        try:
            # No O_CREAT: writing to an absent /dev/usb/lp0 must fail, not fill a file.
            descriptor = os.open(self.path, mode | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except IsADirectoryError as exc:
            raise PrinterNotFound(f"printer not found: {self.path} is a directory") from exc
        except OSError as exc:
            raise open_error(self.path, exc, key="printer.path", group="lp") from exc
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise PrinterNotFound(f"printer not found: {self.path} is a directory")
        self._descriptor = descriptor

    def close(self) -> None:
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            # If the device vanished, the descriptor is released anyway.
            with contextlib.suppress(OSError):
                os.close(descriptor)

    def write(self, data: bytes, timeout_s: float) -> None:
        descriptor = self._require_descriptor()
        deadline = time.monotonic() + timeout_s + len(data) / 1000  # slow printers drain ~1 KB/s
        view = memoryview(data)
        try:
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PrinterOffline(
                        f"{self.description}: write timed out; the printer is offline or full"
                    )
                _, writable, _ = select.select([], [descriptor], [], remaining)
                if not writable:
                    continue
                try:
                    written = os.write(descriptor, view)
                except BlockingIOError:
                    continue
                view = view[written:]
        except PrinterOffline:
            raise
        except OSError as exc:
            raise offline_error(self.description, "write", exc) from exc

    def read(self, size: int, timeout_s: float) -> bytes:
        descriptor = self._require_descriptor()
        try:
            readable, _, _ = select.select([descriptor], [], [], max(timeout_s, 0.0))
            if not readable:
                return b""
            return os.read(descriptor, size)
        except BlockingIOError:
            return b""
        except OSError as exc:
            raise offline_error(self.description, "read", exc) from exc

    def _require_descriptor(self) -> int:
        if self._descriptor is None:
            raise PrinterOffline(f"{self.description} is not open")
        return self._descriptor
