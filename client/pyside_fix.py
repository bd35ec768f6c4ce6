"""Keep PySide6 builds that drop references to None and True from crashing on Python 3.11.

PySide6 6.12.0 (abi3 wheel) on Python 3.11 returns ``None`` from void methods
(``setText``, ``processEvents``, ``repaint``, ...) and ``True`` from ``Signal.emit()``
without owning a reference: each call takes one reference away, and after a few thousand
calls the interpreter aborts ("none_dealloc: deallocating None"). Python 3.12 made these
singletons immortal, which is why such a build works there. On an affected 3.11 the
same is done here: the reference counts of ``None``, ``True`` and ``False`` are set so
high that no number of lost references can bring them to zero. These objects are never
freed anyway, so nothing else changes. Upgrading to a fixed PySide6 makes this a no-op.

pyproject.toml excludes 6.12.0, so a normal install gets a build without the bug; this
stays as a safety net for a PySide6 that comes from elsewhere. Every Qt program calls
`apply_reference_fix()` before it creates its QApplication.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
from typing import Final

from PySide6.QtCore import QObject, QTimer, Signal

logger = logging.getLogger(__name__)

PROBE_CALLS: Final = 8
IMMORTAL_REFERENCE_COUNT: Final = 1 << 60
"""Far from both zero and overflow: losing a reference every nanosecond takes 36 years."""


class _Probe(QObject):
    """A throwaway object to measure what PySide6 calls do to ``None`` and ``True``."""

    probed = Signal()


def references_lost() -> bool:
    """True if this PySide6 build loses references to None (void calls) or True (emit)."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")  # a void method: returns None
        probe.probed.emit()  # returns True
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    return max(lost_none, lost_true) >= PROBE_CALLS // 2


def apply_reference_fix() -> bool:
    """Make None, True and False immortal if this PySide6 build needs it; True if done."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal already (PEP 683), or not reference counted this way
    if sys.getrefcount(None) >= IMMORTAL_REFERENCE_COUNT or not references_lost():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a CPython release build.
        ctypes.c_ssize_t.from_address(id(singleton)).value = IMMORTAL_REFERENCE_COUNT
    import PySide6

    logger.warning(
        "PySide6 %s loses references to None/True on Python %d.%d; worked around "
        "(a PySide6 release without this bug makes the workaround unnecessary)",
        getattr(PySide6, "__version__", "?"),
        *sys.version_info[:2],
    )
    return True


class MainThreadGarbageCollector(QObject):
    """Runs Python's cycle collector on the Qt main thread only (for long-running programs).

    Left automatic, the collector runs in whichever thread happens to allocate: the server
    link's or the printer's worker. A Qt object freed there (a timer, a widget) cannot
    unregister from the main thread's event loop, which later crashes on it. The same
    thresholds are kept; only the thread that does the work changes.
    """

    def __init__(self, parent: QObject, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._collect_if_due)
        self._timer.start(interval_ms)

    def _collect_if_due(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self._thresholds[0]:
            return
        generation = 0
        if counts[1] > self._thresholds[1]:
            generation = 2 if counts[2] > self._thresholds[2] else 1
        gc.collect(generation)


def collect_garbage_on_main_thread(application: QObject) -> MainThreadGarbageCollector:
    """Install the collector above for the life of `application` (call after creating it)."""
    return MainThreadGarbageCollector(application)
