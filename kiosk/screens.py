"""The kiosk's screens; each one redraws itself from the controller in refresh()."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.controller import KioskController, Screen, StandardView
from kiosk.style import Metrics
from kiosk.widgets import (
    PriorityButton,
    ServiceButton,
    connect_clicked,
    priority_icon,
    set_style_property,
)

PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK")
MAX_PIN_LENGTH = 12


def label(object_name: str, wrap: bool = True, center: bool = False) -> QLabel:
    widget = QLabel()
    widget.setObjectName(object_name)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # names come from the settings: never markup
    widget.setWordWrap(wrap)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def touch_button(object_name: str) -> QPushButton:
    button = QPushButton()
    button.setObjectName(object_name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class ServiceGrid(QWidget):
    """Service buttons in one column (up to four services) or two to three columns."""

    def __init__(self, controller: KioskController, priority: bool) -> None:
        super().__init__()
        self._controller = controller
        self._priority = priority
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, ServiceButton] = {}

    def refresh(self, metrics: Metrics) -> None:
        views = self._controller.services()
        codes = [view.code for view in views]
        if codes != list(self.buttons):
            self._rebuild(codes)
        spacing = metrics.px(24, 8)
        self._layout.setSpacing(spacing)
        columns = self._columns(len(views))
        code_px = metrics.px(120 if columns == 1 else 100, 56)
        for view in views:
            self.buttons[view.code].show_service(view, code_px, metrics.px(300, 120))

    @staticmethod
    def _columns(count: int) -> int:
        return 1 if count <= 4 else 2 if count <= 8 else 3

    def _rebuild(self, codes: list[str]) -> None:
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        columns = self._columns(len(codes))
        for index, code in enumerate(codes):
            button = ServiceButton(code)
            connect_clicked(
                button,
                partial(self._controller.choose_service, code, self._priority),
                self._controller.accept_tap,
            )
            self._layout.addWidget(button, index // columns, index % columns)
            self.buttons[code] = button
        rows = (len(codes) + columns - 1) // columns
        for row in range(rows):
            self._layout.setRowStretch(row, 1)


class ServicesScreen(QWidget):
    """The start screen: one large button per service and the priority button."""

    def __init__(self, controller: KioskController) -> None:
        super().__init__()
        self.setObjectName("servicesScreen")
        self._controller = controller
        self.prompt = label("prompt")
        self.grid = ServiceGrid(controller, priority=False)
        self.priority_button = PriorityButton()
        connect_clicked(self.priority_button, controller.open_priority, controller.accept_tap)
        self.info_button = touch_button("info")
        connect_clicked(self.info_button, controller.open_info, controller.accept_tap)
        heading = QHBoxLayout()
        heading.addWidget(self.prompt, 1)
        heading.addWidget(self.info_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(heading)
        self._layout.addWidget(self.grid, 1)
        self._layout.addWidget(self.priority_button)

    def refresh(self, metrics: Metrics) -> None:
        margin = metrics.px(40, 12)
        self._layout.setContentsMargins(margin, metrics.px(24, 8), margin, margin)
        self._layout.setSpacing(metrics.px(24, 8))
        self.prompt.setText(self._controller.text("choose_service"))
        self.info_button.setText(self._controller.text("info_button"))
        self.info_button.setVisible(self._controller.has_standards)
        self.grid.refresh(metrics)
        self.priority_button.setVisible(self._controller.priority_enabled)
        self.priority_button.show_texts(
            self._controller.text("priority_button"),
            self._controller.text("priority_button_hint"),
            metrics.px(96, 48),
        )


class PriorityScreen(QWidget):
    """Priority path: who it is for, the services, and a way back."""

    def __init__(self, controller: KioskController) -> None:
        super().__init__()
        self.setObjectName("priorityScreen")
        self._controller = controller
        self.icon = QLabel()
        self.title = label("priorityTitle")
        self.hint = label("hint")
        self.grid = ServiceGrid(controller, priority=True)
        self.back_button = touch_button("back")
        connect_clicked(self.back_button, controller.close_priority, controller.accept_tap)
        heading = QHBoxLayout()
        heading.setSpacing(24)
        heading.addWidget(self.icon)
        heading.addWidget(self.title, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.back_button)
        footer.addStretch(1)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(heading)
        self._layout.addWidget(self.hint)
        self._layout.addWidget(self.grid, 1)
        self._layout.addLayout(footer)

    def refresh(self, metrics: Metrics) -> None:
        margin = metrics.px(40, 12)
        self._layout.setContentsMargins(margin, metrics.px(24, 8), margin, margin)
        self._layout.setSpacing(metrics.px(20, 8))
        self.icon.setPixmap(priority_icon(metrics.px(96, 48)))
        self.title.setText(self._controller.text("priority_title"))
        hint = self._controller.text("priority_hint")
        groups = self._controller.priority_groups
        if groups:
            hint += "\n" + self._controller.text("priority_groups", groups=", ".join(groups))
        self.hint.setText(hint)
        self.back_button.setText("‹  " + self._controller.text("back"))
        self.grid.refresh(metrics)


class StandardCard(QWidget):
    """One service's standards: name, description, completion time, fee, requirements."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("infoCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.service = label("infoService")
        self.description = label("infoDescription")
        self.completion_time = label("infoLine")
        self.fee = label("infoLine")
        self.requirements = label("infoRequirements")
        self.requirements.setTextFormat(Qt.TextFormat.PlainText)
        self._layout = QVBoxLayout(self)
        for widget in (
            self.service, self.description, self.completion_time, self.fee, self.requirements,
        ):  # fmt: skip
            self._layout.addWidget(widget)

    def show_standard(self, view: StandardView, controller: KioskController, margin: int) -> None:
        self._layout.setContentsMargins(margin, margin, margin, margin)
        not_set = controller.text("info_not_set")
        self.service.setText(f"{view.code}  ·  {view.name}")
        self.description.setText(view.description)
        self.description.setVisible(bool(view.description))
        self.completion_time.setText(
            f"{controller.text('info_completion_time')}: {view.completion_time or not_set}"
        )
        self.fee.setText(f"{controller.text('info_fee')}: {view.fee or not_set}")
        if view.requirements:
            lines = "\n".join(f"•  {item}" for item in view.requirements)
            self.requirements.setText(f"{controller.text('info_requirements')}:\n{lines}")
        else:
            self.requirements.setText(
                f"{controller.text('info_requirements')}: {controller.text('info_no_requirements')}"
            )


class InfoScreen(QWidget):
    """The services' standards (standar pelayanan), large, scrolled by touch, with a way back.

    The kiosk's idle reset brings it back to the start screen when nobody touches it.
    """

    def __init__(self, controller: KioskController) -> None:
        super().__init__()
        self.setObjectName("infoScreen")
        self._controller = controller
        self.title = label("infoTitle")
        self.hint = label("hint")
        self.cards: dict[str, StandardCard] = {}
        self._list = QWidget()
        self._list.setObjectName("infoList")
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("infoScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self._list)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(
            self.scroll_area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        self.back_button = touch_button("back")
        connect_clicked(self.back_button, controller.close_info, controller.accept_tap)
        footer = QHBoxLayout()
        footer.addWidget(self.back_button)
        footer.addStretch(1)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.hint)
        self._layout.addWidget(self.scroll_area, 1)
        self._layout.addLayout(footer)

    def refresh(self, metrics: Metrics) -> None:
        margin = metrics.px(40, 12)
        self._layout.setContentsMargins(margin, metrics.px(24, 8), margin, margin)
        self._layout.setSpacing(metrics.px(20, 8))
        self._list_layout.setSpacing(metrics.px(20, 8))
        self.title.setText(self._controller.text("info_title"))
        self.hint.setText(self._controller.text("info_hint"))
        self.back_button.setText("‹  " + self._controller.text("back"))
        views = self._controller.standards()
        if [view.code for view in views] != list(self.cards):
            for card in self.cards.values():
                self._list_layout.removeWidget(card)
                card.deleteLater()
            self.cards = {}
            for index, view in enumerate(views):
                card = StandardCard()
                self._list_layout.insertWidget(index, card)
                self.cards[view.code] = card
        for view in views:
            self.cards[view.code].show_standard(view, self._controller, metrics.px(28, 10))


class ConfirmationScreen(QWidget):
    """The number in large type and "silakan ambil tiket Anda"."""

    def __init__(self, controller: KioskController) -> None:
        super().__init__()
        self.setObjectName("confirmationScreen")
        self._controller = controller
        card = QWidget()
        card.setObjectName("ticketCard")
        self.your_number = label("yourNumber", center=True)
        self.number = label("number", wrap=False, center=True)
        self.service = label("confirmService", center=True)
        self.badge = label("priorityBadge", wrap=False, center=True)
        self.people_ahead = label("peopleAhead", center=True)
        card_layout = QVBoxLayout(card)
        card_layout.addWidget(self.your_number)
        card_layout.addWidget(self.number)
        card_layout.addWidget(self.service)
        card_layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignHCenter)
        card_layout.addWidget(self.people_ahead)
        self.take_ticket = label("takeTicket", center=True)
        self.done_button = touch_button("done")
        connect_clicked(self.done_button, controller.finish, controller.accept_tap)
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)
        self._layout.addWidget(card)
        self._layout.addWidget(self.take_ticket)
        self._layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._layout.addStretch(1)
        self._card_layout = card_layout

    def refresh(self, metrics: Metrics) -> None:
        margin = metrics.px(160, 24)
        self._layout.setContentsMargins(margin, metrics.px(24, 8), margin, metrics.px(24, 8))
        self._layout.setSpacing(metrics.px(24, 8))
        self._card_layout.setContentsMargins(*([metrics.px(32, 12)] * 4))
        confirmation = self._controller.confirmation()
        if confirmation is None:
            return
        self.your_number.setText(self._controller.text("your_number"))
        self.number.setText(confirmation.number)
        self.service.setText(confirmation.service_name)
        self.badge.setText(self._controller.text("priority_badge"))
        self.badge.setVisible(confirmation.priority)
        self.people_ahead.setText(confirmation.people_ahead_line)
        self.take_ticket.setText("↓  " + self._controller.text("take_ticket") + "  ↓")
        self.done_button.setText(self._controller.text("done"))


MESSAGE_LOOK = {
    Screen.CONNECTING: ("info", "…"),
    Screen.UNAVAILABLE: ("warning", "!"),
    Screen.OUT_OF_ORDER: ("warning", "!"),
    Screen.SETUP_ERROR: ("error", "!"),
    Screen.BUSY: ("info", "◷"),  # a glyph DejaVu Sans has
    Screen.FAILURE: ("error", "✕"),
}


class MessageScreen(QWidget):
    """A full-screen message: connecting, unavailable, out of order, printing, failure."""

    def __init__(self, controller: KioskController) -> None:
        super().__init__()
        self.setObjectName("message")
        self._controller = controller
        self.icon = label("messageIcon", wrap=False, center=True)
        self.title = label("messageTitle", center=True)
        self.body = label("messageBody", center=True)
        self.detail = label("messageDetail", center=True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)
        for widget in (self.icon, self.title, self.body, self.detail):
            self._layout.addWidget(widget)
        self._layout.addStretch(1)

    def refresh(self, metrics: Metrics) -> None:
        margin = metrics.px(160, 24)
        self._layout.setContentsMargins(margin, margin // 2, margin, margin // 2)
        self._layout.setSpacing(metrics.px(28, 10))
        screen = self._controller.screen
        tone, icon = MESSAGE_LOOK.get(screen, ("info", ""))
        set_style_property(self, "tone", tone)
        message = self._controller.message()
        self.icon.setText(icon)
        self.title.setText(message.title)
        self.body.setText(message.body)
        self.body.setVisible(bool(message.body))
        self.detail.setText(message.detail)
        self.detail.setVisible(bool(message.detail))


class AdminScreen(QWidget):
    """PIN pad for the admin exit; no keyboard is needed."""

    def __init__(self, controller: KioskController) -> None:
        super().__init__()
        self.setObjectName("adminScreen")
        self._controller = controller
        self.pin = ""
        self.title = label("messageTitle", center=True)
        self.prompt = label("hint", center=True)
        self.display = label("pinDisplay", wrap=False, center=True)
        self.message = label("adminMessage", center=True)
        keypad = QGridLayout()
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(PIN_KEYS):
            button = touch_button("pinKey")
            button.setText(key)
            connect_clicked(button, partial(self.press, key))
            keypad.addWidget(button, index // 3, index % 3)
            self.keys[key] = button
        self.cancel_button = touch_button("adminAction")
        connect_clicked(self.cancel_button, self._cancel)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.prompt)
        layout.addWidget(self.display, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.message)
        layout.addLayout(keypad)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self._keypad = keypad
        self._layout = layout

    def press(self, key: str) -> None:
        """One key of the pad: a digit, backspace or OK."""
        if key == "⌫":
            self.pin = self.pin[:-1]
        elif key == "OK":
            pin, self.pin = self.pin, ""
            self._controller.submit_pin(pin)
        elif len(self.pin) < MAX_PIN_LENGTH:
            self.pin += key
        self._controller.touched()
        self.display.setText("●" * len(self.pin))

    def _cancel(self) -> None:
        self.pin = ""
        self._controller.close_admin()

    def refresh(self, metrics: Metrics) -> None:
        margin = metrics.px(400, 24)
        self._layout.setContentsMargins(margin, 12, margin, 12)
        self._keypad.setSpacing(metrics.px(16, 6))
        if self._controller.screen is not Screen.ADMIN:
            self.pin = ""
        self.title.setText(self._controller.text("admin_title"))
        self.prompt.setText(self._controller.text("admin_prompt"))
        self.display.setText("●" * len(self.pin))
        self.message.setText(self._controller.admin_message)
        enabled = self._controller.admin_pin_set
        for button in self.keys.values():
            button.setEnabled(enabled)
        self.cancel_button.setText(self._controller.text("admin_cancel"))
