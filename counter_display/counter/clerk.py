"""The clerk's sign-in at the counter: a dialog for name and PIN, with a numeric keypad."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.errors import ApiError, ClientError, ServerUnavailable, StorageUnavailable
from counter_display.counter.texts import text

MAX_PIN_DIGITS = 8
SIGN_IN_STYLE = """
QLabel { font-size: 12pt; }
QLabel#sign_in_error { color: #ffffff; background: #b3261e; border-radius: 4px;
                       padding: 4px 8px; font-weight: bold; }
QLineEdit { font-size: 16pt; min-height: 40px; }
QPushButton { font-size: 14pt; min-height: 48px; padding: 2px 10px; }
QPushButton#sign_in_submit { background: #1b5e20; color: #ffffff; font-weight: bold; }
QPushButton#sign_in_submit:disabled { background: #c8d3c9; }
"""
# the server's codes for a refused sign-in, worded for the clerk
REFUSAL_TEXTS = {
    "wrong_pin": "clerk.error.wrong_pin",
    "not_a_clerk": "clerk.error.not_a_clerk",
    "too_many_attempts": "clerk.error.too_many",
    "bad_request": "clerk.error.missing",
}


def sign_in_error_text(error: ClientError, language: str) -> str:
    """Why a sign-in failed, in plain words (Indonesian by default)."""
    if isinstance(error, StorageUnavailable | ServerUnavailable):
        return text("clerk.error.unavailable", language)
    if isinstance(error, ApiError):
        key = REFUSAL_TEXTS.get(error.code)
        if key == "clerk.error.too_many" and language != "en" and error.message:
            return error.message  # the server's own words name the minutes to wait
        if key is not None:
            return text(key, language)
        return text("error.other", language, code=error.code)
    return text("clerk.error.unavailable", language)


class SignInDialog(QDialog):
    """Name and PIN (masked, digits only), a keypad for a touch screen, Masuk and Batal.

    ``credentials_entered(name, pin)`` asks the window to try them; the dialog stays open
    with the error shown (``show_error``) until the window closes it on success.
    """

    credentials_entered = Signal(str, str)

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setObjectName("sign_in_dialog")
        self.setWindowTitle(text("clerk.title", language))
        self.setStyleSheet(SIGN_IN_STYLE)
        self.setMinimumWidth(340)
        layout = QVBoxLayout(self)
        title = QLabel(text("clerk.title", language))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(QLabel(text("clerk.name", language)))
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("sign_in_name")
        self.name_edit.setMaxLength(64)
        layout.addWidget(self.name_edit)
        layout.addWidget(QLabel(text("clerk.pin", language)))
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("sign_in_pin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(MAX_PIN_DIGITS)
        self.pin_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{MAX_PIN_DIGITS}}}"), self)
        )
        self.pin_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        layout.addWidget(self.pin_edit)
        self.keypad_buttons: dict[str, QPushButton] = {}
        keypad = QGridLayout()
        keys = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "C")
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing goes on in the PIN field
            button.clicked.connect(lambda _=False, pressed=key: self._on_key(pressed))
            keypad.addWidget(button, index // 3, index % 3)
            self.keypad_buttons[key] = button
        layout.addLayout(keypad)
        self.error_label = QLabel()
        self.error_label.setObjectName("sign_in_error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        self.cancel_button = QPushButton(text("dialog.cancel", language))
        self.cancel_button.clicked.connect(self.reject)
        self.submit_button = QPushButton(text("clerk.submit", language))
        self.submit_button.setObjectName("sign_in_submit")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self._submit)
        row.addWidget(self.cancel_button)
        row.addWidget(self.submit_button, 1)
        layout.addLayout(row)
        self.name_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self._submit)
        self.name_edit.setFocus()

    def _on_key(self, key: str) -> None:
        if key == "⌫":
            self.pin_edit.backspace()
        elif key == "C":
            self.pin_edit.clear()
        elif len(self.pin_edit.text()) < MAX_PIN_DIGITS:
            self.pin_edit.setText(self.pin_edit.text() + key)

    def _submit(self) -> None:
        name, pin = self.name_edit.text().strip(), self.pin_edit.text()
        if not name or not pin:
            self.show_error(text("clerk.error.missing", self.language))
            return
        self.submit_button.setEnabled(False)
        self.error_label.hide()
        self.credentials_entered.emit(name, pin)

    def show_error(self, message: str) -> None:
        """The sign-in was refused: say why, clear the PIN, let the clerk try again."""
        self.error_label.setText(message)
        self.error_label.show()
        self.pin_edit.clear()
        self.pin_edit.setFocus()
        self.submit_button.setEnabled(True)
