"""Network transport: raw TCP to the printer's port 9100, one connection per job."""

from __future__ import annotations

import contextlib
import socket

from printer_drivers.errors import PrinterNotFound, PrinterOffline
from printer_drivers.transport import Transport, offline_error

RAW_PRINT_PORT = 9100


class NetworkTransport(Transport):
    """A printer with an Ethernet or Wi-Fi interface that takes raw ESC/POS on a TCP port."""

    # Many printers accept one client at a time and drop idle ones silently, so a
    # connection lives only as long as one ticket or one status poll.
    keeps_connection = False

    def __init__(self, host: str, port: int = RAW_PRINT_PORT, connect_timeout_s: float = 1.0):
        self.host = host
        self.port = port
        self.connect_timeout_s = connect_timeout_s
        self.description = f"network printer {host}:{port}"
        self._socket: socket.socket | None = None

    @property
    def is_open(self) -> bool:
        return self._socket is not None

    def open(self) -> None:
        try:
            self._socket = socket.create_connection(
                (self.host, self.port), timeout=self.connect_timeout_s
            )
        except socket.gaierror as exc:
            raise PrinterNotFound(
                f"printer not found: unknown host {self.host!r}; check printer.host"
            ) from exc
        except ConnectionRefusedError as exc:
            raise PrinterOffline(
                f"{self.description} refused the connection: is it a printer, "
                "is port right, is another computer printing to it?"
            ) from exc
        except TimeoutError as exc:
            raise PrinterOffline(
                f"{self.description} did not answer within {self.connect_timeout_s:g} s: "
                "check power, network cable and address"
            ) from exc
        except OSError as exc:
            raise offline_error(self.description, "connect", exc) from exc
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        connection, self._socket = self._socket, None
        if connection is not None:
            with contextlib.suppress(OSError):  # the peer may have gone already
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def write(self, data: bytes, timeout_s: float) -> None:
        connection = self._require_socket()
        try:
            connection.settimeout(timeout_s)
            connection.sendall(data)
        except TimeoutError as exc:
            raise PrinterOffline(f"{self.description}: sending timed out") from exc
        except OSError as exc:
            raise offline_error(self.description, "send", exc) from exc

    def read(self, size: int, timeout_s: float) -> bytes:
        connection = self._require_socket()
        try:
            if timeout_s <= 0:
                connection.setblocking(False)
            else:
                connection.settimeout(timeout_s)
            data = connection.recv(size)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as exc:
            raise offline_error(self.description, "receive", exc) from exc
        if not data:
            raise PrinterOffline(f"{self.description} closed the connection")
        return data

    def _require_socket(self) -> socket.socket:
        if self._socket is None:
            raise PrinterOffline(f"{self.description} is not connected")
        return self._socket
