"""The PySide6 reference workaround keeps a busy Qt process alive on every build."""

from __future__ import annotations

import os
import subprocess
import sys

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
