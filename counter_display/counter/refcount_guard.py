"""Work around PySide6 6.12.0 dropping references to True and None in signal delivery."""

from __future__ import annotations

import ctypes
import logging
import sys

logger = logging.getLogger(__name__)

TOP_UP = 1 << 40
"""References added to each singleton; at one lost per signal, enough for any process."""

_applied = False


def signals_lose_references() -> bool:
    """True if Python ``Signal.emit`` here returns True without owning a reference.

    Measured with PySide6 6.12.0: every ``emit()`` from Python loses one reference to
    True, and every queued delivery to a Python slot loses one reference to None.
    """
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        probed = Signal()

    probe = Probe()
    before = sys.getrefcount(True)
    for _ in range(10):
        probe.probed.emit()
    return sys.getrefcount(True) < before - 5


def protect_singletons_from_signal_leak() -> bool:
    """Top up the reference counts of True, False and None if signals leak them.

    On Python < 3.12 these are ordinary objects: a few hundred signals free one and
    the process aborts ("bool_dealloc" / "none_dealloc: deallocating None"). From 3.12
    on they are immortal and nothing needs doing. Extra counts on them cost nothing.
    Returns True if the top-up was applied (once per process).
    """
    global _applied
    if _applied or sys.version_info >= (3, 12) or not signals_lose_references():
        return False
    for singleton in (True, False, None):
        ctypes.c_ssize_t.from_address(id(singleton)).value += TOP_UP
    _applied = True
    logger.warning("PySide6 signals leak references to True/None here; compensated")
    return True
