"""PairingLink: `client/pairing.py` run in a thread for a Qt program, with signals.

A program started without a token creates a PairingLink, connects a pairing screen to
its signals and starts it: the server is found (the configured address, else zeroconf),
the code arrives as `code_received`, setbacks as `interrupted`, and the approved grant,
already stored in the token file, as `paired` — after which the program builds its
normal window with that token, without a restart.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject, Qt, Signal

from client.errors import DiscoveryFailed
from client.pairing import DeviceGrant, PairingCode, PairingEvent, store_grant

if TYPE_CHECKING:
    import asyncio

    from client.config import ClientConfig

logger = logging.getLogger(__name__)

STOP_TIMEOUT_S: Final = 5.0
# the long poll's wait plus a margin: the HTTP call must outlast the server's hold
POLL_TIMEOUT_MARGIN_S: Final = 10.0


class PairingLink(QObject):
    """Pairs this device in a worker thread; every signal is emitted on the Qt thread."""

    code_received = Signal(object)  # a PairingCode to show
    interrupted = Signal(object)  # a PairingEvent: expired, wrong role, unreachable
    paired = Signal(object)  # the DeviceGrant, stored in `token_path`

    _posted = Signal(object)

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
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self._posted.connect(self._run_posted, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        if self._thread is not None:
            return
        import asyncio

        self._stopped = False
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=self._thread_main, args=(loop,), name="antrian-pairing", daemon=True
        )
        self._thread.start()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        self._stopped = True
        with contextlib.suppress(RuntimeError):  # the loop may have finished already
            loop.call_soon_threadsafe(self._cancel)
        thread.join(timeout_s)
        if thread.is_alive():
            logger.error("the pairing thread did not stop within %.1f s", timeout_s)
        self._thread = None
        self._loop = None

    # -- Qt thread side -------------------------------------------------------------------

    def _post(self, function: Callable[[], None]) -> None:
        self._posted.emit(function)

    def _run_posted(self, function: Callable[[], None]) -> None:
        if self._stopped:
            return
        try:
            function()
        except Exception:
            # Slot boundary: a bug in a screen must not take the pairing down.
            logger.exception("error in a pairing signal receiver")

    # -- worker thread side ---------------------------------------------------------------

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _thread_main(self, loop: asyncio.AbstractEventLoop) -> None:
        import asyncio

        asyncio.set_event_loop(loop)
        try:
            self._task = loop.create_task(self._main())
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("pairing stopped on an unexpected error")
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

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
