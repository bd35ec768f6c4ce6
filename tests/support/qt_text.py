"""What a person reads in a Qt label: rich text is parsed as Qt parses it, plain text is not."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QWidget


def shown_text(label: QLabel) -> str:
    """The label's text as shown: markup in it is rendered when Qt takes it for rich text."""
    text = label.text()
    kind = label.textFormat()
    if kind is Qt.TextFormat.PlainText:
        return text
    if kind is Qt.TextFormat.AutoText and not GuiQt.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def markup_rendered(window: QWidget, names: list[str]) -> list[str]:
    """The labels of `window` that hold one of `names` but do not show it as typed."""
    return [
        f"{label.objectName() or type(label).__name__}: {shown_text(label)!r}"
        for label in window.findChildren(QLabel)
        if any(name in label.text() for name in names)
        and not any(name in shown_text(label) for name in names)
    ]
