"""A start-up problem (bad config) shown on the screen, not only in a log nobody reads."""

from __future__ import annotations

import sys

from client.config import has_screen

TITLE = {"id": "Antrian — pengaturan salah", "en": "Antrian — configuration problem"}
BODY = {
    "id": "{program} belum dapat dijalankan:\n\n{problem}\n\n"
    "Perbaiki antrian.toml lalu jalankan lagi. Pemeriksaan lengkap: antrian doctor",
    "en": "{program} cannot start:\n\n{problem}\n\n"
    "Fix antrian.toml and start it again. A full check: antrian doctor",
}


def report_startup_error(program: str, problem: str, language: str = "id") -> None:
    """Print the problem; on a desktop also show it in a dialog until someone closes it.

    The counter and the display start by themselves at login: without the dialog a
    mistake in the config would leave an empty screen and no clue.
    """
    print(f"{program}: {problem}", file=sys.stderr)
    if not has_screen():
        return
    from PySide6.QtWidgets import QApplication, QMessageBox

    from client.pyside_fix import apply_reference_fix

    apply_reference_fix()
    application = QApplication.instance() or QApplication(sys.argv[:1])
    chosen = language if language in BODY else "id"
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        TITLE[chosen],
        BODY[chosen].format(program=program, problem=problem),
    )
    box.exec()
    del application
