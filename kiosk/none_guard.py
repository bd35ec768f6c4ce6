"""Workaround: PySide6 6.12 on Python 3.11 drops a reference to None at every void call.

Every call of a Qt method that returns nothing (``label.setText``, ``timer.start``,
``processEvents``, ...) lowers ``sys.getrefcount(None)`` by one under Python 3.11, where
None is not yet immortal (PEP 683 made it immortal in 3.12). After a few thousand such
calls the count reaches zero and the interpreter aborts with "none_dealloc: deallocating
None" -- a kiosk that redraws its screen would die within minutes. Until the project
moves to Python 3.12 or a fixed PySide6, the guard adds to None's reference count whenever
it runs low, so that it never reaches zero (not even at interpreter exit, when the debt
would otherwise come due). It costs no memory: None is a static object.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Final

from PySide6.QtCore import QObject, QTimer

logger = logging.getLogger(__name__)

NEEDED: Final = sys.version_info < (3, 12)
LOW_WATER: Final = 2_000_000
TOP_UP: Final = 4_000_000
CHECK_INTERVAL_MS: Final = 2000

# ob_refcnt, the first field of every CPython object (3.11, non-debug build).
_NONE_REFCOUNT: Final = ctypes.c_ssize_t.from_address(id(None))


def top_up_none_references() -> None:
    """Raise None's reference count when it runs low (no-op on Python 3.12+)."""
    if NEEDED and sys.getrefcount(None) < LOW_WATER:
        # Under the GIL, like every other reference count change.
        _NONE_REFCOUNT.value += TOP_UP
        logger.debug("None reference count raised to %d", sys.getrefcount(None))


def install_none_guard(parent: QObject) -> QTimer | None:
    """Top up now and then every few seconds, for as long as parent lives."""
    if not NEEDED:
        return None
    top_up_none_references()
    timer = QTimer(parent)
    timer.setInterval(CHECK_INTERVAL_MS)
    timer.timeout.connect(top_up_none_references)
    timer.start()
    return timer
