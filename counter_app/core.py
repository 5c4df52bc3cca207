"""The counter app's logic without widgets: log in, open a counter, act, follow the live stream."""

from __future__ import annotations

import logging
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from PySide6.QtCore import QObject, QTimer, Signal

from client.api import ApiClient, ApiError, ServerUnreachable
from client.qt import BackgroundCalls, StreamBridge, stream_url
from counter_app.live import CounterState, Message
from counter_app.memory import Workstation
from counter_app.sso import sign_in_with_provider
from counter_app.texts import Texts
from server.counters.schemas import CounterOut
from server.sites.schemas import ServiceOut
from server.tickets.schemas import TicketOut

log = logging.getLogger(__name__)
StreamFactory = Callable[[str, str], StreamBridge]
# Ticket actions on the current citizen: action name -> API path segment.
TICKET_ACTIONS = {"recall": "recall", "start": "start", "finish": "finish", "no_show": "no-show", "park": "park"}
WORKSTATION_HEADER = "X-Aufruf-Workstation"


def bridge_for(url: str, token: str) -> StreamBridge:
    """The real websocket bridge."""
    return StreamBridge(url, token=token)


class CounterCore(QObject):
    """One clerk at one counter; every network call runs off the GUI thread."""

    logged_in = Signal(object)  # list[CounterOut]
    # The sign-in buttons the server offers: list of {"name", "label"}.
    providers_changed = Signal(object)
    counter_opened = Signal(object)  # CounterOut
    state_changed = Signal(object)  # CounterState
    online_changed = Signal(bool)
    undo_changed = Signal(bool)
    busy_changed = Signal(bool)
    # action, succeeded, message for the clerk
    finished = Signal(str, bool, str)
    # Back to the login screen (token expired or refused, or logged out), with the reason; the counter choice stays.
    logged_out = Signal(str)
    # Back to the counter choice (closed here, taken over elsewhere, timed out, day closed), with the reason.
    counter_closed = Signal(str)
    # Another session holds the chosen counter: the clerk may take it over (True) or not any more (False).
    takeover_offered = Signal(bool)

    def __init__(
        self,
        api: ApiClient,
        *,
        site: str,
        texts: Texts,
        memory: Workstation,
        memory_path: Path | None = None,
        undo_seconds: float = 10.0,
        stream_factory: StreamFactory = bridge_for,
        open_browser: Callable[[str], object] = webbrowser.open,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.api = api
        self.site = site
        self.t = texts
        self.memory = memory
        self.memory_path = memory_path
        self.undo_seconds = undo_seconds
        self.stream_factory = stream_factory
        self.open_browser = open_browser
        self.calls = BackgroundCalls(self)
        self.counters: list[CounterOut] = []
        self.site_services: list[ServiceOut] = []
        self.state: CounterState | None = None
        self.online = False
        self.busy = False
        self.username = ""
        self._bridge: StreamBridge | None = None
        self._undo_until = 0.0
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._undo_expired)
        self.session_id: int | None = None
        self.max_recalls = 0
        self._takeover: tuple[str, list[str]] | None = None
        self._closing: int | None = None
        api.headers[WORKSTATION_HEADER] = memory.ensure_id()

    # Session -----------------------------------------------------------------------------

    def login(self, username: str, password: str) -> None:
        """Log in and load the site's counters and services."""

        def work() -> tuple[list[CounterOut], list[ServiceOut]]:
            self.api.login(username, password)
            return self.api.counters(self.site), self.api.services(self.site, language=self.t.language)

        self._submit("login", work, lambda result: self._logged_in(username, result), needs_stream=False)

    def load_providers(self) -> None:
        """Ask the server which single sign-on providers the login screen offers (none on older servers)."""

        def work() -> list[dict[str, str]]:
            return list(self.api.request("GET", "/auth/sso").json()["providers"])

        self.calls.submit(work, self.providers_changed.emit, lambda _error: self.providers_changed.emit([]))

    def sign_in_with(self, provider: str) -> None:
        """Sign in through the provider in the system browser, then load the site's counters and services."""

        def work() -> tuple[str, tuple[list[CounterOut], list[ServiceOut]]]:
            token = sign_in_with_provider(self.api, provider, open_browser=self.open_browser)
            site = (self.api.counters(self.site), self.api.services(self.site, language=self.t.language))
            return token["username"], site

        self._submit("login", work, lambda result: self._logged_in(*result), needs_stream=False)

    def _logged_in(self, username: str, result: tuple[list[CounterOut], list[ServiceOut]]) -> None:
        self.username = username
        self.counters, self.site_services = result
        self.logged_in.emit(self.counters)
        self.finished.emit("login", True, self.t("logged_in", user=username))

    def open_counter(self, counter_id: str, services: list[str], *, takeover: bool = False) -> None:
        """Open a counter for this clerk with the services chosen for today, then follow its live stream."""

        def work() -> tuple[dict[str, Any], CounterOut]:
            held = self.api.request("POST", f"/counters/{counter_id}/open", json={"takeover": takeover}).json()
            body = {"services": services}
            response = self.api.request("PUT", f"/counters/{counter_id}/services", json=body)
            return held, CounterOut.model_validate(response.json())

        def done(result: tuple[dict[str, Any], CounterOut]) -> None:
            held, counter = result
            self.session_id, self.max_recalls = held.get("session"), int(held.get("max_recalls") or 0)
            self._offer_takeover(None)
            self.memory.server, self.memory.site = self.api.base_url, self.site
            self.memory.username, self.memory.counter, self.memory.services = self.username, counter_id, services
            if self.memory_path is not None:
                self.memory.save(self.memory_path)
            self._follow(counter)
            self.counter_opened.emit(counter)
            self.finished.emit("open", True, self.t("counter_opened", counter=counter.name))

        def failed(error: Exception) -> None:
            held = isinstance(error, ApiError) and error.code == "counter_held"
            self._offer_takeover((counter_id, services) if held else None)

        self._submit("open", work, done, needs_stream=False, failed=failed)

    def take_over(self) -> None:
        """Take over the counter another session holds (own session elsewhere, or as a supervisor); audited."""
        if self._takeover is None:
            self.finished.emit("open", False, self.t("takeover_unavailable"))
            return
        counter_id, services = self._takeover
        self.open_counter(counter_id, services, takeover=True)

    def _offer_takeover(self, offer: tuple[str, list[str]] | None) -> None:
        self._takeover = offer
        self.takeover_offered.emit(offer is not None)

    def close_counter(self) -> None:
        """Close the counter (its citizen finished or handed back first) and return to the counter choice."""
        counter = self.counter_id
        # Our own close comes back on the stream too; only the HTTP answer ends the counter here.
        self._closing = self.session_id

        def done(_held: Any) -> None:
            self._leave_counter(self.t("counter_closed"))

        self._submit("close_counter", lambda: self.api.request("POST", f"/counters/{counter}/close").json(), done,
                     needs_stream=False, failed=self._keep_session)

    def logout(self) -> None:
        """Close the counters held here and log out; the workstation keeps its counter choice."""

        self._closing = self.session_id

        def done(_closed: Any) -> None:
            self._drop_login(self.t("logged_out"))

        self._submit("logout", lambda: self.api.request("POST", "/auth/logout").json(), done, needs_stream=False,
                     failed=self._keep_session)

    def _keep_session(self, _error: Exception) -> None:
        """Closing was refused (e.g. a citizen is still here): the session goes on."""
        self._closing = None

    def _leave_counter(self, reason: str) -> None:
        """Stop following the counter and go back to the counter choice."""
        self._close_stream()
        self._close_undo()
        self.state, self.session_id = None, None
        self._on_connection(False)
        self.counter_closed.emit(reason)

    def _drop_login(self, reason: str) -> None:
        """Forget the token and go back to the login screen."""
        self._close_stream()
        self._close_undo()
        self.state, self.session_id, self.api.token = None, None, None
        self._offer_takeover(None)
        self._on_connection(False)
        self.logged_out.emit(reason)

    def _session_ended(self, data: Message) -> None:
        """Our session at the counter ended elsewhere: say why, naming who took over (staff-only lookup)."""
        reason = str(data.get("reason") or "closed")
        if reason != "taken_over":
            self._leave_counter(self.t(f"lost_{reason}") if self.t.has(f"lost_{reason}") else self.t("lost_closed"))
            return
        counter = self.counter_id

        def holder() -> str:
            held = self.api.request("GET", f"/counters/{counter}/session").json()
            where = held.get("workstation") or "?"
            return self.t("lost_taken_over", name=held.get("clerk") or "?", workstation=where)

        def unknown(error: Exception) -> None:
            self._leave_counter(self.t("lost_taken_over", name="?", workstation="?"))

        self.calls.submit(holder, self._leave_counter, unknown)

    def _follow(self, counter: CounterOut) -> None:
        self._close_stream()
        self.state = CounterState(counter_id=counter.id, counter=counter.model_dump(mode="json"))
        url = stream_url(self.api.base_url, f"/ws/counters/{counter.id}")
        bridge = self.stream_factory(url, self.api.token or "")
        bridge.setParent(self)
        bridge.snapshot.connect(self._on_snapshot)
        bridge.message.connect(self._on_event)
        bridge.connection_changed.connect(self._on_connection)
        bridge.refused.connect(self._on_refused)
        self._bridge = bridge
        bridge.start()

    def shutdown(self) -> None:
        """Stop the stream and wait for calls in flight (on closing the window)."""
        self._close_stream()
        self.calls.wait(5000)

    def _close_stream(self) -> None:
        if self._bridge is not None:
            self._bridge.stop()
            self._bridge.setParent(None)
            self._bridge = None

    # Live stream -------------------------------------------------------------------------

    def _on_snapshot(self, message: Message) -> None:
        if self.state is not None:
            self.state.load_snapshot(message.get("data", {}))
            self.state_changed.emit(self.state)

    def _on_event(self, message: Message) -> None:
        data = message.get("data", {})
        if (
            message.get("type") == "counter.session" and data.get("state") == "closed"
            and self.session_id is not None and data.get("session") == self.session_id
            and self._closing != self.session_id
        ):
            self._session_ended(data)
            return
        if self.state is not None and self.state.apply(message):
            self.state_changed.emit(self.state)

    def _on_connection(self, connected: bool) -> None:
        if connected != self.online:
            self.online = connected
            self.online_changed.emit(connected)

    def _on_refused(self, reason: str) -> None:
        text = self.t("stream_refused", reason=reason)
        self.finished.emit("stream", False, text)
        self._drop_login(text)

    # Actions -----------------------------------------------------------------------------

    @property
    def counter_id(self) -> str:
        """The open counter's id, or '' before one is opened."""
        return self.state.counter_id if self.state else ""

    def call_next(self) -> None:
        """Call the most urgent citizen this counter serves."""
        counter = self.counter_id

        def done(ticket: TicketOut | None) -> None:
            if ticket is None:
                self.finished.emit("call_next", True, self.t("nobody_waiting"))
                return
            self._show_note(ticket)
            self._open_undo()
            self.finished.emit("call_next", True, self.t("called", number=ticket.number))

        self._submit("call_next", lambda: self.api.call_next(counter), done)

    def call_number(self, text: str) -> None:
        """Call a typed number, or the ticket whose QR code (status URL) a scanner typed."""
        counter, entry = self.counter_id, text.strip()
        if not entry:
            self.finished.emit("call_number", False, self.t("number_missing"))
            return

        def work() -> TicketOut:
            number = entry.upper()
            if "/t/" in entry:
                token = urlparse(entry).path.rstrip("/").rsplit("/", 1)[-1]
                number = self.api.ticket(token).number
            return self.api.call(counter, number)

        def done(ticket: TicketOut) -> None:
            self._show_note(ticket)
            self._open_undo()
            self.finished.emit("call_number", True, self.t("called", number=ticket.number))

        self._submit("call_number", work, done)

    def _show_note(self, ticket: TicketOut) -> None:
        """Show the transfer note the call's answer carries for this clerk."""
        if self.state is not None and ticket.note:
            self.state.remember_note(ticket.model_dump(mode="json"))
            self.state_changed.emit(self.state)

    def ticket_action(self, action: str) -> None:
        """recall, start, finish, no_show or park the current citizen."""
        counter, path = self.counter_id, TICKET_ACTIONS[action]

        def done(ticket: TicketOut) -> None:
            if action != "start":
                self._close_undo()
            if action == "recall" and ticket.status == "no_show":
                self.finished.emit(action, True, self.t("auto_no_show", number=ticket.number))
                return
            if action == "recall" and self.max_recalls and ticket.recalls >= self.max_recalls:
                # Say it before the press that marks the no-show, not after.
                text = self.t("done_recall", number=ticket.number) + " " + self.t("recall_last_warning")
                self.finished.emit(action, True, text)
                return
            self.finished.emit(action, True, self.t(f"done_{action}", number=ticket.number))

        self._submit(action, lambda: self.api.act(counter, path), done)

    def transfer(self, service: str, note: str) -> None:
        """Send the current citizen to another service's line, with an optional note."""
        counter = self.counter_id
        names = {s.id: s.name for s in self.site_services}

        def done(ticket: TicketOut) -> None:
            self._close_undo()
            self.finished.emit(
                "transfer", True, self.t("done_transfer", number=ticket.number, service=names.get(service, service))
            )

        self._submit("transfer", lambda: self.api.transfer(counter, service, note=note.strip() or None), done)

    def toggle_pause(self) -> None:
        """Pause the counter, or resume it when paused."""
        counter = self.counter_id
        pausing = not (self.state is not None and self.state.paused)

        def done(_counter: CounterOut) -> None:
            self.finished.emit("pause", True, self.t("paused" if pausing else "resumed"))

        self._submit("pause", lambda: self.api.set_paused(counter, pausing), done)

    def undo_call(self) -> None:
        """Take back the last call within the undo window."""
        if not self.can_undo:
            self.finished.emit("undo", False, self.t("undo_unavailable", seconds=int(self.undo_seconds)))
            return
        counter = self.counter_id

        def work() -> TicketOut:
            return TicketOut.model_validate(self.api.request("POST", f"/counters/{counter}/undo-call").json())

        def done(ticket: TicketOut) -> None:
            self._close_undo()
            self.finished.emit("undo", True, self.t("done_undo", number=ticket.number))

        self._submit("undo", work, done)

    def alarm(self, note: str = "") -> None:
        """Alert the supervisors silently."""
        counter = self.counter_id

        def work() -> Any:
            return self.api.request("POST", f"/counters/{counter}/alarm", json={"note": note or None}).json()

        self._submit("alarm", work, lambda _alarm: self.finished.emit("alarm", True, self.t("done_alarm")))

    # Undo window -------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        """Whether the last call may still be taken back."""
        return time.monotonic() < self._undo_until

    def _open_undo(self) -> None:
        self._undo_until = time.monotonic() + self.undo_seconds
        self._undo_timer.start(int(self.undo_seconds * 1000))
        self.undo_changed.emit(True)

    def _close_undo(self) -> None:
        if self._undo_until:
            self._undo_until = 0.0
            self._undo_timer.stop()
            self.undo_changed.emit(False)

    def _undo_expired(self) -> None:
        self._undo_until = 0.0
        self.undo_changed.emit(False)

    # Running calls -----------------------------------------------------------------------

    def _submit(
        self, action: str, work: Callable[[], Any], done: Callable[[Any], None], *, needs_stream: bool = True,
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run one call off the GUI thread; refuse at once when offline or when one is in flight."""
        if needs_stream and not self.counter_id:
            self.finished.emit(action, False, self.t("no_counter"))
            return
        if needs_stream and not self.online:
            # Refused rather than queued: a call made blindly later could call the wrong citizen.
            self.finished.emit(action, False, self.t("offline_refused", action=self.t(f"action_{action}")))
            return
        if self.busy:
            self.finished.emit(action, False, self.t("busy"))
            return
        self._set_busy(True)

        def on_done(result: Any) -> None:
            self._set_busy(False)
            done(result)

        def on_failed(error: Exception) -> None:
            self._set_busy(False)
            text = self.explain(action, error)
            self.finished.emit(action, False, text)
            if failed is not None:
                failed(error)
            if isinstance(error, ApiError) and error.status == 401 and action != "login":
                # The token expired or was refused: back to the login screen, keeping the counter choice.
                self._drop_login(text)

        self.calls.submit(work, on_done, on_failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)

    def explain(self, action: str, error: Exception) -> str:
        """A refusal in plain words: our text for known codes, plus the server's own explanation."""
        what = self.t(f"action_{action}")
        if isinstance(error, ServerUnreachable):
            return self.t("unreachable", action=what)
        if isinstance(error, ApiError):
            key = f"error_{error.code}"
            if error.status == 401 and action != "login":
                key = "error_session"
            if self.t.has(key):
                return f"{self.t(key)} ({error.message})"
            return self.t("refused", action=what, reason=error.message)
        log.exception("unexpected failure in %s", action, exc_info=error)
        return self.t("failed", action=what, reason=str(error))
