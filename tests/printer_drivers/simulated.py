"""Simulated printers for the tests: a socat pty pair, a TCP port 9100, a USB backend."""

from __future__ import annotations

import array
import os
import select
import shutil
import socket
import socketserver
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import usb.backend
import usb.core

DLE_EOT = b"\x10\x04"
READY_REPLIES = {1: 0x12, 2: 0x12, 4: 0x12}
PAPER_OUT_REPLIES = {1: 0x1A, 2: 0x32, 4: 0x7E}
PAPER_NEAR_END_REPLIES = {1: 0x12, 2: 0x12, 4: 0x1E}
COVER_OPEN_REPLIES = {1: 0x1A, 2: 0x16, 4: 0x12}


class StatusResponder:
    """The printer side of a byte stream: answers DLE EOT n, keeps everything else."""

    def __init__(self, replies: dict[int, int] | None) -> None:
        self.replies = replies  # None: a printer that never answers
        self.received = bytearray()
        self.queries: list[int] = []
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        """Take received bytes; return the bytes to answer with."""
        self.received += data
        stream = self._pending + data
        answer = bytearray()
        index = 0
        while (found := stream.find(DLE_EOT, index)) != -1 and found + 2 < len(stream):
            kind = stream[found + 2]
            self.queries.append(kind)
            if self.replies is not None and kind in self.replies:
                answer.append(self.replies[kind])
            index = found + 3
        self._pending = stream[-2:] if stream.endswith((b"\x10", DLE_EOT)) else b""
        return bytes(answer)

    @property
    def ticket_bytes(self) -> bytes:
        """What was received, minus the status queries."""
        data = bytes(self.received)
        for kind in (1, 2, 4):
            data = data.replace(DLE_EOT + bytes([kind]), b"")
        return data


class PtyPair:
    """Two linked pseudo-terminals made by socat: the driver opens one, the test the other."""

    def __init__(self, folder: Path) -> None:
        socat = shutil.which("socat")
        if socat is None:
            raise RuntimeError("socat is needed for the serial tests")
        self.driver_end = folder / "printer-tty"
        self.printer_end = folder / "host-tty"
        self.process = subprocess.Popen(
            [
                socat,
                f"pty,raw,echo=0,link={self.driver_end}",
                f"pty,raw,echo=0,link={self.printer_end}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while not (self.driver_end.exists() and self.printer_end.exists()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("socat did not create the pty pair")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=5)


@dataclass
class PtyPrinter:
    """A thread at the printer end of a pty pair that records bytes and answers status."""

    path: Path
    replies: dict[int, int] | None = field(default_factory=lambda: dict(READY_REPLIES))
    responder: StatusResponder = field(init=False)

    def __post_init__(self) -> None:
        self.responder = StatusResponder(self.replies)
        self._descriptor = os.open(self.path, os.O_RDWR | os.O_NOCTTY)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pty-printer", daemon=True)
        self._thread.start()

    def set_replies(self, replies: dict[int, int] | None) -> None:
        self.responder.replies = replies

    def wait_for(self, size: int, timeout_s: float = 5.0) -> bytes:
        """Ticket bytes once at least size of them arrived."""
        deadline = time.monotonic() + timeout_s
        while len(self.responder.ticket_bytes) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.responder.ticket_bytes

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self._descriptor)

    def _run(self) -> None:
        while not self._stop.is_set():
            readable, _, _ = select.select([self._descriptor], [], [], 0.02)
            if not readable:
                continue
            try:
                data = os.read(self._descriptor, 4096)
            except OSError:
                return
            answer = self.responder.feed(data)
            if answer:
                os.write(self._descriptor, answer)


class TcpPrinter:
    """A raw-print server on 127.0.0.1, port 0, that records bytes and answers status."""

    def __init__(self, replies: dict[int, int] | None = None) -> None:
        self.responders: list[StatusResponder] = []
        self.replies = replies
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                responder = StatusResponder(outer.replies)
                outer.responders.append(responder)
                connection: socket.socket = self.request
                while data := connection.recv(4096):
                    answer = responder.feed(data)
                    if answer:
                        connection.sendall(answer)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, name="tcp-printer"
        )
        self._thread.start()

    @property
    def ticket_bytes(self) -> bytes:
        return b"".join(responder.ticket_bytes for responder in self.responders)

    def wait_for(self, size: int, timeout_s: float = 5.0) -> bytes:
        deadline = time.monotonic() + timeout_s
        while len(self.ticket_bytes) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.ticket_bytes

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class Descriptor:
    """A USB descriptor: the named fields, zero for every other one pyusb asks about."""

    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return 0


class FakeUsbBackend(usb.backend.IBackend):  # type: ignore[misc]
    """The lowest layer of pyusb (its backend), holding one printer with bulk endpoints."""

    OUT_ENDPOINT = 0x01
    IN_ENDPOINT = 0x82

    def __init__(
        self,
        vendor_id: int = 0x04B8,
        product_id: int = 0x0202,
        replies: dict[int, int] | None = None,
        open_errno: int | None = None,
        kernel_driver_active: bool = True,
    ) -> None:
        self.device = Descriptor(
            idVendor=vendor_id,
            idProduct=product_id,
            bNumConfigurations=1,
            bLength=18,
            bDescriptorType=1,
            bus=1,
            address=5,
            port_numbers=(1,),
        )
        self.responder = StatusResponder(replies if replies is not None else READY_REPLIES)
        self.open_errno = open_errno
        self.kernel_driver_active = kernel_driver_active
        self.detached = False
        self.claimed = False
        self.unplugged = False
        self._answers = bytearray()

    def enumerate_devices(self) -> list[Descriptor]:
        return [] if self.unplugged else [self.device]

    def get_device_descriptor(self, device: Descriptor) -> Descriptor:
        return device

    def get_configuration_descriptor(self, device: Descriptor, config: int) -> Descriptor:
        return Descriptor(bConfigurationValue=1, bNumInterfaces=1, bLength=9, bDescriptorType=2)

    def get_interface_descriptor(
        self, device: Descriptor, interface: int, alternate: int, config: int
    ) -> Descriptor:
        return Descriptor(bInterfaceNumber=0, bNumEndpoints=2, bInterfaceClass=7, bLength=9)

    def get_endpoint_descriptor(
        self, device: Descriptor, endpoint: int, interface: int, alternate: int, config: int
    ) -> Descriptor:
        address = (self.OUT_ENDPOINT, self.IN_ENDPOINT)[endpoint]
        return Descriptor(bEndpointAddress=address, bmAttributes=0x02, wMaxPacketSize=64)

    def open_device(self, device: Descriptor) -> object:
        if self.open_errno is not None:
            raise usb.core.USBError("open failed", errno=self.open_errno)
        return object()

    def close_device(self, handle: object) -> None:
        pass

    def get_configuration(self, handle: object) -> int:
        return 1

    def set_configuration(self, handle: object, value: int) -> None:
        pass

    def claim_interface(self, handle: object, interface: int) -> None:
        self.claimed = True

    def release_interface(self, handle: object, interface: int) -> None:
        self.claimed = False

    def is_kernel_driver_active(self, handle: object, interface: int) -> bool:
        return self.kernel_driver_active and not self.detached

    def detach_kernel_driver(self, handle: object, interface: int) -> None:
        self.detached = True

    def bulk_write(
        self, handle: object, endpoint: int, interface: int, data: array.array[int], timeout: int
    ) -> int:
        if self.unplugged:
            raise usb.core.USBError("No such device", errno=19)
        assert endpoint == self.OUT_ENDPOINT
        self._answers += self.responder.feed(bytes(data))
        return len(data)

    def bulk_read(
        self, handle: object, endpoint: int, interface: int, buffer: array.array[int], timeout: int
    ) -> int:
        assert endpoint == self.IN_ENDPOINT
        if not self._answers:
            time.sleep(min(timeout, 20) / 1000)
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        count = min(len(buffer), len(self._answers))
        buffer[:count] = array.array("B", self._answers[:count])
        del self._answers[:count]
        return count
