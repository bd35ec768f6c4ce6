"""PairingLink: `client/pairing.py` run in a thread for a Qt program, with signals.

A program started without a token creates a PairingLink, connects a pairing screen to
its signals and starts it: the server is found (the configured address, else zeroconf),
the code arrives as `code_received`, setbacks as `interrupted`, and the approved grant,
already stored in the token file, as `paired` — after which the program builds its
normal window with that token, without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject, Signal

from client.async_worker import AsyncWorker
from client.errors import DiscoveryFailed
from client.pairing import DeviceGrant, PairingCode, PairingEvent, store_grant

if TYPE_CHECKING:
    from client.config import ClientConfig

logger = logging.getLogger(__name__)

# the long poll's wait plus a margin: the HTTP call must outlast the server's hold
POLL_TIMEOUT_MARGIN_S: Final = 10.0


class PairingLink(AsyncWorker):
    """Pairs this device in a worker thread; every signal is emitted on the Qt thread."""

    worker_name = "pairing"
    thread_name = "antrian-pairing"

    code_received = Signal(object)  # a PairingCode to show
    interrupted = Signal(object)  # a PairingEvent: expired, wrong role, unreachable
    paired = Signal(object)  # the DeviceGrant, stored in `token_path`

    def __init__(
        self,
        config: ClientConfig,
        token_path: Path,
        *,
        poll_wait_s: float | None = None,
        retry_s: float | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self.token_path = token_path
        self._poll_wait_s = poll_wait_s
        self._retry_s = retry_s

    def _run_posted(self, function: Callable[[], None]) -> None:
        if not self._stopped:  # a stopped pairing tells its screen nothing more
            super()._run_posted(function)

    async def _main(self) -> None:
        import asyncio

        import aiohttp

        from client import pairing
        from client.api import ApiClient
        from client.discovery import find_server

        config = self._config
        poll_wait_s = self._poll_wait_s if self._poll_wait_s is not None else pairing.POLL_WAIT_S
        retry_s = self._retry_s if self._retry_s is not None else pairing.RETRY_S
        while True:
            try:
                address = await find_server(
                    config.discovery_timeout_s, config.servers or config.server,
                    office=config.office, use_zeroconf=config.discovery,
                )  # fmt: skip
                break
            except DiscoveryFailed as exc:
                logger.warning("pairing: %s", exc)
                self._post(lambda: self.interrupted.emit(PairingEvent.UNREACHABLE))
                await asyncio.sleep(retry_s)
        async with aiohttp.ClientSession() as session:
            api = ApiClient(
                address.url, None, session, total_timeout_s=poll_wait_s + POLL_TIMEOUT_MARGIN_S
            )
            grant = await pairing.pair(
                api, config.program, self._code_received, self._interrupted,
                poll_wait_s=poll_wait_s, retry_s=retry_s,
            )  # fmt: skip
        # durable before the program goes on with it (off the Qt thread)
        try:
            await asyncio.to_thread(store_grant, self.token_path, grant)
        except OSError as exc:  # it works for this run; the next start pairs again
            logger.error("the token cannot be stored in %s: %s", self.token_path, exc)
        self._post(lambda: self.paired.emit(grant))

    def _code_received(self, code: PairingCode) -> None:
        self._post(lambda: self.code_received.emit(code))

    def _interrupted(self, event: PairingEvent) -> None:
        self._post(lambda: self.interrupted.emit(event))


__all__ = ["DeviceGrant", "PairingLink"]
