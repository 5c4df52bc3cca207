"""The kiosk's UI-free core: screens, the API client, printer, scanner and printer health."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, QTimer, Signal

from aufruf.i18n import DEFAULT_LANGUAGES, own_or_german
from client.api import ApiClient, ApiError, ServerUnreachable
from client.branding import BrandingWatcher
from client.notices import Clock, NoticeBoard, system_now
from client.qt import BackgroundCalls, StreamBridge
from hardware import (
    HealthMonitor,
    PrinterHealth,
    PrintFailed,
    PrintQueue,
    PrintReceipt,
    Scanner,
    ScannerError,
    TicketPrinter,
    TicketPrintout,
    WedgeScanner,
)
from kiosk_app.offline import OfflineJournal
from kiosk_app.offline_core import issue_offline, offline_ready, sync_offline
from kiosk_app.remote import is_remote_entry
from kiosk_app.states import (
    IDLE,
    INTERACTIVE,
    RESULT,
    SERVER_PRINTER_STATE,
    Issued,
    Message,
    PendingRequest,
    Screen,
    fault_key,
)
from kiosk_app.texts import closed_key
from server.sites.schemas import ServiceOut
from server.tickets.schemas import TicketOut

log = logging.getLogger(__name__)

ScanCallback = Callable[[str], None]
ScannerFactory = Callable[[ScanCallback], Scanner]


@dataclass(frozen=True)
class Timing:
    """How long screens stay and how often the kiosk retries; tests shorten these."""

    confirmation_seconds: float = 20.0
    idle_seconds: float = 60.0
    retry_seconds: float = 3.0
    printer_poll_seconds: float = 5.0
    # Quick retries of one touch before the kiosk declares itself out of order.
    draw_attempts: int = 3
    draw_retry_seconds: float = 0.5
    # How long the ticket screen offers "wrong service? cancel" after a ticket was issued.
    cancel_seconds: float = 10.0


class KioskCore(QObject):
    """Drives one kiosk; widgets call its methods and render what its signals say."""

    screen_changed = Signal(object)  # Screen
    language_changed = Signal(str)
    services_changed = Signal(object)  # list[ServiceOut]
    issued = Signal(object)  # Issued, just before the confirmation screen
    message_shown = Signal(object)  # Message, just before the message screen
    printer_changed = Signal(object)  # PrinterHealth
    printer_reported = Signal(object)  # PrinterHealth the server has acknowledged
    online_changed = Signal(bool)
    code_changed = Signal(str)  # the booking code typed so far
    visual_call_changed = Signal(bool)  # "I cannot hear the calls" chosen or not
    offline_issued = Signal(object)  # journal entry of a ticket issued from a leased number
    reconciled = Signal(object)  # {journal key: created | existing | rejected}
    offline_synced = Signal()  # journal sent and leases topped up
    cancel_offered = Signal(bool)  # whether the ticket on screen may still be cancelled
    checked_in = Signal(object)  # TicketOut of a phone ticket just checked in, before its screen

    # Hops from device threads to the core's (GUI) thread.
    _health_seen = Signal(object)
    _scanned = Signal(str)

    def __init__(
        self,
        api: ApiClient,
        *,
        site: str,
        printer: TicketPrinter | None = None,
        make_scanner: ScannerFactory | None = None,
        events: StreamBridge | None = None,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        header: str = "",
        timing: Timing | None = None,
        offline: OfflineJournal | None = None,
        clock: Clock = system_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # A supervisor's notices from the site's stream; each goes at its expiry by the board's own timer.
        self.notices = NoticeBoard(clock, parent=self)
        self.api = api
        self.site = site
        self.printer = printer
        self.languages = list(languages)
        self.header = header
        self.timing = timing or Timing()
        self.events = events
        self.offline = offline
        self._syncing = False
        self.calls = BackgroundCalls(self, threads=3)
        self.print_queue = PrintQueue(printer) if printer is not None else None
        self.monitor = (
            HealthMonitor(printer, self._health_seen.emit, interval=self.timing.printer_poll_seconds)
            if printer is not None
            else None
        )
        self.scanner = make_scanner(self._scanned.emit) if make_scanner is not None else None

        self.screen = Screen.STARTING
        self.language = "de"
        # After a restart during an outage the saved list keeps the buttons; the server's replaces it.
        self.services: list[ServiceOut] = offline.load_services() if offline is not None else []
        self.code = ""
        self.visual_call = False
        # The site's public facts (name, time zone) from the display snapshot: tickets carry them.
        self.site_info: dict[str, Any] = {}
        # The office's logo, colours and ticket footers, kept current from the site facts.
        self.branding = BrandingWatcher(api.base_url, parent=self)
        self.pending: PendingRequest | None = None
        self.last_issued: Issued | None = None
        self.last_checked_in: TicketOut | None = None
        self.last_message: Message | None = None
        self.printer_health: PrinterHealth | None = None
        self.online = False
        self._stream_up = False
        self._unreported: PrinterHealth | None = None
        self._probing = False
        self._stopped = False

        self._health_seen.connect(self._on_health)
        self._scanned.connect(self.submit_code)
        self._return_timer = QTimer(self, singleShot=True)
        self._return_timer.timeout.connect(self._time_out)
        self._cancel_timer = QTimer(self, singleShot=True)
        self._cancel_timer.timeout.connect(lambda: self.cancel_offered.emit(False))
        self._cancelling = False
        self._probe_timer = QTimer(self, interval=int(self.timing.retry_seconds * 1000))
        self._probe_timer.timeout.connect(self._probe)
        if events is not None:
            events.snapshot.connect(self._on_stream_message)
            events.message.connect(self._on_stream_message)
            events.connection_changed.connect(self._on_stream_connection)

    # Life cycle

    def start(self) -> None:
        """Connect to the server and start the devices; returns at once."""
        if self.events is not None:
            self.events.start()
        if self.monitor is not None:
            self.monitor.start()
        if self.scanner is not None:
            try:
                self.scanner.start()
            except ScannerError as error:
                # Typing the code still works; staff learn that the scanner is missing.
                log.error("%s", error)
                self.scanner = None
                self._report("scanner", "error", str(error))
        self._probe()
        self._probe_timer.start()

    def stop(self) -> None:
        """Stop timers, devices and the stream, and wait for running calls."""
        self._stopped = True
        self._probe_timer.stop()
        self._return_timer.stop()
        if self.scanner is not None:
            self.scanner.stop()
        if self.monitor is not None:
            self.monitor.stop()
        if self.events is not None:
            self.events.stop()
        self.calls.wait(10_000)
        self.branding.wait()
        if self.print_queue is not None:
            self.print_queue.close()

    # What widgets call

    def choose_language(self, language: str) -> None:
        """A language button: switch to it and show the services."""
        if self.screen not in (Screen.WELCOME, Screen.SERVICES):
            return
        self._set_language(language)
        self._set_screen(Screen.SERVICES)

    def go_home(self) -> None:
        """Back to the welcome screen (the back and done buttons)."""
        if self.screen in (Screen.ISSUING, Screen.STARTING, Screen.OUT_OF_ORDER):
            return  # a ticket is on its way, or there is nothing to go back to
        self._return_to_start()

    def open_check_in(self) -> None:
        """The "I have an appointment" button."""
        if self.screen in (Screen.WELCOME, Screen.SERVICES):
            self._set_code("")
            self._set_screen(Screen.CHECK_IN)

    def type_key(self, key: str) -> None:
        """An on-screen keypad key; "\b" deletes the last character."""
        if self.screen is not Screen.CHECK_IN:
            return
        self.touched()
        self._set_code(self.code[:-1] if key == "\b" else (self.code + key)[:64])

    def submit_typed_code(self) -> None:
        """The keypad's check-in button."""
        if self.screen is Screen.CHECK_IN:
            self.submit_code(self.code)

    def feed_key(self, char: str, at: float) -> bool:
        """A key from the keyboard, for a keyboard-wedge scanner; True when it ended a scan."""
        if isinstance(self.scanner, WedgeScanner) and char:
            return self.scanner.feed_key(char, at)
        return False

    @property
    def can_cancel(self) -> bool:
        """Whether the ticket on screen may still be given back ("wrong service? cancel")."""
        issued = self.last_issued
        return (
            self.screen is Screen.CONFIRMATION and issued is not None and bool(issued.ticket.token)
            and self._cancel_timer.isActive() and not self._cancelling
        )

    def cancel_issued(self) -> None:
        """The citizen chose the wrong service: give the ticket back to the server."""
        if not self.can_cancel:
            return
        issued = self.last_issued
        assert issued is not None
        self._cancelling = True
        self._cancel_timer.stop()
        self.cancel_offered.emit(False)
        api, token = self.api, issued.ticket.token or ""

        def done(_ticket: TicketOut) -> None:
            self._cancelling = False
            # A printed ticket cannot be unprinted: the citizen is told it is void.
            self._show_message("message.cancelled_printed" if issued.printed else "message.cancelled")

        def failed(error: Exception) -> None:
            self._cancelling = False
            log.warning("Could not cancel ticket %s: %s", issued.ticket.number, error)
            self._show_message("message.cancel_failed")

        self.calls.submit(lambda: api.give_up(token), done, failed)

    def touched(self) -> None:
        """Any touch: a citizen is still there, so restart the screen's time-out."""
        if self.screen in INTERACTIVE:
            self._return_timer.start(int(self.timing.idle_seconds * 1000))

    def set_visual_call(self, on: bool) -> None:
        """The "I cannot hear the calls" option for the ticket about to be drawn."""
        if self.screen in INTERACTIVE:
            self.touched()
        if on != self.visual_call:
            self.visual_call = on
            self.visual_call_changed.emit(on)

    def hold_result(self) -> None:
        """The result is being heard again: give it its full time on screen once more."""
        if self.screen in RESULT:
            self._return_timer.start(int(self.timing.confirmation_seconds * 1000))

    def service(self, service_id: str) -> ServiceOut | None:
        """A service by id, with the latest figures."""
        return next((s for s in self.services if s.id == service_id), None)

    def choose_service(self, service_id: str) -> None:
        """A service button: draw one ticket for this touch, then print it."""
        if self.screen is not Screen.SERVICES:
            return  # a second tap while the first is handled must not draw again
        service = self.service(service_id)
        if service is None:
            return
        if not service.open:
            self._show_message(closed_key(service.closed_reason))
            return
        self.pending = PendingRequest(
            kind="draw", language=self.language, key=uuid.uuid4().hex,
            touched_at=time.perf_counter(), service=service_id, visual_call=self.visual_call,
        )
        self._set_screen(Screen.ISSUING)
        if not self.online and issue_offline(self, self.pending):
            return  # known to be offline: no waiting on the network for this touch
        if not self.online and self.offline is not None and offline_ready(self):
            # Known to be offline and no leased number for this service: the others still work.
            self.pending = None
            self._show_message("message.service_offline")
            return
        self._send_pending()

    def submit_code(self, code: str) -> None:
        """A scanned or typed code: a phone ticket's QR code or short code checks it in, else a booking's."""
        if self.screen not in (Screen.WELCOME, Screen.SERVICES, Screen.CHECK_IN, Screen.MESSAGE):
            return  # busy, out of order, or a ticket is on screen: ignore stray scans
        remote = is_remote_entry(code)
        # A status URL's token is case-sensitive: only booking and short codes are upper-cased.
        code = code.strip() if remote and "/t/" in code else code.strip().upper()
        if len(code) < 3:
            self._show_message("message.code_too_short")
            return
        self.pending = PendingRequest(
            kind="remote_check_in" if remote else "check_in", language=self.language, key=uuid.uuid4().hex,
            touched_at=time.perf_counter(), code=code, visual_call=self.visual_call,
        )
        self._set_code("")
        self._set_screen(Screen.ISSUING)
        self._send_pending()

    # Drawing and checking in

    def _send_pending(self) -> None:
        pending = self.pending
        if pending is None:
            return
        site, api = self.site, self.api

        def work() -> TicketOut:
            if pending.kind == "draw":
                assert pending.service is not None
                return api.draw_ticket(
                    site, pending.service, language=pending.language, idempotency_key=pending.key,
                    visual_call=pending.visual_call,
                )
            assert pending.code is not None
            if pending.kind == "remote_check_in":
                return api.remote_check_in(site, pending.code)
            return api.check_in(site, pending.code, visual_call=pending.visual_call)

        self.calls.submit(work, self._on_ticket, self._on_request_failed)

    def _on_ticket(self, ticket: TicketOut) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        self._mark_online(True)
        if pending.kind == "remote_check_in":
            # The number is on the citizen's phone already: nothing to print, only "you are checked in".
            self.last_checked_in = ticket
            self.checked_in.emit(ticket)
            self._set_screen(Screen.CHECKED_IN)
            return
        self._deliver(ticket, pending)

    def _on_request_failed(self, error: Exception) -> None:
        pending = self.pending
        if pending is None:
            return
        if isinstance(error, ServerUnreachable):
            pending.attempts += 1
            pending.unsettled = pending.unsettled or error.maybe_delivered
            if pending.attempts < self.timing.draw_attempts:
                # Same touch, same key: the server returns the same ticket if it got the first try.
                QTimer.singleShot(int(self.timing.draw_retry_seconds * 1000), self._send_pending)
                return
            self._mark_online(False)
            if pending.unsettled:
                # The server may hold this touch's ticket: a leased number now could make it two. The
                # touch waits, and is sent again with its key as soon as the server answers.
                log.warning("Answer to draw %s lost; retrying it before any offline number", pending.key)
                self._go_out_of_order()
                return
            if issue_offline(self, pending):
                return
            if pending.kind == "draw" and offline_ready(self):
                # No leased number for this service, but for others: stay in service for those.
                self.pending = None
                self._show_message("message.service_offline")
                return
            self._go_out_of_order()  # the pending touch is completed once the server is back
            return
        self.pending = None
        if isinstance(error, ApiError):
            self._show_message(_message_key(error), error)
        else:
            log.exception("Unexpected failure while drawing a ticket", exc_info=error)
            self._show_message("message.error")

    def _deliver(self, ticket: TicketOut, pending: PendingRequest) -> None:
        """Print the ticket; the confirmation screen follows when the printer has answered."""
        if self.language != pending.language:
            self._set_language(pending.language)
        draft = Issued(
            ticket=ticket, service_name=ticket.service_name, language=pending.language,
            appointment=pending.kind == "check_in" or ticket.appointment,
        )
        health = self.printer_health
        if self.print_queue is None:
            self._confirm(draft, fault="printer.offline", started=pending.touched_at)
            return
        if health is not None and not health.can_print:
            # Known fault: do not wait for the printer to refuse, show the ticket at once.
            self._confirm(draft, fault=fault_key(health), started=pending.touched_at)
            return
        printout = self._printout(ticket)
        queue, monitor, started = self.print_queue, self.monitor, pending.touched_at

        def work() -> tuple[PrintReceipt | None, PrinterHealth | None]:
            try:
                return queue.submit(printout).result(), None
            except PrintFailed as error:
                log.warning("%s", error)
                # Ask the printer why at once: the citizen's message names it and staff hear of it.
                return None, monitor.poll() if monitor is not None else None

        def failed(error: Exception) -> None:
            log.error("Printing ticket %s failed: %s", ticket.number, error)
            self._confirm(draft, fault="printer.unknown", started=started)

        def done(result: tuple[PrintReceipt | None, PrinterHealth | None]) -> None:
            receipt, health = result
            if receipt is not None:
                self._confirm(draft, receipt=receipt, started=started)
            else:
                self._confirm(draft, fault=fault_key(health), started=started)

        self.calls.submit(work, done, failed)

    def _printout(self, ticket: TicketOut) -> TicketPrintout:
        issued_at = ticket.issued_at if ticket.issued_at.tzinfo else ticket.issued_at.replace(tzinfo=UTC)
        where = ticket.service_location or {}
        branding = self.branding.current
        return TicketPrintout(
            number=ticket.number,
            service_name=ticket.service_name,
            # The site's time, as on the display: the kiosk PC's own zone may be set wrong.
            issued_at=issued_at.astimezone(self.site_zone()),
            status_url=ticket.status_url or "",
            language=ticket.language,
            people_ahead=ticket.people_ahead,
            eta_minutes=ticket.eta_minutes,
            # The office's name heads every ticket unless the kiosk is told otherwise.
            header=self.header or str(self.site_info.get("name") or ""),
            location=where.get(ticket.language) or where.get("de") or "",
            # The office's own footer in the ticket's language, else German; without one the standard line.
            footer=own_or_german(branding.footer, ticket.language) if branding is not None else None,
            logo=branding.logo if branding is not None else None,
        )

    def site_zone(self) -> ZoneInfo | None:
        """The site's time zone; None (the PC's zone) until the server has told it."""
        try:
            return ZoneInfo(str(self.site_info["timezone"]))
        except (KeyError, ZoneInfoNotFoundError, ValueError):
            return None

    def _confirm(
        self,
        draft: Issued,
        *,
        started: float,
        receipt: PrintReceipt | None = None,
        fault: str | None = None,
    ) -> None:
        issued = Issued(
            ticket=draft.ticket, service_name=draft.service_name, language=draft.language,
            appointment=draft.appointment, receipt=receipt, fault=fault,
            seconds_to_print=time.perf_counter() - started if receipt else None,
        )
        self.last_issued = issued
        self.issued.emit(issued)
        self._set_screen(Screen.CONFIRMATION)
        # A ticket issued from a leased number while offline is not on the server yet: nothing to cancel.
        if issued.ticket.token and self.online:
            self._cancel_timer.start(int(self.timing.cancel_seconds * 1000))
            self.cancel_offered.emit(True)

    # Printer health

    def _on_health(self, health: PrinterHealth) -> None:
        self.printer_health = health
        self.printer_changed.emit(health)
        self._report_printer(health)

    def _report_printer(self, health: PrinterHealth) -> None:
        self._unreported = None
        state = SERVER_PRINTER_STATE[health.state]
        detail = (health.detail or health.state.value)[:300]
        api, site = self.api, self.site

        def failed(error: Exception) -> None:
            # Sent again as soon as the server answers, unless a newer state came meanwhile.
            log.info("Could not report printer state %s: %s", health.state.value, error)
            if self.printer_health == health:
                self._unreported = health

        self.calls.submit(
            lambda: api.report_status(site, component="printer", state=state, detail=detail),
            lambda _: self.printer_reported.emit(health), failed,
        )

    def _report(self, component: str, state: str, detail: str) -> None:
        api, site = self.api, self.site
        self.calls.submit(
            lambda: api.report_status(site, component=component, state=state, detail=detail[:300]),
            lambda _: None,
            lambda error: log.info("Could not report %s state: %s", component, error),
        )

    # Connection

    def _probe(self) -> None:
        """Ask the server for the services; decides between in service and out of order."""
        if self._probing or self._stopped:
            return
        if self.online and self._stream_up and self.screen is not Screen.OUT_OF_ORDER:
            return  # the stream keeps the figures fresh; nothing to check
        self._probing = True
        api, site = self.api, self.site
        self.calls.submit(lambda: api.services(site), self._on_probe_ok, self._on_probe_failed)

    def _on_probe_ok(self, services: list[ServiceOut]) -> None:
        self._probing = False
        self._set_services(services)
        self._mark_online(True)
        if not self.site_info:
            self._fetch_site()
        sync_offline(self)
        if self._unreported is not None:
            self._report_printer(self._unreported)
        if self.screen in (Screen.OUT_OF_ORDER, Screen.STARTING):
            if self.pending is not None:
                # The touch made before the outage still gets its one ticket.
                self.pending.attempts = 0
                self._set_screen(Screen.ISSUING)
                self._send_pending()
            else:
                self._set_screen(Screen.WELCOME)

    def _fetch_site(self) -> None:
        """Ask for the site's name and time zone when no stream snapshot brought them."""
        api, site = self.api, self.site

        def done(snapshot: dict[str, Any]) -> None:
            if not self.site_info and isinstance(snapshot.get("data", {}).get("site"), dict):
                self.site_info = dict(snapshot["data"]["site"])
                self.branding.update(self.site_info)

        self.calls.submit(
            lambda: api.display_state(site), done, lambda error: log.info("No site facts yet: %s", error)
        )

    def _on_probe_failed(self, error: Exception) -> None:
        self._probing = False
        if isinstance(error, ServerUnreachable):
            self._mark_online(False)
            if offline_ready(self):
                if self.screen is Screen.STARTING:
                    self._set_screen(Screen.WELCOME)  # restarted during an outage, with numbers in hand
            elif self.screen in IDLE:
                self._go_out_of_order()
        else:
            # The server answers but refuses (e.g. unknown site): out of order, staff must act.
            log.error("The server refused the kiosk: %s", error)
            self._mark_online(False)
            if self.screen in IDLE:
                self._go_out_of_order()

    def _on_stream_connection(self, connected: bool) -> None:
        self._stream_up = connected
        if not connected:
            self._probe()  # the stream dropped: is the server gone, or just the socket?

    def _on_stream_message(self, message: dict[str, Any]) -> None:
        data = message.get("data") or {}
        if message.get("type") == "snapshot" and isinstance(data.get("site"), dict):
            self.site_info = dict(data["site"])
            self.branding.update(self.site_info)
        if message.get("type") in ("snapshot", "queue.changed") and "services" in data:
            self._set_services([ServiceOut.model_validate(s) for s in data["services"]])
        self.notices.on_message(message)

    def _mark_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    def _go_out_of_order(self) -> None:
        self._mark_online(False)
        self._set_screen(Screen.OUT_OF_ORDER)

    # State

    def _set_services(self, services: list[ServiceOut]) -> None:
        self.services = services
        if self.offline is not None:
            self.offline.save_services(services)
        self.services_changed.emit(services)

    def _set_language(self, language: str) -> None:
        if language not in self.languages:
            language = "de"
        if language != self.language:
            self.language = language
            self.language_changed.emit(language)

    def _set_code(self, code: str) -> None:
        self.code = code
        self.code_changed.emit(code)

    def _show_message(self, key: str, error: ApiError | None = None) -> None:
        self.last_message = Message(key=key, language=self.language, error=error)
        self.message_shown.emit(self.last_message)
        self._set_screen(Screen.MESSAGE)

    def _set_screen(self, screen: Screen) -> None:
        self._return_timer.stop()
        if screen is not Screen.CONFIRMATION and self._cancel_timer.isActive():
            self._cancel_timer.stop()
            self.cancel_offered.emit(False)
        if screen in INTERACTIVE:
            self._return_timer.start(int(self.timing.idle_seconds * 1000))
        elif screen in RESULT:
            self._return_timer.start(int(self.timing.confirmation_seconds * 1000))
        if screen != self.screen:
            self.screen = screen
            self.screen_changed.emit(screen)

    def seconds_left(self) -> int:
        """Seconds until the current screen returns to the start (0 when it does not)."""
        return max(0, -(-self._return_timer.remainingTime() // 1000)) if self._return_timer.isActive() else 0

    def _time_out(self) -> None:
        self._return_to_start()

    def _return_to_start(self) -> None:
        self._set_code("")
        self.set_visual_call(False)  # the next citizen chooses afresh
        self._set_language("de")
        if not self.online and not offline_ready(self):
            self._go_out_of_order()
        else:
            self._set_screen(Screen.WELCOME)


# Check-in refusals by the server's code; its `detail` is English or German only.
BOOKING_MESSAGES: dict[str, str] = {
    "unknown_booking": "message.booking_unknown",
    "booking_used": "message.booking_used",
    "booking_cancelled": "message.booking_cancelled",
    "booking_too_early": "message.booking_too_early",
    "booking_too_late": "message.booking_too_late",
    "booking_other_day": "message.booking_other_day",
    "unknown_remote_ticket": "message.remote_unknown",
    "remote_expired": "message.remote_expired",
    "remote_not_waiting": "message.remote_not_waiting",
}


def _message_key(error: ApiError) -> str:
    """Which message a refused request shows."""
    if error.code in BOOKING_MESSAGES:
        return BOOKING_MESSAGES[error.code]
    if error.code.startswith("service_"):
        return closed_key(error.code.removeprefix("service_"))
    return "message.error"
