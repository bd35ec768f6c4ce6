"""The PySide6 reference workaround keeps a busy Qt process alive on every build."""

from __future__ import annotations

import os
import subprocess
import sys

from pytestqt.qtbot import QtBot

SCRIPT = """
from client.pyside_fix import apply_reference_fix
apply_reference_fix()
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
app = QApplication([])
label = QLabel("A001")
button = QPushButton()
for _ in range(150_000):
    label.setEnabled(True)  # a void call: an affected build loses a reference to None
    button.clicked.emit()  # an affected build loses a reference to True
print("survived")
"""


def test_many_void_calls_and_signals_do_not_abort_the_process() -> None:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
        env=environment,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "survived"


def test_cycles_are_collected_on_the_main_thread_by_the_event_loop(qtbot: QtBot) -> None:
    import gc
    import threading
    import weakref

    from PySide6.QtCore import QObject

    from client.pyside_fix import MainThreadGarbageCollector

    owner = QObject()
    collector = MainThreadGarbageCollector(owner, interval_ms=20)
    collected_in: list[str] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            collected_in.append(threading.current_thread().name)

    try:
        assert not gc.isenabled()
        probe = Cycle()
        alive = weakref.ref(probe)
        del probe
        for _ in range(gc.get_threshold()[0] + 1):  # enough new objects to be due
            Cycle()
        qtbot.waitUntil(lambda: alive() is None, timeout=3000)
        assert set(collected_in) == {threading.main_thread().name}
    finally:
        collector.deleteLater()
        gc.enable()
