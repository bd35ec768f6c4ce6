"""The first-start screen of the kiosk, the counter and the display: the pairing code, big.

Shown instead of the normal window while the program has no token: the code the server
gave, what to do with it, and what went wrong when a code expired or the server cannot be
reached. It is fed by a `client.pairing_link.PairingLink`. Each program gives its own
background colour (the kiosk its blue); the rest is the same everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from client.i18n import tr
from client.pairing import PairingCode, PairingEvent
from client.pairing_link import PairingLink

DEFAULT_BACKGROUND = "#0b1f3a"  # the dark blue of the counter and the display
INK = "#ffffff"
CODE_INK = "#ffd54f"
NOTE_INK = "#ffab91"
EVENT_TEXTS = {
    PairingEvent.EXPIRED: "pairing.expired",
    PairingEvent.WRONG_ROLE: "pairing.wrong_role",
    PairingEvent.UNREACHABLE: "pairing.unreachable",
}


class PairingScreen(QWidget):
    """Kode pemasangan: the code a supervisor approves in /admin → Perangkat."""

    def __init__(
        self,
        program: str,
        language: str,
        background: str = DEFAULT_BACKGROUND,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._language = language
        self._device = tr(f"pairing.device.{program}", language)
        self.setObjectName("pairing-screen")
        self.setStyleSheet(f"#pairing-screen {{ background: {background}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(f"Antrian — {tr('pairing.title', language, device=self._device)}")
        self.title = self._label(INK)
        self.code = self._label(CODE_INK)
        self.hint = self._label(INK)
        self.status = self._label(NOTE_INK)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for label in (self.title, self.code, self.hint, self.status):
            layout.addWidget(label)
        layout.addStretch(3)
        self.title.setText(tr("pairing.title", language, device=self._device))
        self.status.setText(tr("pairing.asking", language))
        self.code.hide()
        self.hint.setText(tr("pairing.hint", language))
        self._scale()

    def _label(self, color: str) -> QLabel:
        label = QLabel(self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {color};")
        return label

    def attach(self, link: PairingLink) -> None:
        link.code_received.connect(self._on_code_received)
        link.interrupted.connect(self._on_interrupted)

    def _on_code_received(self, code: PairingCode) -> None:
        self.code.setText(tr("pairing.code", self._language, code=code.shown))
        self.code.show()
        self.status.setText(tr("pairing.waiting", self._language))

    def _on_interrupted(self, event: PairingEvent) -> None:
        if event is not PairingEvent.UNREACHABLE:
            self.code.hide()  # that code is no use any more
        self.status.setText(tr(EVENT_TEXTS[event], self._language, device=self._device))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale()

    def _scale(self) -> None:
        unit = max(min(self.width() / 1920, self.height() / 1080), 0.3)
        for label, pixels, bold in (
            (self.title, 56, False), (self.code, 150, True), (self.hint, 48, False),
            (self.status, 40, False),
        ):  # fmt: skip
            font = QFont(label.font())
            font.setPixelSize(max(16, round(pixels * unit)))
            font.setBold(bold)
            label.setFont(font)
