"""The kiosk's screens and the facts the core hands to whoever renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from client.api import ApiError
from hardware import PrinterHealth, PrinterState, PrintReceipt
from server.tickets.schemas import TicketOut


class Screen(StrEnum):
    """What the kiosk shows; the core moves between these and nothing else does."""

    STARTING = "starting"
    WELCOME = "welcome"
    SERVICES = "services"
    CHECK_IN = "check_in"
    ISSUING = "issuing"
    CONFIRMATION = "confirmation"
    # A ticket drawn from a phone was checked in: its number and that it will be called.
    CHECKED_IN = "checked_in"
    MESSAGE = "message"
    OUT_OF_ORDER = "out_of_order"


# Screens a citizen may be in the middle of: they return to the start after `idle_seconds`.
INTERACTIVE = frozenset({Screen.SERVICES, Screen.CHECK_IN})
# Screens that show a result: they return to the start after `confirmation_seconds`.
RESULT = frozenset({Screen.CONFIRMATION, Screen.CHECKED_IN, Screen.MESSAGE})
# Screens from which a lost connection may take the kiosk out of order at once.
IDLE = frozenset({Screen.STARTING, Screen.WELCOME, Screen.SERVICES, Screen.CHECK_IN, Screen.MESSAGE})


@dataclass
class PendingRequest:
    """One touch (or scan) that should become exactly one ticket, until the server answers."""

    kind: str  # "draw", "check_in" (a booking) or "remote_check_in" (a ticket drawn from a phone)
    language: str
    key: str  # the Idempotency-Key, kept for every retry of this touch
    touched_at: float  # time.perf_counter() of the touch, for the latency figure
    service: str | None = None
    code: str | None = None
    attempts: int = 0
    # A try whose answer was lost may have made the ticket: then only the server can say (same key again).
    unsettled: bool = False
    visual_call: bool = False  # the citizen cannot hear calls


@dataclass(frozen=True)
class Issued:
    """A ticket the server issued, and whether it reached paper."""

    ticket: TicketOut
    service_name: str
    language: str
    appointment: bool = False
    receipt: PrintReceipt | None = None
    # Why it did not print, as a `printer.*` message key; None when printed.
    fault: str | None = None
    seconds_to_print: float | None = None

    @property
    def printed(self) -> bool:
        """Whether the ticket came out of the printer."""
        return self.receipt is not None

    @property
    def wait_outside(self) -> bool:
        """Whether the waiting room was full: the citizen may wait outside and follow the ticket by phone."""
        return self.ticket.wait_outside


@dataclass(frozen=True)
class Message:
    """A short notice in the citizen's language, e.g. an unknown booking code."""

    key: str
    language: str
    error: ApiError | None = field(default=None, compare=False)


# How the printer's condition maps onto the server's `device.status` states.
SERVER_PRINTER_STATE: dict[PrinterState, str] = {
    PrinterState.ONLINE: "ok",
    PrinterState.PAPER_NEAR_END: "paper_near_end",
    PrinterState.PAPER_OUT: "paper_out",
    PrinterState.COVER_OPEN: "cover_open",
    PrinterState.OFFLINE: "offline",
    # Transports that cannot read status still print; staff get the detail, not an alarm.
    PrinterState.UNKNOWN: "ok",
}


def fault_key(health: PrinterHealth | None) -> str:
    """The `printer.*` message key that names a printer's problem for citizens."""
    if health is None or health.state is PrinterState.ONLINE:
        return "printer.unknown"
    return f"printer.{health.state.value}"
