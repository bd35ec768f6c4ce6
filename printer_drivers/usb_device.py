"""USB transport through pyusb (the optional 'usb' extra), by vendor and product id."""

from __future__ import annotations

import errno
from typing import Any

from printer_drivers.errors import (
    UDEV_HINT,
    PrinterDriverMissing,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
)
from printer_drivers.transport import Transport, offline_error

INTERFACE = 0
READ_CHUNK_BYTES = 64


class UsbTransport(Transport):
    """A printer on a USB bulk OUT endpoint; status replies come on its bulk IN endpoint."""

    def __init__(self, vendor_id: int, product_id: int, backend: object | None = None) -> None:
        self.vendor_id = vendor_id
        self.backend = backend  # None: pyusb picks libusb; tests pass a fake backend
        self.product_id = product_id
        self.usb_id = f"{vendor_id:04x}:{product_id:04x}"
        self.description = f"USB printer {self.usb_id}"
        self._device: Any = None
        self._out_address = 0
        self._in_address: int | None = None

    @property
    def is_open(self) -> bool:
        return self._device is not None

    def open(self) -> None:
        usb = _import_pyusb()
        try:
            device = usb.core.find(
                idVendor=self.vendor_id, idProduct=self.product_id, backend=self.backend
            )
        except usb.core.NoBackendError as exc:
            raise PrinterDriverMissing(
                "libusb is not installed: install the libusb-1.0-0 package"
            ) from exc
        if device is None:
            raise PrinterNotFound(
                f"printer not found: no USB device {self.usb_id}; check cable and power, "
                "and printer.vendor_id / printer.product_id (lsusb lists connected devices)"
            )
        try:
            if device.is_kernel_driver_active(INTERFACE):
                device.detach_kernel_driver(INTERFACE)  # usblp holds it as /dev/usb/lp0
            try:
                configuration = device.get_active_configuration()
            except usb.core.USBError:
                device.set_configuration()
                configuration = device.get_active_configuration()
            interface = configuration[(INTERFACE, 0)]
            usb.util.claim_interface(device, INTERFACE)
        except usb.core.USBError as exc:
            raise self._usb_error(exc, "open") from exc
        out_address, in_address = _bulk_endpoints(usb, interface)
        if out_address is None:
            raise PrinterNotFound(
                f"USB device {self.usb_id} has no bulk OUT endpoint: not a printer"
            )
        self._device, self._out_address, self._in_address = device, out_address, in_address
        self.can_read = in_address is not None

    def close(self) -> None:
        device, self._device = self._device, None
        if device is None:
            return
        usb = _import_pyusb()
        try:
            usb.util.release_interface(device, INTERFACE)
            usb.util.dispose_resources(device)
        except usb.core.USBError:
            pass  # unplugged: the kernel has released it already

    def write(self, data: bytes, timeout_s: float) -> None:
        device = self._require_device()
        usb = _import_pyusb()
        timeout_ms = max(int((timeout_s + len(data) / 1000) * 1000), 1)
        try:
            written = device.write(self._out_address, data, timeout_ms)
        except usb.core.USBTimeoutError as exc:
            raise PrinterOffline(f"{self.description}: write timed out; is it offline?") from exc
        except usb.core.USBError as exc:
            raise self._usb_error(exc, "write") from exc
        if written != len(data):
            raise PrinterOffline(f"{self.description}: only {written} of {len(data)} bytes sent")

    def read(self, size: int, timeout_s: float) -> bytes:
        device = self._require_device()
        if self._in_address is None:
            return b""
        usb = _import_pyusb()
        try:
            reply = device.read(
                self._in_address, max(size, READ_CHUNK_BYTES), max(int(timeout_s * 1000), 1)
            )
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise self._usb_error(exc, "read") from exc
        return bytes(reply)[:size]

    def discard_input(self) -> None:
        self.read(READ_CHUNK_BYTES, 0.01)

    def _require_device(self) -> Any:
        if self._device is None:
            raise PrinterOffline(f"{self.description} is not open")
        return self._device

    def _usb_error(
        self, exc: Exception, action: str
    ) -> PrinterOffline | PrinterPermissionDenied | PrinterNotFound:
        code = getattr(exc, "errno", None)
        if code in (errno.EACCES, errno.EPERM):
            return PrinterPermissionDenied(
                f"permission denied on USB printer {self.usb_id}: {UDEV_HINT}"
            )
        if code in (errno.ENODEV, errno.ENOENT):
            return PrinterNotFound(f"printer not found: USB device {self.usb_id} was unplugged")
        return offline_error(self.description, action, exc)


def _import_pyusb() -> Any:
    try:
        import usb.core
        import usb.util
    except ImportError as exc:
        raise PrinterDriverMissing(
            "USB printing needs pyusb: install the 'usb' extra of antrian"
        ) from exc
    return usb


def _bulk_endpoints(usb: Any, interface: Any) -> tuple[int | None, int | None]:
    """Addresses of the first bulk OUT and bulk IN endpoints of an interface."""
    out_address: int | None = None
    in_address: int | None = None
    for endpoint in interface:
        if usb.util.endpoint_type(endpoint.bmAttributes) != usb.util.ENDPOINT_TYPE_BULK:
            continue
        address = int(endpoint.bEndpointAddress)
        if usb.util.endpoint_direction(address) == usb.util.ENDPOINT_OUT:
            out_address = address if out_address is None else out_address
        elif in_address is None:
            in_address = address
    return out_address, in_address
