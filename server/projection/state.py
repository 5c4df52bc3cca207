"""One site's display state, and how each public event changes it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from server.events.envelope import Envelope, EventType
from server.privacy import COUNTER, NOTICES, QUEUE, TICKET, allowed

# Events that move a ticket to the front of the recent calls.
CALLING = frozenset({EventType.ticket_called.value, EventType.ticket_recalled.value})
# Events that change a ticket already on the display in place (its status, its counter).
TICKET_IN_PLACE = frozenset({
    EventType.ticket_serving.value, EventType.ticket_finished.value, EventType.ticket_no_show.value,
    EventType.ticket_cancelled.value, EventType.ticket_parked.value,
})
# Events that never change what a display shows (their effects arrive as queue.changed or counter.changed).
NO_EFFECT = frozenset({
    EventType.ticket_created.value, EventType.ticket_checked_in.value, EventType.device_status.value,
    EventType.appointment_booked.value, EventType.appointment_cancelled.value,
    EventType.appointment_checked_in.value, EventType.appointment_no_show.value,
    EventType.service_closed.value, EventType.service_reopened.value,
})

# Writes a moment exactly as the envelopes' JSON does.
MOMENT = TypeAdapter(datetime)


@dataclass
class SiteState:
    """A site's display snapshot as of event `seq`, built from the database at `made` and updated by events since."""

    site_id: str
    seq: int
    made: datetime
    recent: int
    data: dict[str, Any]
    # The services list per language, as of `seq`; German comes with every queue.changed.
    services: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Set when an event could not be applied: the next reader reloads from the database.
    stale: bool = False
    # The snapshot message's JSON after its `at`, encoded once per seq and shared by every client.
    _tail: str | None = None
    _turns: datetime | None = None
    _turns_seq: int = -1

    def apply(self, envelope: Envelope) -> None:
        """Bring the state to the envelope's seq; anything not understood, or a gap, marks it stale."""
        if self.stale or envelope.seq <= self.seq:
            return
        if envelope.seq != self.seq + 1:
            self.stale = True  # a gap: what was missed is in the database
            return
        self.seq = envelope.seq
        self._tail = None
        self.services = {language: lines for language, lines in self.services.items() if language == "de"}
        self.stale = not self._change(envelope.type, envelope.data)

    def _change(self, type: str, data: dict[str, Any]) -> bool:
        """Apply one event's data; False when the state cannot follow it without the database."""
        if type.startswith("ticket."):
            self._follow_at_counters(allowed(TICKET, data))
        if type == EventType.queue_changed:
            # Events are public already (events.log); filtering again keeps the snapshot so if that ever changes.
            data = allowed(QUEUE, data)
            self.data["services"], self.data["lines"] = data["services"], data["lines"]
            self.services["de"] = data["services"]
            return True
        if type == EventType.counter_changed:
            return self._replace(self.data["counters"], allowed(COUNTER, data))
        if type == EventType.notices_changed:
            self.data["notices"] = allowed(NOTICES, data)["notices"]
            return True
        if type in CALLING:
            calls = [call for call in self.data["calls"] if call.get("id") != data.get("id")]
            self.data["calls"] = [allowed(TICKET, data), *calls][: self.recent]
            return True
        if type in TICKET_IN_PLACE:
            self._replace(self.data["calls"], allowed(TICKET, data))
            return True
        if type.startswith("ticket."):
            # Moved elsewhere (transferred, requeued, expired): only a ticket on the display needs a reload.
            return all(call.get("id") != data.get("id") for call in self.data["calls"])
        return type in NO_EFFECT

    def _follow_at_counters(self, ticket: dict[str, Any]) -> None:
        """A counter's current ticket changes with the ticket's own events (a recall sends no counter.changed)."""
        for counter in self.data["counters"]:
            current = counter.get("current")
            if current is not None and current.get("id") == ticket.get("id"):
                counter["current"] = ticket

    @staticmethod
    def _replace(items: list[dict[str, Any]], item: dict[str, Any]) -> bool:
        """Swap the entry with the same id for `item`; False if there is none."""
        for index, existing in enumerate(items):
            if existing.get("id") == item.get("id"):
                items[index] = item
                return True
        return False

    def turns_at(self) -> datetime | None:
        """The next moment the state changes by the clock alone: a notice starts or expires, a service resumes."""
        if self._turns_seq != self.seq:
            self._turns, self._turns_seq = self._next_turn(), self.seq
        return self._turns

    def _next_turn(self) -> datetime | None:
        moments = [notice.get(key) for notice in self.data.get("notices", []) for key in ("starts_at", "expires_at")]
        moments += [service.get("served_from") for service in self.data.get("services", [])]
        ahead = [moment for text in moments if text and (moment := datetime.fromisoformat(text)) > self.made]
        return min(ahead, default=None)

    def snapshot_text(self, at: datetime) -> str:
        """The snapshot message as JSON text, as `Envelope.text` writes it; `at` is the server's clock for clients."""
        if self._tail is None:
            self._tail = json.dumps({"site": self.site_id, "data": self.data}, ensure_ascii=False,
                                    separators=(",", ":"))[1:]
        stamp = MOMENT.dump_json(at).decode()
        return f'{{"seq":{self.seq},"type":"{EventType.snapshot.value}","at":{stamp},{self._tail}'
