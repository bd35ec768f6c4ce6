"""Workaround: PySide6 6.12 on Python 3.11 drops references to None and True.

Every call of a Qt method that returns nothing (``label.setText``, ``timer.start``,
``processEvents``, ...) lowers ``sys.getrefcount(None)`` by one under Python 3.11, where
None is not yet immortal (PEP 683 made it immortal in 3.12); every ``signal.emit()`` does
the same to True. After a few thousand such calls the count reaches zero and the
interpreter aborts with "none_dealloc: deallocating None" (or "bool_dealloc") -- a kiosk
that redraws its screen would die within minutes. Until the project
moves to Python 3.12 or a fixed PySide6, the guard adds to None's reference count whenever
it runs low, and to True's and False's, so that they never reach zero (not even at
interpreter exit, when the debt would otherwise come due). It costs no memory: these are
static objects.
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

GUARDED: Final = (None, True, False)
# ob_refcnt, the first field of every CPython object (3.11, non-debug build).
_REFCOUNTS: Final = tuple(
    (singleton, ctypes.c_ssize_t.from_address(id(singleton))) for singleton in GUARDED
)


def top_up_none_references() -> None:
    """Raise the reference counts of None, True and False when they run low (3.11 only)."""
    if not NEEDED:
        return
    for singleton, refcount in _REFCOUNTS:
        if sys.getrefcount(singleton) < LOW_WATER:
            # Under the GIL, like every other reference count change.
            refcount.value += TOP_UP
            logger.debug("reference count of %r raised", singleton)


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
