"""The counter's dialogs: transfer to another service, re-queue a no-show, call a number."""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.formatting import format_time
from client.i18n import service_name
from client.wire import Service, Ticket
from counter_display.counter.texts import text

TICKET_NUMBER = re.compile(r"^\s*([A-Za-z]{1,3})\s*-?\s*(\d{1,4})\s*$")
DIALOG_STYLE = """
QPushButton { font-size: 12pt; min-height: 40px; padding: 4px 12px; }
QPushButton#service_button { text-align: left; font-size: 13pt; min-height: 48px; }
QListWidget { font-size: 12pt; }
QLineEdit { font-size: 14pt; min-height: 36px; }
"""


def normalize_ticket_number(typed: str) -> str | None:
    """ "a5" → "A005"; None if it does not look like a ticket number."""
    match = TICKET_NUMBER.match(typed)
    if match is None:
        return None
    letters, digits = match.groups()
    return f"{letters.upper()}{int(digits):03d}"


class TransferDialog(QDialog):
    """Pick the service the current ticket moves to; one big button per service."""

    service_chosen = Signal(str)

    def __init__(
        self,
        ticket_number: str,
        services: tuple[Service, ...],
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transfer_dialog")
        self.setWindowTitle(text("transfer.title", language))
        self.setStyleSheet(DIALOG_STYLE)
        layout = QVBoxLayout(self)
        prompt = QLabel(text("transfer.prompt", language, number=ticket_number))
        prompt.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(prompt)
        self.service_buttons: dict[str, QPushButton] = {}
        for service in services:
            status = (
                text("transfer.waiting", language, count=service.waiting)
                if service.open
                else text("transfer.closed", language)
            )
            button = QPushButton(f"{service.code}  {service_name(service, language)}\n{status}")
            button.setObjectName("service_button")
            button.clicked.connect(lambda _=False, code=service.code: self._choose(code))
            layout.addWidget(button)
            self.service_buttons[service.code] = button
        cancel = QPushButton(text("dialog.cancel", language))
        cancel.clicked.connect(self.reject)
        layout.addWidget(cancel)
        self.cancel_button = cancel

    def _choose(self, code: str) -> None:
        self.service_chosen.emit(code)
        self.accept()


class RequeueDialog(QDialog):
    """Pick a no-show of today from a list, or type its number."""

    number_chosen = Signal(str)
    TEXTS = "requeue"  # prefix of the dialog's texts

    def __init__(
        self,
        candidates: tuple[Ticket, ...],
        services: dict[str, Service],
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        prefix = self.TEXTS
        self.setObjectName(f"{prefix}_dialog")
        self.setWindowTitle(text(f"{prefix}.title", language))
        self.setStyleSheet(DIALOG_STYLE)
        self.resize(420, 320)
        self._language = language
        layout = QVBoxLayout(self)
        prompt = QLabel(text(f"{prefix}.prompt", language))
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.candidate_list = QListWidget()
        for ticket in candidates:
            service = services.get(ticket.service)
            moment = self._moment(ticket)
            item = QListWidgetItem(
                text(
                    f"{prefix}.item",
                    language,
                    number=ticket.number,
                    service=service_name(service, language) if service else ticket.service,
                    time=format_time(moment, language) if moment else "",
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, ticket.number)
            self.candidate_list.addItem(item)
        if not candidates:
            empty = QListWidgetItem(text(f"{prefix}.none", language))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.candidate_list.addItem(empty)
        self.candidate_list.currentItemChanged.connect(self._on_candidate_selected)
        self.candidate_list.itemDoubleClicked.connect(lambda _item: self._confirm())
        layout.addWidget(self.candidate_list)
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText(text(f"{prefix}.placeholder", language))
        self.number_edit.textChanged.connect(self._on_text_changed)
        self.number_edit.returnPressed.connect(self._confirm)
        layout.addWidget(self.number_edit)
        self.hint_label = QLabel("")
        self.hint_label.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.hint_label)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(text("dialog.cancel", language))
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button = QPushButton(text(f"{prefix}.confirm", language))
        self.confirm_button.setDefault(True)
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self._confirm)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)
        self.number_edit.setFocus()

    @staticmethod
    def _moment(ticket: Ticket) -> datetime | None:
        return ticket.finished_at  # when it did not show up

    def _on_candidate_selected(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        number = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        if isinstance(number, str):
            self.number_edit.setText(number)

    def _on_text_changed(self, typed: str) -> None:
        valid = normalize_ticket_number(typed) is not None
        self.confirm_button.setEnabled(valid)
        self.hint_label.setText(
            "" if valid or not typed else text(f"{self.TEXTS}.invalid", self._language)
        )

    def _confirm(self) -> None:
        number = normalize_ticket_number(self.number_edit.text())
        if number is None:
            return
        self.number_chosen.emit(number)
        self.accept()


class CallNumberDialog(RequeueDialog):
    """Pick a waiting ticket of this counter's services, or type its number, to call it."""

    TEXTS = "call"

    @staticmethod
    def _moment(ticket: Ticket) -> datetime | None:
        return ticket.issued_at  # waiting since
