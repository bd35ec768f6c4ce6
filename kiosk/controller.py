"""KioskController: what the kiosk shows now, from server link, printer and ticket flow."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from client.connection import ConnectionStatus
from client.errors import ClientError, ServerUnavailable
from client.formatting import format_date_time, format_wait
from client.i18n import Language, service_description, service_name
from client.qt_bridge import ServerLink
from client.state import OfficeState
from client.wire import Service, Ticket
from kiosk.flow import FlowOutcome, FlowStep, OutcomeKind, TicketFlow
from kiosk.printing import PrinterHealth, PrinterService
from kiosk.settings import KioskSettings
from kiosk.texts import KioskTexts
from kiosk.touch import Clock, TouchGuard
from kiosk.voids import VoidReconciler
from printer_drivers import TicketData

logger = logging.getLogger(__name__)

FAILURE_SHOWN_S = 8.0
VOID_RETRY_S = 10.0
ADMIN_MAX_WRONG_PINS = 3


class Screen(StrEnum):
    """The screens of the kiosk; exactly one is shown at a time."""

    CONNECTING = "connecting"
    UNAVAILABLE = "unavailable"
    OUT_OF_ORDER = "out_of_order"
    SETUP_ERROR = "setup_error"
    SERVICES = "services"
    PRIORITY = "priority"
    INFO = "info"  # the services' standards (standar pelayanan)
    BUSY = "busy"
    CONFIRMATION = "confirmation"
    FAILURE = "failure"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class ServiceView:
    """One service button as the visitor sees it."""

    code: str
    name: str
    description: str
    status_line: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class StandardView:
    """One service's standards (standar pelayanan) on the info screen, in one language."""

    code: str
    name: str
    description: str
    completion_time: str  # "" when the office gave none
    fee: str
    requirements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Message:
    """Title and explanation of a message screen (unavailable, out of order, failure)."""

    title: str
    body: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The confirmation screen: the number, in large type, and what happens next."""

    number: str
    service_name: str
    people_ahead_line: str
    priority: bool


class KioskController(QObject):
    """Decides the screen and runs the ticket flow; widgets only call it and redraw."""

    changed = Signal()  # anything on screen may have changed: redraw
    exit_requested = Signal()  # the admin entered the right PIN

    def __init__(
        self,
        settings: KioskSettings,
        link: ServerLink,
        printer: PrinterService | None,
        *,
        setup_error: str | None = None,
        clock: Clock = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.texts: KioskTexts = settings.texts()
        self.language: Language = settings.language
        self._link = link
        self._printer = printer
        self._setup_error = setup_error
        self._connection = ConnectionStatus(link.status)
        self._ever_connected = False
        self._state: OfficeState | None = link.state
        self._health = printer.health if printer is not None else PrinterHealth()
        self._priority_mode = False
        self._info_open = False  # the info screen (standar pelayanan) is shown
        self._admin_open = False
        self.admin_message = ""
        self._wrong_pins = 0
        self.voids = VoidReconciler(_LinkVoids(link, self), clock)
        self.flow = TicketFlow(self, self._on_flow_changed)
        self._timing: dict[int, float] = {}
        self.touch_guard = TouchGuard(clock)

        self._outcome_timer = QTimer(self)
        self._outcome_timer.setSingleShot(True)
        self._outcome_timer.timeout.connect(self.acknowledge)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(int(settings.idle_reset_s * 1000))
        self._idle_timer.timeout.connect(self._on_idle)
        # An unprinted ticket whose void failed while the link stayed up (a slow or busy
        # server) is voided again every so often, not only at the next reconnect.
        self._void_retry_timer = QTimer(self)
        self._void_retry_timer.setInterval(int(VOID_RETRY_S * 1000))
        self._void_retry_timer.timeout.connect(self._retry_voids_while_connected)

        # Before any window redraws: the screen's settle time starts when it changes.
        self.changed.connect(self._on_changed)
        link.connection_changed.connect(self._on_connection_changed)
        link.state_changed.connect(self._on_state_changed)
        if printer is not None:
            printer.printed.connect(self._on_printed)
            printer.print_failed.connect(self._on_print_failed)
            printer.health_changed.connect(self._on_health_changed)
        self.touch_guard.screen_shown(self.screen)

    # -- what the window reads --------------------------------------------------------------

    @property
    def screen(self) -> Screen:
        """The screen to show now."""
        if self._admin_open:
            return Screen.ADMIN
        if self._setup_error is not None:
            return Screen.SETUP_ERROR
        if self.flow.busy:
            return Screen.BUSY
        if self.flow.step is FlowStep.DONE:
            outcome = self.flow.outcome
            if outcome is not None and outcome.kind is OutcomeKind.PRINTED:
                return Screen.CONFIRMATION
            return Screen.FAILURE
        if self._connection is not ConnectionStatus.CONNECTED or self._state is None:
            if self._ever_connected or self._connection is ConnectionStatus.UNAVAILABLE:
                return Screen.UNAVAILABLE
            return Screen.CONNECTING
        if not self._health.ready:
            return Screen.OUT_OF_ORDER
        if self._info_open:
            return Screen.INFO
        if self._priority_mode and self.priority_enabled:
            return Screen.PRIORITY
        return Screen.SERVICES

    @property
    def office_name(self) -> str:
        return self._state.office if self._state is not None else ""

    @property
    def priority_enabled(self) -> bool:
        """The priority path shows only while the server offers priority tickets; the
        kiosk's own ``priority = false`` can hide it, never offer what the server refuses."""
        offered = self._state is not None and self._state.priority.enabled
        return self.settings.priority and offered

    @property
    def priority_groups(self) -> tuple[str, ...]:
        """Who may take a priority ticket, as the office configured it (lansia, ...)."""
        return self._state.priority.groups if self._state is not None else ()

    @property
    def admin_pin_set(self) -> bool:
        return self.settings.admin_pin is not None

    def text(self, key: str, /, **params: object) -> str:
        """A screen text in the current language."""
        return self.texts.get(key, self.language, **params)

    def services(self) -> tuple[ServiceView, ...]:
        """The service buttons, in the server's order."""
        if self._state is None:
            return ()
        return tuple(self._service_view(service) for service in self._state.services)

    def standards(self) -> tuple[StandardView, ...]:
        """Every service's standards for the info screen, in the server's order."""
        if self._state is None:
            return ()
        english = self.language is Language.ENGLISH
        return tuple(
            StandardView(
                code=service.code,
                name=service_name(service, self.language),
                description=service_description(service, self.language),
                completion_time=(
                    (service.completion_time_en if english else None) or service.completion_time
                )
                or "",
                fee=((service.fee_en if english else None) or service.fee) or "",
                requirements=tuple(
                    (service.requirements_en if english else ()) or service.requirements
                ),
            )
            for service in self._state.services
        )

    @property
    def has_standards(self) -> bool:
        """Whether any service has standards to show (else the info button is hidden)."""
        return any(
            view.completion_time or view.fee or view.requirements for view in self.standards()
        )

    def _service_view(self, service: Service) -> ServiceView:
        if service.open:
            line = self.texts.waiting_line(service.waiting, service.est_wait_s, self.language)
        else:
            line = self._closed_line(service)
        return ServiceView(
            code=service.code,
            name=service_name(service, self.language),
            description=service_description(service, self.language),
            status_line=line,
            enabled=service.open,
        )

    def _closed_line(self, service: Service) -> str:
        assert self._state is not None
        return self.texts.closed_service_line(
            service, self.language, self._state.today, self._state.timezone
        )

    def message(self) -> Message:
        """Title and text of the current message screen."""
        screen = self.screen
        if screen is Screen.CONNECTING:
            return Message(self.text("connecting_title"), self.text("connecting_hint"))
        if screen is Screen.UNAVAILABLE:
            if self._link.token_rejected:
                return Message(self.text("token_rejected_title"), self.text("token_rejected_hint"))
            return Message(self.text("unavailable_title"), self.text("unavailable_hint"))
        if screen is Screen.SETUP_ERROR:
            return Message(
                self.text("setup_error_title"), self.text("setup_error_hint"),
                self._setup_error or "",
            )  # fmt: skip
        if screen is Screen.OUT_OF_ORDER:
            fault = self._health.fault
            reason = self.text(f"printer.{fault}") if fault is not None else ""
            return Message(
                self.text("out_of_order_title"),
                f"{reason}. {self.text('out_of_order_hint')}" if reason else "",
            )
        if screen is Screen.BUSY:
            return Message(self.text("please_wait"), "")
        if screen is Screen.FAILURE and self.flow.outcome is not None:
            return self._failure_message(self.flow.outcome)
        return Message("", "")

    def _failure_message(self, outcome: FlowOutcome) -> Message:
        number = outcome.ticket.number if outcome.ticket is not None else ""
        if outcome.kind is OutcomeKind.VOIDED:
            return Message(
                self.text("print_failed_title"), self.text("print_failed_voided", number=number)
            )
        if outcome.kind is OutcomeKind.NOT_VOIDED:
            return Message(
                self.text("print_failed_title"),
                self.text("print_failed_not_voided", number=number),
            )
        if outcome.kind is OutcomeKind.SERVICE_CLOSED:
            service = self._state.service(outcome.service) if self._state is not None else None
            if service is not None and not service.open:
                why = self._closed_line(service)  # with its note and when it opens again
            else:
                why = self.texts.closed_line(outcome.closed_reason, self.language)
            return Message(self.text("service_closed_title"), why)
        if outcome.kind is OutcomeKind.UNAVAILABLE:
            return Message(self.text("unavailable_title"), self.text("issue_failed_hint"))
        return Message(self.text("issue_failed_title"), self.text("issue_failed_hint"))

    def confirmation(self) -> Confirmation | None:
        """The issued ticket while the confirmation screen is up."""
        outcome = self.flow.outcome
        if outcome is None or outcome.ticket is None or outcome.kind is not OutcomeKind.PRINTED:
            return None
        ticket = outcome.ticket
        return Confirmation(
            number=ticket.number,
            service_name=self._service_name(ticket.service),
            people_ahead_line=self.texts.people_ahead_line(
                ticket.people_ahead, ticket.est_wait_s, self.language
            ),
            priority=ticket.priority,
        )

    def _service_name(self, code: str) -> str:
        service = self._state.service(code) if self._state is not None else None
        return service_name(service, self.language) if service is not None else code

    # -- what the window calls --------------------------------------------------------------

    def accept_tap(self) -> bool:
        """Whether a visitor's touch counts: not the second touch of a double tap, nor a
        touch just after the screen changed (it was meant for the screen before)."""
        return self.touch_guard.accept()

    def choose_service(self, code: str, priority: bool = False) -> bool:
        """A visitor touched a service button; False when it issues nothing (double tap)."""
        self.touched()
        screen = self.screen
        if screen not in (Screen.SERVICES, Screen.PRIORITY):
            return False
        service = self._state.service(code) if self._state is not None else None
        if service is None or not service.open:
            return False
        self._timing[self.flow.attempt + 1] = time.perf_counter()
        return self.flow.request(code, priority or screen is Screen.PRIORITY)

    def open_priority(self) -> None:
        self.touched()
        if self.screen is Screen.SERVICES and self.priority_enabled:
            self._priority_mode = True
            self.changed.emit()

    def close_priority(self) -> None:
        self.touched()
        if self._priority_mode:
            self._priority_mode = False
            self.changed.emit()

    def open_info(self) -> None:
        """The visitor touched "Info layanan": the services' standards."""
        self.touched()
        if self.screen is Screen.SERVICES:
            self._info_open = True
            self.changed.emit()

    def close_info(self) -> None:
        self.touched()
        if self._info_open:
            self._info_open = False
            self.changed.emit()

    def toggle_language(self) -> None:
        self.touched()
        other = Language.ENGLISH if self.language is Language.INDONESIAN else Language.INDONESIAN
        self.set_language(other)

    def set_language(self, language: Language) -> None:
        if language is not self.language:
            self.language = language
            self.changed.emit()

    @Slot()
    def acknowledge(self) -> None:
        """The confirmation or failure has been shown long enough: back to the start."""
        self.touch_guard.new_visitor()
        self.finish()

    def finish(self) -> None:
        """The visitor touched "Selesai": back to the start."""
        self._outcome_timer.stop()
        if self.flow.step is FlowStep.DONE:
            self._priority_mode = False
            self.language = self.settings.language
            self.flow.acknowledge()

    def touched(self) -> None:
        """Any touch: the idle reset starts again."""
        self._idle_timer.start()

    def open_admin(self) -> None:
        """The admin corner was held long enough."""
        self.admin_message = "" if self.admin_pin_set else self.text("admin_no_pin")
        self._wrong_pins = 0
        self._admin_open = True
        self.touched()
        self.changed.emit()

    def close_admin(self) -> None:
        if self._admin_open:
            self._admin_open = False
            self.admin_message = ""
            self.changed.emit()

    def submit_pin(self, pin: str) -> bool:
        """True (and exit_requested) for the configured PIN."""
        self.touched()
        if not self._admin_open or self.settings.admin_pin is None:
            return False
        if pin == self.settings.admin_pin:
            logger.info("admin exit")
            self.exit_requested.emit()
            return True
        self._wrong_pins += 1
        logger.warning("wrong admin PIN entered (%d)", self._wrong_pins)
        if self._wrong_pins >= ADMIN_MAX_WRONG_PINS:
            self.close_admin()
        else:
            self.admin_message = self.text("admin_wrong_pin")
            self.changed.emit()
        return False

    # -- flow ports (called by TicketFlow) --------------------------------------------------

    def issue(self, attempt: int, service: str, priority: bool) -> None:
        # One key per tap: if the answer is lost, whatever the server issued for it is
        # voided later (a ticket nobody holds must never be called).
        request_key = uuid.uuid4().hex
        self._link.submit(
            lambda api: api.issue_ticket(service, priority, request_key),
            on_finished=lambda ticket: self._on_issued(attempt, ticket),
            on_failed=lambda error: self._on_issue_failed(attempt, request_key, error),
            name="issue_ticket",
        )

    def _on_issued(self, attempt: int, ticket: Ticket) -> None:
        if self.flow.awaits_ticket(attempt):
            self.flow.issued(attempt, ticket)
            return
        # an answer that came too late for its visitor: nobody will hold this ticket
        logger.warning("ticket %s came after its visitor left: voiding it", ticket.number)
        self.voids.ticket_unheld(ticket)
        self._void_retry_timer.start()  # runs only while something waits to be voided
        self.voids.retry()

    def _on_issue_failed(self, attempt: int, request_key: str, error: ClientError) -> None:
        if isinstance(error, ServerUnavailable):
            # the request may have been carried out, only its answer lost
            self.voids.answer_lost(request_key)
            self._void_retry_timer.start()
        self.flow.issue_failed(attempt, error)

    def print(self, attempt: int, ticket: Ticket) -> None:
        if self._printer is None:
            self.flow.print_failed(attempt, RuntimeError("no printer"))
            return
        self._printer.print_ticket(attempt, self.ticket_data(ticket))

    def void(self, attempt: int, ticket: Ticket) -> None:
        self.voids.ticket_unheld(ticket)
        self._void_retry_timer.start()  # runs only while something waits to be voided
        self._link.submit(
            lambda api: api.void_ticket(ticket.id),
            on_finished=lambda _: self._on_voided(attempt, ticket),
            on_failed=lambda error: self._on_void_failed(attempt, ticket, error),
            name="void_ticket",
        )

    def ticket_data(self, ticket: Ticket) -> TicketData:
        """What the printer prints: the server's answer, in the office's time zone, with
        the wait and the date formatted as the screen formats them."""
        issued_at = ticket.issued_at
        zone_name = self._state.timezone if self._state is not None else None
        if zone_name is not None:
            try:
                issued_at = issued_at.astimezone(ZoneInfo(zone_name))
            except (ZoneInfoNotFoundError, ValueError):
                logger.warning("unknown office time zone %r", zone_name)
        return TicketData(
            office_name=self.office_name,
            service_name=self._service_name(ticket.service),
            number=ticket.number,
            priority=ticket.priority,
            people_ahead=ticket.people_ahead,
            wait_text=format_wait(ticket.est_wait_s, self.language),
            issued_at=issued_at,
            issued_text=format_date_time(issued_at, self.language, zone_name),
            check_url=ticket.check_url,
            footer=self.text("ticket_footer") or None,
            language=self.language.value,
        )

    # -- slots --------------------------------------------------------------------------------

    @Slot()
    def _on_changed(self) -> None:
        self.touch_guard.screen_shown(self.screen)

    def _on_flow_changed(self, step: FlowStep, outcome: FlowOutcome | None) -> None:
        if step is FlowStep.DONE and outcome is not None:
            started = self._timing.pop(self.flow.attempt, None)
            ticket = outcome.ticket.number if outcome.ticket is not None else "-"
            if started is not None:
                elapsed_ms = (time.perf_counter() - started) * 1000
                logger.info("ticket %s: %s in %.0f ms", ticket, outcome.kind, elapsed_ms)
            shown_s = (
                self.settings.confirm_s if outcome.kind is OutcomeKind.PRINTED else FAILURE_SHOWN_S
            )
            self._outcome_timer.start(int(shown_s * 1000))
        self.changed.emit()

    @Slot(object)
    def _on_connection_changed(self, status: object) -> None:
        self._connection = ConnectionStatus(str(status))
        if self._connection is ConnectionStatus.CONNECTED:
            self._ever_connected = True
            self.voids.retry()
        self.changed.emit()

    @Slot(object, object)
    def _on_state_changed(self, state: OfficeState, event: object) -> None:
        self._state = state
        if self._connection is ConnectionStatus.CONNECTED:
            self._ever_connected = True
        self.changed.emit()

    @Slot(object)
    def _on_health_changed(self, health: PrinterHealth) -> None:
        self._health = health
        self.changed.emit()

    @Slot(int, object)
    def _on_printed(self, attempt: int, result: object) -> None:
        self.flow.printed(attempt)

    @Slot(int, object)
    def _on_print_failed(self, attempt: int, error: Exception) -> None:
        self.flow.print_failed(attempt, error)
        if self._printer is not None:
            self._printer.poll_now()

    def _on_voided(self, attempt: int, ticket: Ticket) -> None:
        self.voids.ticket_voided(ticket)
        self.flow.voided(attempt)

    def _on_void_failed(self, attempt: int, ticket: Ticket, error: ClientError) -> None:
        self.voids.ticket_void_failed(ticket, error)
        self.flow.void_failed(attempt, error)

    def _retry_voids_while_connected(self) -> None:
        if not self.voids.pending:
            self._void_retry_timer.stop()
        elif self._connection is ConnectionStatus.CONNECTED:
            self.voids.retry()

    def _on_idle(self) -> None:
        if self._admin_open:
            self.close_admin()
        if self.flow.step is FlowStep.READY and (
            self._priority_mode or self._info_open or self.language is not self.settings.language
        ):
            self._priority_mode = False
            self._info_open = False
            self.language = self.settings.language
            self.changed.emit()


class _LinkVoids:
    """The reconciler's ports: voids through the server link, answers to the reconciler."""

    def __init__(self, link: ServerLink, controller: KioskController) -> None:
        self._link = link
        self._controller = controller

    def void_ticket(self, ticket: Ticket) -> None:
        voids = self._controller.voids
        self._link.submit(
            lambda api: api.void_ticket(ticket.id),
            on_finished=lambda _: voids.ticket_voided(ticket),
            on_failed=lambda error: voids.ticket_void_failed(ticket, error),
            name="void_ticket",
        )

    def void_by_request_key(self, request_key: str) -> None:
        voids = self._controller.voids
        self._link.submit(
            lambda api: api.void_by_request_key(request_key),
            on_finished=lambda ticket: voids.key_voided(request_key, ticket),
            on_failed=lambda error: voids.key_void_failed(request_key, error),
            name="void_by_request_key",
        )
