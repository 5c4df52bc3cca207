"""The counter's live picture, built from the counter websocket's snapshot and events; no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Message = dict[str, Any]
# Ticket events after which a parked ticket is no longer parked.
TICKET_EVENTS = frozenset(
    {
        "ticket.called", "ticket.recalled", "ticket.serving", "ticket.finished", "ticket.no_show",
        "ticket.cancelled", "ticket.parked", "ticket.transferred", "ticket.requeued", "ticket.expired",
    }
)


@dataclass(frozen=True)
class Line:
    """One service this counter may serve, with its waiting figures."""

    id: str
    name: str
    waiting: int
    longest_wait_minutes: int
    active: bool


@dataclass
class CounterState:
    """Everything the work screen shows."""

    counter_id: str
    counter: Message = field(default_factory=dict)
    services: list[Message] = field(default_factory=list)
    parked: list[Message] = field(default_factory=list)
    served_today: int = 0
    current: Message | None = None
    # When the current ticket was first called here; a recall does not restart the timer.
    current_since: datetime | None = None
    # Transfer notes by ticket id: staff-only, so they come with the counter's own answers, never with events.
    notes: dict[int, str] = field(default_factory=dict)

    @property
    def current_note(self) -> str:
        """The note left for the current citizen by the clerk who sent them here, or ''."""
        return self.notes.get(int(self.current.get("id", 0)), "") if self.current else ""

    def remember_note(self, ticket: Message) -> None:
        """Keep a ticket's transfer note from a staff answer (a call, the counter snapshot)."""
        if ticket.get("note"):
            self.notes[int(ticket["id"])] = str(ticket["note"])

    @property
    def status(self) -> str:
        """closed, open or paused."""
        return str(self.counter.get("status", "closed"))

    @property
    def paused(self) -> bool:
        """Whether the counter is paused."""
        return self.status == "paused"

    def lines(self) -> list[Line]:
        """The counter's services in its order, with waiting figures; active ones marked."""
        allowed = list(self.counter.get("services", []))
        chosen = set(self.counter.get("active_services", [])) or set(allowed)
        by_id = {s["id"]: s for s in self.services}
        return [
            Line(
                id=key,
                name=str(by_id[key].get("name", key)),
                waiting=int(by_id[key].get("waiting", 0)),
                longest_wait_minutes=int(by_id[key].get("longest_wait_minutes", 0)),
                active=key in chosen,
            )
            for key in allowed
            if key in by_id
        ]

    def load_snapshot(self, data: Message) -> None:
        """Replace everything with a snapshot's data."""
        self.counter = dict(data.get("counter", {}))
        self.services = list(data.get("services", []))
        self.parked = list(data.get("parked", []))
        self.served_today = int(data.get("served_today", 0))
        if self.counter.get("current"):
            self.remember_note(self.counter["current"])
        self._set_current(self.counter.get("current"))

    def apply(self, message: Message) -> bool:
        """Fold one event into the picture; True when something shown changed."""
        kind, data = message.get("type"), message.get("data", {})
        if kind == "queue.changed":
            self.services = list(data.get("services", self.services))
            return True
        if kind == "counter.changed":
            if data.get("id") != self.counter_id:
                return False
            self.counter = dict(data)
            self._set_current(data.get("current"))
            return True
        if kind in TICKET_EVENTS:
            return self._apply_ticket(str(kind), data)
        return False

    def _apply_ticket(self, kind: str, ticket: Message) -> bool:
        changed = False
        if any(p.get("id") == ticket.get("id") for p in self.parked):
            self.parked = [p for p in self.parked if p.get("id") != ticket.get("id")]
            changed = True
        if kind == "ticket.parked":
            self.parked.append(ticket)
            changed = True
        if kind == "ticket.finished" and ticket.get("counter") == self.counter_id:
            self.served_today += 1
            changed = True
        if self.current is not None and ticket.get("id") == self.current.get("id"):
            self._set_current(ticket if ticket.get("status") in ("called", "serving") else None)
            changed = True
        return changed

    def _set_current(self, ticket: Message | None) -> None:
        if ticket is None:
            self.current, self.current_since = None, None
            return
        if self.current is None or self.current.get("id") != ticket.get("id"):
            called = ticket.get("called_at")
            self.current_since = datetime.fromisoformat(called) if called else None
        self.current = dict(ticket)
