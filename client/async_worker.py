"""AsyncWorker: a QObject whose asyncio work runs in a thread of its own.

The base of `ServerLink` (discovery, API calls, the event stream) and `PairingLink` (the
first-start pairing): ``start()`` runs the subclass's ``_main()`` on a new event loop in a
daemon thread, ``stop()`` cancels it and joins the thread, and ``_post(function)`` hands a
callable from that thread to the Qt thread, where it runs from the event loop (so every
signal a subclass emits there reaches its receivers on the Qt thread). asyncio is
imported when the worker starts, not with this module: a program draws its first frame
without waiting for it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Final

from PySide6.QtCore import QObject, Qt, Signal

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger(__name__)

STOP_TIMEOUT_S: Final = 5.0


class AsyncWorker(QObject):
    """Runs ``_main()`` in a worker thread; ``_post`` brings results back to the Qt thread."""

    worker_name: ClassVar[str] = "worker"  # in logs: "the server link thread did not stop"
    thread_name: ClassVar[str] = "antrian-worker"

    # Internal: a callable posted from the worker thread, run on the Qt thread.
    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main_task: asyncio.Task[None] | None = None
        self._stopped = False
        self._posted.connect(self._run_posted, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        """Start the worker thread (once; a running worker is left as it is)."""
        if self._thread is not None:
            return
        import asyncio

        self._stopped = False
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=self._thread_main, args=(loop,), name=self.thread_name, daemon=True
        )
        self._thread.start()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Cancel the work and wait for the thread to end (call it before the app quits)."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        self._stopped = True
        with contextlib.suppress(RuntimeError):  # the loop may have finished already
            loop.call_soon_threadsafe(self._cancel_main)
        thread.join(timeout_s)
        if thread.is_alive():
            logger.error("the %s thread did not stop within %.1f s", self.worker_name, timeout_s)
        self._thread = None
        self._loop = None
        self._after_stop()

    def _after_stop(self) -> None:
        """What a subclass drops once its thread has ended."""

    async def _main(self) -> None:
        """The work, on the worker thread's event loop; cancelled by ``stop()``."""
        raise NotImplementedError

    # -- Qt thread side -------------------------------------------------------------------

    def _post(self, function: Callable[[], None]) -> None:
        self._posted.emit(function)

    def _run_posted(self, function: Callable[[], None]) -> None:
        try:
            function()
        except Exception:
            # Slot boundary: a bug in a receiver must not take the worker down.
            logger.exception("error in a %s signal receiver", self.worker_name)

    # -- worker thread side ---------------------------------------------------------------

    def _thread_main(self, loop: asyncio.AbstractEventLoop) -> None:
        import asyncio

        asyncio.set_event_loop(loop)
        try:
            self._main_task = loop.create_task(self._main())
            loop.run_until_complete(self._main_task)
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("the %s stopped on an unexpected error", self.worker_name)
        finally:
            try:
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

    def _cancel_main(self) -> None:
        if self._main_task is not None:
            self._main_task.cancel()
