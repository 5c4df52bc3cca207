"""Display state: a snapshot sets it silently; only events newer than what was shown are new calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CALL_EVENTS = frozenset({"ticket.called", "ticket.recalled"})


@dataclass(frozen=True)
class Call:
    """One call on the screen: a number sent to a counter."""

    number: str
    counter: str
    counter_name: str
    service: str
    recall: bool = False
    seq: int | None = None
    called_at: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str | None, bool]:
        """Tells one call from another of the same number (a recall, or a call after an undo)."""
        return self.number, self.called_at, self.recall
    # The citizen cannot hear calls: shown longer and more prominently.
    visual: bool = False
    # The language the citizen chose at the kiosk: the call is also spoken in it.
    language: str = "de"
    # Where the counter is, per language ("Raum 110 · 1. OG · …"); compared by number and counter only.
    location: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_ticket(cls, data: dict[str, Any], *, recall: bool = False, seq: int | None = None) -> Call:
        """Build from a public ticket (event data or a snapshot's calls)."""
        return cls(
            number=str(data["number"]),
            counter=str(data.get("counter") or ""),
            counter_name=str(data.get("counter_name") or ""),
            service=str(data.get("service") or ""),
            recall=recall or int(data.get("recalls") or 0) > 0,
            seq=seq,
            called_at=str(data["called_at"]) if data.get("called_at") else None,
            visual=bool(data.get("visual_call")),
            language=str(data.get("language") or "de"),
            location={str(k): str(v) for k, v in (data.get("counter_location") or {}).items()},
        )


@dataclass(frozen=True)
class Line:
    """One service's waiting line as the display lists it."""

    id: str
    names: dict[str, str]
    waiting: int
    eta_minutes: tuple[int, int] | None
    open: bool
    served_now: bool = True
    served_from_time: str | None = None
    # A supervisor closed the service for the rest of the day, with this message per language.
    closed_message: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def name(self, language: str) -> str:
        """The service's name in a language, German when it has none."""
        return self.names.get(language) or self.names.get("de") or self.id


@dataclass(frozen=True)
class Outcome:
    """What one event did: calls to present as new, and whether the screen changed."""

    fresh: tuple[Call, ...] = ()
    changed: bool = False


@dataclass
class DisplayState:
    """What one display shows, filtered to some services and counters."""

    services: Sequence[str] = ()
    counters: Sequence[str] = ()
    keep: int = 7
    seq: int | None = None
    site: dict[str, Any] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def shows(self, call: Call) -> bool:
        """Whether a call belongs on this display."""
        if not call.counter:
            return False
        if self.services and call.service not in self.services:
            return False
        return not (self.counters and call.counter not in self.counters)

    def apply_snapshot(self, message: dict[str, Any], *, missed_seconds: float = 0.0) -> tuple[Call, ...]:
        """Replace everything from a snapshot; returns, oldest first, the calls it shows that were made
        while this display was away and are at most `missed_seconds` old. A first snapshot is silent."""
        known = None if self.seq is None else {call.key for call in self.calls}
        data = message["data"]
        self.seq = int(message["seq"])
        self.site = dict(data.get("site") or {})
        self._set_lines(data.get("services") or [])
        calls = [Call.from_ticket(t) for t in data.get("calls") or []]
        self.calls = [c for c in calls if self.shows(c)][: self.keep]
        if known is None or missed_seconds <= 0 or not message.get("at"):
            return ()
        now = datetime.fromisoformat(str(message["at"]))
        return tuple(
            call for call in reversed(self.calls)
            if call.key not in known and call.called_at is not None
            and (now - datetime.fromisoformat(call.called_at)).total_seconds() <= missed_seconds
        )

    def apply_event(self, message: dict[str, Any]) -> Outcome:
        """Apply one event; a call is new only if its seq is newer than anything applied before."""
        seq = int(message.get("seq", -1))
        if self.seq is None or seq <= self.seq:
            return Outcome()
        self.seq = seq
        kind = message.get("type")
        data = message.get("data") or {}
        if kind in CALL_EVENTS:
            call = Call.from_ticket(data, recall=kind == "ticket.recalled", seq=seq)
            if not self.shows(call):
                return Outcome()
            self.calls = [call, *(c for c in self.calls if c.number != call.number)][: self.keep]
            return Outcome(fresh=(call,), changed=True)
        if kind == "ticket.requeued":
            # The clerk undid the call: it must vanish from the screen, the citizen is waiting again.
            kept = [c for c in self.calls if c.number != data.get("number")]
            changed, self.calls = len(kept) != len(self.calls), kept
            return Outcome(changed=changed)
        if kind == "queue.changed":
            self._set_lines(data.get("services") or [])
            return Outcome(changed=True)
        return Outcome()

    def _set_lines(self, services: list[dict[str, Any]]) -> None:
        self.lines = [
            Line(
                id=s["id"],
                names=dict(s.get("names") or {"de": s.get("name", s["id"])}),
                waiting=int(s.get("waiting") or 0),
                eta_minutes=tuple(s["eta_minutes"]) if s.get("eta_minutes") else None,
                open=bool(s.get("open", True)),
                served_now=bool(s.get("served_now", True)),
                served_from_time=s.get("served_from_time"),
                closed_message=dict(s.get("closed_message") or {}),
            )
            for s in services
            if not self.services or s["id"] in self.services
        ]

    @property
    def current(self) -> Call | None:
        """The newest call, shown large."""
        return self.calls[0] if self.calls else None

    @property
    def recent(self) -> list[Call]:
        """The calls before the newest one."""
        return self.calls[1:]

    @property
    def timezone(self) -> str:
        """The site's time zone for the clock."""
        return str(self.site.get("timezone") or "Europe/Berlin")
